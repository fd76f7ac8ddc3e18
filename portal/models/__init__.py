"""Every table, one import: `from portal.models import Packet, Milestone, Invitation, Partner`.

The tables are grouped by area: core (agencies, people, clients, packets, documents, renders, the audit
log), review, youth and referrals. Importing this package puts every table on SQLModel's metadata.
"""
from portal.models.core import (
    CASE_ROLES,
    STAFF_ROLES,
    Agency,
    AuditEvent,
    CareStatus,
    ChecklistWaiver,
    Client,
    Document,
    Packet,
    PacketEvent,
    PacketStatus,
    PasswordLink,
    RateLimit,
    Render,
    RenderStatus,
    Role,
    StatusInCanada,
    User,
    UserSession,
    new_id,
    utcnow,
)
from portal.models.corrections import CorrectionRequest, CorrectionStatus
from portal.models.incidents import IncidentNotice, PrivacyIncident
from portal.models.mfa import RecoveryCode, StaffMfa
from portal.models.referrals import Partner, Referral, ReferralEvent, ReferralOut, ReferralStatus
from portal.models.review import (
    Milestone,
    MilestoneKind,
    OutcomeMonth,
    PacketApproval,
    PacketContributor,
    ReviewComment,
    StateTimeMonth,
    StatusSpell,
)
from portal.models.youth import Invitation, Signature, SignInCode

__all__ = [
    "CASE_ROLES",
    "STAFF_ROLES",
    "Agency",
    "AuditEvent",
    "CareStatus",
    "ChecklistWaiver",
    "Client",
    "Document",
    "Packet",
    "PacketEvent",
    "PacketStatus",
    "PasswordLink",
    "Render",
    "RenderStatus",
    "Role",
    "RateLimit",
    "StatusInCanada",
    "User",
    "UserSession",
    "new_id",
    "utcnow",
    "Partner",
    "Referral",
    "ReferralEvent",
    "ReferralOut",
    "ReferralStatus",
    "Milestone",
    "MilestoneKind",
    "OutcomeMonth",
    "PacketApproval",
    "PacketContributor",
    "ReviewComment",
    "StateTimeMonth",
    "StatusSpell",
    "Invitation",
    "Signature",
    "SignInCode",
    "StaffMfa",
    "RecoveryCode",
    "CorrectionRequest",
    "CorrectionStatus",
    "PrivacyIncident",
    "IncidentNotice",
]
