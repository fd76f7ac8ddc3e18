"""Everything held about one person, as one zip with a page they can read (CYFSA Part X access requests).

What is "held about them" is found from the tables' foreign keys, starting at their client file: every row that
points at the file, at one of its packets, or at a row found that way (a table added later is included without a
change here), plus their youth account and referrals, and the audit events that name any of those records or
were made by their account. Stored documents and PDFs are decrypted into the zip. Password and token hashes and
the audit log's MACs are internal and left out.
"""
from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Flask
from sqlalchemy import Table, or_, select
from sqlmodel import Session, SQLModel

from portal import forms
from portal.documents import storage

LEFT_OUT = re.compile(r"(_hash|_mac|^password.*|^token.*)$")
CHUNK = 500


@dataclass
class Holdings:
    client: dict
    tables: dict[str, list[dict]] = field(default_factory=dict)
    audit_events: list[dict] = field(default_factory=list)

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(table: Table, row) -> dict:
    return {column.name: _plain(row._mapping[column]) for column in table.columns if not LEFT_OUT.search(column.name)}


def gather(session: Session, *, client_id: uuid.UUID) -> Holdings:
    client_table = SQLModel.metadata.tables["client"]
    row = session.execute(select(client_table).where(client_table.c.id == client_id)).first()
    if row is None:
        raise LookupError("No such client file.")
    found: dict[str, dict[str, dict]] = {"client": {str(client_id): _row(client_table, row)}}
    waiting = [("client", [client_id])]
    while waiting:
        parent_name, ids = waiting.pop()
        waiting.extend(_follow(session, SQLModel.metadata.tables[parent_name], ids, found))
    users = SQLModel.metadata.tables["user"]
    accounts = [_row(users, hit) for hit in session.execute(select(users).where(users.c.client_id == client_id))]
    if accounts:
        found["user"] = {account["id"]: account for account in accounts}
    tables = {name: list(rows.values()) for name, rows in found.items() if name != "client" and rows}
    return Holdings(client=found["client"][str(client_id)], tables=tables,
                    audit_events=_audit_about(session, [rid for rows in found.values() for rid in rows], accounts))


def _follow(session: Session, parent: Table, ids: list, found: dict) -> list[tuple[str, list]]:
    """Rows of other tables that point at these rows; returns (table, ids) of the rows newly found."""
    more = []
    for child in SQLModel.metadata.sorted_tables:
        if child.name in ("auditevent", "user", "agency") or "id" not in child.c:
            continue
        for key in child.foreign_keys:
            if key.column.table is not parent:
                continue
            kept, new = found.setdefault(child.name, {}), []
            for start in range(0, len(ids), CHUNK):
                for hit in session.execute(select(child).where(key.parent.in_(ids[start:start + CHUNK]))):
                    if str(hit._mapping[child.c.id]) not in kept:
                        kept[str(hit._mapping[child.c.id])] = _row(child, hit)
                        new.append(hit._mapping[child.c.id])
            if new:
                more.append((child.name, new))
    return more


def _audit_about(session: Session, named: list[str], accounts: list[dict]) -> list[dict]:
    events = SQLModel.metadata.tables["auditevent"]
    conditions = [events.c.record_id.in_(named[start:start + CHUNK]) for start in range(0, len(named), CHUNK)]
    if accounts:
        conditions.append(events.c.user_id.in_([uuid.UUID(account["id"]) for account in accounts]))
    return [_row(events, hit) for hit in session.execute(select(events).where(or_(*conditions)).order_by(events.c.id))]


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:80] or "file"


def _answers(packet: dict) -> list[tuple[str, str]]:
    """(question, answer) for a packet, with the question's words where the packet type knows them."""
    kind = forms.find_packet_type(packet["packet_type"])
    shown = []
    for name, value in (packet.get("answers") or {}).items():
        question = kind.field(name) if kind else None
        shown.append((str(question.label) if question else name,
                      json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)))
    return shown


def write_archive(app: Flask, session: Session, *, client_id: uuid.UUID, out,
                  progress: Callable[[int], None] | None = None) -> dict:
    """Write the zip to `out` (a binary file); returns counts of what went in."""
    held = gather(session, client_id=client_id)
    report = progress or (lambda _percent: None)
    files = [("documents", row) for row in held.rows("document")] + \
            [("pdfs", row) for row in held.rows("render") if row.get("storage_key")]
    report(10)
    written, unreadable = [], []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, (folder, row) in enumerate(files, start=1):
            name = (f"{folder}/{row['id'][:8]}-{_safe_name(row['filename'])}" if folder == "documents"
                    else f"{folder}/{row['id'][:8]}-{'final' if row.get('final') else 'draft'}.pdf")
            try:
                archive.writestr(name, storage.load(row["storage_key"], app))
                written.append((folder, row, name))
            except storage.StorageError:
                unreadable.append((folder, row))
            report(10 + int(80 * number / max(len(files), 1)))
        for table, rows in sorted(held.tables.items()):
            archive.writestr(f"data/{table}.json", json.dumps(rows, indent=1, ensure_ascii=False, default=str))
        archive.writestr("data/client.json", json.dumps(held.client, indent=1, ensure_ascii=False, default=str))
        events = io.StringIO()
        if held.audit_events:
            writer = csv.DictWriter(events, fieldnames=list(held.audit_events[0]))
            writer.writeheader()
            writer.writerows(held.audit_events)
        archive.writestr("audit-events.csv", events.getvalue())
        packets = [(packet, _answers(packet)) for packet in held.rows("packet")]
        # Rendered straight from the environment: a job has no request, so no context processors (signed-in user).
        archive.writestr("index.html", app.jinja_env.get_template("records/archive_index.html").render(
            client=held.client, packets=packets, held=held, written=written,
            unreadable=unreadable, made_at=datetime.now().astimezone()))
    report(100)
    return {"files": len(written), "unreadable": len(unreadable), "audit_events": len(held.audit_events),
            "rows": sum(len(rows) for rows in held.tables.values()) + 1}
