"""Tables for records management: access requests (a person asks for everything held about them) and the
backups made, with the encryption keys each needs (a key is retired only when no backup needs it)."""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class ArchiveStatus(StrEnum):
    queued = "queued"
    building = "building"
    ready = "ready"
    failed = "failed"
    expired = "expired"


class AccessRequest(SQLModel, table=True):
    """A person's request for everything held about them, and the archive built to answer it."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    received_on: date
    due_on: date  # received + 30 days (CYFSA Part X)
    answered_on: date | None = None
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    status: str = Field(default=ArchiveStatus.queued, max_length=20)
    progress: int = 0
    job_id: str | None = Field(default=None, max_length=100)
    error: str = Field(default="", max_length=500)
    storage_key: str | None = Field(default=None, max_length=100)  # the zip, encrypted in the file store
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    expires_at: datetime | None = None  # the download link stops working, and the archive is deleted
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class BackupRecord(SQLModel, table=True):
    """A backup written by `flask backup`: the key ids needed to restore it (its own and its files')."""

    id: str = Field(primary_key=True, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    location: str = Field(default="", max_length=1000)
    database: str = Field(default="", max_length=20)  # sqlite | postgresql
    key_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    files: int = 0
    discarded_at: datetime | None = None  # the operator destroyed it: its keys are no longer needed for it
