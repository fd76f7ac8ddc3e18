"""What every template may use: the navigation each role sees, date filters, the locale."""
from datetime import date, datetime

from babel import Locale, dates, numbers
from flask import Flask, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from portal.forms import channels, engine
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import PacketStatus, ReferralStatus, RenderStatus, Role
from portal.web import language

# (endpoint, label, roles) — the navigation each role sees, in order.
NAVIGATION = [
    ("home.my_work", _l("My work"), {Role.manager, Role.caseworker}),
    ("clients.index", _l("Clients"), {Role.manager, Role.caseworker}),
    ("referrals.queue", _l("Referrals"), {Role.manager, Role.caseworker}),
    ("consultations.index", _l("Consultations"), {Role.manager, Role.caseworker}),
    ("dashboard.index", _l("Dashboard"), {Role.manager}),
    ("directory.index", _l("Partners"), {Role.manager, Role.caseworker}),
    ("audit_log.index", _l("Audit log"), {Role.manager, Role.admin}),
    ("privacy.index", _l("Privacy"), {Role.manager}),
    ("admin.users", _l("Users"), {Role.admin, Role.manager}),
    ("youth.home", _l("My applications"), {Role.youth}),
    ("account.index", _l("Your account"), {Role.admin, Role.manager, Role.caseworker}),
    ("sharing.youth_list", _l("What I shared"), {Role.youth}),
    ("library.index", _l("Guides"), {Role.manager, Role.caseworker, Role.youth}),
]


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["answer"] = format_answer
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals.update(render_panel=render_panel, poll_delay_ms=poll_delay_ms, PacketStatus=PacketStatus,
                                  RenderStatus=RenderStatus, ReferralStatus=ReferralStatus,
                                  channel_of=channels.find_channel)
    app.context_processor(_template_globals)


def _template_globals():
    items = []
    if current_user.is_authenticated:
        items = [(endpoint, label) for endpoint, label, roles in NAVIGATION if current_user.role in roles]
    return {"navigation": items, "get_locale": get_locale, "language_names": language.NAMES}


def poll_delay_ms(poll: int) -> int:
    """How long a status that is still changing waits before asking again: 150 ms first (a 12-page PDF takes
    about half a second), then a quarter longer each time (so "Ready" shows on average within about a tenth
    of the time waited so far), at most 1 s: a status ask costs a few milliseconds, and a render slowed by
    a busy machine should not be shown later than with the old one-second poll."""
    return int(min(150 * 1.25 ** max(0, poll), 1000))


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
        return dates.format_date(value, "short", locale=_canadian())
    return str(value)


# The 24-hour clock each language writes: "14:03" in English, "14 h 03" in French (Canadian French usage).
_TIME_PATTERNS = {"fr": "HH 'h' mm"}


def format_datetime(value) -> str:
    if not value:
        return ""
    locale = _canadian()
    time = dates.format_time(value, _TIME_PATTERNS.get(locale.language, "HH:mm"), locale=locale)
    return f"{dates.format_date(value.date(), 'short', locale=locale)} {time}"


def format_money(amount) -> str:
    """An amount in Canadian dollars: "$1,234.50" in English, "1 234,50 $" in French."""
    return numbers.format_currency(amount, "CAD", locale=_canadian())


def _canadian() -> Locale:
    language = str(get_locale() or "en")
    return _CANADIAN.get(language) or Locale.parse(f"{language}_CA")


_CANADIAN = {"en": Locale.parse("en_CA"), "fr": Locale.parse("fr_CA")}


def format_answer(value, item) -> str:
    """An answer as printed (labels for choices, Yes/No), for conflict notices."""
    return engine.display_value(item, value) or _("(empty)")


def render_panel(template: str, panel: dict, **page) -> Markup:
    """One panel of another area; its context is reachable both as `panel.x` and as `x`, whichever it uses."""
    return Markup(render_template(template, **{**page, **(panel or {}), "panel": panel}))
