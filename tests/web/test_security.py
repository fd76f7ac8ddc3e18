"""Security by default: CSRF, headers, cookies, error pages, and bad input."""
from datetime import date, timedelta

import pytest
from flask import Blueprint

from portal.models import Role
from portal.web.guards import public
from tests.support.app import HTMX, PASSWORD, csrf_token_from, make_app


@pytest.fixture
def signed_in(make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    auth.login(worker)
    return agency, worker


# --- CSRF ---------------------------------------------------------------------------------------


def test_a_form_post_without_a_token_is_refused_and_keeps_what_was_typed(signed_in, client):
    response = client.post("/clients/new", data={"family_name": "Haddad حداد", "given_names": "Amira",
                                                 "password": "hunter22"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please send the form again" in html
    assert 'name="family_name" value="Haddad حداد"' in html and 'value="Amira"' in html
    assert "hunter22" not in html  # a password is never echoed back
    assert csrf_token_from(html)  # a fresh token, so "Send again" works


def test_a_form_post_with_a_wrong_token_is_refused(signed_in, client):
    response = client.post("/clients/new", data={"family_name": "X", "csrf_token": "forged"})
    assert response.status_code == 400


def test_an_htmx_post_without_the_header_is_refused(signed_in, client, make):
    agency, _worker = signed_in
    record = make.client(agency)
    response = client.post(f"/clients/{record.id}/archive", headers=HTMX)
    assert response.status_code == 400
    from portal.db import session_scope
    from portal.models import Client

    with client.application.app_context(), session_scope(client.application) as db:
        assert not db.get(Client, record.id).archived


def test_an_htmx_post_with_the_header_is_accepted(signed_in, auth, make):
    agency, _worker = signed_in
    record = make.client(agency)
    assert auth.post(f"/clients/{record.id}/archive", htmx=True).status_code == 303


def test_sign_in_itself_needs_a_token(client, make):
    user = make.user()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert PASSWORD not in response.get_data(as_text=True)


# --- headers and cookies ------------------------------------------------------------------------


def test_content_security_policy_forbids_inline_script_and_style(client):
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "object-src 'none'" in policy


def test_pages_have_no_inline_script_or_style(signed_in, client, make):
    agency, _worker = signed_in
    record = make.client(agency)
    for path in ("/clients/", "/clients/new", f"/clients/{record.id}", f"/clients/{record.id}/edit"):
        html = client.get(path).get_data(as_text=True)
        assert " style=" not in html, path
        for tag in html.split("<script")[1:]:
            assert 'src="' in tag.split(">")[0], f"inline script on {path}"


def test_authenticated_pages_are_never_cached(signed_in, client, make):
    agency, _worker = signed_in
    record = make.client(agency)
    for path in ("/clients/", f"/clients/{record.id}", "/my-work"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "HX-Request" in response.headers.get("Vary", "")
    assert client.get("/clients/", headers=HTMX).headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, make, auth):
    response = auth.login(make.user())
    cookie = response.headers.get("Set-Cookie", "")
    assert "passage_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the embedded run on plain http must still work


def test_session_cookie_is_secure_when_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSAGE_SECURE_COOKIES", "true")
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 's.db'}")
    response = app.test_client().get("/sign-in")
    assert "Secure" in response.headers.get("Set-Cookie", "")


# --- error pages: clear, never a traceback -------------------------------------------------------


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "We could not find that page" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_calm_500_without_a_traceback(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'e.db'}", TESTING=False, PROPAGATE_EXCEPTIONS=False)
    broken = Blueprint("broken", __name__)

    @broken.route("/broken")
    @public
    def explode():
        raise RuntimeError("secret internals")

    app.register_blueprint(broken)
    response = app.test_client().get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html


# --- bad input ------------------------------------------------------------------------------------


def _create(auth, **fields):
    data = {"family_name": "Okafor", "date_of_birth": "2010-01-01", "status_in_canada": "unknown",
            "care_status": "in_care"}
    data.update(fields)
    return auth.post("/clients/new", data)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"family_name": "A" * 101}, "family_name", "100 characters or fewer"),
        ({"other_names": "B" * 501}, "other_names", "500 characters or fewer"),
        ({"address": "C" * 501}, "address", "500 characters or fewer"),
        ({"date_of_birth": (date.today() + timedelta(days=3)).isoformat()}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "too far in the past"),
        ({"date_of_birth": "23/04/2009"}, "date_of_birth", "year-month-day"),
        ({"date_of_birth": ""}, "date_of_birth", "Please enter a date"),
        ({"family_name": ""}, "family_name", "exactly as it is"),
        ({"status_in_canada": "deported"}, "status_in_canada", "status in Canada today"),
        ({"care_status": "x" * 5000}, "care_status", "choose the care status"),
        ({"email": "a@b"}, "email", "name@example.org"),
        ({"phone": "12"}, "phone", "area code"),
        ({"uci": "ABC12345"}, "uci", "8 or 10 digits"),
    ],
)
def test_bad_client_input_gets_a_message_at_its_field(signed_in, auth, fields, field, message):
    response = _create(auth, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    error = html.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert message.lower() in error.lower()


def test_control_characters_never_reach_the_database(signed_in, auth, app):
    response = _create(auth, family_name="O\u200bka\x00for", address="Line one\x0b\r\nLine two")
    assert response.status_code == 303
    from sqlmodel import select

    from portal.db import session_scope
    from portal.models import Client

    with app.app_context(), session_scope(app) as db:
        client = db.exec(select(Client)).one()
        assert client.family_name == "Okafor"
        assert client.address == "Line one\nLine two"


def test_malformed_uuid_is_404_not_500(signed_in, client):
    for path in ("/clients/zzz", "/clients/%00", "/clients/" + "9" * 300, "/clients/zzz/edit"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "We could not find that page" in response.get_data(as_text=True)


def test_boosted_navigation_to_a_missing_page_gets_the_whole_page_and_a_swap_gets_the_message(signed_in, client):
    # One rule decides page or fragment (web.rendering): boosted navigation replaces the whole body, so it
    # needs the page with its navigation; a swap into part of the page takes only the message.
    boosted = client.get("/no-such-page", headers={"HX-Request": "true", "HX-Boosted": "true"})
    swapped = client.get("/no-such-page", headers=HTMX)
    assert boosted.status_code == swapped.status_code == 404
    assert "<nav" in boosted.get_data(as_text=True)
    assert "<nav" not in swapped.get_data(as_text=True) and "could not find" in swapped.get_data(as_text=True)
    assert "HX-Request" in boosted.headers["Vary"] and "HX-Request" in swapped.headers["Vary"]


def test_a_name_keeps_the_joiners_its_script_needs_and_is_found_without_them(signed_in, auth, app, client):
    # Persian writes "-zadeh" after a zero-width non-joiner (U+200C) and Sinhala's "Sri" needs a zero-width joiner
    # (U+200D): dropped as control characters, the saved name was spelled differently from the one typed.
    response = _create(auth, family_name="کریم\u200cزاده", given_names="ශ්\u200dරී Sri")
    assert response.status_code == 303
    from sqlmodel import select

    from portal.db import session_scope
    from portal.models import Client

    with app.app_context(), session_scope(app) as db:
        saved = db.exec(select(Client)).one()
        assert (saved.family_name, saved.given_names) == ("کریم\u200cزاده", "ශ්\u200dරී Sri")
    assert "کریم\u200cزاده" in client.get("/clients/?q=کریمزاده").get_data(as_text=True)  # typed without it
