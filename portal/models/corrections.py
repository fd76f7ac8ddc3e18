"""Correction requests: a person asks for a field of their client file to be corrected (CYFSA Part X)."""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class CorrectionStatus(StrEnum):
    open = "open"
    corrected = "corrected"
    disagreement = "disagreement"  # refused; the person's statement of disagreement is attached to the field


class CorrectionRequest(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    field: str = Field(max_length=40)  # a name from portal.privacy.corrections.FIELDS
    value_when_asked: str = Field(default="", max_length=2000)
    requested_value: str = Field(default="", max_length=2000)
    reason: str = Field(default="", max_length=2000)
    received_on: date
    status: str = Field(default=CorrectionStatus.open, max_length=20)
    corrected_value: str = Field(default="", max_length=2000)  # what the field says now, when corrected
    statement: str = Field(default="", max_length=4000)  # the statement of disagreement, in the person's words
    decision_note: str = Field(default="", max_length=2000)  # why, as told to the person
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    decided_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = None
    told_by: str = Field(default="", max_length=20)  # portal | letter
    created_at: datetime = Field(default_factory=utcnow)
