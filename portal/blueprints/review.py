"""Staff review of a packet: the review page, transitions, comments, submission, IRCC milestones, reassigning."""
import functools

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from portal import audit, validation
from portal.access import get_or_404
from portal.casework import assignment
from portal.db import get_session
from portal.documents import acknowledgements, renders, uploads
from portal.forms import find_packet_type, summarize
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Agency, Client, Packet, PacketStatus, Render, RenderStatus, Role
from portal.packets import approvals, comments, completeness, lifecycle, milestones, notifications
from portal.packets import channel as packet_channel
from portal.packets import language as packet_language
from portal.packets.readable import readable
from portal.policy import disclosures
from portal.policy import settings as policy_settings
from portal.web.guards import allow
from portal.web.panels import review_panel
from portal.web.redirects import base_url, safe_next
from portal.web.rendering import render

bp = Blueprint("review", __name__, url_prefix="/packets")


def packet_page(packet_id) -> str:
    return url_for("packets.show", packet_id=packet_id)


def _next_url(default: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next")) or default


def _draft_pdf(db, packet) -> dict:
    """The latest draft PDF to read beside the answers, and whether it predates the latest changes."""
    latest = renders.latest_render(db, packet=packet, final=False)
    if latest is None or latest.status != RenderStatus.done:
        return {"pdf_url": None, "pdf_render": latest, "pdf_outdated": False}
    made = latest.finished_at or latest.created_at
    changed = packet.updated_at
    if made is not None and changed is not None and (made.tzinfo is None) != (changed.tzinfo is None):
        made, changed = made.replace(tzinfo=None), changed.replace(tzinfo=None)
    return {
        "pdf_url": url_for("documents.render_pdf", packet_id=packet.id, render_id=latest.id),
        "pdf_render": latest,
        "pdf_outdated": latest.revision != packet.revision
                        or (made is not None and changed is not None and made < changed),
    }


def _summary(db, packet, client):
    agency = db.get(Agency, packet.agency_id)
    try:
        return summarize(packet=packet, client=client, agency=agency)
    except KeyError:  # a packet type no longer registered: show the raw answers instead
        return None


def _review_context(db, packet, **extra):
    client = db.get(Client, packet.client_id)
    approval = approvals.last_approval(db, packet=packet)
    fingerprint = approvals.approval_fingerprint(db, approval=approval) if approval else None
    context = {
        "packet": packet,
        "client": client,
        "packet_type": find_packet_type(packet.packet_type),
        "summary": _summary(db, packet, client),
        "open_comments": comments.open_comments(db, packet=packet),
        "all_comments": comments.all_for(db, packet=packet),
        "targets": comments.comment_targets(packet),
        "can_comment": packet.status in comments.COMMENTABLE_STATUSES,
        "changes": approvals.changes_since_approval(db, packet=packet),
        "approval": approval,
        "fingerprint": fingerprint,
        "final_render": db.get(Render, approval.render_id) if approval and approval.render_id else None,
        "packet_url": packet_page(packet.id),
        "errors": {},
        "values": {},
        "transition_error": None,
        "gate_refused": None,
        "overrides": lifecycle.overrides(db, packet=packet),
        "gate_labels": completeness.GATE_LABELS,
        "packet_languages": packet_language.LABELS,
    }
    context.update(_draft_pdf(db, packet))
    context.update(review_panel(session=db, user=current_user, packet=packet, client=client))
    context.update(extra)
    return context


def _load(packet_id):
    db = get_session()
    return db, readable(get_or_404(db, Packet, packet_id, current_user))


@bp.route("/<packet_id>/staff-review")
@allow(*CASE_ROLES)
def show(packet_id):
    db, packet = _load(packet_id)
    audit.record(db, action="packet.review_viewed", user=current_user, record_type="packet", record_id=packet.id)
    context = _review_context(db, packet)
    db.commit()  # with the final PDF's fingerprint, when it was just seen done
    return render("review/show.html", **context)


@bp.route("/<packet_id>/transition", methods=["POST"])
@allow(*CASE_ROLES)
def transition(packet_id):
    db, packet = _load(packet_id)
    to_status = request.form.get("to_status", "")
    note = request.form.get("note", "")
    override_reason = request.form.get("override_reason", "")[:2000]
    move = lifecycle.MOVES.get((packet.status, to_status))
    try:
        lifecycle.transition(db, packet=packet, to_status=to_status, user=current_user, note=note,
                             override_reason=override_reason)
    except lifecycle.TransitionError as error:
        db.rollback()
        packet = db.get(Packet, packet.id)
        return render("review/show.html", status=422, **_review_context(
            db, packet, transition_error=str(error), values={"note": note, "to_status": to_status,
                                                             "override_reason": override_reason},
            gate_refused=error if isinstance(error, lifecycle.GateRefused) else None))
    db.commit()
    if move is not None and (news := notifications.for_move(move.action)):
        notifications.notify(db, packet=packet, what=news, actor=current_user, base_url=base_url())
    flash(_("Saved: the packet is now “%(status)s”.", status=lifecycle.STATUS_LABELS[packet.status]), "success")
    if to_status == PacketStatus.approved:
        _render_final(db, packet)
    return redirect(_next_url(url_for("review.show", packet_id=packet.id)), code=303)


def _render_final(db, packet) -> None:
    """Approval renders the final packet without the watermark; its SHA-256 is recorded when done."""
    try:
        render_row = renders.request_render(db, packet=packet, user=current_user, final=True)
    except Exception:  # noqa: BLE001 - the approval stands; the final PDF can be asked for again
        db.rollback()
        current_app.logger.exception("final render request failed for packet %s", packet.id)
        flash(_("The final PDF could not be started. Use “Make the final PDF” on the review page."), "warning")
        return
    approvals.attach_final_render(db, packet=packet, render=render_row)
    db.commit()


@bp.route("/<packet_id>/final-pdf", methods=["POST"])
@allow(*CASE_ROLES)
def final_pdf(packet_id):
    db, packet = _load(packet_id)
    approval = approvals.last_approval(db, packet=packet)
    if packet.status != PacketStatus.approved or approval is None or approval.revision != packet.revision:
        abort(409)
    _render_final(db, packet)
    return redirect(url_for("review.show", packet_id=packet.id), code=303)


@bp.route("/<packet_id>/comments", methods=["POST"])
@allow(*CASE_ROLES)
def add_comment(packet_id):
    db, packet = _load(packet_id)
    try:
        comments.add_comment(db, packet=packet, user=current_user, target=request.form.get("target", ""),
                           body=request.form.get("body", ""))
    except validation.FormInvalid as invalid:
        db.rollback()
        packet = db.get(Packet, packet.id)
        return render("review/show.html", block="comments", status=422,
                      **_review_context(db, packet, errors=invalid.errors, values=invalid.values))
    db.commit()
    notifications.notify(db, packet=packet, what=notifications.COMMENT, actor=current_user, base_url=base_url())
    flash(_("Comment added."), "success")
    return redirect(url_for("review.show", packet_id=packet.id) + "#comments", code=303)


@bp.route("/<packet_id>/comments/<comment_id>/resolve", methods=["POST"])
@allow(*CASE_ROLES)
def resolve_comment(packet_id, comment_id):
    db, packet = _load(packet_id)
    if comments.resolve_comment(db, packet=packet, comment_id=comment_id, user=current_user) is None:
        abort(404)
    db.commit()
    flash(_("Comment marked as resolved."), "success")
    return redirect(_next_url(url_for("review.show", packet_id=packet.id) + "#comments"), code=303)


@bp.route("/<packet_id>/submission", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def submission(packet_id):
    db, packet = _load(packet_id)
    client = db.get(Client, packet.client_id)
    online = packet_channel.of(packet).online
    policy = policy_settings.get(db, agency_id=packet.agency_id)  # read once: the form's choices and the check
    context = {"packet": packet, "client": client, "methods": milestones.SUBMISSION_METHODS, "errors": {},
               "values": {"method": "online"} if online else {}, "online": online,
               "packet_url": packet_page(packet.id),
               "blocking": completeness.of(db, packet=packet).blocking("submit"),
               "may_override": lifecycle.may_override(current_user, "submit"),
               "ircc_bases": [(key, label) for key, label in policy_settings.BASES
                              if policy.allows("ircc", key)]}
    if request.method == "GET":
        if lifecycle.refusal(db, packet=packet, to_status=PacketStatus.submitted, user=current_user):
            flash(_("Only an approved packet can be recorded as sent."), "warning")
            return redirect(url_for("review.show", packet_id=packet.id), code=303)
        return render("review/submission.html", **context)
    upload = request.files.get("acknowledgement")
    attachment = None
    if upload is not None and upload.filename:
        try:
            attachment = acknowledgements.store(upload.filename, upload.read())
        except uploads.UploadRefused as error:
            context.update(errors={"acknowledgement": str(error)}, values=dict(request.form))
            return render("review/submission.html", block="form", status=422, **context)
    _recipient, basis, citation = disclosures.read_basis(request.form)
    basis_errors = {}
    try:  # personal information leaves for IRCC: nothing is recorded without an allowed basis
        disclosures.check(policy, recipient="ircc", basis=basis,
                          citation=citation)
    except disclosures.DisclosureRefused as refused:
        basis_errors = {refused.field: str(refused)}
    record = functools.partial(milestones.record_submission, attachment=attachment)
    if (refused := _record(db, packet, record, "review/submission.html", context, also=basis_errors)) is not None:
        acknowledgements.forget(attachment)
        return refused
    disclosures.record(db, user=current_user, agency_id=packet.agency_id, kind="ircc_submission", recipient="ircc",
                       recipient_name="IRCC", basis=basis, citation=citation, client_id=packet.client_id,
                       detail=f"packet={packet.id} revision={packet.revision}")
    db.commit()
    flash(_("Recorded: the packet was sent to IRCC."), "success")
    return redirect(packet_page(packet.id), code=303)


@bp.route("/<packet_id>/milestones/new", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def milestone(packet_id):
    db, packet = _load(packet_id)
    client = db.get(Client, packet.client_id)
    context = {"packet": packet, "client": client, "kinds": milestones.MILESTONE_KINDS,
               "decisions": milestones.DECISIONS, "errors": {}, "values": {"kind": request.args.get("kind", "")},
               "packet_url": packet_page(packet.id),
               "milestones": milestones.all_for(db, packet=packet), "milestone_labels": milestones.MILESTONE_LABELS}
    if request.method == "GET":
        if packet.status != PacketStatus.submitted:
            flash(_("IRCC's answers can be recorded once the packet has been submitted."), "warning")
            return redirect(url_for("review.show", packet_id=packet.id), code=303)
        return render("review/milestone.html", **context)
    if (refused := _record(db, packet, milestones.record_milestone, "review/milestone.html", context)) is not None:
        return refused
    db.commit()
    flash(_("Recorded."), "success")
    return redirect(packet_page(packet.id), code=303)


def _record(db, packet, record, template: str, context: dict, *, also: dict | None = None):
    """Record a submission or milestone from the posted form; None when done, else the form again with errors
    (`also`: errors found before, shown with the form's own and stopping the record too)."""
    also = also or {}
    try:
        record(db, packet=packet, user=current_user, form=request.form)
    except lifecycle.GateRefused as refused:
        db.rollback()
        context.update(packet=db.get(Packet, packet.id), blocking=refused.missing, values=dict(request.form),
                       errors={**also, **({"override_reason": str(refused)} if refused.may_override
                                          else {"sent_on": str(refused)})})
        return render(template, block="form", status=422, **context)
    except validation.FormInvalid as invalid:
        db.rollback()
        context.update(packet=db.get(Packet, packet.id), errors={**invalid.errors, **also},
                       values={**dict(request.form), **(invalid.values or {})})
        return render(template, block="form", status=422, **context)
    if also:
        db.rollback()
        context.update(packet=db.get(Packet, packet.id), errors=also, values=dict(request.form))
        return render(template, block="form", status=422, **context)
    return None


@bp.route("/<packet_id>/milestones/<milestone_id>/sent", methods=["POST"])
@allow(*CASE_ROLES)
def documents_sent(packet_id, milestone_id):
    db, packet = _load(packet_id)
    if milestones.mark_documents_sent(db, packet=packet, milestone_id=milestone_id, user=current_user) is None:
        abort(404)
    db.commit()
    flash(_("Recorded: the documents IRCC asked for were sent."), "success")
    return redirect(_next_url(packet_page(packet.id)), code=303)


@bp.route("/<packet_id>/reassign", methods=["POST"])
@allow(Role.manager)
def reassign(packet_id):
    db, packet = _load(packet_id)
    try:
        assignment.reassign_packet(db, packet=packet, to_user_id=request.form.get("owner_id", ""), by=current_user)
    except assignment.ReassignError as error:
        db.rollback()
        packet = db.get(Packet, packet.id)
        return render("review/show.html", status=422, **_review_context(db, packet, transition_error=str(error)))
    db.commit()
    flash(_("The packet has a new caseworker."), "success")
    return redirect(_next_url(packet_page(packet.id)), code=303)

