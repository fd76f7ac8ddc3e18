"""Every GET route answers an htmx request (HX-Request without HX-Boosted) without a server error.

The walk covers every rule in the URL map, signed out and as each role, so a new route is covered the
day it is added. A page that swaps a block must have everything the block uses available to the block.
"""
from portal.models import Partner, Referral, Role
from tests.support.app import HTMX
from tests.support.records import sign_in

# Argument values that are not records (the rest come from the world below).
STEP = "about"


def _values(world, make) -> dict[str, str]:
    partner = make._save(Partner(agency_id=world.centre.id, name="Legal Clinic", kind="legal_clinic", region="Peel"))
    referral = make._save(Referral(agency_id=world.centre.id, reference="REF-TEST-0001", referrer_agency="School",
                                   referrer_name="Ms Lee", child_name="A", region="Peel", concern="citizenship",
                                   consent="obtained"))
    return {
        "packet_id": str(world.packet.id), "client_id": str(world.client.id), "partner_id": str(partner.id),
        "referral_id": str(referral.id), "user_id": str(world.caseworker.id), "render_id": str(world.packet.id),
        "document_id": str(world.packet.id), "step_key": STEP, "token": "not-a-real-token",
        "invitation_id": str(world.packet.id),
    }


def _paths(app, values) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", values[argument])
        # Some pages take the client from the query (a referral out is made from a client file).
        paths.append(f"{path}?client_id={values['client_id']}")
    return sorted(paths)


def test_every_get_route_answers_htmx_without_a_server_error(app, youth_world, make):
    world = youth_world
    paths = _paths(app, _values(world, make))
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
