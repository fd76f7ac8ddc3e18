"""Helpers for guided-form tests: start packets, turn answers into posted form data, walk the steps."""
from datetime import date

from portal import packets
from portal.db import session_scope
from portal.forms import get_packet_type
from portal.models import Agency, Client, Packet, User
from tests.conftest import HTMX, csrf_token_from

SIGNING = date(2026, 12, 15)


def start(app, *, client, user, key="cit_0403", signing=SIGNING) -> Packet:
    with app.app_context(), session_scope(app) as db:
        packet = packets.start_packet(db, client=db.get(Client, client.id), packet_type_key=key,
                                      user=db.get(User, user.id), planned_signing_date=signing)
        db.flush()
        db.expunge(packet)
    return packet


def save(app, *, packet, user, changes, base=None, **kwargs) -> Packet:
    with app.app_context(), session_scope(app) as db:
        row = db.get(Packet, packet.id)
        row = packets.save_answers(db, packet=row, changes=changes, base_version=row.version if base is None else base,
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
