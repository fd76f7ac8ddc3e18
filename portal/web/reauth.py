"""Sensitive changes (email, password, two-step sign-in) need a sign-in or a confirmation within RECENT;
new recovery codes are shown once, on the page after the change."""
import time
from datetime import timedelta

from flask import redirect, request, session, url_for

RECENT = timedelta(minutes=10)


def mark_recent() -> None:
    session["auth_at"] = int(time.time())


def is_recent() -> bool:
    return time.time() - session.get("auth_at", 0) <= RECENT.total_seconds()


def confirm_first():
    """A redirect to the confirmation page when the last sign-in is too old, else None."""
    if is_recent():
        return None
    # After confirming, a page asked for comes back; a button pressed (a POST) is pressed again from its page.
    back = request.full_path.rstrip("?") if request.method == "GET" else url_for("account.index")
    return redirect(url_for("account.confirm", next=back), 303)


def show_codes_once(codes: list[str], next_url: str):
    """Show new recovery codes on the next page only (after a redirect, so a reload never posts again)."""
    session["new_codes"], session["codes_next"] = codes, next_url
    return redirect(url_for("auth.new_codes"), 303)
