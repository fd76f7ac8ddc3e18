"""The guided-form engine: conditions, validators, steps over HTTP (htmx and plain), autosave, conflicts."""
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from portal.forms import build_context, check_step, get_packet_type, visible_fields, visible_steps
from portal.forms.engine import check_value, clean_rows
from portal.forms.types import Context, Field, Step
from portal.models import Role
from tests.support.app import HTMX
from tests.support.forms import load, save, start, token

TODAY = date(2026, 11, 27)


def ctx(answers=None, dob=date(2012, 5, 17), signing=date(2026, 12, 15), **client) -> Context:
    return Context(answers=answers or {}, client={"dob": dob, "status": "permanent_resident", **client},
                   signing_date=signing, today=TODAY, agency={"name": "Peel CAS"})


# ---- conditions ----------------------------------------------------------------------------------

def test_field_condition_from_an_earlier_answer():
    step = get_packet_type("cit_0403").step("presence")
    names = lambda answers: [item.name for item in visible_fields(step, ctx(answers))]  # noqa: E731
    assert "absences" not in names({"absent": "no"})
    assert "absences" in names({"absent": "yes"})


def test_step_condition_from_the_client_file_age():
    packet_type = get_packet_type("cit_0002")
    keys = lambda dob: [s.key for s in visible_steps(packet_type, ctx(dob=dob))]  # noqa: E731
    assert "language" in keys(date(2000, 1, 1))  # 26: language proof applies
    assert "language" not in keys(date(1960, 1, 1))  # 66: it does not


def test_youth_sees_only_fields_meant_for_them():
    step = get_packet_type("cit_0403").step("identity")
    youth = {item.name for item in visible_fields(step, ctx(), "youth")}
    staff = {item.name for item in visible_fields(step, ctx(), "caseworker")}
    assert youth == {"other_names_used", "birth_city", "height_cm", "eye_colour"}
    assert youth < staff
    assert "cit_0403" and all(
        any(item.answered_by in ("youth", "either") for item in visible_fields(s, ctx(), "youth"))
        for s in visible_steps(get_packet_type("cit_0403"), ctx(), "youth"))


def test_a_field_brought_in_by_the_same_submit_is_checked():
    step = get_packet_type("cit_0403").step("service")
    values, errors, _typed = check_step(step, MultiDict({"language_of_service": "en", "special_needs": "yes"}), ctx())
    assert errors == {"special_needs_details": "Describe the accommodation needed: Please fill this in."}
    values, errors, _typed = check_step(step, MultiDict({"language_of_service": "en", "special_needs": "no",
                                                         "special_needs_details": "left over"}), ctx())
    assert errors == {}
    assert "special_needs_details" not in values  # a field that does not apply is not saved


def test_ask_my_caseworker_leaves_a_question_open():
    step = get_packet_type("cit_0403").step("identity")
    form = MultiDict({"other_names_used": "no", "birth_city": "", "height_cm": "150", "eye_colour": "brown"})
    _values, errors, _ = check_step(step, form, ctx(), "youth")
    assert "birth_city" in errors
    _values, errors, _ = check_step(step, form, ctx(), "youth", ask_caseworker={"birth_city"})
    assert errors == {}


# ---- validators ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kind, raw, stored, ok",
    [
        ("uci", "1234-5678", "12345678", True),
        ("uci", "12-3456-7890", "1234567890", True),
        ("uci", "123456789", None, False),
        ("passport", "n0123 4567", "N01234567", True),
        ("passport", "AB-12", None, False),
        ("postal_code", "l5n2w5", "L5N 2W5", True),
        ("postal_code", "12345", None, False),
        ("phone", "905-363-6131", "905-363-6131", True),
        ("phone", "call me", None, False),
        ("date", "2019-03-01", "2019-03-01", True),
        ("date", "01/03/2019", None, False),
        ("date", "2019-02-30", None, False),
        ("name", "أميرة", "أميرة", True),
        ("name", "梁 伟", "梁 伟", True),
        ("name", "Ngozi O'Brien-Smith", "Ngozi O'Brien-Smith", True),
        ("name", "R2-D2", None, False),
        ("email", "youth@example.org", "youth@example.org", True),
        ("email", "no-at-sign", None, False),
        ("number", "148", 148, True),
        ("number", "1.5m", None, False),
    ],
)
def test_validators(kind, raw, stored, ok):
    value, error = check_value(Field("x", "X", kind=kind), raw, ctx(), required_check=False)
    assert (error is None) is ok
    if ok:
        assert value == stored


def test_choice_must_be_one_of_the_options():
    item = Field("x", "X", kind="radio", options=(("a", "A"), ("b", "B")))
    assert check_value(item, "c", ctx())[1] == "X: Please choose one of the options."  # names its question
    assert check_value(item, "", ctx())[1] == "X: Please choose one."


def test_field_validator_runs_after_the_kind_check():
    item = get_packet_type("cit_0403").field("height_cm")
    assert check_value(item, "500", ctx())[1] == "Height (cm): Enter the height in centimetres, for example 165."


def test_group_rows_each_checked_and_empty_rows_dropped():
    item = get_packet_type("cit_0403").field("absences")
    rows = [{"left": "2023-01-01", "returned": "2023-13-01", "destination": "US"}, {}, {"left": ""}]
    value, errors = clean_rows(item, rows, ctx())
    assert len(value) == 1
    assert "absences__0__returned" in errors


def test_group_dates_in_the_wrong_order():
    step = Step("s", "S", (get_packet_type("cit_0403").field("absences"),))
    form = MultiDict({"absences__0__left": "2023-02-01", "absences__0__returned": "2023-01-01",
                      "absences__0__destination": "US"})
    _values, errors, _ = check_step(step, form, ctx({"absent": "yes"}))
    assert "absences__0__returned" in errors


# ---- screens: full page vs fragment --------------------------------------------------------------

def test_direct_get_is_a_full_page_and_htmx_gets_the_region(client, auth, draft_world):
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/service"
    page = client.get(url)
    assert page.status_code == 200 and b"<html" in page.data and b'id="step-region"' in page.data
    assert "HX-Request" in page.headers.get("Vary", "")
    fragment = client.get(url, headers={**HTMX, "HX-Target": "step-region"})
    assert fragment.status_code == 200 and b"<html" not in fragment.data
    assert fragment.data.lstrip().startswith(b'<div id="step-region"')
    assert fragment.headers["HX-Push-Url"] == url


def test_progress_and_step_list(client, auth, draft_world):
    auth.login(draft_world.worker)
    html = client.get(f"/packets/{draft_world.packet.id}/steps/service").get_data(as_text=True)
    # 11 sections of CIT 0403, Appendix D (optional: done until a request is made), and when and how it is sent
    assert "1 of 13 steps done" in html
    assert html.count('href="/packets/') >= 13
    assert 'aria-current="step"' in html


def test_invalid_submit_is_422_with_errors_tied_to_fields_and_typing_kept(client, auth, draft_world):
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/pr"
    data = {"csrf_token": token(client, url), "version": "1", "pr_date": "2019-99-01", "pr_document": "copr",
            "pr_document_number": "T1234", "pr_conditions": "no", "removal_order": ""}
    page = client.post(url, data=data)
    assert page.status_code == 422 and b"<html" in page.data
    html = page.get_data(as_text=True)
    assert 'aria-describedby="pr_date-help pr_date-error"' in html
    assert 'value="2019-99-01"' in html and 'value="T1234"' in html
    assert 'id="removal_order-error"' in html
    fragment = client.post(url, data=data, headers=HTMX)
    assert fragment.status_code == 422 and b"<html" not in fragment.data and b"pr_date-error" in fragment.data


def test_valid_submit_without_js_redirects_to_the_next_step(client, auth, draft_world, app):
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/service"
    response = client.post(url, data={"csrf_token": token(client, url), "version": "1", "language_of_service": "fr",
                                      "special_needs": "no"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/steps/identity")
    stored = load(app, draft_world.packet.id)
    assert stored.answers["language_of_service"] == "fr" and stored.version == 2
    assert stored.answer_meta["language_of_service"]["by"] == str(draft_world.worker.id)


def test_valid_submit_with_htmx_swaps_in_the_next_step_and_pushes_its_url(client, auth, draft_world):
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/service"
    response = client.post(url, data={"version": "1", "language_of_service": "en", "special_needs": "no"},
                           headers={**HTMX, "X-CSRFToken": token(client, url)})
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"].endswith("/steps/identity")
    assert b"<html" not in response.data and b'id="step-title">Identity' in response.data


def test_edit_from_review_returns_to_the_review(client, auth, draft_world):
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/service?next=review"
    assert b'name="next" value="review"' in client.get(url).data
    response = client.post(f"/packets/{draft_world.packet.id}/steps/service", data={
        "csrf_token": token(client, url), "version": "1", "language_of_service": "en", "special_needs": "no",
        "next": "review"})
    assert response.headers["Location"].endswith("/review")


# ---- repeatable groups without JavaScript --------------------------------------------------------

def test_group_rows_add_remove_and_reorder_without_js(client, auth, draft_world):
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/presence"
    base = {"csrf_token": token(client, url), "version": "1", "before_pr_in_canada": "no", "absent": "yes",
            "sentence": "no", "absences__0__left": "2023-01-01", "absences__0__returned": "2023-01-10",
            "absences__0__destination": "Lebanon"}
    added = client.post(url, data={**base, "add_row__absences": "1"}).get_data(as_text=True)
    assert 'name="absences__1__left"' in added and 'value="Lebanon"' in added
    two = {**base, "absences__1__left": "2024-05-01", "absences__1__returned": "2024-05-05",
           "absences__1__destination": "Jordan"}
    moved = client.post(url, data={**two, "up_row__absences__1": "1"}).get_data(as_text=True)
    assert moved.index('value="Jordan"') < moved.index('value="Lebanon"')
    removed = client.post(url, data={**two, "remove_row__absences__0": "1"}).get_data(as_text=True)
    assert 'value="Lebanon"' not in removed and 'value="Jordan"' in removed
    saved = client.post(url, data=two)
    assert saved.status_code == 303


# ---- autosave and conflicts ----------------------------------------------------------------------

def field_url(packet, step, name):
    return f"/packets/{packet.id}/steps/{step}/fields/{name}"


def test_autosave_stores_the_field_and_returns_the_new_version(client, auth, draft_world, app):
    auth.login(draft_world.worker)
    packet = draft_world.packet
    response = client.post(field_url(packet, "pr", "pr_date"), data={"version": "1", "pr_date": "2019-03-01"},
                           headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="packet-version" value="2" hx-swap-oob="true"' in html
    assert html.lstrip().startswith('<div class="field field--date" id="pr_date-field"')
    assert load(app, packet.id).answers["pr_date"] == "2019-03-01"


def test_autosave_with_a_bad_value_shows_the_error_and_saves_nothing(client, auth, draft_world, app):
    auth.login(draft_world.worker)
    packet = draft_world.packet
    response = client.post(field_url(packet, "contact", "postal_code"), data={"version": "1", "postal_code": "ZZZ"},
                           headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.status_code == 422
    assert b'id="postal_code-error"' in response.data and b'value="ZZZ"' in response.data
    assert load(app, packet.id).version == 1


def test_autosave_that_brings_in_questions_redraws_the_step(client, auth, draft_world):
    auth.login(draft_world.worker)
    response = client.post(field_url(draft_world.packet, "presence", "absent"), data={
        "version": "1", "absent": "yes", "sentence": "no"}, headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.headers["HX-Retarget"] == "#step-region"
    assert b'name="absences__0__left"' in response.data
    assert b'name="sentence" value="no" checked' in response.data  # typed elsewhere on the page, not yet saved


def test_stale_autosave_is_refused_with_both_values(client, auth, draft_world, app, make):
    other = make.user(draft_world.agency, role=Role.caseworker)
    save(app, packet=draft_world.packet, user=other, changes={"birth_city": "Homs"})  # now version 2
    auth.login(draft_world.worker)
    url = field_url(draft_world.packet, "identity", "birth_city")
    headers = {**HTMX, "X-CSRFToken": token(client)}
    response = client.post(url, data={"version": "1", "birth_city": "Aleppo"}, headers=headers)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Their answer:" in html and "Homs" in html and "Aleppo" in html
    assert 'name="resolve__birth_city"' in html
    assert load(app, draft_world.packet.id).answers["birth_city"] == "Homs"
    kept = client.post(url, data={"version": "1", "birth_city": "Aleppo", "resolve__birth_city": "mine"},
                       headers=headers)
    assert kept.status_code == 200
    assert load(app, draft_world.packet.id).answers["birth_city"] == "Aleppo"


def test_use_theirs_keeps_the_stored_value(client, auth, draft_world, app, make):
    other = make.user(draft_world.agency, role=Role.caseworker)
    save(app, packet=draft_world.packet, user=other, changes={"birth_city": "Homs"})
    auth.login(draft_world.worker)
    response = client.post(field_url(draft_world.packet, "identity", "birth_city"),
                           data={"version": "1", "birth_city": "Aleppo", "resolve": "theirs"},
                           headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.status_code == 200 and b'value="Homs"' in response.data
    assert load(app, draft_world.packet.id).answers["birth_city"] == "Homs"


def test_a_change_to_another_field_is_not_a_conflict(client, auth, draft_world, app, make):
    other = make.user(draft_world.agency, role=Role.caseworker)
    save(app, packet=draft_world.packet, user=other, changes={"birth_city": "Homs"})
    auth.login(draft_world.worker)
    response = client.post(field_url(draft_world.packet, "identity", "eye_colour"),
                           data={"version": "1", "eye_colour": "brown"}, headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.status_code == 200
    assert load(app, draft_world.packet.id).answers == {**load(app, draft_world.packet.id).answers,
                                                        "birth_city": "Homs", "eye_colour": "brown"}


def test_stale_step_submit_without_js_shows_the_conflict_and_lets_the_user_choose(client, auth, draft_world, app, make):
    other = make.user(draft_world.agency, role=Role.caseworker)
    save(app, packet=draft_world.packet, user=other, changes={"language_of_service": "fr"})
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/service"
    data = {"csrf_token": token(client, url), "version": "1", "language_of_service": "en", "special_needs": "no"}
    page = client.post(url, data=data)
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "Someone else saved changes to this page" in html and "French" in html and "English" in html
    assert 'id="packet-version" value="2"' in html
    again = client.post(url, data={**data, "version": "2", "resolve__language_of_service": "theirs"})
    assert again.status_code == 303
    stored = load(app, draft_world.packet.id)
    assert stored.answers["language_of_service"] == "fr" and stored.answers["special_needs"] == "no"


# ---- who answered: youth, in person, ask my caseworker -------------------------------------------

def test_staff_in_person_flag_is_recorded(client, auth, draft_world, app):
    auth.login(draft_world.worker)
    url = f"/packets/{draft_world.packet.id}/steps/service"
    assert b"The youth is giving these answers in person" in client.get(url).data
    client.post(url, data={"csrf_token": token(client, url), "version": "1", "language_of_service": "en",
                           "special_needs": "no", "in_person": "yes"})
    meta = load(app, draft_world.packet.id).answer_meta["language_of_service"]
    assert meta["in_person"] is True and meta["role"] == "caseworker"


def test_youth_sees_their_questions_and_can_ask_their_caseworker(client, auth, draft_world, app, make):
    youth = make.user(draft_world.agency, role=Role.youth, client_id=draft_world.person.id)
    auth.login(youth)
    url = f"/packets/{draft_world.packet.id}/steps/identity"
    html = client.get(url).get_data(as_text=True)
    assert "How tall are you" in html and 'name="ask__birth_city"' in html
    assert 'name="family_name"' not in html and 'name="uci"' not in html
    assert 'class="youth"' in html
    response = client.post(url, data={"csrf_token": token(client, url), "version": "1", "other_names_used": "no",
                                      "height_cm": "150", "eye_colour": "brown", "ask__birth_city": "yes"})
    assert response.status_code == 303
    meta = load(app, draft_world.packet.id).answer_meta
    assert meta["birth_city"]["ask_caseworker"] is True and meta["height_cm"]["role"] == "youth"
    save(app, packet=draft_world.packet, user=draft_world.worker, changes={"birth_city": "Aleppo"})
    assert "ask_caseworker" not in load(app, draft_world.packet.id).answer_meta["birth_city"]


def test_youth_cannot_post_a_staff_field_or_open_the_review(client, auth, draft_world, make):
    youth = make.user(draft_world.agency, role=Role.youth, client_id=draft_world.person.id)
    auth.login(youth)
    response = client.post(field_url(draft_world.packet, "identity", "family_name"),
                           data={"version": "1", "family_name": "X"}, headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.status_code == 404
    assert client.get(f"/packets/{draft_world.packet.id}/review").status_code == 404


# ---- access --------------------------------------------------------------------------------------

def test_another_agency_gets_404_everywhere(client, auth, draft_world, make):
    stranger = make.user(make.agency(), role=Role.caseworker)
    auth.login(stranger)
    packet_id = draft_world.packet.id
    for url in (f"/packets/{packet_id}", f"/packets/{packet_id}/steps/service", f"/packets/{packet_id}/review",
                f"/clients/{draft_world.person.id}/start"):
        assert client.get(url).status_code == 404, url
    response = client.post(field_url(draft_world.packet, "identity", "birth_city"), data={"version": "1",
                           "birth_city": "X"}, headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.status_code == 404


def test_another_youth_gets_404(client, auth, draft_world, make):
    other_client = make.client(draft_world.agency)
    youth = make.user(draft_world.agency, role=Role.youth, client_id=other_client.id)
    auth.login(youth)
    assert client.get(f"/packets/{draft_world.packet.id}/steps/identity").status_code == 404


def test_context_copies_the_client_file(draft_world, app):
    from portal.db import session_scope
    from portal.models import Agency, Client, Packet

    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, draft_world.packet.id)
        context = build_context(packet=packet, client=db.get(Client, packet.client_id),
                                agency=db.get(Agency, packet.agency_id), today=TODAY)
    assert context.client["dob"] == date(2012, 5, 17) and context.client["status"] == "permanent_resident"
    assert context.signing_date == date(2026, 12, 15) and context.agency["name"] == "Peel CAS"


def test_group_autosave_stores_complete_rows_and_leaves_the_rows_as_typed(client, auth, draft_world, app):
    save(app, packet=draft_world.packet, user=draft_world.worker, changes={"absent": "yes"})
    auth.login(draft_world.worker)
    url = field_url(draft_world.packet, "presence", "absences")
    headers = {**HTMX, "X-CSRFToken": token(client)}
    half = client.post(url, data={"version": "2", "absences__0__left": "2023-01-01"}, headers=headers)
    assert half.status_code == 200 and half.headers["HX-Reswap"] == "none"
    assert load(app, draft_world.packet.id).version == 2  # an unfinished row is not stored
    full = client.post(url, data={"version": "2", "absences__0__left": "2023-01-01", "absences__0__returned":
                                  "2023-01-09", "absences__0__destination": "Lebanon"}, headers=headers)
    assert full.headers["HX-Reswap"] == "none"
    assert b'id="packet-version" value="3" hx-swap-oob="true"' in full.data
    assert load(app, draft_world.packet.id).answers["absences"] == [
        {"left": "2023-01-01", "returned": "2023-01-09", "destination": "Lebanon", "reason": ""}]
    wrong = client.post(url, data={"version": "3", "absences__0__left": "2023-01-09", "absences__0__returned":
                                   "2023-01-01", "absences__0__destination": "Lebanon"}, headers=headers)
    assert wrong.status_code == 422 and b'id="absences__0__returned-error"' in wrong.data


@pytest.mark.parametrize("key", sorted(__import__("portal.forms", fromlist=["PACKET_TYPES"]).PACKET_TYPES))
def test_every_registered_packet_type_renders_on_the_same_screens(client, auth, app, make, key):
    from portal.forms import PACKET_TYPES

    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, status_in_canada="no_status", date_of_birth=date(2005, 3, 1))
    packet = start(app, client=person, user=worker, key=key)
    auth.login(worker)
    assert client.get(f"/packets/{packet.id}").status_code == 200
    for step in PACKET_TYPES[key].steps:
        response = client.get(f"/packets/{packet.id}/steps/{step.key}")
        assert response.status_code in (200, 303), (key, step.key)
    review = client.get(f"/packets/{packet.id}/review")
    assert review.status_code == 200 and b"Still missing" in review.data


def test_a_save_without_a_version_cannot_overwrite_anything(client, auth, draft_world, app, make):
    other = make.user(draft_world.agency, role=Role.caseworker)
    save(app, packet=draft_world.packet, user=other, changes={"birth_city": "Homs"})
    auth.login(draft_world.worker)
    response = client.post(field_url(draft_world.packet, "identity", "birth_city"), data={"birth_city": "Aleppo",
                           "version": "not a number"}, headers={**HTMX, "X-CSRFToken": token(client)})
    assert response.status_code == 409
    assert load(app, draft_world.packet.id).answers["birth_city"] == "Homs"


def test_an_open_end_date_in_a_history_prints_as_present_not_na():
    from portal.forms.engine import display_rows
    from portal.forms.types import Field

    history = Field("history", "Addresses", kind="group", columns=(
        Field("from", "From", kind="date"),
        Field("to", "To", kind="date", required=False, blank_display="Present"),
        Field("note", "Note", required=False),
    ))
    rows = display_rows(history, [{"from": "2020-01-01", "to": None, "note": ""}])
    assert rows[0][1] == "Present"
    assert rows[0][2] == "N/A"
