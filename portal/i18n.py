"""Translation lookups that cost little: gettext, ngettext and lazy_gettext for Passage's code and templates.

Flask-Babel still chooses the locale (portal._select_locale, force_locale) and loads the catalogues;
these functions look up its translations once per request and locale instead of on every call. Each
Flask-Babel call went through Flask's `g` proxy six or more times, and a lazy label is translated
again on every use: a step save made about 200 of those lookups, a fifth of its CPU time.
"""
from __future__ import annotations

import os
import tempfile
import tomllib
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import flask_babel
from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from flask import g, has_app_context
from flask_babel.speaklater import LazyString

_NO_TRANSLATIONS = NullTranslations()


def _translations():
    if not has_app_context():
        return _NO_TRANSLATIONS
    namespace = g._get_current_object().__dict__
    # Flask-Babel keeps its per-request state (the locale it chose) in g._flask_babel.
    state = namespace.get("_flask_babel")
    if state is not None:
        remembered = getattr(state, "passage_translations", None)
        # force_locale() sets a new Locale object, so the identity check notices the switch.
        if remembered is not None and remembered[0] is getattr(state, "babel_locale", None):
            return remembered[1]
    translations = flask_babel.get_translations()
    state = namespace.get("_flask_babel")
    if state is not None:  # a Flask-Babel that kept its state elsewhere would only make this slower
        state.passage_translations = (getattr(state, "babel_locale", None), translations)
    return translations


def gettext(string: str, **variables) -> str:
    text = _translations().ugettext(string)
    return text % variables if variables else text


def pgettext(context: str, string: str, **variables) -> str:
    """A text whose translation depends on where it is used (the context tells translators which use)."""
    text = _translations().upgettext(context, string)
    return text % variables if variables else text


def colon() -> str:
    """What goes between a label and its value: ": " in English, a no-break space before it in French."""
    return pgettext("between a label and what follows", ": ")


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def N_(string: str) -> str:
    """Marks a text for `make messages` and returns it unchanged: for a text that is stored or raised in English
    and translated where it is shown (`_(stored)`)."""
    return string


@contextmanager
def language_of(user):
    """Texts for one person, as in an email: their account's language when they chose one, else the language
    being served."""
    language = getattr(user, "language", "") or ""
    if not language:
        yield
        return
    with flask_babel.force_locale(language):
        yield


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text translated when it is used, in the reader's language at that moment."""
    return LazyString(gettext, string, **variables)


# The languages Passage speaks, each named in itself (so a reader finds their own), English first and default.
LANGUAGES = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
_CANADIAN = {language: Locale.parse(f"{language}_CA") for language in LANGUAGES}


def canadian_locale() -> Locale:
    """The locale being served, as Canada writes it (en_CA, fr_CA); English outside a request."""
    language = str(flask_babel.get_locale() or "en") if has_app_context() else "en"
    return _CANADIAN.get(language) or Locale.parse(f"{language}_CA")


def format_date(value) -> str:
    """A date as the language being served writes it in Canada: year-month-day in English and in French (the
    Canadian numeric format, CLDR's en_CA and fr_CA), which no reader can take for day-month or month-day."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return dates.format_date(value, "short", locale=canadian_locale())
    return str(value)


# The 24-hour clock each language writes: "14:03" in English, "14 h 03" in French (Canadian French usage).
_TIME_PATTERNS = {"fr": "HH 'h' mm"}


def format_datetime(value) -> str:
    if not value:
        return ""
    locale = canadian_locale()
    time = dates.format_time(value, _TIME_PATTERNS.get(locale.language, "HH:mm"), locale=locale)
    return f"{dates.format_date(value.date(), 'short', locale=locale)} {time}"


def format_money(amount) -> str:
    """An amount in Canadian dollars: "$1,234.50" in English, "1 234,50 $" in French."""
    return numbers.format_currency(amount, "CAD", locale=canadian_locale())


def format_number(number) -> str:
    """A count as the language being served writes it: "1,095" in English, "1 095" in French."""
    return numbers.format_decimal(number, locale=canadian_locale())


def compile_catalogues(directory: Path) -> list[Path]:
    """Write each language's messages.mo from its messages.po when it is missing or older (the .po is what is
    kept in git). Without this a fresh checkout would declare lang="fr" and serve English."""
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        # Written beside and renamed: two processes starting together never read half a file.
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, suffix=".mo.tmp", delete=False) as temporary:
            write_mo(temporary, catalogue)
        os.replace(temporary.name, mo_path)
        written.append(mo_path)
    return written


# The facts file's own words that pages show ([[channel]] why and online_only, [[fee]] labels, worded [[form]]
# versions): `make messages` extracts them with this (babel.cfg); templates and fee lines translate them as shown.
FACTS_TEXT_KEYS = {"channel": {"why", "online_only"}, "fee": {"label"}, "form": {"version"}}


def extract_facts(fileobj, keywords, comment_tags, options):
    """A Babel extractor for portal/data/facts.toml: yields (line, function, message, comments)."""
    table = None
    for number, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped.strip("[]")
            continue
        key, _, value = stripped.partition("=")
        if key.strip() not in FACTS_TEXT_KEYS.get(table, ()):
            continue
        parsed = tomllib.loads(f"value = {value.strip()}")["value"]
        for text in parsed if isinstance(parsed, list) else [parsed]:
            if table == "form" and str(text)[:1].isdigit():
                continue  # an edition date ("10-2020") reads the same in every language
            yield number, "gettext", text, [f"facts.toml [[{table}]] {key.strip()}"]


def init_app(app) -> None:
    """Templates use the same lookups (Flask-Babel installed its own when it was set up)."""
    try:
        compile_catalogues(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    except OSError as error:  # a read-only install: its build step compiled them (make install)
        app.logger.warning("Could not compile the translations: %s", error)
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, num: _translations().ungettext(singular, plural, num),
        newstyle=True,
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: _translations().unpgettext(context, singular, plural, num),
    )
