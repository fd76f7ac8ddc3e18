"""Every table, one import: `from portal.models import Packet, Milestone, Invitation, Partner`.

The tables are grouped by area: core (agencies, people, clients, packets, documents, renders, the audit
log), review, youth and referrals. Importing this package puts every table on SQLModel's metadata.
"""
from portal.models.core import utcnow, new_id, Role, STAFF_ROLES, CASE_ROLES, StatusInCanada, CareStatus, PacketStatus, RenderStatus, Agency, User, UserSession, SignInFailure, Client, Packet, PacketEvent, Document, ChecklistWaiver, Render, AuditEvent
from portal.models.review import ReviewComment, PacketApproval, PacketContributor, MilestoneKind, Milestone, StatusSpell, StateTimeMonth, OutcomeMonth
from portal.models.youth import Invitation, SignInCode, Signature
from portal.models.referrals import Partner, PublicFormHit, Referral, ReferralEvent, ReferralOut, ReferralStatus  # noqa: F401
