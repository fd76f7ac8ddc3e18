"""Shared fixtures: app, client, auth, factories, and the real PostgreSQL and Redis servers.

SQLite is the default. Tests that take `any_app` run once on SQLite and once on PostgreSQL.
With CI=true a missing PostgreSQL or Redis fails the run; elsewhere those tests skip, saying why.
"""
import os
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import portal.models  # noqa: F401
from portal import create_app
from portal.accounts import users
from portal.casework.clients import refresh_search_name
from portal.db import session_scope
from portal.models import Agency, Client, Packet, Role, User

users.use_fast_hashing()
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def service_missing(what: str, error: Exception):
    message = f"{what} is not reachable ({error.__class__.__name__}: {error})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it.")
    pytest.skip(f"{message}; these tests run in CI, or when the server is up.")


def _make_app(tmp_path, database_url: str, **extra):
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


@pytest.fixture
def app(tmp_path):
    app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'test.db'}")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def postgres_server():
    """The admin URL of a reachable PostgreSQL server."""
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means the server is not usable
        service_missing("PostgreSQL at " + PG_ADMIN_URL.split("@")[-1], error)
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the PostgreSQL server, dropped afterwards."""
    name = "passage_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_server.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_app(tmp_path, postgres_url):
    app = _make_app(tmp_path, postgres_url)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request, tmp_path):
    """The app on SQLite, then on PostgreSQL: for tests of queries and storage."""
    if request.param == "sqlite":
        app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'test.db'}")
    else:
        app = _make_app(tmp_path, request.getfixturevalue("postgres_url"))
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def redis_url():
    """A real Redis database (number 13), emptied before and after the test."""
    import redis

    try:
        connection = redis.Redis.from_url(TEST_REDIS_URL)
        connection.ping()
    except Exception as error:  # noqa: BLE001
        service_missing("Redis at " + TEST_REDIS_URL, error)
    connection.flushdb()
    yield TEST_REDIS_URL
    connection.flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    with app.app_context():
        with session_scope(app) as session:
            yield session


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

    def user(self, agency: Agency | None = None, role: str = Role.caseworker, password: str = PASSWORD, **fields) -> User:
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


@pytest.fixture
def make(app):
    return Factory(app)


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user: User, password: str = PASSWORD):
        page = self.client.get("/sign-in")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/sign-in", data={"email": user.email, "password": password, "csrf_token": token})

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


@pytest.fixture
def auth(client):
    return Auth(client)


HTMX = {"HX-Request": "true"}
