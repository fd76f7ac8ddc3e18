"""A packet can never be broken by a stored value: every page of a packet renders whatever is stored.

Answers are written straight into the database (as an old version, an import or a bug might have left
them), bypassing every check; then every page of the packet is loaded by everyone who may see it.
"""
import traceback
from datetime import date

import pytest

from portal.db import session_scope
from portal.forms import get_packet_type
from portal.models import Packet
from tests.support.app import HTMX
from tests.support.records import sign_in
from tests.support.routes import get_paths, route_values


def _bad_answers(packet_type, date_value, other) -> dict:
    """Every field of the packet type given a value it would never accept."""
    answers = {}
    for step in packet_type.steps:
        for item in step.fields:
            if item.kind == "date":
                answers[item.name] = date_value
            elif item.kind == "group":
                answers[item.name] = [{column.name: date_value if column.kind == "date" else other
                                       for column in item.columns}, "not a row"]
            else:
                answers[item.name] = other
    return answers


def _last_error(caplog) -> str:
    """The last logged error and the last line of Passage's own code it passed through, for a readable failure."""
    records = [record for record in caplog.records if record.exc_info]
    if not records:
        return ""
    exception = records[-1].exc_info[1]
    frames = [frame for frame in traceback.extract_tb(exception.__traceback__) if "/portal/" in frame.filename
              or "/templates/" in frame.filename]
    last = frames[-1] if frames else None
    return f"{exception!r} at {last.filename.rsplit('/', 2)[-2:] if last else ''}:{last.lineno if last else ''}"


CASES = {
    "year 1": (date(1, 1, 1), "0001-01-01", "x"),
    "year 9999": (date(9999, 12, 31), "9999-12-31", 123456789),
    "not dates": (date(1, 1, 1), "not a date", {"a": [1, 2]}),
    "wrong types": (date(9999, 12, 31), 20310505, ["a", None]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_page_of_a_packet_renders_whatever_is_stored(app, youth_world, make, case, caplog):
    signing, date_value, other = CASES[case]
    world = youth_world
    packet_type = get_packet_type(world.packet.packet_type)
    with app.app_context(), session_scope(app) as db:
        row = db.get(Packet, world.packet.id)
        row.answers = _bad_answers(packet_type, date_value, other)
        row.answer_meta = {name: "not a dict" for name in row.answers}
        row.planned_signing_date = signing
    values = route_values(world, make)
    paths = [path for path in get_paths(app, values) if values["packet_id"] in path]
    paths += [f"/packets/{world.packet.id}/steps/{step.key}" for step in packet_type.steps]
    failures = []
    for person in (world.caseworker, world.manager, world.youth):
        browser = app.test_client()
        sign_in(browser, person)
        for path in paths:
            for headers in ({}, HTMX):
                status = browser.get(path, headers=headers).status_code
                if status >= 500:
                    failures.append(f"{person.role} {path} {'htmx' if headers else ''}: {status} {_last_error(caplog)}")
    assert failures == []


def test_an_impossible_signing_date_is_named_on_the_packet_page(app, draft_world, auth, client):
    with app.app_context(), session_scope(app) as db:
        db.get(Packet, draft_world.packet.id).planned_signing_date = date(1, 1, 1)
    auth.login(draft_world.worker)
    page = client.get(f"/packets/{draft_world.packet.id}")
    assert page.status_code == 200 and 'id="planned_signing_date-error"' in page.get_data(as_text=True)
