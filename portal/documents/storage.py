"""The file store: uploads and rendered PDFs, encrypted at rest under random names in DATA_DIR.

DATA_DIR is outside the web root; files leave it only through routes that check access.
Writes go to a temporary file and are renamed into place, so a half-written file is never read.
"""
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, current_app


class StorageError(RuntimeError):
    """A stored file is missing or cannot be decrypted."""


def _app(app: Flask | None) -> Flask:
    return app or current_app


def _fernet(app: Flask | None = None) -> Fernet:
    return Fernet(_app(app).config["ENCRYPTION_KEY"].encode())


def _path(key: str, app: Flask | None = None) -> Path:
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise StorageError("Not a storage key.")
    return Path(_app(app).config["DATA_DIR"]) / "files" / key[:2] / key


def new_key() -> str:
    return secrets.token_hex(24)


def save(data: bytes, app: Flask | None = None) -> str:
    """Encrypt and store bytes under a new random key; returns the key."""
    key = new_key()
    path = _path(key, app)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = _fernet(app).encrypt(data)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(token)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return key


def load(key: str, app: Flask | None = None) -> bytes:
    try:
        token = _path(key, app).read_bytes()
    except FileNotFoundError as error:
        raise StorageError("The stored file is missing.") from error
    try:
        return _fernet(app).decrypt(token)
    except InvalidToken as error:
        raise StorageError("The stored file cannot be decrypted.") from error


def delete(key: str, app: Flask | None = None) -> None:
    _path(key, app).unlink(missing_ok=True)


def exists(key: str, app: Flask | None = None) -> bool:
    return _path(key, app).exists()
