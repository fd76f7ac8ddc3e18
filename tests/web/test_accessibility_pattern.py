"""The accessible htmx pattern's server side: one persistent live region, the idle clock that background polls
do not reset, "Stay signed in", a focus ring of at least 3:1, and names isolated where they are listed."""
import re
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from portal.db import session_scope
from portal.models import Render, RenderStatus, UserSession, utcnow
from tests.support.records import sign_in

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def _last_seen(app):
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(UserSession.last_seen_at).where(UserSession.ended_at.is_(None))).one()


def _age_session(app, minutes: int):
    with app.app_context(), session_scope(app) as db:
        row = db.exec(select(UserSession).where(UserSession.ended_at.is_(None))).one()
        row.last_seen_at = utcnow() - timedelta(minutes=minutes)


def test_every_page_has_one_preserved_polite_live_region_and_the_idle_time(app, draft_world, client):
    sign_in(client, draft_world.worker)
    html = client.get("/my-work").get_data(as_text=True)
    assert len(re.findall(r'id="announcer"', html)) == 1
    assert re.search(r'<div id="announcer"[^>]*aria-live="polite"[^>]*hx-preserve="true"', html)
    assert 'data-idle-seconds="1800"' in html and 'data-keep-alive="/session/keep-alive"' in html


def test_a_background_poll_is_not_activity_but_stay_signed_in_is(app, draft_world, client):
    auth = sign_in(client, draft_world.worker)
    _age_session(app, 10)
    before = _last_seen(app)
    poll = client.get(f"/packets/{draft_world.packet.id}/renders/status", headers={"HX-Request": "true",
                                                                              "X-Passage-Background": "1"})
    assert poll.status_code == 200
    assert _last_seen(app) == before  # a poll left running on an open page keeps nobody signed in
    assert auth.post("/session/keep-alive").status_code == 204
    assert _last_seen(app) > before
    _age_session(app, 31)
    assert client.get(f"/packets/{draft_world.packet.id}/renders/status", headers={
        "HX-Request": "true", "X-Passage-Background": "1"}).status_code in (302, 401)  # idle: the session ended


def test_the_render_status_poll_marks_itself_background(app, draft_world, client):
    sign_in(client, draft_world.worker)
    with app.app_context(), session_scope(app) as db:
        db.add(Render(agency_id=draft_world.agency.id, packet_id=draft_world.packet.id, status=RenderStatus.rendering,
                      progress=20))
    html = client.get(f"/packets/{draft_world.packet.id}/renders/status?poll=1",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-get" in html and '"X-Passage-Background": "1"' in html


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_has_at_least_3_to_1_against_every_background():
    css = CSS.read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    ring, halo = colours["focus-ring"], colours["focus"]
    assert re.search(r":focus-visible \{[^}]*outline: 3px solid var\(--focus-ring\)[^}]*var\(--focus\)", css)
    for background in ("paper", "canvas", "brand-soft", "ok-soft", "warn-soft", "error-soft"):
        assert _contrast(ring, colours[background]) >= 3, background
    for dark in ("brand", "brand-dark"):  # the header: the yellow halo carries the contrast there
        assert _contrast(halo, colours[dark]) >= 3, dark


def test_names_are_isolated_in_my_work(app, draft_world, make, client):
    sign_in(client, draft_world.worker)
    html = client.get("/my-work").get_data(as_text=True)
    for name in re.findall(r'class="work-item__meta">(.*?)</span>', html):
        assert "<bdi>" in name or not name.strip()
