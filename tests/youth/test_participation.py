"""The youth's side: their own packets only, their own fields only, never a staff page; and their
"ask my caseworker" questions reaching the caseworker's work list."""
import uuid
from datetime import date

import pytest

from portal.casework import work
from portal.db import session_scope
from portal.models import Packet, PacketStatus, User
from portal.packets.answers import save_answers
from portal.web.guards import ACCESS_ATTR
from portal.web.panels import PACKET_PANELS
from portal.youth import participation
from tests.support.app import HTMX
from tests.support.records import sign_in

STAFF_SECRET = "Secret Staff Answer Xq7"


def _set_answers(app, packet_id, answers, user_id):
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, packet_id)
        save_answers(db, packet=packet, changes=answers, base_version=packet.version, user=db.get(User, user_id))


def test_home_lists_only_the_youths_own_packets_with_a_timeline(app, youth_world, client):
    sign_in(client, youth_world.youth)
    page = client.get("/me/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert str(youth_world.packet.id) in html
    assert str(youth_world.other_packet.id) not in html and str(youth_world.foreign_packet.id) not in html
    assert "Filling in the form" in html and 'aria-current="step"' in html
    assert "Sign the declaration" in html  # a 16-year-old countersigns a CIT 0403


@pytest.mark.parametrize("status, current", [
    (PacketStatus.draft, "filling"),
    (PacketStatus.in_review, "checking"),
    (PacketStatus.changes_requested, "checking"),
    (PacketStatus.approved, "ready"),
    (PacketStatus.submitted, "sent"),
])
def test_timeline_marks_the_current_stage(status, current):
    stages = participation.timeline(Packet(status=status))
    assert [stage["key"] for stage in stages if stage["state"] == "current"] == [current]
    keys = [stage["key"] for stage in stages]
    assert all(stage["state"] == "done" for stage in stages[:keys.index(current)])


def test_a_decided_packet_says_the_outcome_in_plain_words():
    packet = Packet(status=PacketStatus.decided, outcome="approved")
    assert all(stage["state"] == "done" for stage in participation.timeline(packet))
    assert participation.status_note(packet) == "Approved"


def test_youth_cannot_open_another_packet(app, youth_world, client):
    auth = sign_in(client, youth_world.youth)
    for packet_id in (youth_world.other_packet.id, youth_world.foreign_packet.id, uuid.uuid4(), "not-a-uuid"):
        for path in (f"/me/packets/{packet_id}", f"/me/packets/{packet_id}/sign", f"/packets/{packet_id}",
                     f"/packets/{packet_id}/steps/service"):
            assert client.get(path).status_code == 404, path
            assert client.get(path, headers=HTMX).status_code == 404, path
        response = auth.post(f"/packets/{packet_id}/steps/service", data={"language_of_service": "fr"})
        assert response.status_code == 404
        response = auth.post(f"/packets/{packet_id}/steps/service/fields/language_of_service",
                             data={"language_of_service": "fr"}, htmx=True)
        assert response.status_code == 404
    with app.app_context(), session_scope(app) as db:
        assert "language_of_service" not in (db.get(Packet, youth_world.other_packet.id).answers or {})


def _dummy_url(rule) -> str:
    values = {name: (str(uuid.uuid4()) if "id" in name or name == "token" else "service") for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_every_staff_page_is_a_404_for_a_youth(app, youth_world, client):
    """Walk the URL map: any route not open to youth is not found for them, by GET, htmx GET and POST."""
    auth = sign_in(client, youth_world.youth)
    token = auth.token("/me/")
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        audience = getattr(app.view_functions[rule.endpoint], ACCESS_ATTR, frozenset())
        if "public" in audience or "youth" in audience:
            continue
        url = _dummy_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                responses = [client.get(url), client.get(url, headers=HTMX)]
            else:
                responses = [client.open(url, method=method, data={"csrf_token": token}),
                             client.open(url, method=method, headers={**HTMX, "X-CSRFToken": token})]
            for response in responses:
                assert response.status_code == 404, (method, rule.rule, response.status_code)
            checked += 1
    assert checked > 20  # the walk really covered the staff pages


def test_youth_routes_are_limited_to_their_own_records(app, youth_world, client):
    """Routes open to youth, called with ids of records that are not theirs, are 404s."""
    auth = sign_in(client, youth_world.youth)
    token = auth.token("/me/")
    foreign = {"packet_id": str(youth_world.foreign_packet.id), "client_id": str(youth_world.foreign_client.id)}
    for rule in app.url_map.iter_rules():
        audience = getattr(app.view_functions[rule.endpoint], ACCESS_ATTR, frozenset())
        if "youth" not in audience or not any(arg.endswith("_id") for arg in rule.arguments):
            continue
        values = {name: foreign.get(name, str(uuid.uuid4())) for name in rule.arguments}
        values = {name: ("service" if name == "step_key" else "language_of_service" if name == "name" else value)
                  for name, value in values.items()}
        url = rule.build(values, append_unknown=False)[1]
        if "GET" in rule.methods:
            assert client.get(url).status_code == 404, rule.rule
        if "POST" in rule.methods:
            assert client.post(url, data={"csrf_token": token}).status_code == 404, rule.rule


def test_youth_never_sees_or_changes_staff_only_fields(app, youth_world, client):
    _set_answers(app, youth_world.packet.id, {"authorised_person_name": STAFF_SECRET, "birth_city": "Lima"},
                 youth_world.caseworker.id)
    auth = sign_in(client, youth_world.youth)
    for path in (f"/me/packets/{youth_world.packet.id}", f"/packets/{youth_world.packet.id}", "/me/",
                 f"/packets/{youth_world.packet.id}/steps/identity"):
        response = client.get(path, follow_redirects=True)
        assert STAFF_SECRET not in response.get_data(as_text=True), path
    # A staff-only step is not offered to a youth, and posting to it stores nothing.
    response = auth.post(f"/packets/{youth_world.packet.id}/steps/applicant",
                         data={"authorised_person_name": "Changed By Youth"})
    assert response.status_code in (303, 404)
    # Sneaking a staff-only field into a youth step's post is ignored.
    with app.app_context(), session_scope(app) as db:
        version = db.get(Packet, youth_world.packet.id).version
    response = auth.post(f"/packets/{youth_world.packet.id}/steps/service", data={
        "version": version, "language_of_service": "fr", "special_needs": "no",
        "authorised_person_name": "Changed By Youth", "applying_as": "minor_waiver"})
    assert response.status_code == 303
    auth.post(f"/packets/{youth_world.packet.id}/steps/applicant/fields/authorised_person_name",
              data={"authorised_person_name": "Changed By Youth"}, htmx=True)
    with app.app_context(), session_scope(app) as db:
        answers = db.get(Packet, youth_world.packet.id).answers
        assert answers["language_of_service"] == "fr"
        assert answers["authorised_person_name"] == STAFF_SECRET
        assert "applying_as" not in answers


def _questions(app, user_id):
    with app.test_request_context(), session_scope(app) as db:
        user = db.get(User, user_id)
        return [item for item in work.work_items(db, user=user, today=date.today()) if item.kind == "question"]


def test_ask_my_caseworker_reaches_the_caseworkers_work_list(app, youth_world, client):
    auth = sign_in(client, youth_world.youth)
    with app.app_context(), session_scope(app) as db:
        version = db.get(Packet, youth_world.packet.id).version
    response = auth.post(f"/packets/{youth_world.packet.id}/steps/service", data={
        "version": version, "language_of_service": "en", "ask__special_needs": "yes"})
    assert response.status_code == 303, response.data[:300]
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        assert participation.asked_fields(packet) == ["special_needs"]
        assert packet.answers["language_of_service"] == "en"  # the rest was saved: the question did not block it
    page = client.get("/me/").get_data(as_text=True)
    assert "You asked your caseworker about 1 question" in page

    mine = _questions(app, youth_world.caseworker.id)
    assert len(mine) == 1 and "accommodation" in mine[0].title.lower()
    assert (mine[0].endpoint, mine[0].params) == ("packets.step", {"packet_id": youth_world.packet.id,
                                                                   "step_key": "service"})
    assert mine[0].client_name == "Tomás Álvarez Ruiz"
    assert len(_questions(app, youth_world.manager.id)) == 1
    assert _questions(app, youth_world.other_caseworker.id) == []  # not their client
    assert _questions(app, youth_world.outsider.id) == []  # another agency
    assert _questions(app, youth_world.youth.id) == []

    staff_browser = app.test_client()
    sign_in(staff_browser, youth_world.caseworker)
    assert "accommodation" in staff_browser.get("/my-work").get_data(as_text=True).lower()

    # The caseworker answers it: the question leaves the list.
    _set_answers(app, youth_world.packet.id, {"special_needs": "no"}, youth_world.caseworker.id)
    assert _questions(app, youth_world.caseworker.id) == []


def test_packet_panel_is_for_staff_only(app, youth_world):
    panel = next(panel.context for panel in PACKET_PANELS if panel.template == "youth/_packet_panel.html")
    with app.app_context(), app.test_request_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        assert panel(session=db, user=db.get(User, youth_world.youth.id), packet=packet) is None
        context = panel(session=db, user=db.get(User, youth_world.caseworker.id), packet=packet)
        assert context["account"].id == youth_world.youth.id
        assert [state["signer"].key for state in context["signatures"]] == ["minor"]


def test_staff_packet_page_shows_the_youth_panel(app, youth_world, client):
    sign_in(client, youth_world.caseworker)
    page = client.get(f"/packets/{youth_world.packet.id}").get_data(as_text=True)
    assert "Invite the youth to this application" in page
    assert "Signatures on the youth" in page


def test_youth_home_with_no_packets_says_so(app, make, client):
    agency = make.agency()
    person = make.client(agency)
    youth = make.user(agency, role="youth", client_id=person.id)
    sign_in(client, youth)
    assert b"don't have an application here yet" in client.get("/me/").data


def test_staff_are_sent_away_from_youth_pages(app, youth_world, client):
    sign_in(client, youth_world.caseworker)
    assert client.get("/me/").status_code == 404


def test_open_questions_are_found_on_sqlite_and_postgresql(any_app):
    from datetime import date

    from portal.accounts import users
    from portal.models import Agency, Client, Role

    app = any_app
    with app.app_context(), session_scope(app) as db:
        agency = Agency(slug="qa", name="QA")
        db.add(agency)
        db.flush()
        worker = users.create_user(db, agency_id=agency.id, email="cw@example.org", name="CW", role=Role.caseworker,
                                      password="a long password")
        person = Client(agency_id=agency.id, family_name="Liang", given_names="Wei", date_of_birth=date(2010, 2, 3),
                        assigned_caseworker_id=worker.id)
        db.add(person)
        db.flush()
        youth = users.create_user(db, agency_id=agency.id, email="yy@example.org", name="Y", role=Role.youth,
                                     password="a long password", client_id=person.id)
        asked = Packet(agency_id=agency.id, client_id=person.id, packet_type="cit_0403")
        # another open packet of the client (one open packet per client and type), with no question
        quiet = Packet(agency_id=agency.id, client_id=person.id, packet_type="pr_card", answers={"birth_city": "Lima"})
        db.add_all([asked, quiet])
        db.flush()
        save_answers(db, packet=asked, changes={"birth_city": None}, base_version=asked.version, user=youth,
                             ask_caseworker={"birth_city"})
        worker_id, asked_id = worker.id, asked.id
    with app.app_context(), session_scope(app) as db:
        found = participation.questions_for_staff(db, user=db.get(User, worker_id))
        assert [(question.packet.id, question.field_name) for question in found] == [(asked_id, "birth_city")]


def test_the_packet_page_offers_the_youth_their_signature(app, youth_world, client):
    sign_in(client, youth_world.youth)
    page = client.get(f"/packets/{youth_world.packet.id}").get_data(as_text=True)
    assert "What's next for you" in page and f"/me/packets/{youth_world.packet.id}/sign?signer=minor" in page
    staff = app.test_client()
    sign_in(staff, youth_world.caseworker)
    assert "What's next for you" not in staff.get(f"/packets/{youth_world.packet.id}").get_data(as_text=True)
