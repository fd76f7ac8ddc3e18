"""People hear about what concerns them: in "My work", and by an email that holds a link and a reference only."""
from datetime import date

from sqlmodel import select

from portal import mail
from portal.casework import work
from portal.db import session_scope
from portal.forms import get_packet_type
from portal.models import Client, Packet, ReviewComment, User
from portal.packets import notifications
from tests.support.forms import form_data
from tests.support.records import complete_packet, sign_in


def _outbox(app) -> list:
    with app.app_context():
        return [(message["To"], message["Subject"], message.get_content()) for message in mail.outbox()]


def _no_personal_data(app, body: str, packet_id) -> None:
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, packet_id)
        person = db.get(Client, packet.client_id)
        # Whole names and name parts of letters (a factory name like "Amira 5" has a digit a link may hold).
        words = {person.family_name, person.given_names,
                 *(part for part in person.given_names.split() if not part.isdigit()),
                 "Aleppo", "Mississauga", "Samira", "Benali"}
    assert notifications.reference(packet) in body and f"/packets/{packet_id}" in body
    for word in words:
        assert word not in body, word


def _work(app, user) -> list:
    with app.app_context(), session_scope(app) as db:
        return [(item.kind, item.title) for item in work.work_items(db, user=db.get(User, user.id),
                                                                    today=date.today())]


def test_review_request_changes_comment_and_approval_reach_the_right_people(app, client, review_world):
    complete_packet(app, review_world.packet, sign=True)
    packet_id = review_world.packet.id
    worker_auth = sign_in(client, review_world.worker)
    assert worker_auth.post(f"/packets/{packet_id}/transition", data={"to_status": "in_review"}).status_code == 303
    sent = _outbox(app)
    assert {to for to, _subject, _body in sent} == {review_world.manager.email}  # approvers, never the owner
    _no_personal_data(app, sent[0][2], packet_id)
    assert any(kind == "review" for kind, _title in _work(app, review_world.manager))

    manager = app.test_client()
    manager_auth = sign_in(manager, review_world.manager)
    manager_auth.post(f"/packets/{packet_id}/comments", data={"target": "general", "body": "Aleppo: check spelling"})
    manager_auth.post(f"/packets/{packet_id}/transition", data={"to_status": "changes_requested",
                                                                "note": "Fix the birth city"})
    emails = _outbox(app)[1:]
    assert [to for to, _s, _b in emails] == [review_world.worker.email] * 2
    for _to, subject, body in emails:
        _no_personal_data(app, body, packet_id)
        assert "Aleppo" not in subject and "birth city" not in body
    kinds = {kind for kind, _title in _work(app, review_world.worker)}
    assert {"review", "comment"} <= kinds  # changes requested (a review item) and the open comment

    with app.app_context(), session_scope(app) as db:  # the comment is dealt with, the packet goes back
        for row in db.exec(select(ReviewComment)):
            row.resolved_at = row.created_at
    worker_auth.post(f"/packets/{packet_id}/transition", data={"to_status": "in_review"})
    manager_auth.post(f"/packets/{packet_id}/transition", data={"to_status": "approved"})
    last = _outbox(app)[-1]
    assert last[0] == review_world.worker.email and "approved" in last[1]
    _no_personal_data(app, last[2], packet_id)
    assert "approved" in {kind for kind, _title in _work(app, review_world.worker)}


def test_a_youths_question_reaches_the_caseworker(app, client, youth_world):
    complete_packet(app, youth_world.packet)
    auth = sign_in(client, youth_world.youth)
    step = get_packet_type("cit_0403").step("identity")
    with app.app_context(), session_scope(app) as db:
        answers = dict(db.get(Packet, youth_world.packet.id).answers)
    data = form_data(step, answers)
    data.update(birth_city="", ask__birth_city="yes")
    page = client.get(f"/packets/{youth_world.packet.id}/steps/identity").get_data(as_text=True)
    version = page.split('id="packet-version" value="')[1].split('"')[0]
    response = auth.post(f"/packets/{youth_world.packet.id}/steps/identity", data={**data, "version": version})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    sent = _outbox(app)
    assert [to for to, _s, _b in sent] == [youth_world.caseworker.email]
    _no_personal_data(app, sent[0][2], youth_world.packet.id)
    assert "question" in {kind for kind, _title in _work(app, youth_world.caseworker)}
