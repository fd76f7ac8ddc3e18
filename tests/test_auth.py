"""Sign-in, sign-out, throttling, idle expiry and session ending."""
from datetime import timedelta

from sqlmodel import select

from portal import accounts
from portal.db import session_scope
from portal.models import Role, User, UserSession, utcnow
from tests.conftest import PASSWORD


def test_sign_in_page_renders(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert b'<label for="email">' in response.data


def test_sign_in_and_out(auth, make, client):
    user = make.user(role=Role.caseworker)
    response = auth.login(user)
    assert response.status_code == 303
    assert client.get("/my-work").status_code == 200
    response = auth.post("/sign-out")
    assert response.status_code == 303
    assert client.get("/my-work").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_message(auth, make):
    user = make.user()
    wrong = auth.login(user, password="not the password")

    class Nobody:
        email = "nobody@example.org"

    unknown = auth.login(Nobody)
    assert wrong.status_code == unknown.status_code == 422
    message = b"do not match an active account"
    assert message in wrong.data and message in unknown.data


def test_sixth_failure_in_a_minute_is_throttled(auth, make):
    user = make.user()
    for _ in range(5):
        assert auth.login(user, password="wrong").status_code == 422
    response = auth.login(user, password=PASSWORD)
    assert response.status_code == 429
    assert b"try again in" in response.data


def test_session_changes_at_sign_in(auth, make, client):
    user = make.user()
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login(user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("sid")


def test_idle_session_expires(auth, make, client, app):
    user = make.user()
    auth.login(user)
    with app.app_context(), session_scope(app) as db:
        for row in db.exec(select(UserSession).where(UserSession.user_id == user.id)):
            row.last_seen_at = utcnow() - timedelta(minutes=31)
    response = client.get("/my-work")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_deactivating_a_user_ends_their_sessions(auth, make, client, app):
    agency = make.agency()
    user = make.user(agency)
    admin = make.user(agency, role=Role.admin)
    auth.login(user)
    assert client.get("/my-work").status_code == 200
    with app.app_context(), session_scope(app) as db:
        accounts.set_active(db, user=db.get(User, user.id), active=False, by=db.get(User, admin.id))
    assert client.get("/my-work").status_code == 302
