"""Privacy incidents (breaches): what happened, whose records, containment, and who was told when."""
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class PrivacyIncident(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    summary: str = Field(max_length=4000)  # what happened
    found_on: date
    containment: str = Field(default="", max_length=4000)
    client_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class IncidentNotice(SQLModel, table=True):
    """Someone told of an incident: an affected person (client_id) or a body (the Commissioner, a parent)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    incident_id: uuid.UUID = Field(foreign_key="privacyincident.id", index=True)
    client_id: uuid.UUID | None = Field(default=None, foreign_key="client.id")
    recipient: str = Field(max_length=300)
    method: str = Field(default="", max_length=100)  # letter, email, phone, in person
    notified_on: date
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
