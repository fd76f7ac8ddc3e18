"""Sign-in, sign-out, throttling, idle expiry and session ending."""
from datetime import timedelta

from sqlmodel import select

from portal.accounts import agencies, sessions
from portal.db import session_scope
from portal.models import Role, User, UserSession, utcnow
from tests.support.app import PASSWORD


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
        agencies.set_active(db, user=db.get(User, user.id), active=False, by=db.get(User, admin.id))
    assert client.get("/my-work").status_code == 302


def _login_from(client, email, password, ip):
    from tests.support.app import csrf_token_from

    page = client.get("/sign-in", environ_base={"REMOTE_ADDR": ip})
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip})


def test_throttling_per_account_across_addresses(make, client):
    user = make.user()
    for n in range(5):
        assert _login_from(client, user.email, "wrong", f"192.0.2.{n}").status_code == 422
    assert _login_from(client, user.email, PASSWORD, "192.0.2.99").status_code == 429


def test_throttle_says_how_long_and_lifts_after_the_window(app, make):
    user = make.user()
    start = utcnow()
    with app.app_context(), session_scope(app) as db:
        for n in range(5):
            sessions.sign_in(db, email=user.email, password="wrong", ip="203.0.113.1", now=start + timedelta(seconds=n))
    with app.app_context(), session_scope(app) as db:
        wait = sessions.throttle_wait_seconds(db, email=user.email, ip="203.0.113.1", now=start + timedelta(seconds=10))
        assert 40 <= wait <= 52
        later = start + timedelta(seconds=61)
        assert sessions.throttle_wait_seconds(db, email=user.email, ip="203.0.113.1", now=later) == 0
        assert sessions.sign_in(db, email=user.email, password=PASSWORD, ip="203.0.113.1", now=later).user is not None


def test_an_unknown_email_is_throttled_like_a_real_one(client):
    for _ in range(5):
        assert _login_from(client, "ghost@example.org", "x", "203.0.113.50").status_code == 422
    assert _login_from(client, "ghost@example.org", "x", "203.0.113.51").status_code == 429


def test_session_still_alive_just_inside_the_idle_limit(auth, make, client, app):
    user = make.user()
    auth.login(user)
    with app.app_context(), session_scope(app) as db:
        for row in db.exec(select(UserSession).where(UserSession.user_id == user.id)):
            row.last_seen_at = utcnow() - timedelta(minutes=29)
    assert client.get("/my-work").status_code == 200


def test_idle_limit_is_configurable(tmp_path, monkeypatch, make):
    from tests.support.app import Auth, Factory, make_app

    monkeypatch.setenv("PASSAGE_IDLE_MINUTES", "5")
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'idle.db'}")
    user = Factory(app).user()
    browser = Auth(app.test_client())
    browser.login(user)
    with app.app_context(), session_scope(app) as db:
        for row in db.exec(select(UserSession).where(UserSession.user_id == user.id)):
            row.last_seen_at = utcnow() - timedelta(minutes=6)
    response = browser.client.get("/my-work")
    assert response.status_code == 302
    page = browser.client.get(response.headers["Location"])
    assert b"signed out because the page was idle" in page.data


def test_next_never_leads_off_site(auth, make, client):
    user = make.user()
    page = client.get("/sign-in")
    from tests.support.app import csrf_token_from

    token = csrf_token_from(page.get_data(as_text=True))
    # As typed in the address bar (the finding: ?next=/%09/evil.example/x answered Location: //evil.example/x),
    # then as decoded values.
    raw = ["/sign-in?next=/%09/evil.example/x", "/sign-in?next=/%5C/evil.example", "/sign-in?next=%20//evil.example"]
    decoded = ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example/x",
               " //evil.example", "/\n/evil.example", "\\\\evil.example", "\t//evil.example", "/\x00/evil.example"]
    for url, query in [(url, None) for url in raw] + [("/sign-in", {"next": target}) for target in decoded]:
        response = client.post(url, query_string=query,
                               data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        location = response.headers["Location"]
        assert response.status_code == 303 and "evil" not in location.replace("%5C/evil", ""), (url, query, location)
        assert not location.lstrip().replace("\\", "/").startswith("//")
        auth.post("/sign-out")
        token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    # A path on this site, with what a browser would drop removed, is kept.
    response = client.post("/sign-in?next=/clients/%0A", data={"email": user.email, "password": PASSWORD,
                                                              "csrf_token": token})
    assert response.headers["Location"] == "/clients/"


def test_sign_out_needs_post(auth, make, client):
    auth.login(make.user())
    assert client.get("/sign-out").status_code == 405
    assert client.get("/my-work").status_code == 200


def test_youth_of_an_agency_using_codes_cannot_sign_in_with_a_password(auth, make, app, client):
    agency = make.agency(youth_login_mode="one_time_code")
    person = make.client(agency)
    youth = make.user(agency, role=Role.youth, client_id=person.id)
    response = auth.login(youth)
    assert response.status_code == 422
    assert b"signs youth in with a code sent by email, not a password" in response.data
    assert client.get("/me/").status_code != 200
    staff = make.user(agency, role=Role.caseworker)
    assert auth.login(staff).status_code == 303, "staff still sign in with passwords"
