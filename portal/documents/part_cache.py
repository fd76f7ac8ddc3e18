"""Rendered parts of a packet's PDF, kept between renders so that only the parts that changed are laid out again.

A part is named by a keyed hash (HMAC, keyed by SECRET_KEY) of everything that shapes it: its HTML, the
stylesheets and the renderer's version. The name says nothing about the content to someone without the key.
The PDF is encrypted at rest (AES-GCM, with a key derived from the keyring's current key, whose id starts the
file) like every stored file, and written atomically. Names do not depend on the encryption key, so
`flask rotate-key` re-encrypts parts in place. Each packet has its own folder; after a render, the parts it did
not use are deleted, so the cache holds about one copy of each packet's latest PDF.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask

from portal.documents import keyring as keyrings

ID_LENGTH = keyrings.ID_LENGTH


def _aead(secret: bytes) -> AESGCM:
    return AESGCM(hashlib.sha256(b"passage part contents\0" + secret).digest())


def seal(keys: dict[str, bytes], current: str, name: str, data: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    return current.encode() + nonce + _aead(keys[current]).encrypt(nonce, data, name.encode())


def open_sealed(keys: dict[str, bytes], name: str, sealed: bytes) -> bytes:
    """The part's bytes; raises KeyError (its key is not configured), InvalidTag or ValueError when unreadable."""
    body = sealed[ID_LENGTH:]
    return _aead(keys[key_id_of(sealed)]).decrypt(body[:12], body[12:], name.encode())


def key_id_of(sealed: bytes) -> str:
    return sealed[:ID_LENGTH].decode("ascii", "replace")


def keys_of(keyring: keyrings.Keyring) -> tuple[dict[str, bytes], str]:
    return {kid: keyring.secret(kid) for kid in keyring.keys}, keyring.current_id


class PartCache:
    def __init__(self, folder: Path, secret: bytes, keyring: keyrings.Keyring | None = None):
        """Names are keyed by `secret`; contents are sealed with the keyring's current key (or `secret`)."""
        self.folder = folder
        self._name_key = hashlib.sha256(b"passage part names\0" + secret).digest()
        if keyring is None:
            only = hashlib.sha256(secret).hexdigest()[:ID_LENGTH]
            self._keys, self._current = {only: secret}, only
        else:
            self._keys, self._current = keys_of(keyring)
        self.used: set[str] = set()

    def name(self, *pieces: bytes) -> str:
        mac = hmac.new(self._name_key, digestmod=hashlib.sha256)
        for piece in pieces:
            mac.update(len(piece).to_bytes(8, "big"))
            mac.update(piece)
        return mac.hexdigest()

    def get(self, name: str) -> bytes | None:
        self.used.add(name)
        try:
            return open_sealed(self._keys, name, (self.folder / name).read_bytes())
        except (FileNotFoundError, InvalidTag, ValueError, KeyError):
            return None

    def put(self, name: str, data: bytes) -> None:
        self.used.add(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(seal(self._keys, self._current, name, data))
            os.replace(temporary, self.folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def keep_only_used(self) -> None:
        """Delete this packet's parts that the render just made did not use."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def root(app: Flask) -> Path:
    return Path(app.config["DATA_DIR"]) / "part-cache"


def folder_for(app: Flask, packet_id) -> Path:
    secret = app.config["SECRET_KEY"].encode()
    return root(app) / hmac.new(secret, f"packet {packet_id}".encode(), hashlib.sha256).hexdigest()[:40]


def for_packet(app: Flask, packet_id: str) -> PartCache:
    return PartCache(folder_for(app, packet_id), app.config["SECRET_KEY"].encode(), keyrings.for_app(app))
