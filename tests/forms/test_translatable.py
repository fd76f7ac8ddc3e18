"""Packet types are translatable: every user-facing text is marked for Babel, a French reader sees it
translated, and the PDF packet keeps the official forms' English."""
import ast
import importlib
import json
import pkgutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from flask_babel.speaklater import LazyString

from portal.db import session_scope
from portal.documents import pdf, snapshot
from portal.extensions import babel
from portal.forms import get_packet_type
from portal.forms import packets as packet_modules
from portal.models import Packet, Role
from tests.support.app import make_app
from tests.support.forms import save, start

PORTAL = Path(__file__).resolve().parents[2] / "portal"
FORMS = PORTAL / "forms"
TITLE = "Citizenship for a minor without a Canadian parent"
FRENCH = {
    "Choose one": "Choisissez",
    TITLE: "Citoyenneté pour un mineur sans parent canadien",
    "Who is applying": "Qui fait la demande",
    "Who is making this application": "Qui présente cette demande",
    "An authorised person, for the minor": "Une personne autorisée, pour le mineur",
}


def field_texts(where, item):
    yield f"{where} label", item.label
    for name in ("help", "youth_help"):
        if getattr(item, name):
            yield f"{where} {name}", getattr(item, name)
    for value, label in item.options:
        yield f"{where} option {value}", label
    for column in item.columns:
        yield from field_texts(f"{where}.{column.name}", column)


def declared_packet_types():
    """The packet types of portal/forms (other tests register packet types of their own)."""
    for module in pkgutil.iter_modules(packet_modules.__path__):
        packet_type = getattr(importlib.import_module(f"portal.forms.packets.{module.name}"), "PACKET", None)
        if packet_type is not None:
            yield packet_type


def user_facing_texts():
    for packet_type in declared_packet_types():
        key = packet_type.key
        yield f"{key} title", packet_type.title
        yield f"{key} description", packet_type.description
        for step in packet_type.steps:
            yield f"{key}/{step.key} title", step.title
            for name in ("intro", "youth_intro"):
                if getattr(step, name):
                    yield f"{key}/{step.key} {name}", getattr(step, name)
            for item in step.fields:
                yield from field_texts(f"{key}/{step.key}/{item.name}", item)
        for item in packet_type.checklist:
            yield f"{key} checklist {item.key}", item.label
            for name in ("why", "help"):
                if getattr(item, name):
                    yield f"{key} checklist {item.key} {name}", getattr(item, name)
        for signer in packet_type.signers:
            yield f"{key} signer {signer.key}", signer.role


def test_every_label_title_and_checklist_text_is_in_the_extracted_catalogue():
    # What `pybabel extract -F babel.cfg -k _l` reads from the Python code (some option lists live in portal/rules).
    catalogue = {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(PORTAL), method_map=[("**.py", "python")], keywords={**DEFAULT_KEYWORDS, "_l": None})}
    assert len(list(declared_packet_types())) >= 9
    texts = list(user_facing_texts())
    unmarked = [where for where, text in texts if not isinstance(text, LazyString)]
    assert unmarked == [], "mark these with _l(...)"
    # A lazy string keeps its msgid as the first argument: that is what pybabel must find.
    missing = [where for where, text in texts if text._args[0] not in catalogue]
    assert missing == [], "pybabel extract cannot see these: pass _l a literal string"


def test_finding_messages_are_marked_where_they_are_written():
    # The packet types and their shared parts; the rules under forms/rules are checked with the French work.
    for path in [*FORMS.glob("*.py"), *FORMS.glob("packets/*.py"), *FORMS.glob("parts/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                message = node.args[2] if len(node.args) > 2 else next(
                    keyword.value for keyword in node.keywords if keyword.arg == "message")
                assert not isinstance(message, (ast.Constant, ast.JoinedStr)), f"{path.name}:{node.lineno}"


@pytest.fixture
def app(tmp_path):
    """The app with a small French catalogue."""
    catalog = Catalog(locale="fr")
    for english, french in FRENCH.items():
        catalog.add(english, french)
    folder = tmp_path / "translations" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'test.db'}",
                    BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "translations"))
    # The Babel extension, and so its cache of loaded catalogues, is shared by every app in the process.
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield app
    app.extensions["db_engine"].dispose()
    babel.domain_instance.cache.clear()


def test_a_french_reader_sees_the_step_translated(app, client, auth, make):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    packet = start(app, client=make.client(agency, status_in_canada="permanent_resident"), user=worker)
    auth.login(worker)
    html = client.get(f"/packets/{packet.id}/steps/applicant", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f'<h1 id="step-title">{FRENCH["Who is applying"]}</h1>' in html
    for english in ("Who is making this application", "An authorised person, for the minor"):
        assert FRENCH[english] in html and english not in html
    html = client.get(f"/packets/{packet.id}/steps/applicant").get_data(as_text=True)
    assert "Who is making this application" in html and FRENCH["Who is making this application"] not in html


def test_lookups_follow_the_readers_language_and_force_locale_within_one_request(app):
    from flask import render_template_string
    from flask_babel import force_locale

    from portal import i18n

    label = i18n.lazy_gettext("Choose one")
    template = "{{ _('Choose one') }}|{{ ngettext('%(num)s file', '%(num)s files', 2) }}"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert i18n.gettext("Choose one") == str(label) == "Choisissez"
        assert render_template_string(template) == "Choisissez|2 files"
        with force_locale("en"):
            assert i18n.gettext("Choose one") == str(label) == "Choose one"
            assert render_template_string(template).startswith("Choose one|")
        assert str(label) == "Choisissez", "the reader's language is back after force_locale"
    with app.test_request_context():
        assert str(label) == "Choose one"
    with app.app_context():
        assert i18n.gettext("Choose one") == "Choose one", "jobs and commands read English"
    assert i18n.gettext("Choose one") == "Choose one", "and so does code outside the app"


def test_the_pdf_packet_keeps_the_official_english_for_a_french_reader(app, make):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    packet = start(app, client=make.client(agency, status_in_canada="permanent_resident"), user=worker)
    save(app, packet=packet, user=worker, changes={"applying_as": "authorised_person"})
    title = get_packet_type("cit_0403").title
    with app.test_request_context(headers={"Accept-Language": "fr"}), session_scope(app) as session:
        assert str(title) == FRENCH[TITLE]
        data = snapshot.build(session, packet=session.get(Packet, packet.id), user=None)
        assert str(title) == FRENCH[TITLE], "the reader's own language is back after the snapshot"
    assert json.loads(json.dumps(data)) == data, "the snapshot is plain JSON for the render row"
    assert data["packet"]["title"] == TITLE
    applicant = data["sections"][0]
    assert applicant["title"] == "Who is applying"
    assert applicant["lines"][0]["label"] == "Who is making this application"
    assert applicant["lines"][0]["display"] == "An authorised person, for the minor"
    # The worker renders with an app context and no request: the default locale, English.
    with app.app_context():
        assert str(title) == TITLE
        html = pdf.build_html(data, final=False, app=app)
    assert "Who is making this application" in html
    assert not any(french in html for french in FRENCH.values())
