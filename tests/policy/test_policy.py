"""The agency's privacy policy as the portal enforces it: settings, disclosures refused without a basis the
policy allows, the privacy notice in English and French with the youth's acknowledgement, and the
board's policy report."""
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEvent, Disclosure, NoticeAcknowledgement, Partner, ReferralOut
from portal.policy import disclosures, settings
from tests.support.records import complete_packet, sign_in


def policy_form(**overrides) -> dict:
    form = {f"collect_{key}": "collect" for key in settings.OPTIONAL_KEYS}
    form.update({"purposes": "Helping with applications\nCounting without names", "privacy_contact":
                 "Privacy Officer, 905-555-0100", "basis_ircc_consent": "yes", "basis_partner_consent": "yes",
                 "basis_court_court_order": "yes", "basis_researcher_anonymised": "yes",
                 "basis_person_legal_duty": "yes"})
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def test_only_managers_keep_the_policy_and_errors_are_named(youth_world, client):
    worker = sign_in(client, youth_world.caseworker)
    assert client.get("/policy/").status_code == 404
    client.post("/sign-out", data={"csrf_token": worker.token()})
    manager = sign_in(client, youth_world.manager)
    refused = manager.post("/policy/", policy_form(purposes="", basis_ircc_consent=None, privacy_contact=""))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Purposes: list at least one purpose" in html and "IRCC: choose at least one basis" in html
    assert "Privacy contact: give who a person asks" in html
    assert manager.post("/policy/", policy_form(collect_status_in_canada="when_needed")).status_code == 303
    assert 'value="when_needed" selected' in client.get("/policy/").get_data(as_text=True)


@pytest.mark.parametrize("recipient,basis,citation,refused", [
    ("court", "", "", "Basis: choose the basis"),
    ("court", "court_order", "", "Citation: name the law"),
    ("researcher", "consent", "", "does not allow sharing with this recipient on this basis"),
    ("", "consent", "", "Recipient: choose who receives it."),
])
def test_an_export_without_an_allowed_basis_is_refused_and_nothing_leaves(app, youth_world, client, recipient, basis,
                                                                          citation, refused):
    sign_in(client, youth_world.manager)
    response = client.get(f"/dashboard/packets.csv?recipient={recipient}&basis={basis}&citation={citation}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert refused in response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Disclosure)).all() == []
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "export.packet_list")).all() == []


def test_an_export_asks_first_then_records_its_basis(app, youth_world, client):
    sign_in(client, youth_world.manager)
    ask = client.get("/dashboard/packets.csv")
    assert ask.status_code == 200 and "Who receives this export?" in ask.get_data(as_text=True)
    done = client.get("/dashboard/packets.csv?recipient=court&basis=court_order&citation=Order+2026-0042"
                      "&recipient_name=Ontario+Court+of+Justice")
    assert done.mimetype == "text/csv"
    with app.app_context(), session_scope(app) as db:
        disclosure = db.exec(select(Disclosure)).one()
        assert (disclosure.kind, disclosure.recipient, disclosure.basis, disclosure.citation) == (
            "export", "court", "court_order", "Order 2026-0042")


def test_a_referral_out_records_consent_as_its_basis_and_a_policy_without_it_refuses(app, make, youth_world,
                                                                                     client):
    partner = make._save(Partner(agency_id=youth_world.centre.id, name="Clinic", kind="legal_clinic",
                                 region="peel", email="intake@clinic.example"))
    referral = make._save(ReferralOut(agency_id=youth_world.centre.id, client_id=youth_world.client.id,
                                      partner_id=partner.id, reason="Advice", referred_on=date.today()))
    manager = sign_in(client, youth_world.manager)
    manager.post("/policy/", policy_form(basis_partner_consent=None))
    consent = {"share_given_names": "yes", "consent_on": date.today().isoformat(), "consent_how": "in_person",
               "confirm": "yes"}
    refused = manager.post(f"/partners/referrals-out/{referral.id}/share", consent)
    assert refused.status_code == 422 and "does not allow sharing" in refused.get_data(as_text=True)
    manager.post("/policy/", policy_form())
    assert manager.post(f"/partners/referrals-out/{referral.id}/share", consent).status_code == 303
    page = client.get(f"/clients/{youth_world.client.id}").get_data(as_text=True)
    assert "Referral to a partner" in page and "The person&#39;s consent, recorded" in page


def test_the_notice_follows_the_settings_in_both_languages(app, youth_world, client):
    manager = sign_in(client, youth_world.manager)
    manager.post("/policy/", policy_form(collect_status_in_canada="when_needed", purposes="Helping with status"))
    english = client.get("/policy/notice?lang=en").get_data(as_text=True)
    french = client.get("/policy/notice?lang=fr").get_data(as_text=True)
    assert "We do not ask for your immigration status now" in english and "Helping with status" in english
    assert "Nous ne demandons pas votre statut d&#39;immigration maintenant" in french
    assert 'lang="fr"' in french and "Privacy Officer, 905-555-0100" in french
    pdf = client.get("/policy/notice.pdf?lang=fr")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Vos droits" in text and "30 jours" in text
    # Without a choice of its own, the notice is in the language the reader reads Passage in.
    client.post("/language", data={"language": "fr", "csrf_token": manager.token()})
    assert '<article class="card notice" lang="fr">' in client.get("/policy/notice").get_data(as_text=True)
    assert "Vos droits" in " ".join(page.extract_text() for page in
                                    PdfReader(io.BytesIO(client.get("/policy/notice.pdf").data)).pages)


def test_the_youths_acknowledgement_is_recorded_with_its_date_and_version(app, youth_world, client):
    worker = sign_in(client, youth_world.caseworker)
    page = client.get(f"/clients/{youth_world.client.id}").get_data(as_text=True)
    assert "has not acknowledged the privacy notice yet" in page
    response = worker.post(f"/policy/clients/{youth_world.client.id}/acknowledged",
                           {"language": "fr", "how": "shown", "on": date.today().isoformat()})
    assert response.status_code == 303
    page = client.get(f"/clients/{youth_world.client.id}").get_data(as_text=True)
    assert f"Privacy notice acknowledged on {date.today().isoformat()} (Français)" in page
    with app.app_context(), session_scope(app) as db:
        ack = db.exec(select(NoticeAcknowledgement)).one()
        assert ack.language == "fr" and re.fullmatch(r"[0-9a-f]{16}", ack.notice_version)
    outsider = app.test_client()
    sign_in(outsider, youth_world.outsider).post(f"/policy/clients/{youth_world.client.id}/acknowledged",
                                                 {"language": "en", "how": "shown", "on": "2026-01-01"})
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(NoticeAcknowledgement)).all()) == 1


def test_the_board_report_counts_disclosures_by_basis(app, youth_world, client):
    with app.app_context(), session_scope(app) as db:
        for basis, recipient, citation in (("consent", "partner", ""), ("court_order", "court", "Order 1"),
                                           ("anonymised", "researcher", "")):
            disclosures.record(db, user=None, agency_id=youth_world.centre.id, kind="export", recipient=recipient,
                               basis=basis, citation=citation)
    sign_in(client, youth_world.manager)
    page = client.get("/policy/report").get_data(as_text=True)
    assert "3 disclosures recorded." in page
    assert re.search(r"A court order</th><td class=\"num\">1</td>", page)
    bad = client.get("/policy/report?from=2026-05-01&to=2026-01-01")
    assert bad.status_code == 422 and "the end of the period is before its start" in bad.get_data(as_text=True)


def test_sending_to_ircc_asks_for_the_basis_and_records_it(app, review_world, auth):
    from tests.packets.test_review import set_status  # noqa: PLC0415 - the review tests' own helper

    complete_packet(app, review_world.packet, sign=True)
    set_status(app, review_world.packet.id, "approved")
    auth.login(review_world.worker)
    form = {"sent_on": date.today().isoformat(), "method": "mail", "reference": "TRACK-9"}
    refused = auth.post(f"/packets/{review_world.packet.id}/submission", form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Basis: choose the basis" in html and 'value="TRACK-9"' in html
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Disclosure)).all() == []
    done = auth.post(f"/packets/{review_world.packet.id}/submission",
                     dict(form, basis="court_order", citation="Crown wardship order 2019-0042"))
    assert done.status_code == 303, re.findall(r"<li><a href=\"#[^<]*</a>", done.get_data(as_text=True))
    with app.app_context(), session_scope(app) as db:
        disclosure = db.exec(select(Disclosure)).one()
        assert (disclosure.kind, disclosure.recipient, disclosure.basis) == ("ircc_submission", "ircc", "court_order")
        assert disclosure.client_file_id == review_world.client.id


def test_answering_an_access_request_is_a_disclosure_and_the_report_shows_the_turnaround(app, youth_world, client):
    from portal.models import AccessRequest, Client, User  # noqa: PLC0415 - only this test reads these tables
    from portal.records import access_requests  # noqa: PLC0415

    with app.app_context(), session_scope(app) as db:
        row = access_requests.record(db, client=db.get(Client, youth_world.client.id),
                                     by=db.get(User, youth_world.manager.id), received_on=date.today())
        access_requests.mark_answered(db, request=db.get(AccessRequest, row.id),
                                      by=db.get(User, youth_world.manager.id), answered_on=date.today())
        disclosure = db.exec(select(Disclosure)).one()
        assert (disclosure.kind, disclosure.recipient, disclosure.basis) == ("records_request", "person", "legal_duty")
    sign_in(client, youth_world.manager)
    page = client.get("/policy/report").get_data(as_text=True)
    assert "Median days to answer" in page and "Closed client files" in page


def test_the_notice_says_how_long_files_are_kept_from_the_retention_setting(app, youth_world, client):
    from portal.models import Agency  # noqa: PLC0415

    with app.app_context(), session_scope(app) as db:
        db.get(Agency, youth_world.centre.id).retain_closed_files_days = 3653
    sign_in(client, youth_world.manager)
    assert "we keep it for 10 years" in client.get("/policy/notice?lang=en").get_data(as_text=True)
    assert "nous le gardons 10 ans" in client.get("/policy/notice?lang=fr").get_data(as_text=True)
