"""Where a form may send someone next: only a path on this site, never another site's address."""
from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site; None otherwise (an absolute URL, //host, a backslash trick)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
