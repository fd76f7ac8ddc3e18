"""Page or fragment: one rule for every view.

A direct request, or htmx's boosted navigation, gets the whole page; an htmx request that swaps part
of a page gets only the named block of the same template (jinja2-fragments). `Vary: HX-Request` is
added to every response in web.security, so caches keep the two apart.
"""
from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (not boosted navigation, not a history restore)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    """The full page, or only `block` when an htmx request swaps that part of the page."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    return make_response(body, status)


def push_url(response: Response, url: str) -> Response:
    """Tell htmx which address the swapped content belongs to, so Back and reload find it."""
    if wants_fragment():
        response.headers["HX-Push-Url"] = url
    return response
