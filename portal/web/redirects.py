"""Where a form may send someone next: only a path on this site, never another site's address; and this
site's own address, for links in emails."""
import re
from urllib.parse import urlsplit

from flask import current_app, request

# Browsers drop tabs and newlines anywhere in an address and trim control characters and spaces at its
# ends, and read a backslash as a slash: "/\t/evil.example" and "/\\evil.example" both lead to another
# site. The target is judged, and used, as a browser would read it.
_IGNORED = re.compile(r"[\s\x00-\x1f\x7f]+")


def safe_next(target: str | None) -> str | None:
    """`target`, normalised, when it is a path on this site; None otherwise (an absolute URL, //host)."""
    if not target:
        return None
    target = _IGNORED.sub("", target).replace("\\", "/")
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def base_url() -> str:
    """This site's address for links in emails: PASSAGE_BASE_URL when set, else the address of the request."""
    return current_app.config.get("BASE_URL") or request.url_root
