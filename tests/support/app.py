"""What every test may use: an app built for tests, a factory of records, and a signed-in browser."""
import os
import re
import time
import uuid
from datetime import date

import pyotp
import pytest
from sqlmodel import SQLModel

from portal import create_app
from portal.accounts import mfa, users
from portal.casework.clients import refresh_search_name
from portal.db import session_scope
from portal.demo import demo_totp_secret
from portal.models import Agency, Client, Packet, Role, User

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
HTMX = {"HX-Request": "true"}
# The authenticator secret of every staff member the tests enrolled, by email: the helpers compute codes from it.
MFA_SECRETS: dict[str, str] = {}


def service_missing(what: str, error: Exception):
    message = f"{what} is not reachable ({error.__class__.__name__}: {error})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it.")
    pytest.skip(f"{message}; these tests run in CI, or when the server is up.")


def make_app(tmp_path, database_url: str, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "REDIS_URL": None,
    }
    config.update(extra)
    app = create_app(config)
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    return app


class Factory:
    """Makes records with sensible defaults; every keyword can be overridden."""

    def __init__(self, app):
        self.app = app
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def agency(self, **fields) -> Agency:
        n = self._next()
        fields.setdefault("slug", f"agency-{n}-{uuid.uuid4().hex[:6]}")
        fields.setdefault("name", f"Test Agency {n}")
        return self._save(Agency(**fields))

    def user(self, agency: Agency | None = None, role: str = Role.caseworker, password: str = PASSWORD,
             **fields) -> User:
        agency = agency or self.agency()
        n = self._next()
        with self.app.app_context(), session_scope(self.app) as session:
            user = users.create_user(
                session,
                agency_id=agency.id,
                email=fields.pop("email", f"user{n}-{uuid.uuid4().hex[:6]}@example.org"),
                name=fields.pop("name", f"Test {role} {n}"),
                role=role,
                password=password,
                client_id=fields.pop("client_id", None),
            )
            for key, value in fields.items():
                setattr(user, key, value)
            if role in (Role.admin, Role.manager):  # they always sign in with a second step
                MFA_SECRETS[user.email] = pyotp.random_base32()
                mfa.enrol_with_secret(session, user=user, secret=MFA_SECRETS[user.email])
            session.flush()
            session.expunge(user)
        return user

    def client(self, agency: Agency, **fields) -> Client:
        fields.setdefault("family_name", "Haddad")
        fields.setdefault("given_names", f"Amira {self._next()}")
        fields.setdefault("date_of_birth", date(2012, 5, 17))
        client = Client(agency_id=agency.id, **fields)
        refresh_search_name(client)
        return self._save(client)

    def packet(self, client: Client, packet_type: str = "cit_0403", **fields) -> Packet:
        return self._save(Packet(agency_id=client.agency_id, client_id=client.id, packet_type=packet_type, **fields))

    def _save(self, record):
        with self.app.app_context(), session_scope(self.app) as session:
            session.add(record)
            session.flush()
            session.refresh(record)
            session.expunge(record)
        return record


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


_SECRET_ON_PAGE = re.compile(r'id="mfa-secret">([A-Z2-7]+)<')


def codes_for(secret: str) -> list[str]:
    """The codes an authenticator would accept now, this window's first: a second sign-in within one
    30-second window needs the next window's code (the last one used is spent)."""
    totp = pyotp.TOTP(secret)
    return [totp.now(), totp.at(time.time() + 30)]


def secret_of(email: str) -> str:
    """The authenticator secret of a staff member the tests enrolled, or of a demo manager or admin."""
    return MFA_SECRETS.get(email) or demo_totp_secret(email)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user: User, password: str = PASSWORD):
        """Sign in as a person would: the password, then a code from the authenticator where there is one
        (setting it up first where the account must have one and has none yet)."""
        page = self.client.get("/sign-in")
        token = csrf_token_from(page.get_data(as_text=True))
        response = self.client.post("/sign-in", data={"email": user.email, "password": password, "csrf_token": token})
        location = response.headers.get("Location", "")
        if response.status_code != 303 or not location.startswith("/sign-in/"):
            return response
        if location.startswith("/sign-in/set-up"):
            page = self.client.get(location).get_data(as_text=True)
            MFA_SECRETS[user.email] = _SECRET_ON_PAGE.search(page).group(1)
        for code in codes_for(secret_of(user.email)):
            response = self.client.post(location, data={"code": code, "csrf_token": token})
            if response.status_code in (200, 303):
                return response
        return response

    def token(self, path: str = "/") -> str:
        """A CSRF token for the current session, read from a page as a browser would."""
        page = self.client.get(path, follow_redirects=True)
        return csrf_token_from(page.get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, htmx: bool = False, **kwargs):
        data = dict(data or {})
        headers = kwargs.pop("headers", {})
        token = self.token()
        if htmx:
            headers.update({"HX-Request": "true", "X-CSRFToken": token})
        else:
            data.setdefault("csrf_token", token)
        return self.client.post(path, data=data, headers=headers, **kwargs)
