"""Backup and restore: one encrypted archive of the database and the file store.

The database is copied as one consistent snapshot (SQLite's online backup API, or pg_dump for PostgreSQL), then
the stored files are added as they are (still encrypted, so a backup needs the keys its files were sealed with;
their ids are in the archive's header and in the backup's record). Files are never changed in place, only added
or removed, so every file the snapshot names was already written when it was taken. The archive as a whole is
sealed with the current key (records/sealed_stream.py). The part cache is left out: renders remake it.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from portal import audit
from portal.db import session_scope
from portal.documents import keyring as keyrings
from portal.models import BackupRecord, utcnow
from portal.records import rotation, sealed_stream

FORMAT = 1
FOLDERS = ("files", "audit-checkpoints")  # under DATA_DIR; the part cache is not worth keeping


class BackupError(RuntimeError):
    """The backup cannot be made or restored; the message says why in plain words."""


@dataclass
class Plan:
    database: str
    files: int
    key_ids: list[str]


def database_kind(app: Flask) -> str:
    return "sqlite" if app.config["DATABASE_URL"].startswith("sqlite") else "postgresql"


def plan(app: Flask) -> Plan:
    ring = keyrings.for_app(app)
    kids = {ring.current_id}
    files = 0
    for path in rotation.stored_files(app):
        files += 1
        kids.add(ring.id_of(rotation.head_of(path)) or "unknown")
    return Plan(database=database_kind(app), files=files, key_ids=sorted(kids))


def _pg(url: str) -> tuple[str, dict]:
    """A libpq URL for pg_dump/pg_restore, with the password passed in the environment, not on the command line."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _dump_database(app: Flask, folder: Path) -> Path:
    url = app.config["DATABASE_URL"]
    if database_kind(app) == "sqlite":
        target = folder / "database.sqlite"
        source = sqlite3.connect(make_url(url).database)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # a consistent snapshot even while the portal writes
        finally:
            copy.close()
            source.close()
        return target
    target = folder / "database.pgdump"
    libpq, env = _pg(url)
    done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
                           libpq], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:300]}")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(app: Flask, destination: Path) -> BackupRecord:
    """Write the archive to `destination` (atomically) and record it; returns the record."""
    what = plan(app)
    backup_id = utcnow().strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)
    data_dir = Path(app.config["DATA_DIR"])
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="passage-backup-") as work:
        dump = _dump_database(app, Path(work))
        members = [(path, path.relative_to(data_dir).as_posix()) for folder in FOLDERS
                   for path in sorted((data_dir / folder).rglob("*"))
                   if path.is_file() and not path.name.startswith(".")]
        manifest = {"format": FORMAT, "id": backup_id, "created_at": utcnow().isoformat(), "database": what.database,
                    "database_file": dump.name, "key_ids": what.key_ids,
                    "sha256": {name: _sha256(path) for path, name in members} | {dump.name: _sha256(dump)}}
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=1))
        header = {"kind": "passage-backup", "format": FORMAT, "id": backup_id,
                  "key_id": keyrings.for_app(app).current_id, "key_ids": what.key_ids}
        partial = destination.with_name(f".{destination.name}.partial")
        try:
            with partial.open("wb") as out, sealed_stream.Writer(
                    out, secret=keyrings.for_app(app).secret(), header=header) as sealed, \
                    tarfile.open(fileobj=sealed, mode="w|") as archive:
                archive.add(Path(work) / "manifest.json", arcname="manifest.json")
                archive.add(dump, arcname=dump.name)
                for path, name in members:
                    archive.add(path, arcname=name)
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)
    record = BackupRecord(id=backup_id, location=str(destination), database=what.database, key_ids=what.key_ids,
                          files=len(members))
    with session_scope(app) as session:
        session.add(record)
        audit.record(session, action="backup.made", record_type="backup", record_id=backup_id,
                     detail=f"files={len(members)} keys={','.join(what.key_ids)}")
    return record


def read_header(source: Path) -> dict:
    with source.open("rb") as handle:
        header, _raw = sealed_stream.read_header(handle)
    if header.get("kind") != "passage-backup":
        raise BackupError("This file is not a Passage backup.")
    return header


def is_empty(app: Flask) -> bool:
    """No agency in the database (or no tables at all) and no stored file: nothing a restore would overwrite."""
    engine = app.extensions["db_engine"]
    if "agency" in inspect(engine).get_table_names():
        with engine.connect() as connection:
            if connection.execute(text("SELECT count(*) FROM agency")).scalar():
                return False
    return not any(rotation.stored_files(app))


def restore(app: Flask, source: Path) -> dict:
    """Restore a backup into this (empty) instance; returns the backup's manifest."""
    header = read_header(source)
    ring = keyrings.for_app(app)
    missing = [kid for kid in header["key_ids"] if kid not in ring.keys]
    if missing:
        raise BackupError("This backup needs encryption keys this instance does not have: " + ", ".join(missing)
                          + ". Add them to PASSAGE_ENCRYPTION_OLD_KEYS, then restore again.")
    if not is_empty(app):
        raise BackupError("This instance already holds data. Restore into an empty instance "
                          "(a new database and an empty PASSAGE_DATA_DIR).")
    data_dir = Path(app.config["DATA_DIR"])
    with tempfile.TemporaryDirectory(prefix="passage-restore-") as work, source.open("rb") as handle:
        _header, raw = sealed_stream.read_header(handle)
        reader = sealed_stream.Reader(handle, secret=ring.secret(header["key_id"]), raw_header=raw)
        staging = Path(work) / "staging"
        with tarfile.open(fileobj=reader, mode="r|") as archive:
            archive.extractall(staging, filter="data")
        manifest = json.loads((staging / "manifest.json").read_text())
        for name, digest in manifest["sha256"].items():
            if _sha256(staging / name) != digest:
                raise BackupError(f"The backup's copy of {name} does not match its checksum.")
        if manifest["database"] != database_kind(app):
            raise BackupError(f"This is a {manifest['database']} backup; this instance uses {database_kind(app)}.")
        _load_database(app, staging / manifest["database_file"])
        for folder in FOLDERS:
            if (staging / folder).is_dir():
                shutil.copytree(staging / folder, data_dir / folder, dirs_exist_ok=True)
    with session_scope(app) as session:
        audit.restored(session)
    return manifest


def _load_database(app: Flask, dump: Path) -> None:
    engine = app.extensions["db_engine"]
    engine.dispose()
    if database_kind(app) == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(make_url(app.config["DATABASE_URL"]).database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    libpq, env = _pg(app.config["DATABASE_URL"])
    done = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                           "--single-transaction", "--dbname", libpq, str(dump)], env=env, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[:300]}")


