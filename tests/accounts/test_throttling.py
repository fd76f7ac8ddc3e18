"""Sign-in throttling that counts exactly under parallel requests, and cannot be turned against other users:
per account and per address, with the address read through the configured proxy hops."""
import pytest
from sqlmodel import func, select

from portal.accounts import sessions
from portal.db import session_scope
from portal.models import AuditEvent
from tests.support.app import PASSWORD, Factory, csrf_token_from, make_app
from tests.support.live import at_once, browser, serving


def _post_sign_in(base, email, password, headers=None):
    def prepare(_index):
        return browser(base, "/sign-in")

    def fire(item):
        http, csrf = item
        return http.post(f"{base}/sign-in", data={"email": email, "password": password, "csrf_token": csrf},
                         headers=headers or {}, allow_redirects=False, timeout=60).status_code
    return prepare, fire


def _checked(app) -> int:
    """Passwords actually checked: failures recorded (a throttled attempt is recorded as throttled)."""
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "sign_in.failed")).one()


def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(any_app):
    """Finding 3: 20 parallel wrong passwords were all checked (limit 5 a minute)."""
    user = Factory(any_app).user()
    with serving(any_app) as base:
        codes = at_once(20, *_post_sign_in(base, user.email, "wrong password"))
    assert codes.count(422) == sessions.FAILURES_ALLOWED and codes.count(429) == 20 - sessions.FAILURES_ALLOWED
    assert _checked(any_app) == sessions.FAILURES_ALLOWED


def test_one_account_locked_does_not_lock_another_from_the_same_address(any_app):
    """Finding 4: five bad passwords from anyone blocked every sign-in behind the proxy."""
    make = Factory(any_app)
    target, colleague = make.user(), make.user()
    with serving(any_app) as base:
        at_once(10, *_post_sign_in(base, target.email, "wrong password"))
        http, csrf = browser(base, "/sign-in")
        response = http.post(f"{base}/sign-in", data={"email": colleague.email, "password": PASSWORD,
                                                      "csrf_token": csrf}, allow_redirects=False, timeout=30)
    assert response.status_code == 303


def test_an_address_is_limited_across_accounts(app):
    make = Factory(app)
    people = [make.user() for _ in range(sessions.ADDRESS_FAILURES_ALLOWED + 1)]
    client = app.test_client()
    for person in people[:-1]:
        page = client.get("/sign-in", environ_base={"REMOTE_ADDR": "198.51.100.7"})
        response = client.post("/sign-in", environ_base={"REMOTE_ADDR": "198.51.100.7"}, data={
            "email": person.email, "password": "wrong", "csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert response.status_code == 422
    page = client.get("/sign-in", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    blocked = client.post("/sign-in", environ_base={"REMOTE_ADDR": "198.51.100.7"}, data={
        "email": people[-1].email, "password": PASSWORD, "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert blocked.status_code == 429


@pytest.fixture
def proxied_app(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSAGE_PROXY_HOPS", "1")
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'proxied.db'}")
    yield app
    app.extensions["db_engine"].dispose()


def test_behind_the_proxy_each_visitor_is_their_own_address(proxied_app):
    """With PASSAGE_PROXY_HOPS=1 the address is the one the proxy saw, so the proxy's own address is never
    throttled as one visitor; one visitor's failures do not hold up another's."""
    make = Factory(proxied_app)
    victims = [make.user() for _ in range(sessions.ADDRESS_FAILURES_ALLOWED + 2)]
    colleague = make.user()
    with serving(proxied_app) as base:
        for victim in victims:  # one attacker, many accounts: their address is blocked
            prepare, fire = _post_sign_in(base, victim.email, "wrong", headers={"X-Forwarded-For": "203.0.113.66"})
            fire(prepare(0))
        prepare, fire = _post_sign_in(base, colleague.email, PASSWORD, headers={"X-Forwarded-For": "203.0.113.66"})
        assert fire(prepare(0)) == 429
        prepare, fire = _post_sign_in(base, colleague.email, PASSWORD, headers={"X-Forwarded-For": "198.51.100.20"})
        assert fire(prepare(0)) == 303
    with proxied_app.app_context(), session_scope(proxied_app) as db:
        addresses = set(db.exec(select(AuditEvent.ip).where(AuditEvent.action == "sign_in")))
    assert addresses == {"198.51.100.20"}


def test_without_proxy_hops_a_forwarded_header_is_ignored(app):
    user = Factory(app).user()
    client = app.test_client()
    page = client.get("/sign-in")
    client.post("/sign-in", headers={"X-Forwarded-For": "203.0.113.5"}, environ_base={"REMOTE_ADDR": "192.0.2.1"},
                data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token_from(page.get_data(True))})
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(AuditEvent.ip).where(AuditEvent.action == "sign_in")).one() == "192.0.2.1"
