"""The language a page is served in: the person's choice (remembered on their account and in the browser),
else the browser's; `lang` names the language actually served."""
import re

from sqlmodel import select

from portal.db import session_scope
from portal.models import User
from tests.support.app import csrf_token_from
from tests.support.records import sign_in


def _lang(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


def _switch(client, page: str, language: str):
    html = client.get(page).get_data(as_text=True)
    return client.post("/language", data={"language": language, "next": page, "csrf_token": csrf_token_from(html)})


def test_the_browser_language_is_served_and_declared(client):
    english = client.get("/sign-in").get_data(as_text=True)
    french = client.get("/sign-in", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).get_data(as_text=True)
    assert _lang(english) == "en" and ">Sign in<" in english
    assert _lang(french) == "fr" and "Se connecter" in french and ">Sign in<" not in french
    # The switch offers the other language, named in that language.
    assert 'lang="fr"' in english and ">Français</button>" in english
    assert ">English</button>" in french


def test_the_switch_on_a_public_page_is_remembered_by_the_browser(client):
    response = _switch(client, "/sign-in", "fr")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert "passage_lang=fr" in response.headers["Set-Cookie"]
    html = client.get("/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _lang(html) == "fr"  # the choice wins over the browser's language


def test_a_signed_in_choice_is_kept_on_the_account(app, draft_world, client):
    sign_in(client, draft_world.worker)
    assert _switch(client, "/my-work", "fr").status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(User.language).where(User.id == draft_world.worker.id)).one() == "fr"
    assert _lang(client.get("/my-work").get_data(as_text=True)) == "fr"
    # Another browser, with no cookie and an English browser language: the account's choice follows them.
    other = app.test_client()
    sign_in(other, draft_world.worker)
    assert _lang(other.get("/my-work", headers={"Accept-Language": "en"}).get_data(as_text=True)) == "fr"


def test_the_switch_refuses_another_site_and_another_language(client):
    html = client.get("/sign-in").get_data(as_text=True)
    token = csrf_token_from(html)
    away = client.post("/language", data={"language": "fr", "next": "//evil.example/", "csrf_token": token})
    assert away.status_code == 303 and away.headers["Location"] == "/"
    assert client.post("/language", data={"language": "de", "csrf_token": token}).status_code == 400
    assert client.post("/language", data={"language": "fr"}).status_code == 400  # no CSRF token


def test_the_language_cookie_is_secure_when_the_session_cookie_is(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = _switch(client, "/sign-in", "fr")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
