"""The starter set: guides every agency begins with, in English and French, kept as Markdown files in
portal/data/library/<language>/<slug>.md. Each file starts with a few `key: value` lines (title, summary,
audience, packet_types, reviewed), then `---`, the text, and after a `---sources---` line, its sources.
Installing adds what an agency does not have yet and never overwrites a guide its staff edited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from portal.models import Agency, Guide

STARTER_DIR = Path(__file__).resolve().parent.parent / "data" / "library"
SOURCES_MARK = "---sources---"


@dataclass(frozen=True)
class StarterGuide:
    slug: str
    language: str
    title: str
    summary: str
    audience: str
    packet_types: str
    reviewed_on: date | None
    body: str
    sources: str


def parse(path: Path, *, language: str) -> StarterGuide:
    text = path.read_text(encoding="utf-8")
    head, _sep, rest = text.partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        key, _colon, value = line.partition(":")
        meta[key.strip()] = value.strip()
    body, _mark, sources = rest.partition(SOURCES_MARK)
    reviewed = meta.get("reviewed")
    return StarterGuide(slug=path.stem, language=language, title=meta["title"], summary=meta.get("summary", ""),
                        audience=meta.get("audience", "youth"), packet_types=meta.get("packet_types", ""),
                        reviewed_on=date.fromisoformat(reviewed) if reviewed else None, body=body.strip(),
                        sources=sources.strip())


def starter_set() -> list[StarterGuide]:
    return [parse(path, language=folder.name)
            for folder in sorted(STARTER_DIR.iterdir()) if folder.is_dir()
            for path in sorted(folder.glob("*.md"))]


def install(session: Session, *, agency: Agency) -> int:
    """Add the starter guides this agency lacks; returns how many were added."""
    have = set(session.exec(select(Guide.slug, Guide.language).where(Guide.agency_id == agency.id)).all())
    added = 0
    for guide in starter_set():
        if (guide.slug, guide.language) in have:
            continue
        session.add(Guide(agency_id=agency.id, slug=guide.slug, language=guide.language, title=guide.title,
                          summary=guide.summary, audience=guide.audience, packet_types=guide.packet_types,
                          body=guide.body, sources=guide.sources, reviewed_on=guide.reviewed_on))
        added += 1
    session.flush()
    return added
