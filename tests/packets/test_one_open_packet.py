"""One open packet per client and type: starting again opens the one already started.

A unique index over (client, packet type) for open statuses holds it in the database, so a double click or
two caseworkers at once cannot make a second draft either.
"""
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from portal.db import session_scope
from portal.models import Packet, PacketStatus, Role
from tests.support.app import PASSWORD, Factory
from tests.support.live import at_once, serving, signed_in, token_of

SIGNING = (date.today() + timedelta(days=30)).isoformat()


def _packets(app, client_id) -> list[Packet]:
    with app.app_context(), session_scope(app) as db:
        rows = db.exec(select(Packet).where(Packet.client_id == client_id)).all()
        for row in rows:
            db.expunge(row)
        return list(rows)


def test_starting_twice_opens_the_packet_already_started(app, caseworker_world, auth, client):
    world = caseworker_world
    auth.login(world.worker)
    data = {"packet_type": "cit_0403", "planned_signing_date": SIGNING}
    first = auth.post(f"/clients/{world.person.id}/packets", data)
    second = auth.post(f"/clients/{world.person.id}/packets", data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_packets(app, world.person.id)) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already started" in page


def test_triage_shows_the_open_packet_and_start_opens_it(app, caseworker_world, auth, client):
    world = caseworker_world
    auth.login(world.worker)
    data = {"packet_type": "cit_0403", "planned_signing_date": SIGNING}
    location = auth.post(f"/clients/{world.person.id}/packets", data).headers["Location"]
    page = client.get(f"/clients/{world.person.id}/start").get_data(as_text=True)
    assert "Already started" in page and location.rsplit("/", 1)[-1] in page


def test_a_closed_packet_does_not_block_a_new_one(app, make):
    agency = make.agency()
    person = make.client(agency)
    make.packet(person, status=PacketStatus.withdrawn)
    make.packet(person, status=PacketStatus.submitted)
    make.packet(person, status=PacketStatus.draft)
    make.packet(person, packet_type="doc_test", status=PacketStatus.draft)
    with pytest.raises(IntegrityError):
        make.packet(person, status=PacketStatus.in_review)


def test_twenty_parallel_starts_make_one_packet(any_app):
    make = Factory(any_app)
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, assigned_caseworker_id=worker.id)
    with serving(any_app) as base:
        http = signed_in(base, worker.email, PASSWORD)
        token = token_of(http, f"{base}/clients/{person.id}/start")

        def fire(_item):
            response = http.post(f"{base}/clients/{person.id}/packets", allow_redirects=False, timeout=60,
                                 data={"packet_type": "cit_0403", "planned_signing_date": SIGNING,
                                       "csrf_token": token})
            return response.status_code, response.headers.get("Location")

        answers = at_once(20, lambda index: index, fire)
    assert {status for status, _ in answers} == {303}, answers
    packets = _packets(any_app, person.id)
    assert len(packets) == 1
    assert {location.rsplit("/", 1)[-1] for _, location in answers} == {str(packets[0].id)}
