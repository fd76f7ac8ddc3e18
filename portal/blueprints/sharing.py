"""Consent-gated sharing with partners: the caseworker records the youth's choice, the partner opens an
expiring link with a one-time code, the youth can withdraw consent from their own portal."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user

from portal import access, validation
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Agency, Client, Partner, PartnerShare, Role
from portal.referrals import directory, sharing
from portal.web.guards import allow, public
from portal.web.rendering import render

bp = Blueprint("sharing", __name__)
VERIFIED = "partner_shares"  # session key: ids of the shares this browser opened with a code


# Staff: record consent and send the link ----------------------------------------------------------

def _consent_page(referral, form, *, status=200, error=None):
    db = get_session()
    return render("sharing/consent.html", status=status, referral=referral, form=form, error=error,
                  client=db.get(Client, referral.client_id), partner=db.get(Partner, referral.partner_id),
                  fields=sharing.SHAREABLE, ways=sharing.CONSENT_WAYS)


@bp.route("/partners/referrals-out/<referral_id>/share", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def consent(referral_id):
    db = get_session()
    referral = directory.get_referral_out(db, user=current_user, referral_id=referral_id)
    if request.method == "GET":
        return _consent_page(referral, validation.FormResult(values={"consent_on": date.today().isoformat(),
                                                                     "consent_how": "in_person"}))
    try:
        chosen = sharing.read_consent(request.form)
        share = sharing.create(db, user=current_user, referral=referral, consent=chosen,
                               link_base=url_for("sharing.partner_page", token="", _external=True))
    except validation.FormInvalid as error:
        return _consent_page(referral, validation.FormResult(values=error.values, errors=error.errors), status=422)
    except sharing.SharingError as error:
        db.rollback()
        return _consent_page(referral, validation.FormResult(values=request.form.to_dict()), status=422,
                             error=str(error))
    db.commit()
    flash(_("A secure link was sent to %(address)s. It opens only with a code sent to that address.",
            address=sharing.masked_address(share.sent_to)), "success")
    return redirect(url_for("clients.show", client_id=referral.client_id), 303)


@bp.route("/partners/shares/<share_id>/withdraw", methods=["POST"])
@allow(*CASE_ROLES)
def staff_withdraw(share_id):
    db = get_session()
    share = access.get_or_404(db, PartnerShare, share_id, current_user)
    sharing.withdraw(db, share=share, by=current_user, note=validation.clean_text(request.form.get("note", "")))
    db.commit()
    flash(_("Consent is withdrawn. The partner's link stopped working."), "success")
    return redirect(url_for("clients.show", client_id=share.client_id), 303)


# The youth: see and withdraw -----------------------------------------------------------------------

@bp.route("/me/sharing")
@allow(Role.youth)
def youth_list():
    db = get_session()
    shares = sharing.for_client(db, client_id=current_user.client_id)
    return render("sharing/youth.html", shares=shares, states={share.id: sharing.state(share)
                                                                for share, _partner in shares},
                  labels={share.id: sharing.field_labels(share) for share, _partner in shares})


@bp.route("/me/sharing/<share_id>/withdraw", methods=["POST"])
@allow(Role.youth)
def youth_withdraw(share_id):
    db = get_session()
    share = db.get(PartnerShare, access.parse_id(share_id))
    if share is None or share.client_id != current_user.client_id:
        abort(404)
    sharing.withdraw(db, share=share, by=current_user, note="withdrawn by the youth in their portal")
    db.commit()
    flash(_("Done. The partner can no longer open what you shared. Your caseworker can see this too."), "success")
    return redirect(url_for("sharing.youth_list"), 303)


# The partner: a public page behind an expiring link and a one-time code ----------------------------

def _share_or_404(token):
    share = sharing.find(get_session(), token=token)
    if share is None:
        abort(404)
    return share


def _opened(share) -> bool:
    return str(share.id) in session.get(VERIFIED, [])


def _partner_page(token, share, *, status=200, error=None, sent=False):
    db = get_session()
    readable = sharing.readable(share)
    rows = sharing.shared_values(db, share=share) if readable and _opened(share) else None
    db.commit()  # the read is in the audit log
    partner = db.get(Partner, share.partner_id)
    agency_name = db.get(Agency, share.agency_id).name
    return render("sharing/partner.html", status=status, token=token, share=share, rows=rows, error=error,
                  sent=sent, state=sharing.state(share), partner=partner, agency_name=agency_name,
                  address=sharing.masked_address(partner.email or share.sent_to))


@bp.route("/shared/<token>")
@public
def partner_page(token):
    return _partner_page(token, _share_or_404(token))


@bp.route("/shared/<token>/code", methods=["POST"])
@public
def partner_code(token):
    db = get_session()
    share = _share_or_404(token)
    try:
        sharing.send_code(db, share=share)
    except sharing.SharingError as error:
        db.rollback()
        return _partner_page(token, share, status=429, error=str(error))
    db.commit()
    return _partner_page(token, share, sent=True)


@bp.route("/shared/<token>/open", methods=["POST"])
@public
def partner_open(token):
    db = get_session()
    share = _share_or_404(token)
    right = sharing.verify_code(db, share=share, code=request.form.get("code", ""))
    db.commit()
    if not right:
        return _partner_page(token, share, status=422, sent=True,
                             error=_("Code: that code is not right, or it has expired. Check the email, or ask "
                                     "for a new code."))
    session[VERIFIED] = [*session.get(VERIFIED, [])[-9:], str(share.id)]
    return redirect(url_for("sharing.partner_page", token=token), 303)


@bp.route("/shared/<token>/decide", methods=["POST"])
@public
def partner_decide(token):
    db = get_session()
    share = _share_or_404(token)
    if not _opened(share):
        abort(404)
    try:
        sharing.decide(db, share=share, decision=request.form.get("decision", ""),
                       note=request.form.get("note", ""))
    except sharing.SharingError as error:
        db.rollback()
        return _partner_page(token, share, status=422, error=str(error))
    db.commit()
    flash(_("Thank you. The agency can see your answer."), "success")
    return redirect(url_for("sharing.partner_page", token=token), 303)
