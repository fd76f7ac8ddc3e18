"""The language of a packet's PDF: its own texts (cover letter, headings, checklist, signature pages) are written
in it; the answers are printed as they were given. English unless the caseworker chooses French."""
from __future__ import annotations

import unicodedata

from sqlmodel import Session

from portal import audit
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES
from portal.i18n import lazy_gettext as _l
from portal.models import Packet, User, utcnow
from portal.packets.lifecycle import is_editable
from portal.validation import FormInvalid

DEFAULT = DEFAULT_LANGUAGE
NAMES = LANGUAGES  # each language's name in itself, for the choice
# And in the reader's language, for sentences ("the PDF will be written in French").
LABELS = {"en": _l("in English"), "fr": _l("in French")}
# What a client file's free-text "preferred language" says when it means French.
_FRENCH = {"fr", "fra", "fre", "french", "francais", "fr-ca", "fr_ca"}


def spoken(language: str | None) -> str:
    """The language itself when Passage writes PDFs in it, else English."""
    return language if language in NAMES else DEFAULT


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def from_client(preferred_language: str | None) -> str:
    """The language a new packet starts in: French when the client file prefers it ("French", "Français",
    "fr", "French (Canada)"), English otherwise."""
    folded = _folded(preferred_language or "")
    first = folded.replace("(", " ").replace(",", " ").replace(";", " ").split()
    return "fr" if folded in _FRENCH or (first and first[0] in _FRENCH) else DEFAULT


def choose(session: Session, *, packet: Packet, user: User, language: str) -> None:
    """The caseworker picks the PDF's language. Caller commits."""
    if language not in NAMES:
        raise FormInvalid({"language": _l("Language of the PDF: choose English or French.")}, {"language": language})
    if language == packet.language:
        return
    if not is_editable(packet):
        raise FormInvalid({"language": _l("This packet is with a reviewer or already sent; "
                                          "the language of its PDF cannot change now.")}, {"language": language})
    previous = packet.language
    packet.language = language
    packet.updated_at = utcnow()  # a PDF made before now is in the other language: the review says it is outdated
    session.add(packet)
    session.flush()
    audit.record(session, action="packet.language", user=user, record_type="packet", record_id=packet.id,
                 detail=f"language={previous}->{language}")
