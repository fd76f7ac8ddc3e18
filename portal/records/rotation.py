"""Key rotation: re-seal every stored file and cached part with the keyring's current key.

Safe while the portal runs: each file is rewritten atomically (readers see the old bytes or the new), new writes
already use the current key, and reads try every configured key. Resumable: a file already under the current key
is skipped, so after a crash the command is simply run again (it first removes the half-written copies a killed
run left, which carry their own prefix; run one rotation at a time).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from flask import Flask
from sqlmodel import Session, select

from portal.documents import keyring as keyrings
from portal.documents import part_cache, storage
from portal.models import BackupRecord

TEMPORARY = ".rotating-"


def stored_files(app: Flask) -> Iterator[Path]:
    root = storage.root(app)
    if root.is_dir():
        yield from sorted(p for p in root.glob("*/*") if p.is_file() and not p.name.startswith("."))


def cached_parts(app: Flask) -> Iterator[Path]:
    root = part_cache.root(app)
    if root.is_dir():
        yield from sorted(p for p in root.glob("*/*") if p.is_file() and not p.name.startswith("."))


def _remove_leftovers(app: Flask) -> None:
    for root in (storage.root(app), part_cache.root(app)):
        for path in root.glob(f"*/{TEMPORARY}*") if root.is_dir() else ():
            path.unlink(missing_ok=True)


@dataclass
class RotationReport:
    files_resealed: int = 0
    files_current: int = 0
    files_unreadable: list[str] = field(default_factory=list)
    parts_resealed: int = 0
    parts_current: int = 0
    parts_dropped: int = 0  # unreadable cache entries: deleted, the next render remakes them


def rotate(app: Flask, *, progress: Callable[[str, int], None] | None = None) -> RotationReport:
    """Re-seal what is not under the current key; `progress(kind, done)` is called after each file."""
    ring = keyrings.for_app(app)
    report = RotationReport()
    _remove_leftovers(app)
    for number, path in enumerate(stored_files(app), start=1):
        sealed = path.read_bytes()
        kid, _token = keyrings.split(sealed)
        if kid == ring.current_id:
            report.files_current += 1
        else:
            try:
                data = ring.open(sealed)
            except keyrings.KeyringError:
                report.files_unreadable.append(path.name)
                continue
            if path.exists():  # deleted meanwhile (a purge): do not bring it back
                storage.write_sealed(path, ring.seal(data), prefix=TEMPORARY)
                report.files_resealed += 1
        if progress:
            progress("files", number)
    keys, current = part_cache.keys_of(ring)
    for number, path in enumerate(cached_parts(app), start=1):
        sealed = path.read_bytes()
        if part_cache.key_id_of(sealed) == current:
            report.parts_current += 1
        else:
            try:
                data = part_cache.open_sealed(keys, path.name, sealed)
            except (KeyError, InvalidTag, ValueError):
                path.unlink(missing_ok=True)
                report.parts_dropped += 1
                continue
            storage.write_sealed(path, part_cache.seal(keys, current, path.name, data), prefix=TEMPORARY)
            report.parts_resealed += 1
        if progress:
            progress("parts", number)
    return report


@dataclass
class KeyUsage:
    key_id: str
    current: bool
    configured: bool
    files: int = 0
    parts: int = 0
    backups: list[str] = field(default_factory=list)

    @property
    def in_use(self) -> bool:
        return bool(self.files or self.parts or self.backups)


def usage(app: Flask, session: Session) -> dict[str, KeyUsage]:
    """What each key seals: stored files, cached parts, and backups not yet discarded."""
    ring = keyrings.for_app(app)
    found = {kid: KeyUsage(kid, current=kid == ring.current_id, configured=True) for kid in ring.keys}

    def entry(kid: str | None) -> KeyUsage:
        kid = kid or "unknown"
        return found.setdefault(kid, KeyUsage(kid, current=False, configured=False))

    files = Counter(ring.id_of(head_of(path)) for path in stored_files(app))
    for kid, count in files.items():
        entry(kid).files += count
    for path in cached_parts(app):
        with path.open("rb") as handle:
            entry(part_cache.key_id_of(handle.read(part_cache.ID_LENGTH))).parts += 1
    for backup in session.exec(select(BackupRecord).where(BackupRecord.discarded_at.is_(None))).all():
        for kid in backup.key_ids:
            entry(kid).backups.append(backup.id)
    return found


def head_of(path: Path) -> bytes:
    """A file's header is enough to name its key; a file without one (sealed before key ids) is read whole."""
    with path.open("rb") as handle:
        head = handle.read(keyrings.HEADER_LENGTH)
        if keyrings.split(head)[0] is not None:
            return head
        return head + handle.read()
