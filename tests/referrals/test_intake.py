"""Referrals into the centre: the public form (validation, rate limit, honeypot, CSRF), staff entry,
triage outcomes with their history and emails, and agency scoping."""
import re
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from portal import mail
from portal.audit import verify_chain
from portal.db import session_scope
from portal.models import AuditEvent, Client, RateLimit, Referral, ReferralEvent
from portal.referrals import intake
from tests.support.app import csrf_token_from
from tests.support.records import sign_in

REFERENCE = re.compile(r"REF-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def good_form(**overrides) -> dict:
    form = {
        "referrer_agency": "Halton Youth Services", "referrer_name": "Priya Natarajan",
        "referrer_email": "priya@halton.example", "referrer_phone": "", "child_name": "Zeynep", "child_age": "17",
        "child_date_of_birth": "", "region": "halton", "language": "Turkish", "concern": "pr_citizenship",
        "concern_detail": "PR since 2019, in care, turning 18 soon.", "urgency": "turning_18",
        "urgency_date": (date.today() + timedelta(days=40)).isoformat(), "urgency_note": "", "consent": "obtained",
        "legal_basis": "", "website": "",
    }
    form.update(overrides)
    return form


def post_public(client, form, ip="203.0.113.7"):
    page = client.get("/refer", environ_base={"REMOTE_ADDR": ip})
    form = dict(form, csrf_token=csrf_token_from(page.get_data(as_text=True)))
    return client.post("/refer", data=form, environ_base={"REMOTE_ADDR": ip})


def count(app, model) -> int:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def test_public_form_is_open_to_anyone(youth_world, client):
    page = client.get("/refer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="website"' in html and 'class="hp"' in html  # the honeypot, hidden by CSS
    assert 'for="child_name"' in html and "First name or initials" in html


def test_a_referral_goes_to_the_centre_and_shows_only_its_reference(app, youth_world, client):
    response = post_public(client, good_form())
    assert response.status_code == 303 and response.headers["Location"].endswith("/refer/sent")
    page = client.get("/refer/sent").get_data(as_text=True)
    reference = REFERENCE.search(page).group(0)
    for detail in ("Zeynep", "Turkish", "turning", "Priya", "halton"):
        assert detail not in page
    assert REFERENCE.search(client.get("/refer/sent").get_data(as_text=True)) is None  # shown once
    with app.app_context(), session_scope(app) as db:
        referral = db.exec(select(Referral)).one()
        assert referral.reference == reference
        assert referral.agency_id == youth_world.centre.id and referral.channel == "online" and referral.status == "new"
        assert referral.child_age == 17 and referral.urgency_date == date.today() + timedelta(days=40)
        assert db.exec(select(ReferralEvent)).one().kind == "received"
    with app.app_context():
        message = mail.outbox()[-1]
    assert message["To"] == "priya@halton.example" and reference in message.get_content()
    assert "Zeynep" not in message.get_content()


def test_references_are_random_not_sequential():
    drawn = {intake.new_reference() for _ in range(200)}
    assert len(drawn) == 200 and all(REFERENCE.fullmatch(reference) for reference in drawn)


@pytest.mark.parametrize("overrides, field, message", [
    ({"consent": ""}, "consent", "Please confirm consent was obtained, or give the legal basis"),
    ({"consent": "without", "legal_basis": ""}, "legal_basis", "legal basis for referring without consent"),
    ({"child_age": "", "child_date_of_birth": ""}, "child_age", "age or the date of birth"),
    ({"child_age": "seventeen"}, "child_age", "number from 0 to 30"),
    ({"child_name": "Zeynep Ayşe Yılmaz"}, "child_name", "Only a first name or initials"),
    ({"child_name": ""}, "child_name", "Please fill this in"),
    ({"urgency_date": ""}, "urgency_date", "Please enter a date"),
    ({"urgency_date": "2001-01-01"}, "urgency_date", "This date has passed"),
    ({"urgency": "other", "urgency_date": "", "urgency_note": ""}, "urgency_note", "Please fill this in"),
    ({"referrer_email": "", "referrer_phone": ""}, "referrer_email", "email or a phone number"),
    ({"referrer_email": "not an email"}, "referrer_email", "name@example.org"),
    ({"region": "atlantis"}, "region", "choose one of the options"),
    ({"referrer_agency": "x" * 201}, "referrer_agency", "200 characters or fewer"),
])
def test_validation_says_what_to_fix_and_keeps_what_was_typed(app, youth_world, client, overrides, field, message):
    response = post_public(client, good_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    assert "Priya Natarajan" in html  # everything typed is kept
    assert count(app, Referral) == 0 and count(app, RateLimit) == 0


def test_legal_basis_is_enough_without_consent(app, youth_world, client):
    response = post_public(client, good_form(consent="without", legal_basis="CYFSA s.125 duty to report"))
    assert response.status_code == 303
    assert count(app, Referral) == 1


def test_age_alone_or_birth_date_alone_is_enough(app, youth_world, client):
    assert post_public(client, good_form(child_age="", child_date_of_birth="2010-03-04")).status_code == 303
    assert post_public(client, good_form(child_age="9")).status_code == 303


def test_honeypot_pretends_success_and_stores_nothing(app, youth_world, client):
    response = post_public(client, good_form(website="http://spam.example"))
    assert response.status_code == 303
    assert REFERENCE.search(client.get("/refer/sent").get_data(as_text=True))
    assert count(app, Referral) == 0 and count(app, RateLimit) == 0 and count(app, ReferralEvent) == 0
    with app.app_context():
        assert mail.outbox() == []


def test_rate_limit_per_address(app, youth_world, client):
    for _ in range(intake.RATE_LIMIT):
        assert post_public(client, good_form()).status_code == 303
    blocked = post_public(client, good_form())
    assert blocked.status_code == 429
    assert b"wait" in blocked.data and b"905-555-0100" in blocked.data and b"Halton Youth Services" in blocked.data
    assert count(app, Referral) == intake.RATE_LIMIT
    assert post_public(client, good_form(), ip="198.51.100.9").status_code == 303  # another address is not blocked
    with app.app_context(), session_scope(app) as db:
        keys = db.exec(select(RateLimit.key)).all()
        assert not any("203.0.113.7" in key for key in keys)  # the address is kept only as a hash


def test_csrf_is_required(app, youth_world, client):
    response = client.post("/refer", data=good_form())
    assert response.status_code == 400
    assert count(app, Referral) == 0


def test_no_centre_no_form(app, make, client):
    make.agency()
    assert client.get("/refer").status_code == 404


# Staff: phone and email referrals, triage ---------------------------------------------------------

def _staff_referral(app, youth_world, client, **overrides):
    auth = sign_in(client, youth_world.caseworker)
    response = auth.post("/referrals/new", data=good_form(channel="phone", **overrides))
    assert response.status_code == 303, response.data[:400]
    with app.app_context(), session_scope(app) as db:
        referral = db.exec(select(Referral).order_by(Referral.created_at.desc())).first()
    return auth, referral


def test_staff_enter_phone_referrals_through_the_same_form(app, youth_world, client):
    auth, referral = _staff_referral(app, youth_world, client)
    assert referral.channel == "phone" and referral.entered_by_id == youth_world.caseworker.id
    missing = auth.post("/referrals/new", data=good_form(channel=""))
    assert missing.status_code == 422 and b'id="channel-error"' in missing.data
    online = auth.post("/referrals/new", data=good_form(channel="online"))
    assert online.status_code == 422  # staff choose phone or email; the online channel is the public form's
    queue = client.get("/referrals/").get_data(as_text=True)
    assert referral.reference in queue and "Phone" in queue


def test_accept_opens_the_client_file_and_links_it(app, youth_world, client):
    auth, referral = _staff_referral(app, youth_world, client)
    url = f"/referrals/{referral.id}/accept"
    form = client.get(url)
    assert form.status_code == 200 and b'value="Zeynep"' in form.data
    bad = auth.post(url, data={"given_names": "Zeynep", "family_name": "Yılmaz", "date_of_birth": ""})
    assert bad.status_code == 422 and b'id="date_of_birth-error"' in bad.data
    response = auth.post(url, data={"given_names": "Zeynep", "family_name": "Yılmaz", "date_of_birth": "2008-11-02",
                                    "preferred_language": "Turkish",
                                    "assigned_caseworker_id": str(youth_world.caseworker.id)})
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        stored = db.get(Referral, referral.id)
        created = db.get(Client, stored.client_file_id)
        assert stored.status == "accepted" and created.agency_id == youth_world.centre.id
        assert created.family_name == "Yılmaz" and created.assigned_caseworker_id == youth_world.caseworker.id
        assert response.headers["Location"].endswith(f"/clients/{created.id}/start")  # straight to triage
        kinds = [event.kind for event in db.exec(select(ReferralEvent).order_by(ReferralEvent.created_at))]
        assert kinds == ["received", "accepted"]
        actions = set(db.exec(select(AuditEvent.action)).all())
        assert {"referral.received", "referral.accepted", "client.created"} <= actions
        assert verify_chain(db) is None
    with app.app_context():
        body = mail.outbox()[-1].get_content()
    assert referral.reference in body and "accepted" in body and "Zeynep" not in body
    client_page = client.get(f"/clients/{created.id}").get_data(as_text=True)
    assert "Referred to us" in client_page and referral.reference in client_page
    again = auth.post(f"/referrals/{referral.id}/decline", data={"reason": "changed my mind"})
    assert again.status_code == 422 and b"already" in again.data


def test_ask_for_more_information_then_a_note_reopens_it(app, youth_world, client):
    auth, referral = _staff_referral(app, youth_world, client)
    empty = auth.post(f"/referrals/{referral.id}/request-info", data={"note": ""})
    assert empty.status_code == 422 and b"what information is missing" in empty.data
    assert auth.post(f"/referrals/{referral.id}/request-info",
                     data={"note": "Need the date of birth"}).status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(Referral, referral.id).status == "info_requested"
    with app.app_context():
        body = mail.outbox()[-1].get_content()
    assert referral.reference in body and "date of birth" not in body  # the outcome only, never the details
    assert auth.post(f"/referrals/{referral.id}/note",
                     data={"note": "Referrer called back: born 2008"}).status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(Referral, referral.id).status == "new"
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Need the date of birth" in page and "Referrer called back" in page and "referrer emailed" in page


def test_decline_needs_a_reason_and_tells_the_referrer(app, youth_world, client):
    auth, referral = _staff_referral(app, youth_world, client)
    empty = auth.post(f"/referrals/{referral.id}/decline", data={"reason": "  "})
    assert empty.status_code == 422 and b"reason for declining" in empty.data
    assert auth.post(f"/referrals/{referral.id}/decline",
                     data={"reason": "Over 21 and never in care"}).status_code == 303
    with app.app_context(), session_scope(app) as db:
        stored = db.get(Referral, referral.id)
        assert stored.status == "declined" and stored.decision_reason == "Over 21 and never in care"
    with app.app_context():
        body = mail.outbox()[-1].get_content()
    assert "not able to accept" in body and "Over 21" not in body
    assert client.get(f"/referrals/{referral.id}/accept").status_code == 303  # already dealt with


def test_another_agency_never_sees_the_centres_referrals(app, youth_world, client):
    _auth, referral = _staff_referral(app, youth_world, client)
    outsider = app.test_client()
    auth = sign_in(outsider, youth_world.outsider)
    assert outsider.get(f"/referrals/{referral.id}").status_code == 404
    assert outsider.get(f"/referrals/{referral.id}/accept").status_code == 404
    for action in ("request-info", "decline", "note"):
        assert auth.post(f"/referrals/{referral.id}/{action}", data={"note": "x", "reason": "x"}).status_code == 404
    queue = outsider.get("/referrals/").get_data(as_text=True)
    assert referral.reference not in queue and "does not receive referrals" in queue
    assert outsider.get("/referrals/new").status_code == 404


def test_queue_puts_urgent_referrals_first(app, youth_world, client):
    post_public(client, good_form(urgency="none", urgency_date="", child_name="Later"))
    post_public(client, good_form(urgency="removal", urgency_date=(date.today() + timedelta(days=5)).isoformat(),
                                  child_name="Soonest"))
    post_public(client, good_form(child_name="Soon"))
    sign_in(client, youth_world.caseworker)
    page = client.get("/referrals/").get_data(as_text=True)
    assert page.index("Soonest") < page.index("Soon</bdi>,") < page.index("Later")
    fragment = client.get("/referrals/?status=accepted", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and b"<html" not in fragment.data and b"No referrals here" in fragment.data


def test_storage_and_queries_on_sqlite_and_postgresql(any_app):
    """The queue, the rate limit, invitation expiry, signature digests and dashboard counts, on both databases."""
    from portal.accounts import users
    from portal.models import Agency, Invitation, Packet, Partner, ReferralOut, Role, User, utcnow
    from portal.packets import signatures
    from portal.referrals import directory
    from portal.youth import invitations

    app = any_app
    with app.app_context(), session_scope(app) as db:
        centre = Agency(slug="centre-x", name="Centre", is_centre=True)
        db.add(centre)
        db.flush()
        worker = users.create_user(db, agency_id=centre.id, email="w@example.org", name="W", role=Role.caseworker,
                                      password="a long password")
        person = Client(agency_id=centre.id, family_name="Liang", given_names="Wei", date_of_birth=date(2010, 2, 3))
        db.add(person)
        db.flush()
        youth = users.create_user(db, agency_id=centre.id, email="y@example.org", name="Y", role=Role.youth,
                                     password="a long password", client_id=person.id)
        packet = Packet(agency_id=centre.id, client_id=person.id, packet_type="cit_0403",
                        answers={"birth_city": "Lima"})
        db.add(packet)
        db.flush()
        form = intake.read_form(good_form(), staff=False)
        assert form.ok, form.errors
        with app.test_request_context():
            referral = intake.create_referral(db, agency=centre, clean=form.clean)
        for _ in range(intake.RATE_LIMIT):
            assert intake.take_public_slot(db, ip="192.0.2.1") == 0
        assert intake.take_public_slot(db, ip="192.0.2.1") > 3500
        assert intake.rate_limit_wait(db, ip="192.0.2.1") > 3500
        assert intake.rate_limit_wait(db, ip="192.0.2.2") == 0
        assert [row.id for row in intake.queue(db, user=worker)] == [referral.id]
        assert intake.counts(db, user=worker) == {"new": 1}
        invitation, token = invitations.create_invitation(db, client=person, by=worker, packet=packet)
        invitation_id, packet_id, youth_id = invitation.id, packet.id, youth.id
        partner = Partner(agency_id=centre.id, name="Clinic", kind="legal_clinic", region="peel", phone="905-555-0110")
        db.add(partner)
        db.flush()
        db.add(ReferralOut(agency_id=centre.id, client_id=person.id, partner_id=partner.id, reason="r",
                           referred_on=date.today()))
        centre_id = centre.id
    with app.app_context(), session_scope(app) as db:
        row = db.get(Invitation, invitation_id)
        assert invitations.find_invitation(db, token=token)[1] is None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
        assert abs((expires - utcnow()) - timedelta(hours=72)).total_seconds() < 120
        assert invitations.find_invitation(db, token=token, now=utcnow() + timedelta(hours=73))[1] == "expired"
        assert [item.id for item in invitations.pending_invitations(db, client_id=row.client_id)] == [invitation_id]
        packet = db.get(Packet, packet_id)
        signatures.sign(db, packet=packet, user=db.get(User, youth_id), signer_key="minor", typed_name="Wei Liang",
                        signed_on=date.today().isoformat(), confirmed=True)
    with app.app_context(), session_scope(app) as db:
        assert set(signatures.signatures_for(db, packet=db.get(Packet, packet_id))) == {"minor"}
        assert directory.referral_out_counts(db, agency_id=centre_id)["by_kind"] == {"legal_clinic": 1}


def test_waiting_referrals_show_on_the_centre_staffs_work_list(app, youth_world, client):
    from portal.casework import work
    from portal.models import User

    def items(user_id):
        with app.test_request_context(), session_scope(app) as db:
            user = db.get(User, user_id)
            return [item for item in work.work_items(db, user=user, today=date.today()) if item.kind == "referral"]

    assert items(youth_world.caseworker.id) == []
    post_public(client, good_form(urgency="removal", urgency_date=(date.today() + timedelta(days=3)).isoformat()))
    post_public(client, good_form(urgency="none", urgency_date=""))
    [item] = items(youth_world.caseworker.id)
    assert item.title == "2 referrals waiting for triage" and item.urgency == 1
    assert item.due == date.today() + timedelta(days=3)
    assert (item.endpoint, item.params) == ("referrals.queue", {"status": "new"})
    assert items(youth_world.outsider.id) == [] and items(youth_world.youth.id) == []


def test_a_referral_is_kept_when_the_mail_server_is_down(app, youth_world, client, monkeypatch):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("PASSAGE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PASSAGE_SMTP_PORT", str(closed_port))
    response = post_public(client, good_form())
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        referral = db.exec(select(Referral)).one()
        event = db.exec(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)).one()
        assert event.notified is False


def test_error_summary_links_reach_their_fields(app, youth_world, client):
    html = post_public(client, good_form(consent="", child_name="")).get_data(as_text=True)
    for target in re.findall(r'<div class="error-summary".*?</div>', html, re.S)[0].split('href="#')[1:]:
        anchor = target.split('"')[0]
        assert f'id="{anchor}"' in html, anchor


def test_accepting_for_another_caseworker_when_caseworkers_see_only_their_own(app, youth_world, client):
    from portal.models import Agency

    with app.app_context(), session_scope(app) as db:
        db.get(Agency, youth_world.centre.id).caseworkers_see_all_clients = False
    auth, referral = _staff_referral(app, youth_world, client)
    response = auth.post(f"/referrals/{referral.id}/accept", data={
        "given_names": "Zeynep", "family_name": "Yılmaz", "date_of_birth": "2008-11-02",
        "assigned_caseworker_id": str(youth_world.other_caseworker.id)})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/referrals/{referral.id}")
    assert b"assigned to another caseworker" in client.get(response.headers["Location"]).data


def test_old_rate_limit_rows_are_purged(app, youth_world):
    from portal.accounts import limits
    from portal.models import utcnow

    with app.app_context(), session_scope(app) as db:
        db.add(RateLimit(key="referral-address:old", window_start=utcnow() - timedelta(days=2), count=5))
        db.add(RateLimit(key="referral-address:recent", window_start=utcnow() - timedelta(minutes=5), count=1))
    with app.app_context(), session_scope(app) as db:
        assert limits.purge(db) == 1
    with app.app_context(), session_scope(app) as db:
        keys = set(db.exec(select(RateLimit.key)).all())
        assert keys == {"referral-address:recent"}


def test_the_rate_limit_holds_under_parallel_posts(any_app):
    """Finding 3: 15 parallel posts of the public form were all stored (limit 5 an hour)."""
    from tests.support.app import Factory
    from tests.support.live import at_once, browser, serving

    Factory(any_app).agency(is_centre=True, phone="905-555-0100")
    with serving(any_app) as base:
        def prepare(_index):
            http, csrf = browser(base, "/refer")
            return http, dict(good_form(), csrf_token=csrf)

        def fire(item):
            http, form = item
            return http.post(f"{base}/refer", data=form, allow_redirects=False, timeout=60).status_code

        codes = at_once(15, prepare, fire)
    assert codes.count(303) == intake.RATE_LIMIT and codes.count(429) == 15 - intake.RATE_LIMIT, codes
    assert count(any_app, Referral) == intake.RATE_LIMIT
