"""Helpers for the status packets' end-to-end tests: start a packet and complete it with plain form posts."""
from __future__ import annotations

import re
from datetime import date

from portal import forms
from portal.db import session_scope
from portal.forms.engine import client_dict
from portal.forms.types import Context
from portal.models import Agency, Client, Packet


def form_data(step, answers: dict) -> dict:
    """What a browser without JavaScript posts for one step, from stored answers."""
    data = {}
    for item in step.fields:
        value = answers.get(item.name)
        if item.kind == "group":
            for index, row in enumerate(value or []):
                for column in item.columns:
                    cell = row.get(column.name)
                    data[f"{item.name}__{index}__{column.name}"] = "" if cell is None else str(cell)
        elif item.kind == "checkbox":
            if value is True:
                data[item.name] = "yes"
        elif value is not None:
            data[item.name] = str(value)
    return data


def errors_in(page: str) -> list[str]:
    """The field errors on a step page, as (field id, message), for a readable assertion."""
    return re.findall(r'id="([^"]+)-error"[^>]*>(.*?)<', page, re.S)


def start(auth, client: Client, packet_type: str, signing: date) -> str:
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
