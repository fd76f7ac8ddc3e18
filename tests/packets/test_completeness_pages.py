"""The completeness model as people see it: the packet page, the review screen, the youth's sign page, the PDF."""
from datetime import date

from sqlmodel import select

from portal.db import session_scope
from portal.documents import snapshot
from portal.models import Packet, Signature, User
from portal.packets.answers import save_answers
from tests.support.records import complete_packet, sign_in


def test_the_sign_page_lists_what_is_missing_and_refuses_a_post(app, client, youth_world):
    auth = sign_in(client, youth_world.youth)
    page = client.get(f"/me/packets/{youth_world.packet.id}/sign?signer=minor")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="not-ready"' in html and 'name="typed_name"' not in html
    assert "<li>Identity: " in html
    # The questions as the youth's own step pages ask them, not as staff see them.
    assert "Identity: Have you ever been known by another name" in html
    assert "Has the applicant used any other name?" not in html
    client.set_cookie("passage_lang", "fr")  # French puts a no-break space before the colon
    french = client.get(f"/me/packets/{youth_world.packet.id}/sign?signer=minor").get_data(as_text=True)
    assert "<li>Identité\u00a0: " in french and "Identité:" not in french
    client.delete_cookie("passage_lang")
    response = auth.post(f"/me/packets/{youth_world.packet.id}/sign", data={
        "signer": "minor", "typed_name": "Tomás Álvarez Ruiz", "signed_on": date.today().isoformat(),
        "confirm": "yes"})
    assert response.status_code == 422
    assert "sign yet: some questions are not answered" in response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as db:
        assert not db.exec(select(Signature)).all()


def test_a_new_packet_shows_eligibility_not_checked_yet(client, draft_world):
    sign_in(client, draft_world.worker)
    html = client.get(f"/packets/{draft_world.packet.id}").get_data(as_text=True)
    assert "Not checked yet" in html
    assert "No blocking problem found" not in html


def _views(app, world):
    """What the packet page, the review screen, the youth's sign page and the PDF snapshot say is missing."""
    client = app.test_client()
    sign_in(client, world.caseworker)
    packet_page = client.get(f"/packets/{world.packet.id}").get_data(as_text=True)
    review = client.get(f"/packets/{world.packet.id}/staff-review").get_data(as_text=True)
    youth_client = app.test_client()
    sign_in(youth_client, world.youth)
    sign_page = youth_client.get(f"/me/packets/{world.packet.id}/sign?signer=minor").get_data(as_text=True)
    with app.app_context(), app.test_request_context("/"), session_scope(app) as db:
        snap = snapshot.build(db, packet=db.get(Packet, world.packet.id), user=None)
    return packet_page, review, sign_page, snap


def _missing_section(html: str) -> str:
    return html.split('id="missing"')[1].split("</section>")[0]


def test_one_answer_changes_all_four_views(app, youth_world):
    complete_packet(app, youth_world.packet)  # complete but for the youth's own signature
    label = "City or town of birth"
    packet_page, review, sign_page, snap = _views(app, youth_world)
    assert label not in _missing_section(packet_page) and label not in _missing_section(review)
    assert 'id="not-ready"' not in sign_page and 'name="typed_name"' in sign_page
    assert [item["kind"] for item in snap["missing"]] == ["signature"]
    statuses = {item["key"]: item["status"] for item in snap["checklist"]}
    assert statuses["translations"] == "optional"  # an optional item is never "Missing" in the PDF
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        save_answers(db, packet=packet, changes={"birth_city": ""}, base_version=packet.version,
                     user=db.get(User, youth_world.caseworker.id))
    packet_page, review, sign_page, snap = _views(app, youth_world)
    assert label in _missing_section(packet_page) and label in _missing_section(review)
    # The youth's page asks it as their own step page does.
    assert 'id="not-ready"' in sign_page and "The city or town where you were born, if you know it." in sign_page
    assert 'name="typed_name"' not in sign_page
    assert [item["label"] for item in snap["missing"] if item["kind"] == "answer"] == [label]


def test_refused_approval_offers_a_manager_the_override_and_the_dashboard_lists_it(app, client, review_world):
    complete_packet(app, review_world.packet, sign=True)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, review_world.packet.id)
        packet.status = "in_review"
        packet.answers = {**packet.answers, "birth_city": ""}
    auth = sign_in(client, review_world.manager)
    url = f"/packets/{review_world.packet.id}/transition"
    refused = auth.post(url, data={"to_status": "approved"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="gate-refused"' in html and "City or town of birth" in html
    assert 'name="override_reason"' in html
    done = auth.post(url, data={"to_status": "approved", "override_reason": "Birth city unknown to everyone."})
    assert done.status_code == 303
    review = client.get(f"/packets/{review_world.packet.id}/staff-review").get_data(as_text=True)
    assert 'id="overrides"' in review and "Birth city unknown to everyone." in review
    dashboard = client.get("/dashboard/").get_data(as_text=True)
    assert 'id="overrides"' in dashboard and "Birth city unknown to everyone." in dashboard


def test_a_caseworker_sees_what_is_missing_and_no_override(app, client, draft_world):
    auth = sign_in(client, draft_world.worker)
    refused = auth.post(f"/packets/{draft_world.packet.id}/transition", data={"to_status": "in_review"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="gate-refused"' in html and 'name="override_reason"' not in html
    with app.app_context(), session_scope(app) as db:
        assert db.get(Packet, draft_world.packet.id).status == "draft"


def test_record_submission_shows_the_missing_signature_and_takes_a_managers_reason(app, client, review_world):
    complete_packet(app, review_world.packet, sign=False)
    with app.app_context(), session_scope(app) as db:
        db.get(Packet, review_world.packet.id).status = "approved"
    url = f"/packets/{review_world.packet.id}/submission"
    form = {"sent_on": date.today().isoformat(), "method": "online", "reference": "F000123456", "basis": "consent"}
    worker = sign_in(client, review_world.worker)
    page = client.get(url).get_data(as_text=True)
    assert 'id="gate-refused"' in page and "Applicant (minor aged 14 to 17)" in page
    refused = worker.post(url, data=form)
    assert refused.status_code == 422 and 'name="override_reason"' not in refused.get_data(as_text=True)
    manager_client = app.test_client()
    manager = sign_in(manager_client, review_world.manager)
    assert manager.post(url, data=form).status_code == 422  # no reason, no override
    done = manager.post(url, data={**form, "override_reason": "The youth signed the paper form in person."})
    assert done.status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(Packet, review_world.packet.id).status == "submitted"
