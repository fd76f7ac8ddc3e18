"""The tables. Every case record carries agency_id so one helper can scope every query.

Ids in URLs are UUIDs; audit rows use an integer sequence because their order is the point.
"""
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    caseworker = "caseworker"
    youth = "youth"


STAFF_ROLES = (Role.admin, Role.manager, Role.caseworker)
CASE_ROLES = (Role.manager, Role.caseworker)


class StatusInCanada(StrEnum):
    citizen = "citizen"
    permanent_resident = "permanent_resident"
    temporary_resident = "temporary_resident"
    refugee_claimant = "refugee_claimant"
    protected_person = "protected_person"
    no_status = "no_status"
    unknown = "unknown"


class CareStatus(StrEnum):
    in_care = "in_care"
    extended_society_care = "extended_society_care"
    former_crown_ward = "former_crown_ward"
    not_in_care = "not_in_care"


class PacketStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    changes_requested = "changes_requested"
    approved = "approved"
    submitted = "submitted"
    decided = "decided"
    withdrawn = "withdrawn"


# A packet is open until it is submitted or withdrawn: a client has at most one open packet of each type.
OPEN_PACKET_STATUSES = (PacketStatus.draft, PacketStatus.in_review, PacketStatus.changes_requested,
                        PacketStatus.approved)
_OPEN_PACKET = text("status IN (" + ", ".join(f"'{status}'" for status in OPEN_PACKET_STATUSES) + ")")


class RenderStatus(StrEnum):
    queued = "queued"
    rendering = "rendering"
    adding_evidence = "adding_evidence"
    done = "done"
    failed = "failed"


class Agency(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    # Agency settings: who sees which clients, and who may approve what.
    caseworkers_see_all_clients: bool = True
    caseworkers_may_approve: bool = False
    self_approval_allowed: bool = False
    youth_login_mode: str = Field(default="password", max_length=20)  # password | one_time_code
    caseworkers_need_mfa: bool = False  # managers and admins always sign in with a second step
    stuck_after_days: int = 14
    # Retention: days after which `flask purge` disposes of each kind of record (portal/records/retention.py).
    retain_closed_files_days: int = 2555  # archived client files, counted from their last change
    retain_finished_packets_days: int = 1825  # withdrawn and decided packets, from that status
    retain_superseded_renders_days: int = 90  # PDFs a newer PDF of the same packet replaced
    retain_abandoned_drafts_days: int = 730  # drafts nobody changed
    retain_referrals_days: int = 365  # referrals declined or never taken up, from their last change
    retain_audit_days: int = 2555  # audit events
    is_centre: bool = False  # receives referrals from other agencies
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    password_hash: str = Field(default="", max_length=300)
    active: bool = True
    # A new account that can see case content, made by an admin: inactive until a manager confirms it.
    awaiting_confirmation: bool = False
    # A youth account is tied to exactly one client file (no FK: client and user would reference each other).
    client_id: uuid.UUID | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_sign_in_at: datetime | None = None
    language: str = Field(default="", max_length=5)  # "" follows the browser; see portal.web.language

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class PasswordLink(SQLModel, table=True):
    """A one-time link for a new staff member to choose their own password. Only the token's hash is kept."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    channel: str = Field(default="shown", max_length=10)  # email | shown (handed over in person)
    created_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class UserSession(SQLModel, table=True):
    """A signed-in session. Ending the row ends the session, whatever cookie the browser keeps."""

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the token in the cookie
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    ip: str = Field(default="", max_length=64)


class RateLimit(SQLModel, table=True):
    """Tries taken from one allowance in its current window (portal.accounts.limits): sign-in failures per
    account and per address, one-time codes asked for, public referrals. Counted with conditional UPDATEs."""

    key: str = Field(primary_key=True, max_length=120)  # "<limit>:<sha256 of the account or address>"
    window_start: datetime = Field(default_factory=utcnow, index=True)
    count: int = 0


class Client(SQLModel, table=True):
    __table_args__ = (
        Index("ix_client_agency_search", "agency_id", "archived", "search_name"),
        Index("ix_client_agency_dob", "agency_id", "date_of_birth"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    family_name: str = Field(default="", max_length=200)  # exactly as on documents; may be empty
    given_names: str = Field(default="", max_length=200)  # one-name people: the name goes in family_name, as IRCC asks
    other_names: str = Field(default="", max_length=500)
    date_of_birth: date
    country_of_birth: str = Field(default="", max_length=100)
    citizenships: str = Field(default="", max_length=300)
    status_in_canada: str = Field(default=StatusInCanada.unknown, max_length=30)
    care_status: str = Field(default=CareStatus.not_in_care, max_length=30)
    preferred_language: str = Field(default="", max_length=60)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=500)
    uci: str = Field(default="", max_length=12)
    assigned_caseworker_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", index=True)
    # Lower-cased, accent-folded names for search; kept in step by clients.refresh_search_name.
    search_name: str = Field(default="", max_length=1000)
    # Periods in court-ordered care, [{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD" | null, "order": "..."}]
    care_periods: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    archived: bool = False
    # A legal hold stops every disposal of this file and its packets until a manager clears it.
    legal_hold_reason: str = Field(default="", max_length=1000)
    legal_hold_at: datetime | None = None
    legal_hold_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    # Holds set and cleared before: [{"set_at", "set_by", "reason", "cleared_at", "cleared_by", "clear_reason"}]
    legal_hold_history: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def display_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class Packet(SQLModel, table=True):
    __table_args__ = (
        Index("ix_packet_agency_status", "agency_id", "status", "packet_type"),
        Index("ix_packet_agency_owner", "agency_id", "owner_id", "status"),
        # What the dashboard and the deadline lists read: each aggregate is answered from an index alone.
        Index("ix_packet_dashboard", "agency_id", "owner_id", "status", "packet_type", "status_changed_at"),
        Index("ix_packet_agency_status_changed", "agency_id", "status", "status_changed_at"),
        Index("ix_packet_agency_changed", "agency_id", "status_changed_at"),
        Index("ix_packet_agency_updated", "agency_id", "updated_at"),  # the dashboard cache's freshness check
        Index("ix_packet_agency_signing", "agency_id", "planned_signing_date"),
        # One open packet per client and type (a partial unique index: SQLite and PostgreSQL both have them).
        Index("uq_packet_open_per_client_type", "client_id", "packet_type", unique=True,
              sqlite_where=_OPEN_PACKET, postgresql_where=_OPEN_PACKET),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    packet_type: str = Field(max_length=40)
    status: str = Field(default=PacketStatus.draft, max_length=30)
    outcome: str | None = Field(default=None, max_length=30)  # approved | refused | returned
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    # Per-field metadata: who gave each answer and when; "ask my caseworker" flags.
    answer_meta: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    version: int = 1  # bumped on every save; a save carrying an older version is refused
    revision: int = 1  # the packet's version number as staff see it; bumped when an approved packet changes
    planned_signing_date: date | None = None
    submit_channel: str = Field(default="", max_length=10)  # online | paper when the type allows either; "" = preferred
    owner_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    status_changed_at: datetime = Field(default_factory=utcnow)


class PacketEvent(SQLModel, table=True):
    """One step in a packet's history: a transition, a milestone, a comment."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(default="transition", max_length=30)
    from_status: str | None = Field(default=None, max_length=30)
    to_status: str | None = Field(default=None, max_length=30)
    note: str = Field(default="", max_length=2000)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Document(SQLModel, table=True):
    """An uploaded evidence file attached to one checklist item of a packet."""

    __table_args__ = (Index("ix_document_agency_expires", "agency_id", "expires_on"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    checklist_item: str = Field(max_length=80)
    position: int = 0
    filename: str = Field(max_length=255)  # a safe display name, never a path
    content_type: str = Field(max_length=100)
    size: int = 0
    pages: int = 1
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=100)  # random name in the file store
    expires_on: date | None = None
    uploaded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    # The upload-ready form (a PDF IRCC's online upload takes), made when the file is uploaded: the online kit joins
    # these instead of converting every file again.
    ready_key: str | None = Field(default=None, max_length=100)
    ready_pages: int | None = None
    ready_size: int | None = None


class ChecklistWaiver(SQLModel, table=True):
    """A checklist item marked not applicable, with the reason."""

    __table_args__ = (UniqueConstraint("packet_id", "checklist_item"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    checklist_item: str = Field(max_length=80)
    reason: str = Field(max_length=1000)
    by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Render(SQLModel, table=True):
    """One rendering of a packet to PDF. The row is the outbox: it is written first, then handed to the queue
    (`enqueued_at`), so a render asked for while Redis is down waits here and is queued when it returns; a
    worker that dies stops its `heartbeat_at`, and the render is redone once or marked failed."""

    __table_args__ = (Index("ix_render_status", "status", "enqueued_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    packet_id: uuid.UUID = Field(foreign_key="packet.id", index=True)
    kind: str = Field(default="pdf", max_length=10)  # pdf: the paper packet | kit: the online submission kit (zip)
    status: str = Field(default=RenderStatus.queued, max_length=30)
    progress: int = 0  # percent
    final: bool = False  # approved packets render without the watermark
    revision: int = 1
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    job_id: str | None = Field(default=None, max_length=100)
    error: str = Field(default="", max_length=1000)
    storage_key: str | None = Field(default=None, max_length=100)
    pages: int | None = None
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    # A kit: its files (name, pages, size, sha256) and the items left out, with what to do about each
    manifest: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    requested_by_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    enqueued_at: datetime | None = None  # handed to the queue; None while waiting for it (Redis down)
    attempts: int = 0  # times a worker started it
    heartbeat_at: datetime | None = None  # the worker rendering it says it is alive
    started_at: datetime | None = None
    finished_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only, and each row proves itself (portal.audit).

    `row_mac` is an HMAC of the row's own fields under the audit key named by `key_id`, written with the row;
    `seq` is the row's place in the chain, and `chain_mac` an HMAC covering the previous row's `chain_mac`,
    both given when the row is sealed. The key is not in the database, so nobody who holds only the database
    can change, insert or re-seal a row unnoticed.
    """

    id: int | None = Field(default=None, primary_key=True)
    seq: int | None = Field(default=None, unique=True, index=True)
    key_id: str = Field(default="", max_length=16)
    agency_id: uuid.UUID | None = Field(default=None, foreign_key="agency.id", index=True)
    user_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=60)
    record_type: str = Field(default="", max_length=40)
    record_id: str = Field(default="", max_length=64, index=True)
    ip: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=500)  # ids and codes only, never personal data
    created_at: datetime = Field(default_factory=utcnow, index=True)
    row_mac: str = Field(default="", max_length=64)
    prev_mac: str = Field(default="", max_length=64)
    chain_mac: str = Field(default="", max_length=64)
