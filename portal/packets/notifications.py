"""Telling staff about what concerns them: review requested, changes requested, approved, a comment on
their packet, a youth's question. "My work" shows the same things (casework/work.py); this sends the email.

An email holds a link and the packet's reference only: never a name, an answer or a comment, which email
cannot protect. The views call `notify` after the change is committed, so nobody hears of a refused move.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import or_
from sqlmodel import Session, select

from portal import mail
from portal.i18n import gettext as _
from portal.i18n import language_of
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, Client, Packet, Role, User
from portal.packets.lifecycle import is_approver

REVIEW_REQUESTED, CHANGES_REQUESTED, APPROVED, COMMENT, QUESTION = (
    "review_requested", "changes_requested", "approved", "comment", "question")

# What each email says, in plain words, with nothing about the case.
MESSAGES = {
    REVIEW_REQUESTED: (_l("A packet is waiting for your review"),
                       _l("A packet was sent for review. You can review it.")),
    CHANGES_REQUESTED: (_l("Changes were requested on your packet"),
                        _l("A reviewer asked for changes to a packet you work on.")),
    APPROVED: (_l("Your packet was approved"), _l("A packet you work on was approved. It can be sent to IRCC.")),
    COMMENT: (_l("A new review comment on your packet"), _l("A reviewer commented on a packet you work on.")),
    QUESTION: (_l("A youth asked you a question"), _l("A youth has a question about their application.")),
}
# Where the link goes: the review screen, or the packet page for a youth's question.
PATHS = {QUESTION: "/packets/{id}"}
REVIEW_PATH = "/packets/{id}/staff-review"


def reference(packet: Packet) -> str:
    """The packet's reference in emails: short, and meaningless outside Passage."""
    return "P-" + packet.id.hex[:8].upper()


def recipients(session: Session, *, packet: Packet, what: str, actor: User | None) -> list[User]:
    """The staff this news concerns, never the person who caused it."""
    if what == REVIEW_REQUESTED:
        agency = session.get(Agency, packet.agency_id)
        staff = session.exec(select(User).where(User.agency_id == packet.agency_id,
                                                User.role.in_([Role.manager, Role.caseworker]))).all()
        found = [user for user in staff if is_approver(user, agency) and user.id != packet.owner_id]
    else:
        client = session.get(Client, packet.client_id)
        ids = {packet.owner_id} | ({client.assigned_caseworker_id} if what == QUESTION and client else set())
        ids.discard(None)
        found = list(session.exec(select(User).where(User.id.in_(ids), User.agency_id == packet.agency_id,
                                                     or_(User.role == Role.manager, User.role == Role.caseworker))))
    return [user for user in found if user.email and (actor is None or user.id != actor.id)]


def email_body(*, packet: Packet, what: str, link: str) -> str:
    _subject, line = MESSAGES[what]
    return "\n".join([
        _("Hello,"),
        "",
        str(line),
        "",
        _("Packet reference: %(reference)s", reference=reference(packet)),
        _("Open it in Passage: %(link)s", link=link),
        "",
        _("This email holds no case details. Sign in to Passage to see them."),
    ])


def notify(session: Session, *, packet: Packet, what: str, actor: User | None, base_url: str) -> int:
    """Email everyone this concerns; returns how many were sent. A mail failure is logged, never raised:
    the change itself is done, and "My work" shows the same news."""
    path = PATHS.get(what, REVIEW_PATH).format(id=packet.id)
    link = base_url.rstrip("/") + path
    sent = 0
    for user in recipients(session, packet=packet, what=what, actor=actor):
        try:
            with language_of(user):  # each person reads it in the language they chose
                subject = f"{MESSAGES[what][0]} ({reference(packet)})"
                body = email_body(packet=packet, what=what, link=link)
            mail.send(to=user.email, subject=subject, body=body)
            sent += 1
        except mail.MailError:
            current_app.logger.warning("notification not sent: %s", what)
    return sent


def for_move(action: str) -> str | None:
    """The news a lifecycle move makes, if any."""
    return {"send": REVIEW_REQUESTED, "request_changes": CHANGES_REQUESTED, "approve": APPROVED}.get(action)
