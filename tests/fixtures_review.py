"""Shared fixtures for the review area: an agency with a manager and two caseworkers, and a packet."""
from dataclasses import dataclass

import pytest

from portal.db import session_scope
from portal.models import Agency, Client, Packet, Role, User


@dataclass
class Team:
    agency: Agency
    manager: User
    worker: User
    other_worker: User
    client: Client
    packet: Packet


@pytest.fixture
def team(make):
    agency = make.agency()
    manager = make.user(agency, role=Role.manager)
    worker = make.user(agency, role=Role.caseworker)
    other = make.user(agency, role=Role.caseworker)
    client = make.client(agency, assigned_caseworker_id=worker.id)
    packet = make.packet(client, owner_id=worker.id, created_by_id=worker.id, answers={"family_name": "Haddad"})
    return Team(agency, manager, worker, other, client, packet)


def fresh(app, model, record_id):
    """A detached copy of a row as it is in the database now."""
    with app.app_context(), session_scope(app) as session:
        row = session.get(model, record_id)
        session.expunge(row)
        return row


@pytest.fixture
def request_context(app):
    """Messages are translated lazily for the request's language: domain tests run inside one."""
    with app.test_request_context("/"):
        yield
