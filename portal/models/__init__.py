"""Every table, one import: `from portal.models import Packet, Milestone, Invitation, Partner`.

The tables are grouped by area: core (agencies, people, clients, packets, documents, renders, the audit
log), review, youth and referrals. Importing this package puts every table on SQLModel's metadata.
"""
from portal.models.consultations import Consultation, ConsultationFollowUp, Guide
from portal.models.core import (
    CASE_ROLES,
    OPEN_PACKET_STATUSES,
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
from portal.models.policy import AgencyPolicy, Disclosure, FieldCollection, NoticeAcknowledgement
from portal.models.records import AccessRequest, ArchiveStatus, BackupRecord
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
from portal.models.sharing import PartnerShare
from portal.models.youth import Invitation, Signature, SignInCode

__all__ = [
    "AccessRequest",
    "ArchiveStatus",
    "BackupRecord",
    "CASE_ROLES",
    "OPEN_PACKET_STATUSES",
    "STAFF_ROLES",
    "Agency",
    "AgencyPolicy",
    "AuditEvent",
    "CareStatus",
    "ChecklistWaiver",
    "Client",
    "Consultation",
    "ConsultationFollowUp",
    "Disclosure",
    "Document",
    "FieldCollection",
    "Guide",
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
    "PartnerShare",
    "Referral",
    "ReferralEvent",
    "ReferralOut",
    "ReferralStatus",
    "Milestone",
    "NoticeAcknowledgement",
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
