"""Tables for consultations (advice given to another agency's worker without opening a file) and the
agency's resource library (plain-language guides and practice notes)."""
import uuid
from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class Consultation(SQLModel, table=True):
    """Advice the centre gave about a case it did not take: the question, the advice and its sources."""

    __table_args__ = (Index("ix_consultation_agency_date", "agency_id", "consulted_on"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    reference: str = Field(max_length=20, unique=True, index=True)  # CON-7K3Q-9M2D, random
    # From a referral answered as a consultation, or none for a call entered by staff.
    referral_id: uuid.UUID | None = Field(default=None, foreign_key="referral.id", unique=True)
    # Named so access.scope() limits consultations by agency only: there is no client file until one is opened.
    client_file_id: uuid.UUID | None = Field(default=None, foreign_key="client.id")
    channel: str = Field(default="phone", max_length=10)  # referral | phone | email | meeting
    asker_agency: str = Field(max_length=200)
    asker_name: str = Field(max_length=200)
    asker_contact: str = Field(default="", max_length=254)
    topic: str = Field(max_length=40)  # one of the referral concerns
    question: str = Field(max_length=4000)
    advice: str = Field(max_length=8000)
    sources: str = Field(default="", max_length=2000)
    minutes_spent: int = 0
    consulted_on: date
    staff_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ConsultationFollowUp(SQLModel, table=True):
    """Something promised during a consultation, with the date it is due and who does it."""

    __table_args__ = (Index("ix_followup_open", "agency_id", "done_on", "due_on"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    consultation_id: uuid.UUID = Field(foreign_key="consultation.id", index=True)
    what: str = Field(max_length=500)
    due_on: date
    assigned_to_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Guide(SQLModel, table=True):
    """One page of the agency's resource library, written in Markdown by its staff."""

    __table_args__ = (UniqueConstraint("agency_id", "slug", "language", name="uq_guide_slug_language"),
                      Index("ix_guide_agency_audience", "agency_id", "audience", "language"))

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    slug: str = Field(max_length=80)  # the same slug joins a guide's English and French versions
    language: str = Field(default="en", max_length=5)
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=500)
    audience: str = Field(default="youth", max_length=20)  # youth (youth and families) | staff (practice note)
    packet_types: str = Field(default="", max_length=500)  # space-separated packet type keys it helps with
    body: str = Field(max_length=40000)  # Markdown; raw HTML is shown as text
    sources: str = Field(default="", max_length=4000)  # Markdown list of sources
    published: bool = True
    reviewed_on: date | None = None
    updated_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
