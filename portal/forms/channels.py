"""How IRCC takes each packet type (online, paper or either, and who may submit), and the IRCC upload slot of
each checklist item: both read from the facts file (`[[channel]]`, `[[document_type]]`), never from the packet
type modules, so a correction is an edit to facts.toml.

A packet type with no `[[channel]]` entry has no channel: `channel_for` raises ChannelMissing (the packet page
says the channel is not declared yet, and tests/forms/test_channels.py fails for every registered type without
one). The only default is the documented one: an item with no document type goes to "Optional documents".
"""
from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date

from portal.forms import facts
from portal.i18n import format_date
from portal.i18n import lazy_gettext as _l

ONLINE, PAPER, EITHER = "online", "paper", "either"
CHANNELS = (ONLINE, PAPER, EITHER)
SUBMITTERS = {
    "applicant": _l("the applicant"),
    "guardian": _l("a parent or legal guardian"),
    "representative": _l("a representative"),
}
DEFAULT_DOCUMENT_TYPE = "Optional documents"  # IRCC's catch-all upload slot (see the facts file's comment)


class ChannelMissing(LookupError):
    """The packet type has no [[channel]] entry in facts.toml."""


@dataclass(frozen=True)
class Channel:
    packet_type: str
    channel: str  # online | paper | either
    preferred: str  # online | paper: what applies unless the caseworker chooses the other
    online_by: tuple[str, ...]
    paper_by: tuple[str, ...]
    validate: bool  # paper forms need IRCC's "Validate" step: barcode page on top
    why: str
    source: str
    verify: bool
    mailing: str = ""  # the paper mailing address
    deadline: date | None = None  # IRCC must receive it by this day
    online_order_published: bool = False
    online_not_needed: tuple[str, ...] = ()
    online_only: tuple[str, ...] = ()
    paper_only: tuple[str, ...] = ()

    @property
    def online_possible(self) -> bool:
        return self.channel in (ONLINE, EITHER)

    @property
    def paper_possible(self) -> bool:
        return self.channel in (PAPER, EITHER)

    def applies(self, chosen: str = "") -> str:
        """The channel for one packet: the caseworker's choice when both are allowed, else the only one."""
        if self.channel == EITHER and chosen in (ONLINE, PAPER):
            return chosen
        return self.preferred

    def cite(self) -> str:
        return f"{self.source} (VERIFY)" if self.verify else self.source

    def who(self, channel: str) -> list[str]:
        return [str(SUBMITTERS[key]) for key in (self.online_by if channel == ONLINE else self.paper_by)]


@dataclass(frozen=True)
class DocumentType:
    type: str  # IRCC's slot, e.g. "Proof of identity"
    name: str  # the short name after it, e.g. "Passport"

    @property
    def file_stem(self) -> str:
        return f"{_slug(self.type)}_{_slug(self.name)}"


_lock = threading.Lock()
_cache: dict[str, tuple[float, dict]] = {}


def _raw() -> dict:
    """The channel and document-type sections, re-read when the facts file changes (like facts.load)."""
    file = facts.path()
    mtime = file.stat().st_mtime
    cached = _cache.get(str(file))
    if cached and cached[0] == mtime:
        return cached[1]
    with _lock, file.open("rb") as handle:
        raw = tomllib.load(handle)
        parsed = {"channels": _parse_channels(raw.get("channel", [])),
                  "types": _parse_types(raw.get("document_type", []))}
        _cache[str(file)] = (mtime, parsed)
    return parsed


def _parse_channels(entries: list[dict]) -> dict[str, Channel]:
    found: dict[str, Channel] = {}
    for number, entry in enumerate(entries, start=1):
        key = entry.get("packet_type")
        kind = entry.get("channel")
        if not key or kind not in CHANNELS:
            raise facts.FactsError(f"facts.toml: [[channel]] number {number} needs a packet_type and a channel "
                                   f"(one of {', '.join(CHANNELS)}).")
        if not entry.get("source") or not entry.get("why"):
            raise facts.FactsError(f"facts.toml: [[channel]] {key!r} needs a source and a why.")
        if key in found:
            raise facts.FactsError(f"facts.toml: two [[channel]] entries for {key!r}.")
        preferred = entry.get("preferred") or (kind if kind != EITHER else "")
        if preferred not in (ONLINE, PAPER):
            raise facts.FactsError(f"facts.toml: [[channel]] {key!r} allows either: say which is preferred.")
        submitters = {name for field in ("online_by", "paper_by") for name in entry.get(field, [])}
        if unknown := submitters - set(SUBMITTERS):
            raise facts.FactsError(f"facts.toml: [[channel]] {key!r}: unknown submitter {sorted(unknown)}.")
        found[key] = Channel(
            packet_type=key, channel=kind, preferred=preferred,
            online_by=tuple(entry.get("online_by", [])), paper_by=tuple(entry.get("paper_by", [])),
            validate=bool(entry.get("validate", False)), why=entry["why"], source=entry["source"],
            verify=bool(entry.get("verify", False)),
            mailing=facts.code(entry["mailing"]) if entry.get("mailing") else "",
            deadline=facts.a_date(entry["deadline"]) if entry.get("deadline") else None,
            online_order_published=entry.get("online_order") == "published",
            online_not_needed=tuple(entry.get("online_not_needed", [])),
            online_only=tuple(entry.get("online_only", [])), paper_only=tuple(entry.get("paper_only", [])),
        )
    return found


def _parse_types(entries: list[dict]) -> dict[str, DocumentType]:
    found: dict[str, DocumentType] = {}
    for entry in entries:
        if not entry.get("type") or not entry.get("source"):
            raise facts.FactsError("facts.toml: every [[document_type]] needs a type and a source.")
        for item, name in entry.get("items", {}).items():
            if item in found:
                raise facts.FactsError(f"facts.toml: checklist item {item!r} has two document types.")
            found[item] = DocumentType(entry["type"], name)
    return found


def channel_for(packet_type: str) -> Channel:
    try:
        return _raw()["channels"][packet_type]
    except KeyError:
        raise ChannelMissing(f"facts.toml has no [[channel]] for packet type {packet_type!r}.") from None


def find_channel(packet_type: str) -> Channel | None:
    return _raw()["channels"].get(packet_type)


def declared() -> set[str]:
    return set(_raw()["channels"])


def document_type(item_key: str, label: str = "") -> DocumentType:
    """The IRCC upload slot of a checklist item; an item not listed goes to "Optional documents"."""
    found = _raw()["types"].get(item_key)
    if found is not None:
        return found
    return DocumentType(DEFAULT_DOCUMENT_TYPE, _short(label) or item_key.replace("_", " "))


def upload_max_bytes() -> int:
    return facts.number("online_upload_max_bytes")


def _short(label: str) -> str:
    """A label's first words, for a file name: "Letter explaining why ..." -> "Letter explaining why"."""
    words = re.split(r"[\s(:,]+", str(label).strip())
    return " ".join(words[:4])


def _slug(text: str) -> str:
    """ASCII letters, digits and hyphens: what every upload form and file system takes."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-") or "Document"


def not_needed(channel: Channel | None, applied: str, item_key: str) -> bool:
    """A checklist item the chosen channel does not take (photos for an online application)."""
    return channel is not None and applied == ONLINE and item_key in channel.online_not_needed


def checklist_notes(channel: Channel | None, applied: str) -> list[str]:
    """What the checklist adds for the channel: how it is sent, the barcode page, the address and last day."""
    if channel is None:
        return []
    if applied == ONLINE:
        return [str(_l("Send it online: upload each document as its own file (the online kit makes them). "
                       "No photos or envelope are needed unless the online form asks for them."))]
    notes = []
    if channel.validate:
        notes.append(str(_l('Before printing each IRCC form, press its "Validate" button and put the barcode '
                            "page it adds on top of that form.")))
    if channel.mailing:
        notes.append(str(_l("Mail everything in one envelope to: %(address)s", address=channel.mailing)))
    if channel.deadline:
        notes.append(str(_l("IRCC must receive it by %(day)s: an application that arrives later is not "
                            "accepted, whatever the postmark.", day=format_date(channel.deadline))))
    return notes
