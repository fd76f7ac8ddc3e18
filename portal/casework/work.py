"""Each staff member's "My work": what waits for them, from every area, most urgent first.

Each source below is a plain function of (session, user, today); an item names the page it opens by
endpoint and arguments, so this module needs no request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from portal import access
from portal.casework import deadlines
from portal.i18n import format_date, ngettext
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, Client, Packet, PacketStatus, ReviewComment, User
from portal.packets.lifecycle import is_approver
from portal.referrals import consultations, intake
from portal.youth import participation

OVERDUE, THIS_WEEK, LATER, FOR_INFORMATION = 0, 1, 2, 3


@dataclass(frozen=True)
class WorkItem:
    title: str  # plain words, no personal data beyond what the signed-in user may see
    endpoint: str  # the page that deals with it: url_for(endpoint, **params)
    params: dict = field(default_factory=dict)
    due: date | None = None
    urgency: int = LATER
    kind: str = ""  # deadline, question, review, referral, follow_up
    client_name: str = ""


def work_items(session: Session, *, user: User, today: date) -> list[WorkItem]:
    """Every source's items for this person, most urgent first, then by date."""
    items = [
        *review_items(session, user=user),
        *news_items(session, user=user),
        *deadline_items(session, user=user, today=today),
        *youth_questions(session, user=user),
        *referrals_to_triage(session, user=user, today=today),
        *consultation_follow_ups(session, user=user, today=today),
    ]
    return sorted(items, key=lambda item: (item.urgency, item.due or date.max, item.kind, item.client_name))


def review_queue(session: Session, *, user: User, limit: int = 100):
    """(packet id, title, client name) of packets waiting on this person: their review, or their changes."""
    agency = session.get(Agency, user.agency_id)
    wanted = []
    if is_approver(user, agency):
        wanted.append((PacketStatus.in_review, lambda day: _l("Waiting for your review since %(day)s", day=day)))
    wanted.append((PacketStatus.changes_requested, lambda day: _l("Changes were requested on %(day)s", day=day)))
    found = []
    for status, title in wanted:
        statement = access.scope(
            select(Packet.id, Client.given_names, Client.family_name, Packet.status_changed_at)
            .join(Client, Client.id == Packet.client_id).where(Packet.status == status),
            Packet, user, session,
        )
        if status == PacketStatus.changes_requested:
            statement = statement.where(Packet.owner_id == user.id)
        else:  # nobody reviews their own packet
            statement = statement.where(or_(Packet.owner_id.is_(None), Packet.owner_id != user.id))
        for packet_id, given, family, since in session.exec(statement.order_by(Packet.status_changed_at).limit(limit)):
            found.append((packet_id, title(since.date().isoformat()), f"{given} {family}".strip()))
    return found


def review_items(session: Session, *, user: User) -> list[WorkItem]:
    return [
        WorkItem(title=str(title), endpoint="review.show", params={"packet_id": packet_id}, urgency=THIS_WEEK,
                 kind="review", client_name=name)
        for packet_id, title, name in review_queue(session, user=user)
    ]


def news_items(session: Session, *, user: User, limit: int = 100) -> list[WorkItem]:
    """News on the packets this person works on: approved ones to send, and review comments still open."""
    approved = access.scope(
        select(Packet.id, Client.given_names, Client.family_name, Packet.status_changed_at)
        .join(Client, Client.id == Packet.client_id)
        .where(Packet.owner_id == user.id, Packet.status == PacketStatus.approved), Packet, user, session,
    ).order_by(Packet.status_changed_at).limit(limit)
    items = [
        WorkItem(title=_("Approved on %(day)s: ready to send to IRCC", day=format_date(since.date())),
                 endpoint="review.show", params={"packet_id": packet_id}, urgency=THIS_WEEK, kind="approved",
                 client_name=f"{given} {family}".strip())
        for packet_id, given, family, since in session.exec(approved)
    ]
    commented = access.scope(
        select(Packet.id, Client.given_names, Client.family_name, func.count(ReviewComment.id))
        .join(Client, Client.id == Packet.client_id).join(ReviewComment, ReviewComment.packet_id == Packet.id)
        .where(Packet.owner_id == user.id, ReviewComment.resolved_at.is_(None),
               or_(ReviewComment.author_id.is_(None), ReviewComment.author_id != user.id),
               Packet.status.in_([PacketStatus.in_review, PacketStatus.changes_requested]))
        .group_by(Packet.id, Client.given_names, Client.family_name), Packet, user, session,
    ).limit(limit)
    items += [
        WorkItem(title=ngettext("%(num)s review comment to look at", "%(num)s review comments to look at", count),
                 endpoint="review.show", params={"packet_id": packet_id}, urgency=THIS_WEEK, kind="comment",
                 client_name=f"{given} {family}".strip())
        for packet_id, given, family, count in session.exec(commented)
    ]
    return items


def deadline_items(session: Session, *, user: User, today: date) -> list[WorkItem]:
    items = []
    for deadline in deadlines.deadlines_for(session, user=user, today=today):
        if deadline.packet_id is not None:
            endpoint, params = "review.show", {"packet_id": deadline.packet_id}
        else:
            endpoint, params = "clients.show", {"client_id": deadline.client_id}
        items.append(WorkItem(title=str(deadline.title), endpoint=endpoint, params=params, due=deadline.due,
                              urgency=deadline.urgency(today), kind="deadline", client_name=deadline.client_name))
    return items


def youth_questions(session: Session, *, user: User) -> list[WorkItem]:
    """Questions a youth left for their caseworker ("I'm not sure: ask my caseworker")."""
    items = []
    for question in participation.questions_for_staff(session, user=user):
        if question.step_key:
            endpoint, params = "packets.step", {"packet_id": question.packet.id, "step_key": question.step_key}
        else:
            endpoint, params = "packets.show", {"packet_id": question.packet.id}
        items.append(WorkItem(title=_("Question from the youth: %(label)s", label=question.label),
                              endpoint=endpoint, params=params, urgency=THIS_WEEK, kind="question",
                              client_name=question.client.display_name))
    return items


def referrals_to_triage(session: Session, *, user: User, today: date) -> list[WorkItem]:
    """One line for the centre's staff: how many referrals wait for triage, and the nearest deadline."""
    if not intake.receives_referrals(session, user=user):
        return []
    waiting = intake.queue(session, user=user, status="new")
    if not waiting:
        return []
    due = min((referral.urgency_date for referral in waiting if referral.urgency_date), default=None)
    days = (due - today).days if due else None
    return [WorkItem(
        title=ngettext("%(num)s referral waiting for triage", "%(num)s referrals waiting for triage", len(waiting)),
        endpoint="referrals.queue", params={"status": "new"}, due=due, kind="referral",
        urgency=OVERDUE if days is not None and days < 0 else THIS_WEEK if days is not None and days <= 14 else LATER,
    )]


def consultation_follow_ups(session: Session, *, user: User, today: date) -> list[WorkItem]:
    """Follow-ups this person promised during a consultation, due within a week or overdue."""
    items = []
    for follow_up, consultation in consultations.due_for(session, user=user, today=today):
        days = (follow_up.due_on - today).days
        items.append(WorkItem(
            title=_("Consultation %(ref)s: %(what)s", ref=consultation.reference, what=follow_up.what),
            endpoint="consultations.show", params={"consultation_id": consultation.id}, due=follow_up.due_on,
            urgency=OVERDUE if days < 0 else THIS_WEEK, kind="follow_up"))
    return items
