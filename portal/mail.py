"""Outgoing email. With PASSAGE_SMTP_HOST set, messages go through that server; otherwise each one
is written as a .eml file to MAIL_OUTBOX_DIR, so a bare machine (and the tests) can read them.

Bodies carry links and reference numbers only: never case details, which email cannot protect.
"""
import os
import smtplib
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

DEFAULT_SENDER = "Passage <no-reply@passage.invalid>"


class MailError(RuntimeError):
    """The message could not be handed to the mail server (the caller decides what that means)."""


def smtp_settings() -> dict | None:
    """SMTP settings from the environment, or None when mail goes to the outbox folder."""
    host = os.environ.get("PASSAGE_SMTP_HOST", "").strip()
    if not host:
        return None
    return {
        "host": host,
        "port": int(os.environ.get("PASSAGE_SMTP_PORT", "587")),
        "user": os.environ.get("PASSAGE_SMTP_USER", ""),
        "password": os.environ.get("PASSAGE_SMTP_PASSWORD", ""),
        # STARTTLS unless explicitly turned off (for a local relay on port 25).
        "starttls": os.environ.get("PASSAGE_SMTP_STARTTLS", "true").strip().lower() not in {"0", "false", "no", "off"},
    }


def sender() -> str:
    return os.environ.get("PASSAGE_MAIL_FROM", "").strip() or DEFAULT_SENDER


def build(*, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="passage.invalid")
    message.set_content(body)
    return message


def send(*, to: str, subject: str, body: str, outbox_dir: str | None = None) -> str:
    """Send one plain-text message; returns where it went ("smtp" or the outbox file path)."""
    message = build(to=to, subject=subject, body=body)
    settings = smtp_settings()
    if settings:
        try:
            with smtplib.SMTP(settings["host"], settings["port"], timeout=20) as server:
                if settings["starttls"]:
                    server.starttls()
                if settings["user"]:
                    server.login(settings["user"], settings["password"])
                server.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            # The log names the failure, never the recipient or the body.
            current_app.logger.warning("mail not sent: %s", error.__class__.__name__)
            raise MailError(error.__class__.__name__) from error
        return "smtp"
    folder = Path(outbox_dir or current_app.config["MAIL_OUTBOX_DIR"])
    path = folder / f"{uuid.uuid4().hex}.eml"
    temporary = path.with_suffix(".tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(message.as_bytes())
        temporary.replace(path)  # a reader never sees half a message
    except OSError as error:
        current_app.logger.warning("mail not written to the outbox: %s", error.__class__.__name__)
        raise MailError(error.__class__.__name__) from error
    return str(path)


def outbox(outbox_dir: str | None = None) -> list[EmailMessage]:
    """Messages written to the outbox folder, oldest first (for tests and the demo)."""
    folder = Path(outbox_dir or current_app.config["MAIL_OUTBOX_DIR"])
    if not folder.exists():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda item: item.stat().st_mtime_ns)
    return [BytesParser(policy=policy.default).parsebytes(item.read_bytes()) for item in files]
