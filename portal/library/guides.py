"""Guides: written in Markdown by the agency's staff, shown safely, found by words, tags and packet type.

Markdown is rendered with raw HTML switched off, so anything a writer types that looks like HTML is
shown as text; markdown-it refuses javascript:, vbscript:, file: and data: links. A guide has one
slug in every language it is written in, so the English and French versions point at each other.
"""
from __future__ import annotations

import re
import uuid

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import literal, or_
from sqlmodel import Session, func, select
from werkzeug.exceptions import NotFound

from portal import access, audit, validation
from portal.i18n import lazy_gettext as _l
from portal.models import Guide, Role, User, utcnow
from portal.validation import FormResult

LANGUAGES = (("en", "English"), ("fr", "Français"))
AUDIENCES = (("youth", _l("Youth and families")), ("staff", _l("Caseworkers (practice note)")))
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIELDS = ("title", "slug", "language", "summary", "audience", "packet_types", "body", "sources", "published")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def to_html(text: str) -> Markup:
    """Markdown as HTML that cannot carry a script: raw HTML is escaped, unsafe links are refused."""
    return Markup(_markdown.render(text or ""))


def visible_to(user: User):
    """Staff see every guide; a youth sees only published guides for youth and families."""
    conditions = [Guide.agency_id == user.agency_id]
    if user.role == Role.youth:
        conditions += [Guide.published.is_(True), Guide.audience == "youth"]
    return conditions


def search(session: Session, *, user: User, words: str = "", language: str = "", packet_type: str = "",
           audience: str = "") -> list[Guide]:
    """Guides whose title, summary or text has every word, newest first within each audience."""
    statement = select(Guide).where(*visible_to(user))
    for word in words.split()[:8]:
        pattern = f"%{word.casefold()}%"
        statement = statement.where(or_(func.lower(Guide.title).like(pattern), func.lower(Guide.summary).like(pattern),
                                        func.lower(Guide.body).like(pattern),
                                        func.lower(Guide.packet_types).like(pattern)))
    if language:
        statement = statement.where(Guide.language == language)
    if audience:
        statement = statement.where(Guide.audience == audience)
    if packet_type:
        padded = literal(" ").concat(Guide.packet_types).concat(" ")
        statement = statement.where(padded.like(f"% {packet_type} %"))
    return list(session.exec(statement.order_by(Guide.audience.desc(), Guide.title)))


def for_step(session: Session, *, user: User, packet_type: str, language: str, limit: int = 4) -> list[Guide]:
    """The guides to offer beside a guided-form step: those tagged with its packet type, in the user's language
    (English when none is written in it yet)."""
    found = [guide for guide in search(session, user=user, packet_type=packet_type) if guide.published]
    return sorted(one_per_slug(found, language), key=lambda guide: (guide.audience != "youth", guide.title))[:limit]


def one_per_slug(found: list[Guide], language: str) -> list[Guide]:
    """Each guide once, in `language` when it is written in it, else in the language it has; in found's order."""
    by_slug: dict[str, Guide] = {}
    for guide in found:
        if guide.slug not in by_slug or guide.language == language:
            by_slug[guide.slug] = guide
    chosen = {id(guide) for guide in by_slug.values()}
    return [guide for guide in found if id(guide) in chosen]


def get(session: Session, *, user: User, guide_id) -> Guide:
    guide = session.exec(select(Guide).where(Guide.id == access.parse_id(guide_id), *visible_to(user))).first()
    if guide is None:
        raise NotFound()
    return guide


def translations(session: Session, *, guide: Guide) -> list[Guide]:
    return list(session.exec(select(Guide).where(Guide.agency_id == guide.agency_id, Guide.slug == guide.slug,
                                                 Guide.id != guide.id).order_by(Guide.language)))


def read_form(form, *, packet_types: set[str]) -> FormResult:
    raw = {name: form.get(name, "") for name in FIELDS}
    result = FormResult(values={name: validation.clean_text(value, multiline=name in ("body", "sources"))
                                for name, value in raw.items()})
    clean, errors = result.clean, result.errors

    def keep(name, value_error):
        clean[name], error = value_error
        if error:
            errors[name] = error

    keep("title", validation.text(raw["title"], required=True, max_length=200))
    keep("summary", validation.text(raw["summary"], max_length=500))
    keep("body", validation.text(raw["body"], required=True, max_length=40000, multiline=True))
    keep("sources", validation.text(raw["sources"], max_length=4000, multiline=True))
    keep("language", validation.choice(raw["language"], [key for key, _ in LANGUAGES], required=True))
    keep("audience", validation.choice(raw["audience"], [key for key, _ in AUDIENCES], required=True))
    slug = validation.clean_text(raw["slug"]).lower() or _slugify(clean["title"] or "")
    clean["slug"] = slug
    if not SLUG.match(slug or "") or len(slug) > 80:
        errors["slug"] = _l("Short name: use lower-case letters, digits and hyphens, for example what-a-pr-card-is.")
    tags = re_split(validation.clean_text(form.get("packet_types", "")))
    unknown = [tag for tag in tags if tag not in packet_types]
    if unknown:
        errors["packet_types"] = _l("Packet types: %(names)s is not a packet type.", names=", ".join(unknown))
    clean["packet_types"] = " ".join(dict.fromkeys(tags))
    result.values["packet_types"] = clean["packet_types"] if not unknown else result.values["packet_types"]
    clean["published"] = raw["published"] in ("yes", "on", "true")
    for name, label in (("title", _l("Title")), ("body", _l("Text")), ("language", _l("Language")),
                        ("audience", _l("Written for"))):
        if name in errors and not str(errors[name]).startswith(str(label)):
            errors[name] = f"{label}: {errors[name]}"
    return result


def re_split(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text) if part]


def _slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:80]


def slug_taken(session: Session, *, agency_id: uuid.UUID, slug: str, language: str, other_than=None) -> bool:
    statement = select(Guide.id).where(Guide.agency_id == agency_id, Guide.slug == slug, Guide.language == language)
    if other_than is not None:
        statement = statement.where(Guide.id != other_than)
    return session.exec(statement).first() is not None


def save(session: Session, *, user: User, clean: dict, guide: Guide | None = None) -> Guide:
    """Create or update a guide; the caller has checked the slug is free in that language."""
    created = guide is None
    guide = guide or Guide(agency_id=user.agency_id, body="")
    for name in FIELDS:
        setattr(guide, name, clean[name])
    guide.updated_by_id = user.id
    guide.updated_at = utcnow()
    session.add(guide)
    session.flush()
    audit.record(session, action="guide.created" if created else "guide.updated", user=user, record_type="guide",
                 record_id=guide.id, detail=f"slug={guide.slug} language={guide.language}")
    return guide
