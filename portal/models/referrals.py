"""Tables for referrals into the centre, the partner directory and referrals out to partners."""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class ReferralStatus(StrEnum):
    new = "new"
    info_requested = "info_requested"
    accepted = "accepted"
    declined = "declined"
    consulted = "consulted"  # answered as a consultation: advice given, no file opened


class Referral(SQLModel, table=True):
    """A referral from a worker of another agency, addressed to the centre agency (agency_id)."""

    __table_args__ = (Index("ix_referral_agency_status", "agency_id", "status", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    reference: str = Field(max_length=20, unique=True, index=True)  # REF-7K3Q-9M2D, random
    channel: str = Field(default="online", max_length=10)  # online | phone | email
    status: str = Field(default=ReferralStatus.new, max_length=20)
    referrer_agency: str = Field(max_length=200)
    referrer_name: str = Field(max_length=200)
    referrer_email: str = Field(default="", max_length=254)
    referrer_phone: str = Field(default="", max_length=40)
    child_name: str = Field(max_length=60)  # first name or initials only
    child_age: int | None = None
    child_date_of_birth: date | None = None
    region: str = Field(max_length=60)
    language: str = Field(default="", max_length=60)
    concern: str = Field(max_length=40)
    concern_detail: str = Field(default="", max_length=2000)
    urgency: str = Field(default="none", max_length=20)  # none | turning_18 | removal | other
    urgency_date: date | None = None
    urgency_note: str = Field(default="", max_length=500)
    consent: str = Field(max_length=20)  # obtained | without
    legal_basis: str = Field(default="", max_length=1000)
    # Named so access.scope() limits referrals by agency only: the queue belongs to the centre's staff.
    client_file_id: uuid.UUID | None = Field(default=None, foreign_key="client.id")
    entered_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    decision_reason: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ReferralEvent(SQLModel, table=True):
    """One step in a referral's history: received, information requested, accepted, declined, note."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    referral_id: uuid.UUID = Field(foreign_key="referral.id", index=True)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=30)
    note: str = Field(default="", max_length=1000)
    notified: bool = False  # the referring worker was emailed about this step
    created_at: datetime = Field(default_factory=utcnow)


class Partner(SQLModel, table=True):
    """A service the agency refers clients to: a legal clinic, a settlement agency, a local partnership..."""

    __table_args__ = (Index("ix_partner_agency_kind", "agency_id", "active", "kind"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=30)  # legal_clinic | pro_bono | settlement | lip | other
    region: str = Field(max_length=60)
    services: str = Field(default="", max_length=1000)
    languages: str = Field(default="", max_length=300)
    contact_name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    website: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=500)
    notes: str = Field(default="", max_length=1000)
    active: bool = True
    updated_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ReferralOut(SQLModel, table=True):
    """A client referred by the agency to a partner: to whom, why, when, and what came of it."""

    __table_args__ = (Index("ix_referral_out_agency_date", "agency_id", "referred_on"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    reason: str = Field(max_length=1000)
    referred_on: date
    outcome: str = Field(default="pending", max_length=20)  # pending | connected | waitlisted | declined | no_response
    outcome_note: str = Field(default="", max_length=1000)
    created_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
