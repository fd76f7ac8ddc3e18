"""The online submission kit: a zip with each checklist item's evidence as one PDF within IRCC's per-file limit,
named after IRCC's document type, the cover letter as its own PDF, and a manifest (file, pages, size, SHA-256).

It is a version of the packet like a PDF render: a Render row of kind "kit" (the same outbox, job, progress box
and file store, encrypted at rest), built from a snapshot by `portal.documents.jobs.build_kit`. A kit is final
only from an approved packet that passes the submission gate; any other kit is named DRAFT. Each evidence file's
upload-ready PDF was made when it was uploaded (upload_ready.py), so a kit joins files and rarely redraws one.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from sqlmodel import Session, select

from portal.documents import parts, pdf, renders, snapshot, upload_ready
from portal.documents.part_cache import PartCache
from portal.forms import channels
from portal.models import Document, Packet, PacketStatus, Render, User
from portal.packets import channel as packet_channel
from portal.packets import lifecycle

COVER_LETTER = "Cover-letter.pdf"
MANIFEST = "manifest.txt"
MANIFEST_JSON = "manifest.json"
DRAFT_NOTE = "DRAFT-not-for-submission.txt"


@dataclass(frozen=True)
class KitFile:
    name: str
    pages: int
    size: int
    sha256: str
    item: str = ""  # the checklist item's key; "" for the cover letter


@dataclass
class Kit:
    data: bytes  # the zip
    files: list[KitFile]
    problems: list[str] = field(default_factory=list)  # items left out, each with what to do
    final: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def may_be_final(session: Session, *, packet: Packet, user: User) -> bool:
    """Final only from an approved packet the submission gate lets through (or one already submitted)."""
    if packet.status == PacketStatus.submitted:
        return True
    return (packet.status == PacketStatus.approved
            and lifecycle.refusal(session, packet=packet, to_status=PacketStatus.submitted, user=user) is None)


def kit_snapshot(session: Session, *, packet: Packet, user: User | None) -> dict:
    """The PDF's snapshot, plus what the kit needs: the channel, each item's IRCC document type and each file's
    upload-ready form."""
    taken = snapshot.build(session, packet=packet, user=user)
    chosen = packet_channel.of(packet)
    ready = {str(document.id): {"key": document.ready_key, "pages": document.ready_pages,
                                "size": document.ready_size}
             for document in session.exec(select(Document).where(Document.packet_id == packet.id))
             if document.ready_key}
    taken["kit"] = {
        "channel": chosen.applies,
        "max_bytes": channels.upload_max_bytes(),
        "ready": ready,
        "types": {item["key"]: {"type": found.type, "name": found.name, "stem": found.file_stem}
                  for item in taken["checklist"]
                  for found in [channels.document_type(item["key"], item["label"])]},
        "not_needed": [item["key"] for item in taken["checklist"] if chosen.not_needed(item["key"])],
    }
    return taken


def request_kit(session: Session, *, packet: Packet, user: User) -> Render:
    """Queue a kit build (or return the one still running); commits, like renders.request_render."""
    return renders.request_render(session, packet=packet, user=user, kind="kit",
                                  final=may_be_final(session, packet=packet, user=user),
                                  snapshot=kit_snapshot(session, packet=packet, user=user))


def download_name(packet_type: str, render: Render) -> str:
    """No client name: the zip's name says the form, the version and whether it is a draft."""
    return f"online-kit-{packet_type}-v{render.revision}{'' if render.final else '-DRAFT'}.zip"


def build(taken: dict, *, final: bool, load: Callable[[str], bytes], app: Flask | None = None,
          cache: PartCache | None = None, progress: Callable[[str, int], None] | None = None) -> Kit:
    """The zip from a kit snapshot."""
    progress = progress or (lambda _stage, _percent: None)
    extras = taken["kit"]
    max_bytes = int(extras["max_bytes"])
    files: list[tuple[KitFile, bytes]] = []
    problems: list[str] = []
    progress("rendering", 15)
    cover = pdf.lay_out_part(taken, parts.Part("cover", "pdf/_cover_letter.html"), load=load, app=app, cache=cache)
    files.append(_file(COVER_LETTER, cover, _pages(cover)))
    items = [item for item in taken["checklist"]
             if item["documents"] and item["key"] not in extras["not_needed"]]
    used: set[str] = {COVER_LETTER}
    for done, item in enumerate(items):
        progress("adding_evidence", 20 + 70 * done // max(1, len(items)))
        kind = extras["types"][item["key"]]
        name = _unique(f"{kind['stem']}.pdf", used)
        try:
            joined = _item_pdf(item, extras["ready"], load=load, max_bytes=max_bytes)
        except upload_ready.TooLarge as error:
            problems.append(f"{kind['type']} ({kind['name']}): {error} It was left out of the kit. Upload fewer "
                            "pages for this item, or scan it again in black and white, then build the kit again.")
            continue
        files.append(_file(name, joined.data, joined.pages, item=item["key"]))
    progress("adding_evidence", 92)
    return Kit(data=_zip(taken, files, problems, final=final), files=[entry for entry, _data in files],
               problems=problems, final=final)


def _item_pdf(item: dict, ready: dict, *, load: Callable[[str], bytes], max_bytes: int) -> upload_ready.ReadyFile:
    """The item's files joined in their order, shrunk when the whole is over the limit."""
    pieces = []
    for document in item["documents"]:
        cached = ready.get(document["id"])
        if cached:
            pieces.append(load(cached["key"]))
        else:  # uploaded before upload-ready forms were kept: made now (the whole item is shrunk below if need be)
            pieces.append(upload_ready.prepare(load(document["storage_key"]), document["content_type"],
                                               max_bytes=upload_ready.NO_LIMIT).data)
    joined = upload_ready.join(pieces)
    if len(joined.data) <= max_bytes:
        return joined
    return upload_ready.shrink(joined.data, max_bytes=max_bytes)


def _file(name: str, data: bytes, pages: int, *, item: str = "") -> tuple[KitFile, bytes]:
    return KitFile(name, pages, len(data), hashlib.sha256(data).hexdigest(), item), data


def _pages(data: bytes) -> int:
    return upload_ready.join([data]).pages


def _unique(name: str, used: set[str]) -> str:
    stem, number, candidate = name[:-4], 2, name
    while candidate in used:
        candidate, number = f"{stem}-{number}.pdf", number + 1
    used.add(candidate)
    return candidate


def _zip(taken: dict, files: list[tuple[KitFile, bytes]], problems: list[str], *, final: bool) -> bytes:
    out = io.BytesIO()
    # PDFs are compressed already: stored as they are, the zip is quick to make and to open.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry, data in files:
            archive.writestr(_entry(entry.name), data)
        archive.writestr(_entry(MANIFEST), manifest_text(taken, [entry for entry, _ in files], problems, final=final))
        archive.writestr(_entry(MANIFEST_JSON), json.dumps({
            "form": taken["packet"]["form_code"], "revision": taken["packet"]["revision"], "final": final,
            "generated_on": taken["generated_on"],
            "files": [{"name": e.name, "pages": e.pages, "size": e.size, "sha256": e.sha256, "item": e.item}
                      for e, _ in files],
            "problems": problems,
        }, indent=2))
        if not final:
            archive.writestr(_entry(DRAFT_NOTE), "DRAFT: this kit was built before the packet was approved. "
                                                 "Do not upload it to IRCC.\n")
    return out.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # a fixed time: same files, same zip
    info.compress_type = zipfile.ZIP_STORED
    return info


def manifest_text(taken: dict, entries: list[KitFile], problems: list[str], *, final: bool) -> str:
    lines = [f"Online submission kit: {taken['packet']['form_code']} {taken['packet']['title']}, "
             f"version {taken['packet']['revision']}{'' if final else ' (DRAFT)'}",
             f"Made {taken['generated_on']}. Each file is one upload; the limit is "
             f"{taken['kit']['max_bytes'] // (1024 * 1024)} MB per file.", "",
             f"{'file':<60} {'pages':>5} {'bytes':>10}  sha256"]
    lines += [f"{e.name:<60} {e.pages:>5} {e.size:>10}  {e.sha256}" for e in entries]
    if problems:
        lines += ["", "Left out:"] + [f"- {problem}" for problem in problems]
    return "\n".join(lines) + "\n"


def read_kit(render: Render) -> bytes:
    return renders.read_pdf(render)  # the same finished-render check, for a zip
