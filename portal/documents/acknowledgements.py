"""IRCC's acknowledgement of an online submission (the AOR, or the confirmation page), kept on the packet's
submission: checked like any evidence file, encrypted at rest, served only through a route that checks access."""
from __future__ import annotations

from flask import current_app

from portal.documents import storage, uploads


def store(filename: str, data: bytes) -> dict:
    """Check and store an uploaded acknowledgement; uploads.UploadRefused says what is wrong with it."""
    checked = uploads.check_file(data, filename, max_bytes=current_app.config["UPLOAD_MAX_BYTES"])
    return {"key": storage.save(checked.data), "name": checked.filename, "type": checked.content_type}


def forget(attachment: dict | None) -> None:
    """A stored acknowledgement whose recording was refused: nothing points at it."""
    if attachment:
        storage.delete(attachment["key"])


def read(milestone) -> bytes:
    if not milestone.attachment_key:
        raise storage.StorageError("No acknowledgement was uploaded.")
    return storage.load(milestone.attachment_key)
