"""Tables for the agency's privacy policy as the portal enforces it: what intake collects, why, to whom
data may go, each disclosure made with its basis, and each youth's acknowledgement of the notice."""
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class AgencyPolicy(SQLModel, table=True):
    """One per agency. Absent means the defaults in portal/policy/settings.py."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", unique=True)
    # Client fields intake may leave out until a packet needs them: {"status_in_canada": "when_needed", ...}
    collection: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    purposes: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    # To whom data may go outside the agency and on what basis: [{"recipient": "ircc", "bases": ["consent"]}]
    recipients: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    privacy_contact: str = Field(default="", max_length=500)
    updated_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow)


class Disclosure(SQLModel, table=True):
    """Personal information that left the agency: to whom, why, and on what basis (never without one)."""

    __table_args__ = (Index("ix_disclosure_agency_date", "agency_id", "disclosed_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    # Named so access.scope() limits by agency only: exports concern many clients, or none.
    client_file_id: uuid.UUID | None = Field(default=None, foreign_key="client.id", index=True)
    kind: str = Field(max_length=30)  # referral_out | export | ircc_submission | records_request
    recipient: str = Field(max_length=30)  # ircc | partner | person | court | researcher | other
    recipient_name: str = Field(default="", max_length=200)
    basis: str = Field(max_length=20)  # consent | legal_duty | court_order | anonymised
    citation: str = Field(default="", max_length=500)  # the law or order relied on, or the consent's date
    detail: str = Field(default="", max_length=500)  # record ids and counts, never content
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    disclosed_at: datetime = Field(default_factory=utcnow)


class NoticeAcknowledgement(SQLModel, table=True):
    """The youth was shown or given the privacy notice, in a language, on a date."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    language: str = Field(max_length=5)
    how: str = Field(max_length=20)  # shown | given_printed | youth_portal
    acknowledged_on: date
    notice_version: str = Field(max_length=64)  # a digest of the notice's text as shown
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class FieldCollection(SQLModel, table=True):
    """A client field the policy holds back at intake, asked later because an application needs it."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    field: str = Field(max_length=40)
    purpose: str = Field(max_length=300)  # the application it is for, in words
    packet_id: uuid.UUID | None = Field(default=None, foreign_key="packet.id")
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow)
