"""The file store's keys: new writes use the current key (PASSAGE_ENCRYPTION_KEY), reads try every configured
key (PASSAGE_ENCRYPTION_OLD_KEYS too), so `flask rotate-key` can re-encrypt files while the portal runs.

Each stored file begins with the id of the key that sealed it, so "what still uses this key" is answered by
reading a few bytes per file. Files written before key ids existed have no header; they are tried with every key.
"""
from __future__ import annotations

import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

HEADER = b"passage-key:"
ID_LENGTH = 12
HEADER_LENGTH = len(HEADER) + ID_LENGTH + 1


class KeyringError(RuntimeError):
    """A sealed file names a key that is not configured, or no configured key opens it."""


def key_id(key: str) -> str:
    """A short public name for a key: the first hex digits of its SHA-256 (the key itself is not recoverable)."""
    return hashlib.sha256(b"passage key id\0" + key.encode()).hexdigest()[:ID_LENGTH]


class Keyring:
    def __init__(self, current: str, old: list[str] | tuple[str, ...] = ()):
        self.current = current
        self.keys = {key_id(key): key for key in [current, *old]}
        self.current_id = key_id(current)
        self._fernets = {kid: Fernet(key.encode()) for kid, key in self.keys.items()}

    def seal(self, data: bytes) -> bytes:
        return HEADER + self.current_id.encode() + b"\n" + self._fernets[self.current_id].encrypt(data)

    def open(self, sealed: bytes) -> bytes:
        kid, token = split(sealed)
        try:
            if kid is None:
                return MultiFernet(list(self._fernets.values())).decrypt(token)
            if kid not in self._fernets:
                raise KeyringError(f"The file was sealed with key {kid}, which is not configured.")
            return self._fernets[kid].decrypt(token)
        except InvalidToken as error:
            raise KeyringError("No configured key opens the file.") from error

    def id_of(self, sealed: bytes) -> str | None:
        """Which configured key sealed these bytes (legacy files without a header: found by trying)."""
        kid, token = split(sealed)
        if kid is not None:
            return kid
        for candidate, fernet in self._fernets.items():
            try:
                fernet.decrypt(token)
                return candidate
            except InvalidToken:
                continue
        return None

    def secret(self, kid: str | None = None) -> bytes:
        return self.keys[kid or self.current_id].encode()


def split(sealed: bytes) -> tuple[str | None, bytes]:
    if sealed.startswith(HEADER) and sealed[HEADER_LENGTH - 1:HEADER_LENGTH] == b"\n":
        return sealed[len(HEADER):HEADER_LENGTH - 1].decode("ascii"), sealed[HEADER_LENGTH:]
    return None, sealed


def for_app(app: Flask | None = None) -> Keyring:
    config = (app or current_app).config
    return Keyring(config["ENCRYPTION_KEY"], config.get("ENCRYPTION_OLD_KEYS") or ())
