"""Shared fixtures: app, client, auth, factories, and the real PostgreSQL and Redis servers.

SQLite is the default. Tests that take `any_app` run once on SQLite and once on PostgreSQL.
With CI=true a missing PostgreSQL or Redis fails the run; elsewhere those tests skip, saying why.
"""
import uuid

import pytest
from sqlalchemy import create_engine, text

import portal.models  # noqa: F401 - every table on the metadata
from portal.accounts import users
from portal.db import session_scope
from tests.support.app import PG_ADMIN_URL, TEST_REDIS_URL, Auth, Factory, make_app, service_missing

# The worlds (a team, a youth and their agency, ...) are fixtures every test may ask for by name.
pytest_plugins = ["tests.support.worlds", "tests.support.faults"]
users.use_fast_hashing()


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'test.db'}")
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
    app = make_app(tmp_path, postgres_url)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request, tmp_path):
    """The app on SQLite, then on PostgreSQL: for tests of queries and storage."""
    if request.param == "sqlite":
        app = make_app(tmp_path, f"sqlite:///{tmp_path / 'test.db'}")
    else:
        app = make_app(tmp_path, request.getfixturevalue("postgres_url"))
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
    with app.app_context(), session_scope(app) as session:
        yield session


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def auth(client):
    return Auth(client)

