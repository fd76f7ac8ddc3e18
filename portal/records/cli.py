"""The privacy officer's commands: purge, export-person, rotate-key, key-status, backup, restore.

Each prints what it will do and asks before doing it, unless --yes.
"""
from __future__ import annotations

import sys
import uuid
from datetime import UTC
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select

from portal import audit
from portal.db import session_scope
from portal.documents import keyring
from portal.models import AccessRequest, ArchiveStatus, BackupRecord, Client, utcnow
from portal.records import access_requests, person_export, retention, rotation, sealed_stream
from portal.records import backup as backups


def _app():
    return current_app._get_current_object()


def _confirm(yes: bool, question: str) -> None:
    if not yes:
        click.confirm(question, abort=True)


@click.command("rotate-key")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def rotate_key(yes):
    """Re-encrypt every stored file and cached part under PASSAGE_ENCRYPTION_KEY (safe to run again)."""
    app = _app()
    ring = keyring.for_app(app)
    old = [kid for kid in ring.keys if kid != ring.current_id]
    files = sum(1 for _ in rotation.stored_files(app))
    parts = sum(1 for _ in rotation.cached_parts(app))
    click.echo(f"Re-encrypt what is not yet under key {ring.current_id}: {files} stored files and {parts} cached parts"
               f" are checked. Older keys that can still open files: {', '.join(old) or 'none'}.")
    _confirm(yes, "Go ahead?")

    def progress(kind: str, done: int) -> None:
        click.echo(f"{kind} {done}/{files if kind == 'files' else parts}")

    report = rotation.rotate(app, progress=progress)
    click.echo(f"Done. Files re-encrypted: {report.files_resealed}, already under the current key: "
               f"{report.files_current}. Cached parts re-encrypted: {report.parts_resealed}, already current: "
               f"{report.parts_current}, dropped (unreadable; remade by the next render): {report.parts_dropped}.")
    if report.files_unreadable:
        click.echo(f"{len(report.files_unreadable)} files open with none of the configured keys: "
                   + ", ".join(report.files_unreadable[:20]), err=True)
        sys.exit(1)
    click.echo("Run `flask --app portal key-status` to see whether an old key can be retired.")


@click.command("key-status")
@click.option("--retire", "retire", default=None, metavar="KEY_ID",
              help="Exit 1 unless this key can be removed from PASSAGE_ENCRYPTION_OLD_KEYS.")
@with_appcontext
def key_status(retire):
    """What each encryption key still seals: stored files, cached parts, backups."""
    app = _app()
    with session_scope() as session:
        found = rotation.usage(app, session)
    for kid, use in sorted(found.items(), key=lambda item: not item[1].current):
        role = "current" if use.current else ("old" if use.configured else "NOT CONFIGURED")
        click.echo(f"{kid} ({role}): {use.files} files, {use.parts} cached parts, "
                   f"{len(use.backups)} backups" + (f" ({', '.join(use.backups)})" if use.backups else ""))
    if retire is None:
        return
    use = found.get(retire)
    if use is not None and use.current:
        click.echo(f"{retire} is the current key: it cannot be retired.", err=True)
        sys.exit(1)
    if use is not None and use.in_use:
        click.echo(f"{retire} is still needed. Run rotate-key; for backups, keep the key until they are destroyed "
                   "(then `flask --app portal backup-discarded ID`).", err=True)
        sys.exit(1)
    click.echo(f"{retire} is no longer used: remove it from PASSAGE_ENCRYPTION_OLD_KEYS.")


@click.command("backup-discarded")
@click.argument("backup_id", required=False)
@click.option("--made-before", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Every backup made before this day (YYYY-MM-DD), for a rule that deletes old backups.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def backup_discarded(backup_id, made_before, yes):
    """Record that backups were destroyed, so the keys they needed may be retired."""
    if bool(backup_id) == bool(made_before):
        raise click.ClickException("Give either a BACKUP_ID or --made-before DAY.")
    with session_scope() as session:
        query = select(BackupRecord).where(BackupRecord.discarded_at.is_(None))
        query = (query.where(BackupRecord.id == backup_id) if backup_id
                 else query.where(BackupRecord.created_at < made_before.replace(tzinfo=UTC)))
        records = list(session.exec(query))
        if not records and made_before:
            click.echo("No recorded backup was made before that day.")
            return
        if not records:
            raise click.ClickException("No such backup is recorded (or it is already recorded as destroyed).")
        for record in records:
            click.echo(f"Record backup {record.id} ({record.location}) as destroyed.")
        click.echo("They can no longer be counted on for a restore.")
        _confirm(yes, "Go ahead?")
        for record in records:
            record.discarded_at = utcnow()
    click.echo(f"Recorded {len(records)}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def backup_command(path, yes):
    """Write an encrypted archive of the database and the file store to PATH."""
    app = _app()
    what = backups.plan(app)
    if path.exists():
        raise click.ClickException(f"{path} already exists; choose a new name.")
    click.echo(f"Back up the {what.database} database and {what.files} stored files to {path}, encrypted. "
               f"Restoring it will need the keys {', '.join(what.key_ids)}.")
    _confirm(yes, "Go ahead?")
    try:
        record = backups.backup(app, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup {record.id} written: {path} ({path.stat().st_size} bytes, {record.files} files).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Restore a backup made by `backup` into this empty instance (new database, empty data folder)."""
    app = _app()
    try:
        header = backups.read_header(path)
    except (backups.BackupError, sealed_stream.SealedStreamError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restore backup {header['id']} into this instance ({backups.database_kind(app)} database, "
               f"files in {app.config['DATA_DIR']}). It needs the keys {', '.join(header['key_ids'])}.")
    _confirm(yes, "Go ahead?")
    try:
        manifest = backups.restore(app, path)
    except (backups.BackupError, sealed_stream.SealedStreamError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored backup {manifest['id']} ({len(manifest['sha256']) - 1} files, every checksum matched). "
               "The audit log records the restore.")


KIND_LABELS = {
    "closed_files": "closed client files", "finished_packets": "withdrawn or decided packets",
    "abandoned_drafts": "abandoned drafts", "superseded_renders": "superseded PDFs",
    "referrals": "referrals not taken up", "expired_archives": "expired access-request archives",
}


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what is due; delete nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def purge(dry_run, yes):
    """Delete what each agency's retention periods make due: rows, stored files, part cache, PDFs, audit events."""
    app = _app()
    with session_scope() as session:
        plan = retention.due(session)
        for due in plan.agencies:
            click.echo(f"{due.agency_slug}: {due.total} records due")
            for kind, ids in due.ids.items():
                if ids:
                    click.echo(f"  {KIND_LABELS[kind]}: {len(ids)}: " + " ".join(str(one) for one in ids))
        if plan.audit_events:
            click.echo(f"audit log: {plan.audit_events} events written before {plan.audit_before:%Y-%m-%d}")
        if not plan.total:
            click.echo("Nothing is due for disposal.")
            return
        if dry_run:
            click.echo(f"{plan.total} records are due. Nothing was deleted (--dry-run).")
            return
        _confirm(yes, f"Delete these {plan.total} records and their files for good?")
        report = retention.purge(app, session)
    click.echo(f"Deleted {sum(report.rows.values())} rows, {report.files} stored files and "
               f"{report.audit_events} audit events; the audit log lists each record by id.")


@click.command("export-person")
@click.argument("client_id")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the zip (it is not encrypted: keep it safe).")
@click.option("--received", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the request was received (YYYY-MM-DD); today if not given.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def export_person(client_id, out, received, yes):
    """Write everything held about one person (client file CLIENT_ID) to a zip, and record the access request."""
    app = _app()
    try:
        client_uuid = uuid.UUID(client_id)
    except ValueError as error:
        raise click.ClickException("CLIENT_ID must be a client file's id (see the address of its page).") from error
    with session_scope() as session:
        client = session.get(Client, client_uuid)
        if client is None:
            raise click.ClickException(f"No client file {client_id}.")
        if out.exists():
            raise click.ClickException(f"{out} already exists; choose a new name.")
        click.echo(f"Write everything held about client file {client.id} (documents decrypted) to {out}, "
                   "and record an access request answered today.")
        _confirm(yes, "Go ahead?")
        with out.open("wb") as handle:
            counts = person_export.write_archive(app, session, client_id=client.id, out=handle)
        today = utcnow().date()
        received_on = received.date() if received else today
        request = AccessRequest(agency_id=client.agency_id, client_id=client.id, received_on=received_on,
                                due_on=received_on + access_requests.DUE_AFTER, answered_on=today,
                                status=ArchiveStatus.ready, progress=100, finished_at=utcnow())
        session.add(request)
        session.flush()
        audit.record(session, action="access_request.exported", agency_id=client.agency_id,
                     record_type="access_request", record_id=request.id,
                     detail=f"client={client.id} files={counts['files']} rows={counts['rows']}")
    click.echo(f"Wrote {out}: {counts['rows']} records, {counts['files']} files, {counts['audit_events']} audit "
               "events." + (f" {counts['unreadable']} stored files could not be read." if counts["unreadable"] else ""))


COMMANDS = (purge, export_person, rotate_key, key_status, backup_discarded, backup_command, restore_command)
