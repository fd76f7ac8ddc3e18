"""Rendered parts of a packet's PDF, kept between renders so that only the parts that changed are laid out again.

A part is named by a keyed hash (HMAC) of everything that shapes it: its HTML, the stylesheets and the
renderer's version. The name says nothing about the content to someone without the key. The PDF
is encrypted at rest (AES-GCM, with a key derived from ENCRYPTION_KEY) like every stored file, and
written atomically. Each packet has its own folder; after a render, the parts it did not use are
deleted, so the cache holds about one copy of each packet's latest PDF.
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


class PartCache:
    def __init__(self, folder: Path, secret: bytes):
        self.folder = folder
        self._name_key = hashlib.sha256(b"passage part names\0" + secret).digest()
        self._aead = AESGCM(hashlib.sha256(b"passage part contents\0" + secret).digest())
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
            sealed = (self.folder / name).read_bytes()
            return self._aead.decrypt(sealed[:12], sealed[12:], name.encode())
        except (FileNotFoundError, InvalidTag, ValueError):
            return None

    def put(self, name: str, data: bytes) -> None:
        self.used.add(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        nonce = secrets.token_bytes(12)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(nonce + self._aead.encrypt(nonce, data, name.encode()))
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


def for_packet(app: Flask, packet_id: str) -> PartCache:
    secret = app.config["ENCRYPTION_KEY"].encode()
    folder_name = hmac.new(secret, f"packet {packet_id}".encode(), hashlib.sha256).hexdigest()[:40]
    return PartCache(Path(app.config["DATA_DIR"]) / "part-cache" / folder_name, secret)
