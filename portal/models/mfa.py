"""Tables for staff two-step sign-in: the authenticator secret and the single-use recovery codes."""
import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class StaffMfa(SQLModel, table=True):
    """One staff member's authenticator (RFC 6238). A new secret waits in `pending_secret` until a code from it
    proves the enrolment, so setting up a new phone never leaves the account without a working second step."""

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    secret: str = Field(default="", max_length=64)  # base32; "" until the first enrolment is confirmed
    pending_secret: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
    # The last time step a code was accepted for: a code is spent by a conditional UPDATE raising it.
    last_step: int = 0


class RecoveryCode(SQLModel, table=True):
    """A single-use code for when the authenticator is lost. Only a hash is kept (the codes are random)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    used_at: datetime | None = None
