"""What every template may use: the navigation each role sees, date filters, the locale."""

from flask import Flask, current_app, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from portal.documents import font_families, pdf_language
from portal.forms import channels, engine
from portal.i18n import (  # noqa: F401 (LANGUAGES and the format_ functions: the templates' filters)
    LANGUAGES,
    colon,
    format_date,
    format_datetime,
    format_money,
    format_number,
)
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import PacketStatus, ReferralStatus, RenderStatus, Role
from portal.packets import lifecycle

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

# A role as a sentence names it ("Answered by Sam (caseworker)"); answers keep the role's code.
ROLE_WORDS = {Role.admin: _l("administrator"), Role.manager: _l("manager"), Role.caseworker: _l("caseworker"),
              Role.youth: _l("youth")}


def role_word(code: str) -> str:
    return str(ROLE_WORDS.get(code) or (code or "").replace("_", " "))


def packet_status(status) -> str:
    """A packet's status in the reader's language ("Submitted", « Envoyée »)."""
    return str(lifecycle.STATUS_LABELS.get(status) or str(status or "").replace("_", " ").capitalize())


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["answer"] = format_answer
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["packet_status"] = packet_status
    # The packet PDF's dates and amounts, in the language it is laid out in (templates/pdf).
    app.jinja_env.filters["pdf_date"] = pdf_language.format_date
    app.jinja_env.filters["pdf_amount"] = pdf_language.format_amount
    app.jinja_env.globals.update(render_panel=render_panel, poll_delay_ms=poll_delay_ms, role_word=role_word,
                                  colon=colon, PacketStatus=PacketStatus,
                                  RenderStatus=RenderStatus, ReferralStatus=ReferralStatus,
                                  channel_of=channels.find_channel, unprintable=unprintable)
    app.context_processor(_template_globals)


def _template_globals():
    items = []
    if current_user.is_authenticated:
        items = [(endpoint, label) for endpoint, label, roles in NAVIGATION if current_user.role in roles]
    return {"navigation": items, "get_locale": get_locale, "language_names": LANGUAGES}


QUICK_POLLS = 18  # asks 100 ms apart: with the first wait, about 2 s


def unprintable(render_row) -> list[str]:
    """What a finished PDF draws as empty boxes (letters of a script Passage has no font for)."""
    return font_families.unprintable_in(render_row.snapshot or {}, current_app.static_folder)


def poll_delay_ms(poll: int) -> int:
    """How long a status that is still changing waits before asking again. A 12-page PDF is ready about
    0.4 to 1 s after the click (more on a busy machine), so: 200 ms first (nothing is ready sooner), then every
    100 ms until about 2 s have passed (so "Ready" shows within a tenth of a second of the render's end, not a
    quarter of a second later), then a quarter longer each time up to 1 s for the long renders. An ask costs a
    few milliseconds of the server's time."""
    if poll <= 0:
        return 200
    if poll <= QUICK_POLLS:
        return 100
    return int(min(100 * 1.25 ** (poll - QUICK_POLLS), 1000))



def format_answer(value, item) -> str:
    """An answer as printed (labels for choices, Yes/No), for conflict notices."""
    return engine.display_value(item, value) or _("(empty)")


def render_panel(template: str, panel: dict, **page) -> Markup:
    """One panel of another area; its context is reachable both as `panel.x` and as `x`, whichever it uses."""
    return Markup(render_template(template, **{**page, **(panel or {}), "panel": panel}))
