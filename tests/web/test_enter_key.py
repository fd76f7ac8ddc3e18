"""Enter in a field presses the form's first submit button: on every form that is the primary one.

Browsers submit a form on Enter with its first submit button in document order (HTML's implicit
submission). A "Remove" or "Add a row" button placed first would be pressed instead of "Save".
"""
from portal.forms import registry
from portal.models import Role
from tests.support.html import parse
from tests.support.records import sign_in
from tests.support.routes import get_paths, route_values


def misplaced_defaults(html: str, where: str) -> list[str]:
    """Forms with more than one submit button whose first one is not the primary one."""
    problems = []
    for form in parse(html).forms:
        buttons = form.submit_buttons()
        if len(buttons) < 2:
            continue
        first = buttons[0]
        primary = [button for button in buttons if "button--primary" in (button.attrs.get("class") or "").split()]
        # The first may carry no name (a plain save) or the primary's own name and value, never another action.
        same_action = primary and (first.attrs.get("name") is None or all(
            (first.attrs.get("name"), first.attrs.get("value")) == (button.attrs.get("name"), button.attrs.get("value"))
            for button in primary))
        if first not in primary or not same_action:
            problems.append(f"{where} form {form.attrs.get('action')}: first is {first.attrs.get('name')!r} "
                            f"{first.text.strip()!r}")
    return problems


def test_the_first_submit_button_of_every_form_is_the_primary_one(app, youth_world, make):
    world = youth_world
    paths = get_paths(app, route_values(world, make))
    packet_type = registry.get_packet_type(world.packet.packet_type)
    paths += [f"/packets/{world.packet.id}/steps/{step.key}" for step in packet_type.steps]
    paths += ["/clients/new", f"/clients/{world.client.id}/edit"]
    problems = []
    for person in (None, world.manager, world.caseworker, make.user(world.centre, role=Role.admin), world.youth):
        browser = app.test_client()
        if person is not None:
            sign_in(browser, person)
        for path in paths:
            response = browser.get(path)
            if response.status_code == 200 and response.mimetype == "text/html":
                problems += misplaced_defaults(response.get_data(as_text=True), path)
    assert problems == []
