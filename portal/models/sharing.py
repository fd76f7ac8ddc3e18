"""Consent-gated sharing with a partner: which fields the youth agreed to share, and the partner's link."""
import uuid
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class PartnerShare(SQLModel, table=True):
    """What one referral out shares with the partner, on the youth's consent, through an expiring link.

    The link's token and the partner's one-time code are stored as SHA-256 only. Withdrawing consent,
    expiry or the partner's decision ends the link; nothing is shared after that."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    referral_out_id: uuid.UUID = Field(foreign_key="referralout.id", unique=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    fields: str = Field(max_length=500)  # space-separated keys of portal.referrals.sharing.SHAREABLE
    consent_on: date
    consent_how: str = Field(max_length=20)  # in_person | phone | youth_portal
    consent_recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    sent_to: str = Field(max_length=254)  # the partner's address in the directory when the link was sent
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime
    code_hash: str = Field(default="", max_length=64)
    code_expires_at: datetime | None = None
    code_attempts: int = 0
    codes_sent: int = 0
    verified_at: datetime | None = None
    decision: str = Field(default="", max_length=20)  # accepted | declined
    decision_note: str = Field(default="", max_length=1000)
    decided_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawn_note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
