"""Staff review of packets: comments on sections and fields."""


def open_comments(session, *, packet) -> dict:
    """Unresolved review comments keyed by field name or step key (each a list of comment rows)."""
    return {}
