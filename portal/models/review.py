"""Tables of the review area: comments, approvals (frozen snapshots), IRCC milestones, time in each state."""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.models.core import new_id, utcnow


class ReviewComment(SQLModel, table=True):
    """A reviewer's comment on one field (target_kind "field") or one section (target_kind "section")."""

    __table_args__ = (Index("ix_reviewcomment_packet_open", "packet_id", "resolved_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    revision: int = 1
    target: str = Field(max_length=80)  # a field name or a step key of the packet type
    target_kind: str = Field(default="field", max_length=10)
    body: str = Field(max_length=2000)
    author_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")


class PacketApproval(SQLModel, table=True):
    """One approved revision, frozen: the answers and documents as approved, and the final render."""

    __table_args__ = (UniqueConstraint("packet_id", "revision"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    revision: int
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    # [{"id", "checklist_item", "filename", "sha256"}] as attached when approved
    documents: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    render_id: uuid.UUID | None = Field(default=None, foreign_key="render.id")
    sha256: str | None = Field(default=None, max_length=64)  # the final PDF's, copied once the render is done
    approved_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime = Field(default_factory=utcnow)


class PacketContributor(SQLModel, table=True):
    """Who changed a packet's answers in a revision: they may not approve it (unless the agency allows)."""

    __table_args__ = (UniqueConstraint("packet_id", "revision", "user_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    revision: int = 1
    user_id: uuid.UUID = Field(foreign_key="user.id")
    last_at: datetime = Field(default_factory=utcnow)


class MilestoneKind(StrEnum):
    submitted = "submitted"
    acknowledged = "acknowledged"  # acknowledgement of receipt, with the application number
    biometrics = "biometrics"  # request, with the appointment date
    interview = "interview"  # interview or test
    documents_requested = "documents_requested"  # with a due date
    decision = "decision"  # approved, refused, returned as incomplete


class Milestone(SQLModel, table=True):
    """Submission and IRCC's answers, in columns so deadlines and outcomes are plain SQL."""

    __table_args__ = (
        Index("ix_milestone_agency_kind_due", "agency_id", "kind", "due_on"),
        Index("ix_milestone_agency_kind_on", "agency_id", "kind", "occurred_on", "outcome"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    revision: int = 1
    kind: str = Field(max_length=30)
    occurred_on: date  # the date on IRCC's letter, or the date it was sent
    due_on: date | None = None  # documents requested: the due date; biometrics / interview: the appointment
    reference: str = Field(default="", max_length=60)  # application number or tracking number
    method: str = Field(default="", max_length=30)  # submission: online | mail | courier | in_person
    outcome: str | None = Field(default=None, max_length=30)  # decision: approved | refused | returned
    note: str = Field(default="", max_length=2000)
    done_on: date | None = None  # documents requested: when they were sent
    # Submission online: IRCC's acknowledgement (AOR) as uploaded, encrypted in the file store
    attachment_key: str | None = Field(default=None, max_length=100)
    attachment_name: str = Field(default="", max_length=255)
    attachment_type: str = Field(default="", max_length=100)
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class StatusSpell(SQLModel, table=True):
    """One stretch of time a packet spent in one state, written when it leaves that state."""

    __table_args__ = (Index("ix_statusspell_agency_left", "agency_id", "left_at", "status", "days"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    status: str = Field(max_length=30)
    entered_at: datetime
    left_at: datetime
    days: float = 0.0


class StateTimeMonth(SQLModel, table=True):
    """Stays finished per month, state, packet type and caseworker, kept up to date by the lifecycle, so the
    dashboard's "time in each state" reads a few hundred rows instead of every stay."""

    __table_args__ = (UniqueConstraint("agency_id", "month", "status", "packet_type", "owner"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    month: str = Field(max_length=7)  # YYYY-MM of the day the stay ended
    status: str = Field(max_length=30)
    packet_type: str = Field(max_length=40)
    owner: str = Field(default="", max_length=36)  # the caseworker's id then, "" for none
    stays: int = 0
    days: float = 0.0  # the stays' total


class OutcomeMonth(SQLModel, table=True):
    """IRCC decisions per month, outcome, packet type and caseworker, kept up to date by the lifecycle."""

    __table_args__ = (UniqueConstraint("agency_id", "month", "outcome", "packet_type", "owner"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    month: str = Field(max_length=7)  # YYYY-MM of the decision
    outcome: str = Field(max_length=30)
    packet_type: str = Field(max_length=40)
    owner: str = Field(default="", max_length=36)
    decisions: int = 0
