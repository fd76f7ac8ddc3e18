"""Which language a page is served in: the one the person chose (their account, or a cookie before they sign
in), else their browser's, else English. Only languages with a complete catalogue are offered."""
from flask import Response, current_app, request
from flask_login import current_user

from portal import i18n

LANGUAGES = tuple(i18n.LANGUAGES)
COOKIE = "passage_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def chosen_language() -> str:
    """The language for this request (called by Flask-Babel once per request)."""
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def remember(response: Response, language: str) -> Response:
    """Keep the choice in the browser too, so the sign-in page and public pages speak it after sign-out."""
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure  # as the session's
    response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax", secure=secure)
    return response
