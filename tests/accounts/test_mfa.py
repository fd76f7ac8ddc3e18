"""Two-step sign-in for staff: codes from an authenticator (RFC 6238), recovery codes, setting it up,
confirming who you are before a sensitive change, and signing out everywhere."""
import re
import time

import pyotp
import pytest
from sqlmodel import select

from portal.accounts import mfa
from portal.db import session_scope
from portal.models import AuditEvent, RecoveryCode, Role, StaffMfa, User
from tests.support.app import MFA_SECRETS, PASSWORD, Auth, Factory, csrf_token_from
from tests.support.records import fresh, sign_in


def _password(client, user, password=PASSWORD):
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": user.email, "password": password, "csrf_token": token})
    return response, token


def _actions(app, user) -> list[str]:
    with app.app_context(), session_scope(app) as db:
        return [row.action for row in db.exec(select(AuditEvent).where(AuditEvent.user_id == user.id)
                                              .order_by(AuditEvent.id))]


def test_a_manager_needs_a_code_after_the_password(app, client, make):
    manager = make.user(make.agency(), role=Role.manager)
    response, token = _password(client, manager)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in/code"
    assert client.get("/clients/").status_code == 302, "the password alone signs nobody in"
    page = client.get("/sign-in/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'for="code"' in page
    wrong = client.post("/sign-in/code", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422 and "did not work" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(MFA_SECRETS[manager.email]).now()
    right = client.post("/sign-in/code", data={"code": code, "csrf_token": token})
    assert right.status_code == 303 and right.headers["Location"] == "/"
    assert client.get("/clients/").status_code == 200
    assert _actions(app, manager)[-3:] == ["sign_in.password_ok", "mfa.failed", "sign_in"]


def test_a_code_works_once_even_in_its_window(app, make):
    manager = make.user(make.agency(), role=Role.manager)
    code = pyotp.TOTP(MFA_SECRETS[manager.email]).now()
    first, second = app.test_client(), app.test_client()
    _response, token = _password(first, manager)
    assert first.post("/sign-in/code", data={"code": code, "csrf_token": token}).status_code == 303
    _response, token = _password(second, manager)
    replay = second.post("/sign-in/code", data={"code": code, "csrf_token": token})
    assert replay.status_code == 422
    assert "detail=replayed" not in _actions(app, manager)  # the detail is the event's, not an action
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "mfa.failed")).one().detail == "replayed"


def test_a_recovery_code_signs_in_once(app, client, make):
    manager = make.user(make.agency(), role=Role.manager)
    with app.app_context(), session_scope(app) as db:
        codes = mfa.new_recovery_codes(db, user=db.get(User, manager.id))
        stored = {row.code_hash for row in db.exec(select(RecoveryCode))}
    assert len(codes) == 10 and len(set(codes)) == 10
    assert not any(code.replace("-", "") in stored or code in stored for code in codes), "only hashes are kept"
    _response, token = _password(client, manager)
    used = client.post("/sign-in/code", data={"code": codes[0].upper(), "csrf_token": token})
    assert used.status_code == 303
    assert "9 are left" in client.get("/", follow_redirects=True).get_data(as_text=True)
    again = app.test_client()
    _response, token = _password(again, manager)
    assert again.post("/sign-in/code", data={"code": codes[0], "csrf_token": token}).status_code == 422


def test_guesses_are_counted_and_stop_at_the_allowance(app, client, make):
    manager = make.user(make.agency(), role=Role.manager)
    _response, token = _password(client, manager)
    for _ in range(mfa.GUESSES.allowed):
        assert client.post("/sign-in/code", data={"code": "123456", "csrf_token": token}).status_code == 422
    code = pyotp.TOTP(MFA_SECRETS[manager.email]).now()
    refused = client.post("/sign-in/code", data={"code": code, "csrf_token": token})
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)


def test_a_manager_without_an_authenticator_sets_one_up_before_signing_in(app, client, make):
    manager = make.user(make.agency(), role=Role.manager)
    with app.app_context(), session_scope(app) as db:
        db.delete(db.get(StaffMfa, manager.id))
    response, token = _password(client, manager)
    assert response.headers["Location"] == "/sign-in/set-up"
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    assert "<svg" in page and "<?xml" not in page
    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page).group(1)
    assert client.get("/sign-in/set-up").get_data(as_text=True).count(secret) == 1, "a reload keeps the same secret"
    wrong = client.post("/sign-in/set-up", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422 and 'aria-describedby="code-error' in wrong.get_data(as_text=True)
    done = client.post("/sign-in/set-up", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == "/sign-in/recovery-codes"
    codes = client.get("/sign-in/recovery-codes").get_data(as_text=True)
    assert len(re.findall(r"<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>", codes)) == 10
    assert client.get("/sign-in/recovery-codes").status_code == 303, "shown once"
    assert fresh(app, StaffMfa, manager.id).secret == secret


def test_caseworkers_need_it_only_when_their_agency_says_so(app, make):
    relaxed, strict = make.agency(), make.agency(caseworkers_need_mfa=True)
    worker = make.user(relaxed, role=Role.caseworker)
    careful = make.user(strict, role=Role.caseworker)
    youth = make.user(strict, role=Role.youth)
    assert _password(app.test_client(), worker)[0].headers["Location"] == "/"
    assert _password(app.test_client(), careful)[0].headers["Location"] == "/sign-in/set-up"
    assert _password(app.test_client(), youth)[0].headers["Location"] == "/me/", "youth keep their simple sign-in"


def test_the_admin_setting_turns_it_on_for_caseworkers(app, client, make):
    agency = make.agency()
    admin = make.user(agency, role=Role.admin)
    auth = sign_in(client, admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="caseworkers_need_mfa"' in page
    from portal.accounts.agencies import RETENTION_FIELDS

    current = fresh(app, type(agency), agency.id)
    form = {"caseworkers_see_all_clients": "all", "youth_login_mode": "password", "stuck_after_days": "14",
            "retention_days": "730", "caseworkers_need_mfa": "yes",
            **{name: str(getattr(current, name)) for name in RETENTION_FIELDS}}
    assert auth.post("/admin/settings", data=form).status_code == 303
    assert fresh(app, type(agency), agency.id).caseworkers_need_mfa


def test_a_code_is_a_page_that_needs_the_password_first(client):
    response = client.get("/sign-in/code")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"


def test_the_wait_between_password_and_code_is_limited(app, client, make):
    manager = make.user(make.agency(), role=Role.manager)
    _response, token = _password(client, manager)
    with client.session_transaction() as cookie:
        cookie["mfa_at"] = int(time.time()) - 301
    code = pyotp.TOTP(MFA_SECRETS[manager.email]).now()
    late = client.post("/sign-in/code", data={"code": code, "csrf_token": token})
    assert late.status_code == 303 and late.headers["Location"] == "/sign-in"


def test_twenty_parallel_uses_of_one_code_let_exactly_one_in(any_app):
    """Twenty browsers past the password step send the same valid code at the same moment to a real server."""
    from tests.support.live import at_once, browser, serving

    make = Factory(any_app)
    manager = make.user(make.agency(), role=Role.manager)
    code = pyotp.TOTP(MFA_SECRETS[manager.email]).now()
    with serving(any_app) as base:
        def prepare(_index):
            http, token = browser(base, "/sign-in")
            response = http.post(base + "/sign-in", data={"email": manager.email, "password": PASSWORD,
                                                          "csrf_token": token}, allow_redirects=False, timeout=30)
            assert response.headers["Location"] == "/sign-in/code"
            return http, token

        def fire(prepared):
            http, token = prepared
            return http.post(base + "/sign-in/code", data={"code": code, "csrf_token": token},
                             allow_redirects=False, timeout=60).status_code

        statuses = at_once(20, prepare, fire)
    assert statuses.count(303) == 1 and set(statuses) - {303} <= {422, 429}, statuses


# ---------------------------------------------------------------------------------------------
# Your account: confirming who you are, password, email, two-step, signing out everywhere
# ---------------------------------------------------------------------------------------------

def _stale(client):
    with client.session_transaction() as cookie:
        cookie["auth_at"] = int(time.time()) - 601


def test_changes_to_how_you_sign_in_ask_who_you_are_when_the_sign_in_is_old(app, client, make):
    manager = make.user(make.agency(), role=Role.manager)
    auth = sign_in(client, manager)
    assert client.get("/account/password").status_code == 200, "just signed in: no need to ask again"
    _stale(client)
    for path in ("/account/password", "/account/email", "/account/two-step"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/account/confirm?next=")
    assert auth.post("/account/two-step/off").headers["Location"] == "/account/confirm?next=/account/"
    wrong = auth.post("/account/confirm?next=/account/email", data={"password": "nope", "code": "1"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    no_code = auth.post("/account/confirm?next=/account/email", data={"password": PASSWORD, "code": "000000"})
    assert no_code.status_code == 422
    code = pyotp.TOTP(MFA_SECRETS[manager.email]).at(time.time() + 30)  # the sign-in spent this window's code
    right = auth.post("/account/confirm?next=/account/email", data={"password": PASSWORD, "code": code})
    assert right.status_code == 303 and right.headers["Location"] == "/account/email"
    assert client.get("/account/email").status_code == 200


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, make):
    worker = make.user(make.agency(), role=Role.caseworker)
    here, there = app.test_client(), app.test_client()
    auth = sign_in(here, worker)
    sign_in(there, worker)
    short = auth.post("/account/password", data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 10" in short.get_data(as_text=True)
    changed = auth.post("/account/password", data={"password": "a brand new one", "confirm": "a brand new one"})
    assert changed.status_code == 303
    assert here.get("/clients/").status_code == 200
    assert there.get("/clients/").status_code == 302
    assert sign_in(app.test_client(), worker, "a brand new one")


def test_changing_email_refuses_one_in_use(app, client, make):
    agency = make.agency()
    worker, other = make.user(agency, role=Role.caseworker), make.user(agency, role=Role.caseworker)
    auth = sign_in(client, worker)
    taken = auth.post("/account/email", data={"email": other.email.upper()})
    assert taken.status_code == 422 and other.email.upper() in taken.get_data(as_text=True)
    assert auth.post("/account/email", data={"email": "New.Me@example.org"}).status_code == 303
    assert fresh(app, User, worker.id).email == "new.me@example.org"


def test_setting_up_on_the_account_page_and_turning_it_off(app, client, make):
    worker = make.user(make.agency(), role=Role.caseworker)
    auth = sign_in(client, worker)
    page = client.get("/account/two-step").get_data(as_text=True)
    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page).group(1)
    assert auth.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()}).status_code == 303
    assert "10 recovery codes left" in client.get("/account/").get_data(as_text=True)
    assert auth.post("/account/two-step/off").status_code == 303
    assert fresh(app, User, worker.id) and "Off." in client.get("/account/").get_data(as_text=True)


def test_a_manager_cannot_turn_it_off(app, client, make):
    manager = make.user(make.agency(), role=Role.manager)
    auth = sign_in(client, manager)
    auth.post("/account/two-step/off")
    assert fresh(app, StaffMfa, manager.id).secret


def test_sign_out_everywhere_ends_every_session(app, make):
    worker = make.user(make.agency(), role=Role.caseworker)
    here, there = app.test_client(), app.test_client()
    auth = sign_in(here, worker)
    sign_in(there, worker)
    response = auth.post("/account/sign-out-everywhere")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert here.get("/clients/").status_code == 302 and there.get("/clients/").status_code == 302
    assert "sign_out.everywhere" in _actions(app, worker)


@pytest.mark.parametrize("path", ["/account/", "/account/password", "/account/email", "/account/two-step"])
def test_account_pages_are_for_staff_only(app, client, make, path):
    agency = make.agency()
    youth = make.user(agency, role=Role.youth, client_id=make.client(agency).id)
    sign_in(client, youth)
    assert client.get(path).status_code == 404


def test_the_test_helper_signs_in_with_a_code(app, make):
    manager = make.user(make.agency(), role=Role.manager)
    assert Auth(app.test_client()).login(manager).status_code == 303
    assert Auth(app.test_client()).login(manager).status_code == 303, "twice in one window: the next window's code"


def test_the_demo_shows_and_prints_the_managers_secrets(app, client):
    from portal.cli import demo_code
    from portal.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_totp_secret, people, print_logins, staff_mfa

    with app.app_context(), session_scope(app) as db:
        context = {"password": DEMO_PASSWORD}
        for step in (people, staff_mfa):  # the demo's staff only: its packets take long to make
            step.seed(db, context)
        manager = db.exec(select(User).where(User.email == "manager@peel.demo")).one()
        assert mfa.enrolment(db, manager).secret == demo_totp_secret("manager@peel.demo")
        worker = db.exec(select(User).where(User.email == "caseworker@peel.demo")).one()
        assert mfa.enrolment(db, worker) is None, "demo caseworkers sign in with a password only"
    printed = []
    print_logins(DEMO_LOGINS, echo=printed.append)
    assert any(demo_totp_secret("admin@peel.demo") in line for line in printed)
    app.config["SHOW_DEMO_LOGINS"] = True
    assert demo_totp_secret("manager@jhs.demo") in client.get("/sign-in").get_data(as_text=True)
    result = app.test_cli_runner().invoke(demo_code, ["Manager@Peel.demo"])
    assert result.output.strip() == pyotp.TOTP(demo_totp_secret("manager@peel.demo")).now()


def test_an_admin_resets_the_two_step_of_someone_who_lost_their_phone(app, make):
    agency = make.agency()
    admin, manager = make.user(agency, role=Role.admin), make.user(agency, role=Role.manager)
    other_manager = make.user(make.agency(), role=Role.manager)
    lost = app.test_client()
    sign_in(lost, manager)
    desk = app.test_client()
    auth = sign_in(desk, admin)
    assert f"/admin/users/{manager.id}/reset-two-step" in desk.get("/admin/users").get_data(as_text=True)
    assert auth.post(f"/admin/users/{other_manager.id}/reset-two-step").status_code == 404
    assert auth.post(f"/admin/users/{manager.id}/reset-two-step").status_code == 303
    assert lost.get("/clients/").status_code == 302, "their sessions ended"
    assert _password(app.test_client(), manager)[0].headers["Location"] == "/sign-in/set-up"
    assert fresh(app, StaffMfa, other_manager.id).secret
    colleague = make.user(agency, role=Role.manager)
    colleague_auth = sign_in(app.test_client(), colleague)
    assert colleague_auth.post(f"/admin/users/{admin.id}/reset-two-step").status_code == 303
    assert fresh(app, StaffMfa, admin.id).secret, "a manager never changes an admin's account"
