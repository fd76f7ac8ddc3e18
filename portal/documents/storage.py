"""The file store: uploads and rendered PDFs, encrypted at rest under random names in DATA_DIR.

DATA_DIR is outside the web root; files leave it only through routes that check access.
Writes go to a temporary file and are renamed into place, so a half-written file is never read.
Files are sealed with the keyring's current key and opened with any configured key (documents/keyring.py).
"""
import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask, current_app

from portal.documents import keyring


class StorageError(RuntimeError):
    """A stored file is missing or cannot be decrypted."""


def _app(app: Flask | None) -> Flask:
    return app or current_app


def _path(key: str, app: Flask | None = None) -> Path:
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise StorageError("Not a storage key.")
    return Path(_app(app).config["DATA_DIR"]) / "files" / key[:2] / key


def new_key() -> str:
    return secrets.token_hex(24)


def save(data: bytes, app: Flask | None = None) -> str:
    """Encrypt and store bytes under a new random key; returns the key."""
    key = new_key()
    write_sealed(_path(key, app), keyring.for_app(_app(app)).seal(data))
    return key


def write_sealed(path: Path, token: bytes, *, prefix: str = ".partial-") -> None:
    """Write bytes atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(token)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(key: str, app: Flask | None = None) -> bytes:
    try:
        token = _path(key, app).read_bytes()
    except FileNotFoundError as error:
        raise StorageError("The stored file is missing.") from error
    try:
        return keyring.for_app(_app(app)).open(token)
    except keyring.KeyringError as error:
        raise StorageError("The stored file cannot be decrypted.") from error


def delete(key: str, app: Flask | None = None) -> None:
    _path(key, app).unlink(missing_ok=True)


def exists(key: str, app: Flask | None = None) -> bool:
    return _path(key, app).exists()


def root(app: Flask | None = None) -> Path:
    return Path(_app(app).config["DATA_DIR"]) / "files"


def path_of(key: str, app: Flask | None = None) -> Path:
    return _path(key, app)
