"""The partner directory: managers maintain it, caseworkers read it, each agency sees only its own;
referrals out are recorded from a client file, shown in its history, and counted for managers."""
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEvent, Partner, ReferralOut
from portal.referrals import directory
from tests.support.app import HTMX
from tests.support.records import sign_in


def partner_form(**overrides) -> dict:
    form = {"name": "Peel Community Legal Clinic", "kind": "legal_clinic", "region": "peel",
            "services": "Immigration and refugee law", "languages": "English, Français, Punjabi", "contact_name": "",
            "phone": "905-555-0110", "email": "intake@clinic.example", "website": "https://clinic.example",
            "address": "", "notes": ""}
    form.update(overrides)
    return form


@pytest.fixture
def partners(make, youth_world):
    mine = make._save(Partner(agency_id=youth_world.centre.id, name="Newcomer Pathways", kind="settlement",
                              region="peel", languages="English, Mandarin, Tamil", phone="905-555-0145"))
    clinic = make._save(Partner(agency_id=youth_world.centre.id, name="Toronto Refugee Law Office", kind="legal_clinic",
                                region="toronto", languages="English, Français", phone="416-555-0123"))
    theirs = make._save(Partner(agency_id=youth_world.other.id, name="Downtown Immigration Legal Services",
                                kind="legal_clinic", region="toronto", phone="416-555-0178"))
    return mine, clinic, theirs


def test_managers_add_and_edit_partners(app, youth_world, client):
    auth = sign_in(client, youth_world.manager)
    bad = auth.post("/partners/new", data=partner_form(name="", phone="", email="", website="clinic.example"))
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="name-error"' in html and "phone number or an email" in html and "https://" in html
    assert "Immigration and refugee law" in html  # what was typed is kept
    response = auth.post("/partners/new", data=partner_form())
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        partner = db.exec(select(Partner)).one()
        assert partner.agency_id == youth_world.centre.id
    assert auth.post(f"/partners/{partner.id}/edit", data=partner_form(phone="905-555-0111")).status_code == 303
    assert auth.post(f"/partners/{partner.id}/active", data={"active": "no"}).status_code == 303
    with app.app_context(), session_scope(app) as db:
        partner = db.get(Partner, partner.id)
        assert partner.phone == "905-555-0111" and partner.active is False
        actions = db.exec(select(AuditEvent.action).where(AuditEvent.record_id == str(partner.id))).all()
        assert actions == ["partner.created", "partner.updated", "partner.deactivated"]
    assert "Peel Community Legal Clinic" not in client.get("/partners/").get_data(as_text=True)
    assert "Peel Community Legal Clinic" in client.get("/partners/?inactive=1").get_data(as_text=True)


def test_caseworkers_read_but_do_not_maintain(app, youth_world, client, partners):
    mine, _clinic, _theirs = partners
    auth = sign_in(client, youth_world.caseworker)
    assert client.get("/partners/").status_code == 200
    assert client.get(f"/partners/{mine.id}").status_code == 200
    assert client.get("/partners/new").status_code == 404
    assert auth.post("/partners/new", data=partner_form()).status_code == 404
    assert auth.post(f"/partners/{mine.id}/edit", data=partner_form()).status_code == 404
    assert auth.post(f"/partners/{mine.id}/active", data={"active": "no"}).status_code == 404
    with app.app_context(), session_scope(app) as db:
        assert db.get(Partner, mine.id).active is True


def test_directory_is_scoped_to_the_agency(app, youth_world, client, partners):
    mine, clinic, theirs = partners
    auth = sign_in(client, youth_world.manager)
    page = client.get("/partners/").get_data(as_text=True)
    assert mine.name in page and clinic.name in page and theirs.name not in page
    assert client.get(f"/partners/{theirs.id}").status_code == 404
    assert client.get(f"/partners/{theirs.id}/edit").status_code == 404
    assert auth.post(f"/partners/{theirs.id}/edit", data=partner_form()).status_code == 404
    assert auth.post(f"/partners/{theirs.id}/active", data={"active": "no"}).status_code == 404
    with app.app_context(), session_scope(app) as db:
        assert db.get(Partner, theirs.id).name == "Downtown Immigration Legal Services"


def test_filters_by_type_region_and_language(app, youth_world, client, partners):
    mine, clinic, _theirs = partners
    sign_in(client, youth_world.caseworker)
    page = client.get("/partners/?kind=legal_clinic").get_data(as_text=True)
    assert clinic.name in page and mine.name not in page
    page = client.get("/partners/?region=peel").get_data(as_text=True)
    assert mine.name in page and clinic.name not in page
    fragment = client.get("/partners/?language=francais", headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html  # the results block only
    assert clinic.name in html and mine.name not in html  # accents folded


def test_referral_out_is_recorded_and_shown_on_the_client_file(app, youth_world, client, partners):
    mine, _clinic, theirs = partners
    auth = sign_in(client, youth_world.caseworker)
    form = client.get(f"/partners/referrals-out/new?client_id={youth_world.client.id}")
    assert form.status_code == 200 and mine.name.encode() in form.data and theirs.name.encode() not in form.data
    bad = auth.post("/partners/referrals-out/new", data={"client_id": str(youth_world.client.id),
                                                         "partner_id": str(theirs.id),
                                                         "reason": "", "referred_on": "2999-01-01"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="partner_id-error"' in html and 'id="reason-error"' in html and "cannot be in the future" in html
    response = auth.post("/partners/referrals-out/new", data={
        "client_id": str(youth_world.client.id), "partner_id": str(mine.id),
        "reason": "Settlement support and a health card",
        "referred_on": date.today().isoformat(), "outcome": "pending"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{youth_world.client.id}")
    page = client.get(f"/clients/{youth_world.client.id}").get_data(as_text=True)
    assert "Referrals out" in page and mine.name in page and "Settlement support and a health card" in page
    with app.app_context(), session_scope(app) as db:
        referral = db.exec(select(ReferralOut)).one()
    assert auth.post(f"/partners/referrals-out/{referral.id}/outcome",
                     data={"outcome": "connected", "outcome_note": "Seen on Tuesday"}).status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(ReferralOut, referral.id).outcome == "connected"


def test_referrals_out_are_agency_scoped(app, youth_world, client, partners):
    mine, _clinic, theirs = partners
    with app.app_context(), session_scope(app) as db:
        referral = ReferralOut(agency_id=youth_world.centre.id, client_id=youth_world.client.id, partner_id=mine.id,
                               reason="x", referred_on=date.today())
        db.add(referral)
        db.flush()
        referral_id = referral.id
    auth = sign_in(client, youth_world.outsider)
    assert client.get(f"/partners/referrals-out/new?client_id={youth_world.client.id}").status_code == 404
    assert auth.post("/partners/referrals-out/new", data={"client_id": str(youth_world.client.id),
                                                          "partner_id": str(theirs.id), "reason": "x",
                                                          "referred_on": date.today().isoformat()}
                     ).status_code == 404
    assert auth.post(f"/partners/referrals-out/{referral_id}/outcome", data={"outcome": "declined"}).status_code == 404
    with app.app_context(), session_scope(app) as db:
        assert db.get(ReferralOut, referral_id).outcome == "pending"


def test_referral_out_counts_for_the_dashboard(app, youth_world, partners):
    mine, clinic, theirs = partners
    today = date.today()
    rows = [
        (youth_world.centre.id, youth_world.client.id, mine.id, today, "connected"),
        (youth_world.centre.id, youth_world.client.id, clinic.id, today - timedelta(days=3), "pending"),
        (youth_world.centre.id, youth_world.other_client.id, clinic.id, today - timedelta(days=40), "declined"),
        (youth_world.other.id, youth_world.foreign_client.id, theirs.id, today, "connected"),
    ]
    with app.app_context(), session_scope(app) as db:
        for agency_id, client_id, partner_id, on, outcome in rows:
            db.add(ReferralOut(agency_id=agency_id, client_id=client_id, partner_id=partner_id, reason="r",
                               referred_on=on, outcome=outcome))
    with app.app_context(), session_scope(app) as db:
        counts = directory.referral_out_counts(db, agency_id=youth_world.centre.id)
        assert counts["total"] == 3
        assert counts["by_kind"] == {"settlement": 1, "legal_clinic": 2}
        assert counts["by_outcome"] == {"connected": 1, "pending": 1, "declined": 1}
        assert counts["by_partner"] == [("Toronto Refugee Law Office", 2), ("Newcomer Pathways", 1)]
        recent = directory.referral_out_counts(db, agency_id=youth_world.centre.id, since=today - timedelta(days=30))
        assert recent["total"] == 2 and recent["by_outcome"] == {"connected": 1, "pending": 1}


def test_youth_cannot_see_the_directory(app, youth_world, client):
    sign_in(client, youth_world.youth)
    assert client.get("/partners/").status_code == 404


def test_demo_data_for_this_area_loads_twice_without_duplicates(app):
    from portal.demo import seed
    from portal.models import Invitation, Referral

    def counts():
        with app.app_context(), session_scope(app) as db:
            return [len(db.exec(select(model)).all()) for model in (Partner, Referral, ReferralOut, Invitation)]

    with app.app_context(), session_scope(app) as db:
        seed(db)
    first = counts()
    with app.app_context(), session_scope(app) as db:
        seed(db)
    assert counts() == first
    partners_n, referrals_n, out_n, invitations_n = first
    assert partners_n >= 6 and referrals_n >= 4 and out_n >= 1 and invitations_n >= 1
    with app.app_context(), session_scope(app) as db:
        states = set(db.exec(select(Referral.status)).all())
        assert {"new", "info_requested", "accepted", "declined"} <= states
