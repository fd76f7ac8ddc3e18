"""Every GET route answers an htmx request (HX-Request without HX-Boosted) without a server error.

The walk covers every rule in the URL map, signed out and as each role, so a new route is covered the
day it is added. A page that swaps a block must have everything the block uses available to the block.
"""
from portal.models import Role
from tests.support.app import HTMX
from tests.support.records import sign_in
from tests.support.routes import get_paths, route_values


def test_every_get_route_answers_htmx_without_a_server_error(app, youth_world, make):
    world = youth_world
    paths = get_paths(app, route_values(world, make))
    assert any(path.startswith(f"/me/packets/{world.packet.id}/sign?") for path in paths)
    admin = make.user(world.centre, role=Role.admin)
    failures = []
    people = [None, world.manager, world.caseworker, admin, world.youth]
    for person in people:
        browser = app.test_client()
        if person is not None:
            sign_in(browser, person)
        for path in paths:
            for headers in (HTMX, {**HTMX, "HX-Target": "main"}):
                status = browser.get(path, headers=headers).status_code
                if status >= 500:
                    failures.append(f"{person.role if person else 'anonymous'} {path}: {status}")
    assert failures == []
