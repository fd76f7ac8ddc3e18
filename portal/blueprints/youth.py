"""Youth participation: the youth's own pages under /me, joining by invitation, signing in by code,
signing declarations; and the staff side of invitations under /invitations.
"""
import base64
import io

import qrcode
from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user, login_user

from portal import access, audit, mail
from portal.accounts import sessions
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Client, Invitation, Packet, Role
from portal.packets import lifecycle, signatures, signing
from portal.privacy import corrections
from portal.web.guards import allow, public
from portal.web.panels import invitation_panel
from portal.web.rendering import render
from portal.youth import invitations, participation

# No prefix: the youth's pages live under /me, the caseworker's invitation pages under /invitations.
bp = Blueprint("youth", __name__)


def step_url(packet, step_key: str) -> str:
    """The guided form's step screen: the guided forms serve youth too, showing only their fields."""
    return url_for("packets.step", packet_id=packet.id, step_key=step_key)


# The youth's own pages -----------------------------------------------------------------------

@bp.route("/me/")
@allow(Role.youth)
def home():
    db = get_session()
    packets = participation.youth_packets(db, user=current_user)
    cards = [_packet_card(db, packet) for packet in packets]
    code_mode = invitations.login_mode(db, agency_id=current_user.agency_id) == "one_time_code"
    return render("youth/home.html", cards=cards, code_mode=code_mode,
                  corrections=corrections.decided_for_youth(db, user=current_user),
                  field_label=corrections.field_label)


def _packet_card(db, packet: Packet) -> dict:
    steps = participation.youth_steps(db, packet=packet)
    states = signatures.signature_states(db, packet=packet)
    return {
        "packet": packet,
        "title": participation.title_of(packet),
        "timeline": participation.timeline(packet),
        "note": participation.status_note(packet),
        "steps": [(item, step_url(packet, item.step.key)) for item in steps],
        "to_do": sum(1 for item in steps if not item.done),
        "asked": participation.asked_fields(packet),
        "signatures": states,
        "to_sign": [state for state in states if state["state"] != "signed"],
        "editable": lifecycle.is_editable(packet),
    }


@bp.route("/me/packets/<packet_id>")
@allow(Role.youth)
def packet(packet_id):
    db = get_session()
    item = participation.youth_packet(db, user=current_user, packet_id=packet_id)
    audit.record(db, action="packet.view", user=current_user, record_type="packet", record_id=item.id, detail="youth")
    db.commit()
    return render("youth/packet.html", card=_packet_card(db, item))


@bp.route("/me/packets/<packet_id>/sign", methods=["GET", "POST"])
@allow(Role.youth)
def sign(packet_id):
    db = get_session()
    item = participation.youth_packet(db, user=current_user, packet_id=packet_id)
    states = {state["signer"].key: state for state in signatures.signature_states(db, packet=item)}
    signer_key = request.values.get("signer", "")
    if not signer_key and len(states) == 1:
        signer_key = next(iter(states))
    if signer_key not in states:
        abort(404)
    state = states[signer_key]
    values = {"typed_name": "", "signed_on": participation.today().isoformat()}
    errors = {}
    if request.method == "POST":
        values = {"typed_name": request.form.get("typed_name", "")[:200],
                  "signed_on": request.form.get("signed_on", "")[:20]}
        try:
            signing.sign(db, packet=item, user=current_user, signer_key=signer_key, typed_name=values["typed_name"],
                         signed_on=values["signed_on"], confirmed=request.form.get("confirm") == "yes",
                         drawing=request.form.get("drawing", "")[:signatures.DRAWING_MAX + 100])
        except signatures.SignatureError as error:
            db.rollback()
            errors = error.errors
        else:
            db.commit()
            flash(_("Thank you. You signed. Your caseworker can see it."), "success")
            return redirect(url_for("youth.packet", packet_id=item.id), 303)
    card = _packet_card(db, item)
    return render("youth/sign.html", block="form", status=422 if errors else 200, card=card, state=state,
                  values=values, errors=errors, packet_type=participation.packet_type(item),
                  missing=signing.blocking(db, packet=item), asked=set(participation.asked_fields(item)))


# Joining by invitation, and signing in with a code ------------------------------------------

def _open_session_for(db, user) -> None:
    """The same fresh server-side session the password sign-in opens."""
    session.clear()
    session["sid"] = sessions.open_session(db, user=user, ip=request.remote_addr or "")
    session.permanent = True
    db.commit()
    login_user(user)


@bp.route("/me/join/<token>", methods=["GET", "POST"])
@public
def join(token):
    db = get_session()
    if current_user.is_authenticated and current_user.role != Role.youth:
        return render("youth/join.html", staff_signed_in=True, problem=None, status=409)
    invitation, problem = invitations.find_invitation(db, token=token)
    if problem:
        return render("youth/join.html", problem=invitations.PROBLEMS[problem],
                      status=410 if problem != "unknown" else 404)
    mode = invitations.login_mode(db, agency_id=invitation.agency_id)
    client = db.get(Client, invitation.client_id)
    existing = invitations.youth_account_for(db, client=client)
    values = {"email": (existing.email if existing else "") or invitation.sent_to or client.email}
    errors = {}
    if request.method == "POST":
        values["email"] = request.form.get("email", "")[:254]
        try:
            accepted = invitations.accept_invitation(db, token=token, email=values["email"],
                                                     password=request.form.get("password", ""),
                                                     confirm=request.form.get("confirm", ""))
        except invitations.InvitationError as error:
            db.rollback()
            errors = error.errors
            if "token" in errors:
                return render("youth/join.html", problem=errors["token"], status=410)
        else:
            _open_session_for(db, accepted.user)
            flash(_("Welcome! Your account is ready."), "success")
            if accepted.invitation.packet_id:
                return redirect(url_for("youth.packet", packet_id=accepted.invitation.packet_id), 303)
            return redirect(url_for("youth.home"), 303)
    return render("youth/join.html", block="form", status=422 if errors else 200, problem=None, mode=mode,
                  values=values, errors=errors, token=token, existing=existing is not None)


@bp.route("/me/sign-in", methods=["GET", "POST"])
@public
def code_sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    db = get_session()
    email = request.form.get("email", "")[:254].strip()
    step, error, status = "email", None, 200
    if request.method == "POST" and request.form.get("action") == "send":
        try:
            wait = invitations.request_code(db, email=email, ip=request.remote_addr or "",
                                            link=url_for("youth.code_sign_in", _external=True))
        except mail.MailError:
            db.rollback()
            return render("youth/code_sign_in.html", block="form", status=503, step="email", email=email,
                          error=_("We could not send the code just now. Please try again in a few minutes."))
        db.commit()
        if wait:
            error, status = _("You asked for several codes. Please wait %(n)s minutes and try again.",
                              n=max(1, (wait + 59) // 60)), 429
        else:
            step = "code"
    elif request.method == "POST" and request.form.get("action") == "verify":
        user = invitations.verify_code(db, email=email, code=request.form.get("code", ""))
        if user is not None:
            _open_session_for(db, user)
            return redirect(url_for("youth.home"), 303)
        db.commit()
        step, error, status = "code", _("That code did not work. It may be mistyped, used, or older than 10 minutes. "
                                        "You can ask for a new one."), 422
    return render("youth/code_sign_in.html", block="form", status=status, step=step, email=email, error=error)


# The caseworker's side: invitations ---------------------------------------------------------

@bp.route("/invitations/new", methods=["POST"])
@allow(*CASE_ROLES)
def invite():
    db = get_session()
    item = access.get_or_404(db, Packet, request.form.get("packet_id", ""), current_user)
    client = access.get_or_404(db, Client, item.client_id, current_user)
    channel = request.form.get("channel", "qr")
    try:
        invitation, token = invitations.create_invitation(db, client=client, packet=item, by=current_user,
                                                          channel=channel, email=request.form.get("email", ""))
    except invitations.InvitationError as error:
        db.rollback()
        context = invitation_panel(session=db, user=current_user, packet=item)
        context.update(errors=error.errors, typed_email=request.form.get("email", ""), channel=channel)
        return render("youth/invite_error.html", block="panel", status=422, panel=context, packet=item)
    link = url_for("youth.join", token=token, _external=True)
    if invitation.channel == "email":
        agency = access.agency_of(db, current_user)
        try:
            invitations.send_invitation_email(invitation=invitation, link=link, agency_name=agency.name)
        except mail.MailError:
            db.rollback()
            context = invitation_panel(session=db, user=current_user, packet=item)
            context.update(errors={"email": _("The email could not be sent just now. Try again in a few minutes, "
                                              "or show a QR code instead.")},
                           typed_email=request.form.get("email", ""), channel=channel)
            return render("youth/invite_error.html", block="panel", status=503, panel=context, packet=item)
        flash(_("The invitation was emailed. The link works once, for 72 hours."), "success")
    else:
        # The token is never stored: keep it in this browser's session just long enough to show it once.
        session[f"invite:{invitation.id}"] = token
    db.commit()
    return redirect(url_for("youth.invitation", invitation_id=invitation.id), 303)


@bp.route("/invitations/<invitation_id>")
@allow(*CASE_ROLES)
def invitation(invitation_id):
    db = get_session()
    item = access.get_or_404(db, Invitation, invitation_id, current_user)
    token = session.pop(f"invite:{item.id}", None)
    link = url_for("youth.join", token=token, _external=True) if token else None
    return render("youth/invitation.html", invitation=item, state=invitations.invitation_state(item), link=link,
                  qr=_qr_data_uri(link) if link and item.channel == "qr" else None,
                  client=db.get(Client, item.client_id))


@bp.route("/invitations/<invitation_id>/revoke", methods=["POST"])
@allow(*CASE_ROLES)
def revoke(invitation_id):
    db = get_session()
    item = access.get_or_404(db, Invitation, invitation_id, current_user)
    invitations.revoke_invitation(db, invitation=item, by=current_user)
    db.commit()
    flash(_("The invitation is cancelled. Its link no longer works."), "success")
    return redirect(url_for("youth.invitation", invitation_id=item.id), 303)


def _qr_data_uri(link: str) -> str:
    """A PNG of the link as a data: URI (the CSP allows data: images; nothing is fetched or stored)."""
    code = qrcode.QRCode(box_size=8, border=3, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(link)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# Panels and work items shown on other areas' pages --------------------------------------------


