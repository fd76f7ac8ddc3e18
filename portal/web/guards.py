"""Who may use which route: every view declares its audience with @allow(...) or @public.

A test walks the URL map and fails on any view without a declaration.
"""
from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from portal.extensions import login_manager

ACCESS_ATTR = "_passage_access"


def allow(*roles: str):
    """The signed-in roles that may use a view; anyone else gets 404 (staff pages) or sign-in."""
    allowed = frozenset(str(role) for role in roles)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if g.get("session_expired"):
                    # Say why they must sign in again, rather than the generic "please sign in".
                    return redirect(url_for("auth.sign_in", expired=1, next=request.path))

                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(404)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, allowed)
        return wrapper

    return decorate


def public(view):
    """Open to anyone, signed in or not (sign-in page, public referral form, health check)."""
    setattr(view, ACCESS_ATTR, frozenset({"public"}))
    return view
