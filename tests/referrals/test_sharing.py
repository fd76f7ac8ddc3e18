"""Consent-gated referrals out: only the fields the youth chose reach the partner, through an expiring link
opened with a one-time code sent to the directory's address; a withdrawn consent ends access at once;
every send, open, read and decision is audited; one code opens once, even under parallel guesses."""
import re
import threading
from datetime import date, timedelta

from sqlmodel import select

from portal import mail
from portal.db import session_scope
from portal.models import AuditEvent, Disclosure, Partner, PartnerShare, ReferralOut, Role
from portal.referrals import sharing
from tests.support.app import Factory, csrf_token_from
from tests.support.records import sign_in

LINK = re.compile(r"http://localhost/shared/([A-Za-z0-9_\-]+)")


def a_referral_out(app, make, agency, client, *, email="intake@clinic.example") -> ReferralOut:
    partner = make._save(Partner(agency_id=agency.id, name="Peel Legal Clinic", kind="legal_clinic", region="peel",
                                 email=email))
    return make._save(ReferralOut(agency_id=agency.id, client_id=client.id, partner_id=partner.id,
                                  reason="Advice on an H&C application", referred_on=date.today()))


def consent_form(**overrides) -> dict:
    form = {"share_given_names": "yes", "share_preferred_language": "yes", "consent_on": date.today().isoformat(),
            "consent_how": "in_person", "confirm": "yes"}
    form.update(overrides)
    return form


def last_mail(app):
    with app.app_context():
        return mail.outbox(app.config["MAIL_OUTBOX_DIR"])[-1]


def partner_client(app):
    """A second browser: the partner has no account."""
    return app.test_client()


def open_with_code(app, browser, token):
    page = browser.get(f"/shared/{token}").get_data(as_text=True)
    browser.post(f"/shared/{token}/code", data={"csrf_token": csrf_token_from(page)})
    code = re.search(r"code is (\d{6})", last_mail(app).get_content()).group(1)
    page = browser.get(f"/shared/{token}").get_data(as_text=True)
    return browser.post(f"/shared/{token}/open", data={"csrf_token": csrf_token_from(page), "code": code})


def test_the_partner_reads_only_what_the_youth_chose_after_a_code_and_accepts(app, make, youth_world, client):
    world = youth_world
    referral = a_referral_out(app, make, world.centre, world.client)
    auth = sign_in(client, world.caseworker)
    sent = auth.post(f"/partners/referrals-out/{referral.id}/share", consent_form())
    assert sent.status_code == 303
    email = last_mail(app)
    assert email["To"] == "intake@clinic.example"
    body = email.get_content()
    for private in ("Tomás", "Álvarez", "Advice on an H&C"):
        assert private not in body  # a link, never personal data
    token = LINK.search(body).group(1)

    partner = partner_client(app)
    before = partner.get(f"/shared/{token}").get_data(as_text=True)
    assert "Tomás" not in before and "i•••@clinic.example" in before
    opened = open_with_code(app, partner, token)
    assert opened.status_code == 303
    page = partner.get(f"/shared/{token}").get_data(as_text=True)
    assert "Tomás" in page and "Advice on an H&amp;C application" in page
    assert "Álvarez" not in page and str(world.client.date_of_birth) not in page  # not chosen, not shown
    decided = partner.post(f"/shared/{token}/decide", data={"csrf_token": csrf_token_from(page),
                                                             "decision": "accepted", "note": "We call Monday"})
    assert decided.status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(ReferralOut, referral.id).outcome == "connected"
        actions = set(db.exec(select(AuditEvent.action).where(AuditEvent.action.like("partner_share.%"))).all())
    assert {"partner_share.sent", "partner_share.code_sent", "partner_share.opened", "partner_share.read",
            "partner_share.accepted"} <= actions
    assert "Partner accepted" in client.get(f"/clients/{world.client.id}").get_data(as_text=True)


def test_withdrawn_consent_ends_the_partners_access_at_once(app, make, youth_world, client):
    world = youth_world
    referral = a_referral_out(app, make, world.centre, world.client)
    sign_in(client, world.caseworker).post(f"/partners/referrals-out/{referral.id}/share", consent_form())
    token = LINK.search(last_mail(app).get_content()).group(1)
    partner = partner_client(app)
    open_with_code(app, partner, token)
    assert "Tomás" in partner.get(f"/shared/{token}").get_data(as_text=True)

    youth = app.test_client()
    youth_auth = sign_in(youth, world.youth)
    listing = youth.get("/me/sharing").get_data(as_text=True)
    assert "Peel Legal Clinic" in listing and "Given names" in listing
    with app.app_context(), session_scope(app) as db:
        share_id = db.exec(select(PartnerShare.id)).one()
    assert youth_auth.post(f"/me/sharing/{share_id}/withdraw").status_code == 303

    page = partner.get(f"/shared/{token}").get_data(as_text=True)
    assert "Tomás" not in page and "withdrew their consent" in page
    refused = partner.post(f"/shared/{token}/decide", data={"csrf_token": csrf_token_from(page),
                                                            "decision": "accepted"})
    assert refused.status_code == 422
    with app.app_context(), session_scope(app) as db:
        assert db.get(ReferralOut, referral.id).outcome == "pending"


def test_consent_needs_fields_and_confirmation_named_beside_each(app, make, youth_world, client):
    referral = a_referral_out(app, make, youth_world.centre, youth_world.client)
    auth = sign_in(client, youth_world.caseworker)
    response = auth.post(f"/partners/referrals-out/{referral.id}/share",
                         consent_form(share_given_names="", share_preferred_language="", confirm=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fields to share: choose at least one" in html and "Consent: confirm the youth chose" in html
    with app.app_context():
        assert mail.outbox(app.config["MAIL_OUTBOX_DIR"]) == []


def test_a_partner_without_an_address_gets_no_link(app, make, youth_world, client):
    referral = a_referral_out(app, make, youth_world.centre, youth_world.client, email="")
    response = sign_in(client, youth_world.caseworker).post(f"/partners/referrals-out/{referral.id}/share",
                                                            consent_form())
    assert response.status_code == 422 and "no email in the directory" in response.get_data(as_text=True)


def test_another_agency_and_other_youth_cannot_touch_a_share(app, make, youth_world, client):
    referral = a_referral_out(app, make, youth_world.centre, youth_world.client)
    sign_in(client, youth_world.caseworker).post(f"/partners/referrals-out/{referral.id}/share", consent_form())
    client.post("/sign-out", data={"csrf_token": csrf_token_from(client.get("/my-work").get_data(as_text=True))})
    outsider = sign_in(client, youth_world.outsider)
    assert client.get(f"/partners/referrals-out/{referral.id}/share").status_code == 404
    with app.app_context(), session_scope(app) as db:
        share_id = db.exec(select(PartnerShare.id)).one()
    assert outsider.post(f"/partners/shares/{share_id}/withdraw").status_code == 404
    assert app.test_client().get("/shared/not-a-token").status_code == 404


def test_expired_link_shows_nothing(app, make, youth_world, client):
    referral = a_referral_out(app, make, youth_world.centre, youth_world.client)
    sign_in(client, youth_world.caseworker).post(f"/partners/referrals-out/{referral.id}/share", consent_form())
    token = LINK.search(last_mail(app).get_content()).group(1)
    with app.app_context(), session_scope(app) as db:
        db.exec(select(PartnerShare)).one().expires_at = sharing.utcnow() - timedelta(minutes=1)
    page = app.test_client().get(f"/shared/{token}").get_data(as_text=True)
    assert "This link has expired" in page and "Send me a code" not in page


def test_one_code_opens_once_under_twenty_parallel_uses(any_app):
    app, make = any_app, Factory(any_app)
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, given_names="Amira", family_name="Haddad", date_of_birth=date(2009, 1, 2))
    referral = a_referral_out(app, make, agency, person)
    with app.app_context(), session_scope(app) as db:
        share = sharing.create(db, user=worker, referral=db.get(ReferralOut, referral.id),
                               consent=sharing.Consent(("given_names",), date.today(), "in_person"),
                               link_base="http://localhost/shared/")
        db.commit()
        sharing.send_code(db, share=share)
        db.commit()
        code = re.search(r"code is (\d{6})", mail.outbox(app.config["MAIL_OUTBOX_DIR"])[-1].get_content()).group(1)
        share_id = share.id
    barrier = threading.Barrier(20)
    results = []

    def use():
        with app.app_context(), session_scope(app) as db:
            barrier.wait()
            results.append(sharing.verify_code(db, share=db.get(PartnerShare, share_id), code=code))
            db.commit()

    threads = [threading.Thread(target=use) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1


def test_a_link_that_could_not_be_emailed_shares_nothing(app, make, youth_world, client, tmp_path):
    referral = a_referral_out(app, make, youth_world.centre, youth_world.client)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the outbox folder should be")
    app.config["MAIL_OUTBOX_DIR"] = str(blocked)  # every email now fails
    response = sign_in(client, youth_world.caseworker).post(f"/partners/referrals-out/{referral.id}/share",
                                                            consent_form())
    assert response.status_code == 422 and "could not be sent" in response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(PartnerShare)).all() == []
        assert db.exec(select(Disclosure)).all() == []
