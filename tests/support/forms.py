"""Guided forms in tests: start and save packets, turn answers into what a browser posts, walk the steps over HTTP."""
import re
import uuid
from datetime import date

from portal import forms
from portal.db import session_scope
from portal.forms import get_packet_type
from portal.forms.engine import client_dict
from portal.forms.types import Context
from portal.models import Agency, Client, Packet, User
from portal.packets.answers import save_answers, start_packet
from tests.support.app import HTMX, csrf_token_from

SIGNING = date(2026, 12, 15)


def start(app, *, client, user, key="cit_0403", signing=SIGNING) -> Packet:
    with app.app_context(), session_scope(app) as db:
        packet = start_packet(db, client=db.get(Client, client.id), packet_type_key=key,
                                      user=db.get(User, user.id), planned_signing_date=signing)
        db.flush()
        db.expunge(packet)
    return packet


def save(app, *, packet, user, changes, base=None, **kwargs) -> Packet:
    with app.app_context(), session_scope(app) as db:
        row = db.get(Packet, packet.id)
        row = save_answers(db, packet=row, changes=changes, base_version=row.version if base is None else base,
                                   user=db.get(User, user.id), **kwargs)
        db.expunge(row)
    return row


def load(app, packet_id) -> Packet:
    with app.app_context(), session_scope(app) as db:
        row = db.get(Packet, packet_id)
        db.expunge(row)
    return row


def summary(app, packet_id):
    from portal.forms import summarize

    with app.app_context(), session_scope(app) as db:
        row = db.get(Packet, packet_id)
        return summarize(packet=row, client=db.get(Client, row.client_id), agency=db.get(Agency, row.agency_id))


def form_data(step, answers: dict) -> dict:
    """The posted form of one step, as a browser without JavaScript sends it."""
    data = {}
    for item in step.fields:
        if item.name not in answers:
            continue
        value = answers[item.name]
        if item.kind == "group":
            for index, row in enumerate(value or []):
                for column in item.columns:
                    cell = row.get(column.name)
                    if column.kind == "checkbox":
                        if cell:
                            data[f"{item.name}__{index}__{column.name}"] = "yes"
                    else:
                        data[f"{item.name}__{index}__{column.name}"] = "" if cell is None else str(cell)
        elif item.kind == "checkbox":
            if value:
                data[item.name] = "yes"
        else:
            data[item.name] = "" if value is None else str(value)
    return data


def token(client, path="/") -> str:
    return csrf_token_from(client.get(path, follow_redirects=True).get_data(as_text=True))


def walk_steps(client, packet_id, key, answers, *, max_steps=20):
    """Post every step with plain form posts, following each redirect, until the review page."""
    packet_type = get_packet_type(key)
    page = client.get(f"/packets/{packet_id}")
    assert page.status_code == 200
    url = None
    for step in packet_type.steps:  # the first step that applies is linked from the packet page
        if f'/packets/{packet_id}/steps/{step.key}"' in page.get_data(as_text=True):
            url = f"/packets/{packet_id}/steps/{step.key}"
            break
    visited = []
    for _ in range(max_steps):
        html = client.get(url).get_data(as_text=True)
        version = html.split('id="packet-version" value="')[1].split('"')[0]
        step_key = url.rsplit("/", 1)[-1]
        visited.append(step_key)
        data = form_data(packet_type.step(step_key), answers)
        data.update(csrf_token=csrf_token_from(html), version=version)
        response = client.post(url, data=data)
        assert response.status_code == 303, (step_key, response.status_code, response.get_data(as_text=True)[:3000])
        url = response.headers["Location"]
        if url.endswith("/review"):
            return visited
    raise AssertionError(f"never reached the review: {visited}")


__all__ = ["HTMX", "SIGNING", "start", "save", "load", "summary", "form_data", "token", "walk_steps"]


def summarize_answers(key, answers=None, *, dob=date(2012, 5, 17), signing=SIGNING, status="permanent_resident",
                      today=date(2026, 11, 27)):
    """The summary of an unsaved packet: rules, signers, checklist and fees without a database."""
    from portal.forms import summarize

    agency = Agency(slug="peel", name="Peel Children's Aid Society")
    person = Client(agency_id=agency.id, family_name="Haddad", given_names="Amira", date_of_birth=dob,
                    status_in_canada=status, care_status="in_care")
    packet = Packet(agency_id=agency.id, client_id=person.id, packet_type=key, answers=dict(answers or {}),
                    planned_signing_date=signing)
    return summarize(packet=packet, client=person, agency=agency, today=today)


def rules_of(result) -> dict:
    return {finding.rule: finding for finding in result.findings}


def demo_world(app):
    """The demo agencies, users and clients (portal/demo/people.py)."""
    from portal.demo import DEMO_PASSWORD, people

    with app.app_context(), session_scope(app) as db:
        context = {"password": DEMO_PASSWORD}
        people.seed(db, context)
        db.flush()
        users = {email: db.get(User, user.id) for email, user in context["users"].items()}
        clients = {key: db.get(Client, client.id) for key, client in context["clients"].items()}
        for record in [*users.values(), *clients.values()]:
            db.expunge(record)
    return users, clients, DEMO_PASSWORD


def complete_over_http(app, client, auth, *, client_key, key, answers):
    """Sign in as the client's caseworker, triage, start the packet and post every step without JS."""
    users, clients, password = demo_world(app)
    person = clients[client_key]
    worker = next(user for user in users.values() if user.id == person.assigned_caseworker_id)
    auth.login(worker, password=password)
    triage_url = f"/clients/{person.id}/start"
    page = client.post(triage_url, data={"csrf_token": token(client, triage_url), "status": person.status_in_canada,
                                         "planned_signing_date": SIGNING.isoformat(),
                                         "parent_citizen": "yes" if key == "cit_0003" else "",
                                         "born_in_canada": "yes" if key == "cit_0001" else ""})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'name="packet_type" value="{key}"' in html, "triage did not recommend " + key
    started = client.post(f"/clients/{person.id}/packets", data={
        "csrf_token": csrf_token_from(html), "packet_type": key, "planned_signing_date": SIGNING.isoformat()})
    assert started.status_code == 303
    packet_id = uuid.UUID(started.headers["Location"].rsplit("/", 1)[-1])
    stored = load(app, packet_id).answers
    visited = walk_steps(client, packet_id, key, {**stored, **answers})
    return packet_id, visited


# ---- the status packets, completed over HTTP -------------------------------------------------------

def errors_in(page: str) -> list[str]:
    """The field errors on a step page, as (field id, message), for a readable assertion."""
    return re.findall(r'id="([^"]+)-error"[^>]*>(.*?)<', page, re.S)


def start_over_http(auth, client: Client, packet_type: str, signing: date) -> str:
    response = auth.post(f"/clients/{client.id}/packets",
                         data={"packet_type": packet_type, "planned_signing_date": signing.isoformat()})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def visible_steps(packet_type, client: Client, answers: dict, signing: date):
    context = Context(answers=answers, client=client_dict(client), signing_date=signing, today=date.today())
    return forms.visible_steps(packet_type, context)


def complete(auth, packet_id: str, client: Client, packet_type_key: str, answers: dict, signing: date) -> list[str]:
    """Post every step that applies, in order, as plain forms; each must save and redirect (303)."""
    packet_type = forms.get_packet_type(packet_type_key)
    posted = []
    for step in visible_steps(packet_type, client, answers, signing):
        response = auth.post(f"/packets/{packet_id}/steps/{step.key}", data=form_data(step, answers))
        assert response.status_code == 303, (step.key, errors_in(response.get_data(as_text=True)))
        posted.append(step.key)
    return posted


def summary_of(app, packet_id: str):
    with app.app_context(), session_scope(app) as session:
        packet = session.get(Packet, __import__("uuid").UUID(packet_id))
        client = session.get(Client, packet.client_id)
        agency = session.get(Agency, packet.agency_id)
        return forms.summarize(packet=packet, client=client, agency=agency), dict(packet.answers)


def rules_by_level(summary, level: str) -> list[str]:
    return sorted(finding.rule for finding in summary.findings if finding.level == level)


def status_client(make, agency, **fields) -> Client:
    """A client with what the status forms read from the file (country, language, address)."""
    fields.setdefault("country_of_birth", "Ghana")
    fields.setdefault("citizenships", "Ghana")
    fields.setdefault("preferred_language", "English")
    fields.setdefault("address", "100 Queen Street West, Toronto ON M5H 2N2")
    return make.client(agency, **fields)
