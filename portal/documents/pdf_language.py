"""The language a packet's PDF is written in, and its dates and amounts as that language writes them.

The snapshot names the language (packet.language when it was taken); every render of it, in a job or
in a request, lays it out under force_locale(that language), whoever asked for it and in whatever
language they read the portal. Dates and amounts follow Canadian usage: "December 7, 2026" and
"$1,085.00"; « 7 décembre 2026 » and « 1 085,00 $ ».
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from babel.dates import format_date as babel_date
from flask_babel import force_locale

from portal.i18n import canadian_locale, format_money
from portal.packets.language import spoken


def of(snapshot: dict) -> str:
    """A snapshot's language; snapshots taken before packets had one are English."""
    return spoken(snapshot.get("language"))


@contextmanager
def written_in(snapshot: dict) -> Iterator[str]:
    language = of(snapshot)
    with force_locale(language):
        yield language


def format_date(value) -> str:
    """A date (or an ISO date string from the snapshot) in long form; anything else as it is."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    return babel_date(value, "long", locale=canadian_locale())


def format_amount(amount) -> str:
    return format_money(amount or 0)
