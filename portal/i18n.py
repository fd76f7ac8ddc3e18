"""Translation lookups that cost little: gettext, ngettext and lazy_gettext for Passage's code and templates.

Flask-Babel still chooses the locale (portal._select_locale, force_locale) and loads the catalogues;
these functions look up its translations once per request and locale instead of on every call. Each
Flask-Babel call went through Flask's `g` proxy six or more times, and a lazy label is translated
again on every use: a step save made about 200 of those lookups, a fifth of its CPU time.
"""
from __future__ import annotations

import flask_babel
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


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text translated when it is used, in the reader's language at that moment."""
    return LazyString(gettext, string, **variables)


def init_app(app) -> None:
    """Templates use the same lookups (Flask-Babel installed its own when it was set up)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, num: _translations().ungettext(singular, plural, num),
        newstyle=True,
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: _translations().unpgettext(context, singular, plural, num),
    )
