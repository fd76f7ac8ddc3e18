"""The audit log's keys: PASSAGE_AUDIT_KEY signs new rows and checkpoints, PASSAGE_AUDIT_OLD_KEYS still verify
what they signed before a rotation. Each row names its key by an id derived from the key (never the key)."""
from __future__ import annotations

import hashlib
import hmac
import weakref
from dataclasses import dataclass

from flask import Flask, current_app, has_app_context


def key_id(secret: str) -> str:
    return hmac.new(secret.encode(), b"passage audit key id", hashlib.sha256).hexdigest()[:12]


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    secrets: dict  # key id -> secret bytes

    def mac(self, key: str, text: str) -> str | None:
        """The HMAC-SHA256 of `text` under the key with that id; None when the key is not known here."""
        secret = self.secrets.get(key)
        return None if secret is None else hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


# Which app an engine belongs to: audited writes happen in jobs, commands and tests that may hold a session but
# no app context. Filled by init_app.
_APPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def remember(app: Flask) -> None:
    _APPS[app.extensions["db_engine"]] = app


def app_of(session) -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    return _APPS[session.get_bind()]


def ring(app: Flask | None = None) -> KeyRing:
    app = app or current_app
    found = app.extensions.get("audit_keys")
    if found is None:
        current = app.config["AUDIT_KEY"]
        secrets = {key_id(secret): secret.encode() for secret in app.config.get("AUDIT_OLD_KEYS", [])}
        secrets[key_id(current)] = current.encode()
        found = app.extensions["audit_keys"] = KeyRing(key_id(current), secrets)
    return found
