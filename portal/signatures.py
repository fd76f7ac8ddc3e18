"""Signatures given on the youth's own device, shown on the packet's signature page."""


def signatures_for(session, *, packet) -> dict:
    """Valid signatures keyed by signer key: each has name, signed_at, method and user_id."""
    return {}
