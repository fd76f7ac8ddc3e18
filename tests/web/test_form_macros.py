"""The form macros print extra attributes as real attributes, escaped values and all."""
import pytest

from tests.support.html import parse

EXTRA = {"inputmode": "numeric", "maxlength": "14", "dir": "auto", "data-note": 'say "hi" <b>'}

CALLS = {
    "input": 'input("uci", "UCI", "", attrs=extra)',
    "textarea": 'textarea("address", "Address", "", attrs=extra)',
    "select": 'select("kind", "Kind", [("a", "A"), ("b", "B")], "a", attrs=extra)',
    "radios": 'radios("channel", "Channel", [("a", "A"), ("b", "B")], "a", attrs=extra)',
    "checkbox": 'checkbox("consent", "Consent", attrs=extra)',
}
CONTROL = {"input": "input", "textarea": "textarea", "select": "select", "radios": "input", "checkbox": "input"}


def _render(app, call: str) -> str:
    source = '{% from "_forms.html" import input, textarea, select, radios, checkbox %}{{ ' + call + " }}"
    with app.test_request_context("/"):
        return app.jinja_env.from_string(source).render(extra=EXTRA)


@pytest.mark.parametrize("macro", sorted(CALLS))
def test_every_macro_prints_extra_attributes_as_attributes(app, macro):
    html = _render(app, CALLS[macro])
    assert "&#34;" not in html.split('data-note="')[0]
    controls = [element for element in parse(html).elements if element.tag == CONTROL[macro]]
    assert controls, html
    for control in controls:
        for name, value in EXTRA.items():
            assert control.attrs.get(name) == value, (macro, name, control.attrs)
    assert "<b>" not in html  # values are still escaped


def test_the_client_form_gives_real_limits_and_keyboards(app, caseworker_world, auth, client):
    auth.login(caseworker_world.worker)
    html = client.get("/clients/new").get_data(as_text=True)
    assert "&#34;" not in html
    fields = {element.attrs.get("name"): element.attrs for element in parse(html).elements if element.tag == "input"}
    assert fields["uci"]["inputmode"] == "numeric" and fields["uci"]["maxlength"] == "14"
    assert fields["family_name"]["dir"] == "auto" and fields["family_name"]["maxlength"] == "100"


def test_settings_number_fields_have_real_bounds(app, make, auth, client):
    auth.login(make.user(make.agency(), role="admin"))
    html = client.get("/admin/settings").get_data(as_text=True)
    numbers = [element.attrs for element in parse(html).elements
               if element.tag == "input" and element.attrs.get("type") == "number"]
    assert numbers and all(attrs.get("min") and attrs.get("max") for attrs in numbers)
