"""The panels other areas show on the packet page and on the client file, in the order they appear.

Each panel is a template and a function of (session, user, packet or client) that returns the
template's context, or None to show nothing. The lists are written out here, so what a page shows is
read in one place rather than collected from modules as they are imported.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import g, url_for
from sqlmodel import select

from portal import access, forms
from portal.casework import assignment
from portal.documents import evidence, renders
from portal.models import CASE_ROLES, Agency, Client, PacketStatus, Referral, Role
from portal.packets import channel as packet_channel
from portal.packets import comments, completeness, history, lifecycle, milestones, signatures
from portal.packets.answers import packets_of_client
from portal.policy import disclosures, notice
from portal.policy import settings as policy_settings
from portal.privacy import corrections
from portal.records import access_requests
from portal.referrals import directory, sharing
from portal.youth import invitations, participation


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[..., dict | None]


def render_panels(panels, **kwargs) -> list[tuple[str, dict]]:
    """The (template, context) of every panel that has something to show."""
    shown = []
    for panel in panels:
        context = panel.context(**kwargs)
        if context is not None:
            shown.append((panel.template, context))
    return shown


# ---- on the packet page ---------------------------------------------------------------------------

def packet_completeness(session, packet, summary=None) -> completeness.Completeness:
    """The completeness model once per request and packet version: the page and its panels share it."""
    kept = g.setdefault("completeness", {})
    key = (packet.id, packet.version, packet.status)
    if key not in kept:
        kept[key] = completeness.of(session, packet=packet, summary=summary)
    return kept[key]


def youth_panel(*, session, user, packet, client=None):
    """For the youth, after their last step: their signature, and the way back home."""
    if user.role != Role.youth or user.client_id != packet.client_id:
        return None
    states = signatures.signature_states(session, packet=packet)
    return {"packet": packet, "signatures": states, "editable": lifecycle.is_editable(packet)}


def review_panel(*, session, user, packet, client):
    """Where the packet stands, the moves this person may make, its history and IRCC's milestones."""
    if user.role not in CASE_ROLES:
        return None
    agency = session.get(Agency, packet.agency_id)
    moves = lifecycle.allowed_moves(session, packet=packet, user=user)
    state = packet_completeness(session, packet)
    return {
        "completeness": state,
        # for each gated move shown: how many things block it now
        "blocked": {move.action: len(state.blocking(gate)) for _to, move in moves
                    if (gate := completeness.gate_of(move.action))},
        "packet": packet,
        "client": client,
        "status_labels": lifecycle.STATUS_LABELS,
        "outcome_labels": lifecycle.OUTCOME_LABELS,
        "moves": [(to, move) for to, move in moves if move.action not in lifecycle.MOVES_WITH_FORMS],
        "can_submit": any(move.action == "submit" for _to, move in moves),
        "can_record_milestone": packet.status == PacketStatus.submitted and user.role in CASE_ROLES,
        "history": history.events(session, packet=packet, limit=30),
        "event_labels": history.EVENT_LABELS,
        "milestones": milestones.all_for(session, packet=packet),
        "milestone_labels": milestones.MILESTONE_LABELS,
        "open_comment_count": sum(len(rows) for rows in comments.open_comments(session, packet=packet).values()),
        "caseworkers": assignment.caseworkers(session, agency_id=agency.id) if user.role == Role.manager else [],
        "is_manager": user.role == Role.manager,
        "review_url": url_for("review.show", packet_id=packet.id),
    }


def evidence_panel(*, session, user, packet, client=None):
    if user.role not in CASE_ROLES:
        return None
    return {"packet": packet, "ev": evidence.state(session, packet=packet)}


def channel_panel(*, session, user, packet, client=None):
    """How the packet goes to IRCC (online or paper, and why), with the online kit and the copy sheet."""
    if user.role not in CASE_ROLES:
        return None
    return {"packet": packet, "chosen": packet_channel.of(packet),
            "kit_row": renders.latest_render(session, packet=packet, kind="kit"),
            "sent": milestones.submission(session, packet=packet)}


def invitation_panel(*, session, user, packet, client=None):
    """For staff: invite the youth, see pending invitations, signatures and the youth's questions."""
    if user.role not in CASE_ROLES:
        return None
    client = session.get(Client, packet.client_id)
    kind = participation.packet_type(packet)
    asked = participation.asked_fields(packet)
    return {
        "packet": packet,
        "client": client,
        "account": invitations.youth_account_for(session, client=client),
        "pending": invitations.pending_invitations(session, client_id=client.id, packet_id=packet.id),
        "signatures": signatures.signature_states(session, packet=packet),
        "history": signatures.all_signatures(session, packet=packet),
        "asked": [(name, kind.field(name).label if kind and kind.field(name) else name) for name in asked],
        "errors": {},
        "typed_email": client.email,
        "channel": "qr",
    }


PACKET_PANELS = (
    Panel("youth/_youth_panel.html", youth_panel),
    Panel("review/_panel.html", review_panel),
    Panel("submission/_channel_panel.html", channel_panel),
    Panel("documents/_panel.html", evidence_panel),
    Panel("youth/_packet_panel.html", invitation_panel),
)


# ---- on the client file ---------------------------------------------------------------------------

def packets_panel(*, session, user, client):
    if user.role == Role.youth:
        return None
    rows = []
    for packet in packets_of_client(session, client_id=client.id):
        packet_type = forms.find_packet_type(packet.packet_type)
        rows.append((packet, packet_type.title if packet_type else packet.packet_type))
    return {"packets": rows, "client": client}


def referral_in_panel(*, session, user, client):
    """On a client file opened from a referral: where it came from, with a link to its history."""
    if user.role not in CASE_ROLES:
        return None
    found = session.exec(access.scope(select(Referral).where(Referral.client_file_id == client.id),
                                      Referral, user, session)).first()
    return {"referral": found} if found else None


def referrals_out_panel(*, session, user, client):
    """Referrals out to partners, with their outcomes, and a way to record one."""
    if user.role not in CASE_ROLES:
        return None
    shares = {share.referral_out_id: share for share, _partner in sharing.for_client(session, client_id=client.id)}
    return {"client": client, "rows": directory.referrals_out_for(session, user=user, client=client),
            "shares": shares, "share_states": {key: sharing.state(share) for key, share in shares.items()},
            "share_fields": {key: sharing.field_labels(share) for key, share in shares.items()},
            "has_partners": bool(directory.partners(session, user=user)), **directory.labels()}


def privacy_panel(*, session, user, client):
    """The privacy notice the youth acknowledged, and every disclosure about them with its basis."""
    if user.role not in CASE_ROLES:
        return None
    return {"client": client, "today": date.today().isoformat(),
            "acknowledgements": notice.acknowledgements(session, client_id=client.id),
            "disclosures": disclosures.for_client(session, client_id=client.id),
            "kinds": {key: str(label) for key, label in disclosures.KINDS},
            "recipients": {key: str(label) for key, label in policy_settings.RECIPIENTS},
            "bases": {key: str(label) for key, label in policy_settings.BASES}}


def caseworker_panel(*, session, user, client):
    """Managers see who holds the file and can give it to another caseworker."""
    if user.role != Role.manager:
        return None
    staff = assignment.caseworkers(session, agency_id=client.agency_id)
    return {"client": client, "staff": staff, "holder": dict(staff).get(client.assigned_caseworker_id)}


def corrections_panel(*, session, user, client):
    """Correction requests about the file; for managers, who opened it and recording an incident."""
    if user.role not in CASE_ROLES:
        return None
    return {"client": client, "requests": corrections.for_client(session, client=client),
            "field_label": corrections.field_label}


def records_panel(*, session, user, client):
    """Managers: whether the file is under a legal hold, and its access requests, with the way to both."""
    if user.role != Role.manager:
        return None
    return {"client": client, "requests": access_requests.of_client(session, client=client)}


CLIENT_PANELS = (
    Panel("packets/_client_panel.html", packets_panel),
    Panel("referrals/_client_panel.html", referral_in_panel),
    Panel("directory/_client_panel.html", referrals_out_panel),
    Panel("dashboard/_client_panel.html", caseworker_panel),
    Panel("records/_client_panel.html", records_panel),
    Panel("policy/_client_panel.html", privacy_panel),
    Panel("privacy/_client_panel.html", corrections_panel),
)
