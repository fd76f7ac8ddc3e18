"""Headers and error pages that apply to every response."""
from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.i18n import gettext as _
from portal.web.rendering import wants_fragment

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

# Form fields never echoed back into a page, even to keep what the user typed.
_NEVER_ECHO = {"csrf_token", "password", "new_password", "confirm_password", "website"}


def init_app(app: Flask) -> None:
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    response.vary.add("HX-Request")
    if request.endpoint not in ("static", "assets"):
        headers["Cache-Control"] = "no-store"  # case data must never sit in a shared or browser cache
    return response


def _csrf_error(error: CSRFError):
    """A stale or missing form token: keep every value typed and offer to send it again."""
    kept = [(key, value) for key, value in request.form.items(multi=True) if key not in _NEVER_ECHO]
    return (
        render_template(
            "errors/resubmit.html",
            kept=kept,
            action=request.path,
            reason=_("This form was open for a long time, or your session changed, so it was not saved."),
        ),
        400,
    )


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    messages = {
        400: _("Something in that request was not right. Please go back and try again."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page. It may have moved, or you may not have access to it."),
        405: _("That action is not available here."),
        413: _("That file is too large to upload."),
        429: _("Too many attempts. Please wait a moment and try again."),
    }
    message = messages.get(error.code, _("Something went wrong. Please try again."))
    template = "errors/_message.html" if wants_fragment() else "errors/error.html"
    return render_template(template, code=error.code, message=message), error.code


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("Unhandled error on %s", request.endpoint)
    if current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise error
    message = _("Something went wrong on our side. Nothing you entered was lost; please try again.")
    return render_template("errors/error.html", code=500, message=message), 500
