"""Tables for youth participation: invitations to a packet, one-time sign-in codes, signatures."""
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class Invitation(SQLModel, table=True):
    """A one-time link inviting a youth (or adult client) to their packet. Only the token's hash is kept."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    packet_id: uuid.UUID | None = Field(default=None, foreign_key="packet.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    channel: str = Field(default="qr", max_length=10)  # email | qr
    sent_to: str = Field(default="", max_length=254)  # the address the link was emailed to
    created_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    used_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    revoked_at: datetime | None = None


class SignInCode(SQLModel, table=True):
    """A short-lived code for agencies whose youth sign in with a code each time instead of a password."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    expires_at: datetime
    attempts: int = 0
    used_at: datetime | None = None


class Signature(SQLModel, table=True):
    """A declaration confirmed on the signer's own device; voided when an answer it covered changes."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    signer_key: str = Field(max_length=60)
    user_id: uuid.UUID = Field(foreign_key="user.id")
    typed_name: str = Field(max_length=200)
    signed_on: date  # the date the signer wrote
    signed_at: datetime = Field(default_factory=utcnow)
    method: str = Field(default="typed", max_length=20)  # typed | typed_and_drawn
    # Optional drawn signature: SVG path data in a 300 x 100 box ("M12 40 L13 41 ...").
    drawing: str = Field(default="", max_length=20000)
    revision: int = 1
    # The answers the declaration covered, and a digest of their values when signed.
    covered_fields: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    answers_digest: str = Field(max_length=64)
    voided_at: datetime | None = None
    void_reason: str = Field(default="", max_length=40)  # answer_changed | withdrawn_by_staff
    voided_fields: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
