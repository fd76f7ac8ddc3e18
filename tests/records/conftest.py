"""A demo instance seeded once per test module (seeding takes seconds): the records commands run on it end to end."""
import hashlib
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from portal import audit
from portal.db import session_scope
from portal.demo import seed
from tests.support.app import make_app


def seeded_app(folder: Path, url: str, **config):
    app = make_app(folder, url, **config)
    with app.app_context(), session_scope(app) as session:
        seed(session)
    with app.app_context(), session_scope(app) as session:
        audit.seal(session)
    return app


def every_row(app) -> dict[str, list[tuple]]:
    """Every table's rows, in primary-key order, as tuples of values."""
    engine = app.extensions["db_engine"]
    rows = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            order = ", ".join(column.name for column in table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(table.select().order_by(text(order)))]
    return rows


def every_file(app) -> dict[str, str]:
    """SHA-256 of every file in the store, by its path under DATA_DIR."""
    root = Path(app.config["DATA_DIR"])
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in ("files", "audit-checkpoints") for path in sorted((root / folder).rglob("*"))
            if path.is_file()}


@pytest.fixture(scope="module")
def pg_database(postgres_server):
    """A module's own empty PostgreSQL database (name, url); dropped afterwards."""
    names = []
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")

    def make() -> str:
        name = "passage_test_" + uuid.uuid4().hex[:12]
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        names.append(name)
        return postgres_server.rsplit("/", 1)[0] + "/" + name

    yield make
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


