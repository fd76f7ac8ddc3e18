"""Packet operations: start, save with optimistic locking, listeners, the signing date, concurrency."""
import threading
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.forms.rules.dates import age_on
from portal.models import AuditEvent, Packet, PacketStatus, Role, User
from portal.packets import lifecycle, signatures
from portal.packets.answers import (
    NotEditableError,
    PacketError,
    StaleSaveError,
    save_answers,
    set_planned_signing_date,
    start_packet,
)
from tests.support.app import Factory
from tests.support.forms import load, save, start, summary


def test_start_fills_answers_from_the_client_file_and_audits(app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    assert packet.status == PacketStatus.draft and packet.version == 1
    assert packet.answers["family_name"] == "Haddad" and packet.answers["dob"] == "2012-05-17"
    assert packet.answers["uci"] == "12345678" and packet.answers["birth_country"] == "Syria"
    assert packet.answer_meta["family_name"]["role"] == "client_file"
    with app.app_context(), session_scope(app) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "packet.create")).one()
        assert event.record_id == str(packet.id) and "Haddad" not in event.detail


def test_unknown_packet_type_is_a_key_error(app, caseworker_world):
    with pytest.raises(KeyError):
        start(app, client=caseworker_world.person, user=caseworker_world.worker, key="cit_9999")


@pytest.mark.parametrize("today, allowed", [(date(2027, 1, 21), True), (date(2027, 1, 22), False)])
def test_state_care_packet_cannot_be_started_after_the_pathway_closes(app, caseworker_world, today, allowed):
    with app.app_context(), session_scope(app) as db:
        client, user = db.merge(caseworker_world.person), db.merge(caseworker_world.worker)
        if allowed:
            packet = start_packet(db, client=client, packet_type_key="state_care_pr", user=user,
                                          planned_signing_date=today, today=today)
            assert packet.packet_type == "state_care_pr"
        else:
            with pytest.raises(PacketError, match="closed"):
                start_packet(db, client=client, packet_type_key="state_care_pr", user=user,
                                     planned_signing_date=today, today=today)


def test_save_bumps_the_version_and_records_who(app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    saved = save(app, packet=packet, user=caseworker_world.worker, changes={"birth_city": "Aleppo"}, in_person=True)
    assert saved.version == 2
    meta = saved.answer_meta["birth_city"]
    assert meta["by"] == str(caseworker_world.worker.id) and meta["role"] == "caseworker" and meta["in_person"] is True
    assert meta["v"] == 2 and meta["at"]


def test_saving_the_same_value_changes_nothing(app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    saved = save(app, packet=packet, user=caseworker_world.worker, changes={"family_name": "Haddad"})
    assert saved.version == 1


def test_stale_save_of_a_field_changed_since_is_refused_with_both_values(app, caseworker_world, make):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    other = make.user(caseworker_world.agency, role=Role.caseworker)
    save(app, packet=packet, user=other, changes={"birth_city": "Homs"})
    with pytest.raises(StaleSaveError) as raised:
        save(app, packet=packet, user=caseworker_world.worker, changes={"birth_city": "Aleppo"}, base=1)
    conflict = raised.value.conflicts[0]
    assert (conflict.field, conflict.theirs, conflict.mine) == ("birth_city", "Homs", "Aleppo")
    assert conflict.by == str(other.id) and raised.value.current_version == 2


def test_stale_save_of_other_fields_merges(app, caseworker_world, make):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    other = make.user(caseworker_world.agency, role=Role.caseworker)
    save(app, packet=packet, user=other, changes={"birth_city": "Homs"})
    merged = save(app, packet=packet, user=caseworker_world.worker, changes={"eye_colour": "brown"}, base=1)
    assert merged.answers["birth_city"] == "Homs" and merged.answers["eye_colour"] == "brown"
    assert merged.version == 3


def test_stale_save_with_the_same_value_is_not_a_conflict(app, caseworker_world, make):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    other = make.user(caseworker_world.agency, role=Role.caseworker)
    save(app, packet=packet, user=other, changes={"birth_city": "Homs"})
    assert save(app, packet=packet, user=caseworker_world.worker, changes={"birth_city": "Homs"}, base=1).version == 2


def test_every_save_tells_the_lifecycle_and_the_signatures_what_changed(app, caseworker_world, monkeypatch):
    heard = []
    for module, name in ((lifecycle, "answers_changed"), (signatures, "on_answers_changed")):
        monkeypatch.setattr(module, name, lambda session, *, packet, changed, user, name=name:
                            heard.append((name, packet.id, changed, user.id)))
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    save(app, packet=packet, user=caseworker_world.worker, changes={"birth_city": "Aleppo", "family_name": "Haddad"})
    assert heard == [("answers_changed", packet.id, {"birth_city"}, caseworker_world.worker.id),
                     ("on_answers_changed", packet.id, {"birth_city"}, caseworker_world.worker.id)]


def test_saving_a_packet_in_review_is_refused(app, caseworker_world, make):
    person = caseworker_world.person
    packet = Factory(app).packet(person, status=PacketStatus.in_review)
    with pytest.raises(NotEditableError):
        save(app, packet=packet, user=caseworker_world.worker, changes={"birth_city": "Aleppo"})
    assert load(app, packet.id).version == 1


def test_ask_caseworker_is_recorded_and_cleared_by_an_answer(app, caseworker_world, make):
    youth = make.user(caseworker_world.agency, role=Role.youth, client_id=caseworker_world.person.id)
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    asked = save(app, packet=packet, user=youth, changes={}, ask_caseworker={"birth_city"})
    assert (asked.answer_meta["birth_city"]["ask_caseworker"] is True
            and asked.answer_meta["birth_city"]["role"] == "youth")
    answered = save(app, packet=packet, user=youth, changes={"birth_city": "Aleppo"})
    assert "ask_caseworker" not in answered.answer_meta["birth_city"]


def test_changing_the_signing_date_re_runs_the_age_rules(app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker, signing=date(2026, 12, 15))
    rules = lambda: {finding.rule: finding for finding in summary(app, packet.id).findings}  # noqa: E731
    assert "age.14_17" in rules()
    with app.app_context(), session_scope(app) as db:
        row = db.get(Packet, packet.id)
        set_planned_signing_date(db, packet=row, signing_date=date(2030, 6, 1),
                                 user=db.get(User, caseworker_world.worker.id))
    assert rules()["age.minor"].level == "blocker"
    assert load(app, packet.id).version == 2


def test_signing_date_form_over_http(client, auth, app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    auth.login(caseworker_world.worker)
    soon = date.today() + timedelta(days=200)
    response = auth.post(f"/packets/{packet.id}/signing-date", data={"planned_signing_date": soon.isoformat()})
    assert response.status_code == 303
    assert load(app, packet.id).planned_signing_date == soon
    page = client.get(f"/packets/{packet.id}").get_data(as_text=True)
    assert f"will be {age_on(caseworker_world.person.date_of_birth, soon)}" in page
    # More than a year ahead is refused: every age rule reads this date.
    far = auth.post(f"/packets/{packet.id}/signing-date", data={"planned_signing_date": "2030-06-01"},
                    follow_redirects=True)
    assert b"within a year" in far.data and load(app, packet.id).planned_signing_date == soon
    bad = auth.post(f"/packets/{packet.id}/signing-date", data={"planned_signing_date": "soon"}, follow_redirects=True)
    assert b"year-month-day" in bad.data


def test_the_packet_page_says_how_ages_are_counted_and_offers_the_date_only_while_it_can_change(
        client, auth, app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker, signing=None)
    auth.login(caseworker_world.worker)
    page = client.get(f"/packets/{packet.id}").get_data(as_text=True)
    today_age = age_on(caseworker_world.person.date_of_birth, date.today())
    assert "No signing date is planned yet" in page and f"Today the applicant is {today_age}." in page
    assert "On that date" not in page and 'name="planned_signing_date"' in page
    with app.app_context(), session_scope(app) as db:
        db.get(Packet, packet.id).status = PacketStatus.submitted
    page = client.get(f"/packets/{packet.id}").get_data(as_text=True)
    assert 'name="planned_signing_date"' not in page, "a sent packet's date cannot change: no form that would fail"
    assert "Planned signing date: not set" in page and ">Submitted</span>" in page


def test_concurrent_saves_from_the_same_version_cannot_both_win(any_app):
    factory = Factory(any_app)
    agency = factory.agency()
    worker = factory.user(agency, role=Role.caseworker)
    person = factory.client(agency, status_in_canada="permanent_resident")
    packet = start(any_app, client=person, user=worker)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(city):
        with any_app.app_context(), session_scope(any_app) as db:
            row = db.get(Packet, packet.id)
            barrier.wait()
            try:
                save_answers(db, packet=row, changes={"birth_city": city}, base_version=1,
                                     user=db.get(User, worker.id))
                outcomes.append(("saved", city))
            except StaleSaveError:
                outcomes.append(("stale", city))

    threads = [threading.Thread(target=attempt, args=(city,)) for city in ("Homs", "Aleppo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"]
    winner = next(city for kind, city in outcomes if kind == "saved")
    stored = load(any_app, packet.id)
    assert stored.answers["birth_city"] == winner and stored.version == 2


def test_client_panel_lists_packets_and_links_to_triage(client, auth, app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    auth.login(caseworker_world.worker)
    html = client.get(f"/clients/{caseworker_world.person.id}").get_data(as_text=True)
    assert f"/packets/{packet.id}" in html and "Start an application" in html
    assert f"/clients/{caseworker_world.person.id}/start" in html


def test_triage_then_start_over_http(client, auth, app, caseworker_world):
    auth.login(caseworker_world.worker)
    url = f"/clients/{caseworker_world.person.id}/start"
    assert client.get(url).status_code == 200
    page = auth.post(url, data={"status": "permanent_resident", "planned_signing_date": "2026-12-15"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Suggested:" in html and "CIT 0403" in html
    fragment = auth.post(url, data={"status": "permanent_resident", "planned_signing_date": "2026-12-15"}, htmx=True)
    assert fragment.data.lstrip().startswith(b'<div id="triage-result"')
    bad = auth.post(url, data={"status": "permanent_resident", "planned_signing_date": "15/12/2026"})
    assert bad.status_code == 422 and b"year-month-day" in bad.data
    started = auth.post(f"/clients/{caseworker_world.person.id}/packets",
                        data={"packet_type": "cit_0003", "planned_signing_date": "2026-12-15"})
    assert started.status_code == 303 and "/packets/" in started.headers["Location"]
    refused = auth.post(f"/clients/{caseworker_world.person.id}/packets", data={"packet_type": "nope",
                                                                         "planned_signing_date": "2026-12-15"})
    assert refused.status_code == 303 and refused.headers["Location"].endswith("/start")


def test_a_stale_packet_object_that_was_sent_for_review_is_not_saved(app, caseworker_world):
    packet = start(app, client=caseworker_world.person, user=caseworker_world.worker)
    with app.app_context(), session_scope(app) as db:
        stale = db.get(Packet, packet.id)
        with session_scope(app) as other:
            other.get(Packet, packet.id).status = PacketStatus.in_review
        with pytest.raises(NotEditableError):
            save_answers(db, packet=stale, changes={"birth_city": "Aleppo"}, base_version=1,
                                 user=db.get(User, caseworker_world.worker.id))
    assert "birth_city" not in load(app, packet.id).answers


def test_demo_packets_are_made_once_and_four_are_complete(app):
    from portal.demo import DEMO_PASSWORD, people
    from portal.demo import citizenship as demo_packets
    from portal.forms import summarize
    from portal.models import Agency, Client

    for _ in range(2):
        with app.app_context(), session_scope(app) as db:
            context = {"password": DEMO_PASSWORD}
            people.seed(db, context)
            db.flush()
            demo_packets.seed(db, context)
    with app.app_context(), session_scope(app) as db:
        rows = db.exec(select(Packet)).all()
        assert len(rows) == len(demo_packets.PACKETS) == 6
        complete = [row.packet_type for row in rows if not summarize(
            packet=row, client=db.get(Client, row.client_id), agency=db.get(Agency, row.agency_id)).missing]
    assert sorted(complete) == ["cit_0001", "cit_0002", "cit_0003", "cit_0403"]
