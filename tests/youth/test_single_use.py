"""One-time things happen once under parallel requests: invitation links and sign-in codes, against a real
server on SQLite and PostgreSQL."""
import re
from datetime import date

import pytest
from sqlmodel import func, select

from portal import mail
from portal.db import session_scope
from portal.models import Agency, AuditEvent, Client, Invitation, Packet, Role, SignInCode, User
from portal.youth import invitations
from tests.support.app import Factory
from tests.support.live import at_once, browser, serving


@pytest.fixture
def world(any_app):
    make = Factory(any_app)
    agency = make.agency(is_centre=True)
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, date_of_birth=date(2009, 3, 1), assigned_caseworker_id=worker.id)
    packet = make.packet(person, "cit_0403", owner_id=worker.id)
    return any_app, agency, worker, person, packet


def _invite(app, worker, person, packet) -> str:
    with app.app_context(), session_scope(app) as db:
        _row, token = invitations.create_invitation(db, client=db.get(Client, person.id),
                                                    packet=db.get(Packet, packet.id), by=db.get(User, worker.id))
    return token


def test_an_invitation_link_makes_one_account_however_many_use_it_at_once(world):
    """Finding 1: eight parallel joins with different emails each made an active youth account."""
    app, _agency, worker, person, packet = world
    token = _invite(app, worker, person, packet)
    with serving(app) as base:
        def prepare(index):
            http, csrf = browser(base, f"/me/join/{token}")
            return http, {"csrf_token": csrf, "email": f"youth{index}@example.org", "password": "long enough pw",
                          "confirm": "long enough pw"}

        def fire(item):
            http, form = item
            return http.post(f"{base}/me/join/{token}", data=form, allow_redirects=False, timeout=60).status_code

        codes = at_once(20, prepare, fire)
    assert sorted(codes) == [303] + [410] * 19, codes
    with app.app_context(), session_scope(app) as db:
        youth = db.exec(select(User).where(User.client_id == person.id, User.role == Role.youth)).all()
        assert len(youth) == 1 and youth[0].active
        invitation = db.exec(select(Invitation)).one()
        assert invitation.used_by_id == youth[0].id
        accepted = db.exec(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action == "invitation.accepted")).one()
        assert accepted == 1


@pytest.fixture
def code_world(world):
    app, agency, _worker, person, _packet = world
    with app.app_context(), session_scope(app) as db:
        db.get(Agency, agency.id).youth_login_mode = "one_time_code"
    youth = Factory(app).user(agency, role=Role.youth, client_id=person.id, password=None)
    return app, youth


def test_wrong_code_guesses_count_once_each_under_parallel_requests(code_world):
    """Finding 3: 40 guesses sent 20 at a time had the right code accepted at guess 26 (lost updates)."""
    app, youth = code_world
    with app.app_context(), session_scope(app) as db:
        invitations.request_code(db, email=youth.email, ip="10.0.0.1", link="http://x/me/sign-in")
    with app.app_context():
        code = re.search(r"code is (\d{6})", mail.outbox()[-1].get_content()).group(1)
    wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 40)]
    guesses = wrong[:25] + [code] + wrong[25:]  # the right code is guess 26
    accepted = []
    with serving(app) as base:
        for batch in (guesses[:20], guesses[20:]):
            def prepare(index, batch=batch):
                http, csrf = browser(base, "/me/sign-in")
                return http, {"csrf_token": csrf, "action": "verify", "email": youth.email, "code": batch[index]}

            def fire(item):
                http, form = item
                response = http.post(f"{base}/me/sign-in", data=form, allow_redirects=False, timeout=60)
                return response.status_code, form["code"]

            accepted += [guess for status, guess in at_once(len(batch), prepare, fire) if status == 303]
    assert accepted == [], "a code must stop working after five guesses, whatever their timing"
    with app.app_context(), session_scope(app) as db:
        row = db.exec(select(SignInCode)).one()
        assert row.attempts == invitations.CODE_TRIES and row.used_at is None


def test_a_right_code_sent_many_times_at_once_signs_in_once(code_world):
    app, youth = code_world
    with app.app_context(), session_scope(app) as db:
        invitations.request_code(db, email=youth.email, ip="10.0.0.1", link="http://x/me/sign-in")
    with app.app_context():
        code = re.search(r"code is (\d{6})", mail.outbox()[-1].get_content()).group(1)
    with serving(app) as base:
        def prepare(_index):
            http, csrf = browser(base, "/me/sign-in")
            return http, {"csrf_token": csrf, "action": "verify", "email": youth.email, "code": code}

        def fire(item):
            http, form = item
            return http.post(f"{base}/me/sign-in", data=form, allow_redirects=False, timeout=60).status_code

        codes = at_once(10, prepare, fire)
    assert sorted(codes) == [303] + [422] * 9, codes


def test_code_requests_are_limited_exactly_under_parallel_requests(code_world):
    app, youth = code_world
    with serving(app) as base:
        def prepare(_index):
            http, csrf = browser(base, "/me/sign-in")
            return http, {"csrf_token": csrf, "action": "send", "email": youth.email}

        def fire(item):
            http, form = item
            return http.post(f"{base}/me/sign-in", data=form, allow_redirects=False, timeout=60).status_code

        codes = at_once(20, prepare, fire)
    assert codes.count(200) == invitations.CODES_PER_WINDOW and codes.count(429) == 20 - invitations.CODES_PER_WINDOW
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(func.count()).select_from(SignInCode)).one() == invitations.CODES_PER_WINDOW
