"""Backup and restore round-trip a seeded demo instance: every row's values and every file's SHA-256 come back,
on SQLite and on PostgreSQL; a restore refuses a non-empty instance, a changed archive and a missing key."""
import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from portal.db import session_scope
from portal.documents import keyring
from portal.models import BackupRecord
from tests.records.conftest import every_file, every_row, seeded_app
from tests.support.app import make_app


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def source(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("source")
    def new_database(name: str) -> str:
        return f"sqlite:///{folder / name}" if request.param == "sqlite" else request.getfixturevalue("pg_database")()

    app = seeded_app(folder, new_database("source.db"))
    app.config["new_database"] = new_database
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def made(source, tmp_path_factory):
    """The source's rows and files as they were, and the backup made of them through the command."""
    rows, files = every_row(source), every_file(source)
    path = tmp_path_factory.mktemp("backups") / "passage.backup"
    result = source.test_cli_runner().invoke(args=["backup", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    return rows, files, path


def _empty(source, tmp_path, name="restored.db", **config):
    return make_app(tmp_path, source.config["new_database"](name), SECRET_KEY=source.config["SECRET_KEY"], **config)


def test_round_trip_gives_back_every_row_and_file(source, made, tmp_path):
    rows, files, path = made
    assert sum(len(table) for table in rows.values()) > 500 and len(files) > 3
    assert b"Demo" not in path.read_bytes() and b"CREATE TABLE" not in path.read_bytes()  # encrypted
    with source.app_context(), session_scope(source) as session:
        record = session.exec(select(BackupRecord)).one()
        assert record.key_ids == [keyring.for_app(source).current_id] and record.location == str(path)

    target = _empty(source, tmp_path)
    result = target.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    restored_rows, restored_files = every_row(target), every_file(target)
    audit_before = rows.pop("auditevent")
    audit_after = restored_rows.pop("auditevent")
    assert audit_after[:len(audit_before)] == audit_before  # then one more: the restore itself
    assert len(audit_after) == len(audit_before) + 1
    assert restored_rows == rows
    assert {name: digest for name, digest in restored_files.items() if name in files} == files
    verify = target.test_cli_runner().invoke(args=["verify-audit"])
    assert verify.exit_code == 0, verify.output
    target.extensions["db_engine"].dispose()


SQLITE_ONLY = pytest.mark.parametrize("source", ["sqlite"], indirect=True)  # the database plays no part here


@SQLITE_ONLY
def test_restore_refuses_an_instance_that_holds_data(source, made):
    result = source.test_cli_runner().invoke(args=["restore", str(made[2]), "--yes"])
    assert result.exit_code == 1 and "already holds data" in result.output


@SQLITE_ONLY
def test_restore_refuses_a_changed_archive_and_a_missing_key(source, made, tmp_path):
    damaged = tmp_path / "damaged.backup"
    data = bytearray(made[2].read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    target = _empty(source, tmp_path, "damaged.db")
    result = target.test_cli_runner().invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code == 1 and "changed" in result.output
    target.extensions["db_engine"].dispose()

    stranger = _empty(source, tmp_path / "other", "stranger.db", ENCRYPTION_KEY=Fernet.generate_key().decode())
    result = stranger.test_cli_runner().invoke(args=["restore", str(made[2]), "--yes"])
    assert result.exit_code == 1 and keyring.for_app(source).current_id in result.output
    stranger.extensions["db_engine"].dispose()


@SQLITE_ONLY
def test_backup_asks_first_and_names_the_keys(source, tmp_path):
    result = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "b"), ], input="n\n")
    assert result.exit_code == 1 and keyring.for_app(source).current_id in result.output
    assert not (tmp_path / "b").exists()
