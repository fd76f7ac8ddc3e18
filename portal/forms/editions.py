"""Form editions: which edition of each official form Passage assumes (facts.toml `[[form]]`), said on the
checklist and in the cover letter. Every edition is VERIFY unless its source gives the edition's date."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from portal.forms import facts
from portal.i18n import gettext as _


def edition_words(code: str, on: date | None = None) -> str:
    """'edition 10-2020, VERIFY on canada.ca' or 'edition: check canada.ca'."""
    try:
        entry = facts.form_version(code, on)
    except facts.FactsError:
        return _("edition not recorded: check canada.ca")
    version = str(entry.value)
    if not version[:1].isdigit():  # words, such as "check canada.ca": translated (portal.i18n.extract_facts)
        return _("edition: %(version)s", version=_(version))
    if entry.verify:
        return _("edition %(version)s, VERIFY on canada.ca", version=version)
    return _("edition %(version)s", version=version)


def editions_paragraph(codes: Iterable[str], on: date | None = None) -> str:
    named = "; ".join(f"{code} ({edition_words(code, on)})" for code in codes)
    return _("Forms enclosed, with the edition used: %(forms)s.", forms=named)


def with_editions(codes: tuple[str, ...], letter: Callable | None = None) -> Callable:
    """A packet type's cover letter: its own paragraphs, then the editions of the forms it encloses."""
    def cover_letter(context) -> list[str]:
        paragraphs = list(letter(context)) if letter else []
        return [*paragraphs, editions_paragraph(codes, context.signing_date)]
    return cover_letter
