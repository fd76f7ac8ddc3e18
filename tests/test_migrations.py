"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

A failure here usually means a model changed without `python scripts/regen_initial_migration.py`.
"""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import portal.models  # noqa: F401
from portal import create_app
from portal.migrate import upgrade


def _differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def _migrated_app(tmp_path, url):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "DATA_DIR": str(tmp_path / "data")})
    upgrade(app)
    return app


def _check(tmp_path, url):
    app = _migrated_app(tmp_path, url)
    engine = app.extensions["db_engine"]
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables
    app.extensions["db_engine"].dispose()
    assert _differences(app.config["DATABASE_URL"]) == []
    upgrade(app)  # running it again changes nothing and does not fail


def test_migrations_match_the_models_on_sqlite(tmp_path):
    _check(tmp_path, f"sqlite:///{tmp_path / 'migrated.db'}")


def test_migrations_match_the_models_on_postgresql(tmp_path, postgres_url):
    _check(tmp_path, postgres_url)
