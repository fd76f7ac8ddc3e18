"""The test worlds: a few people and records that many tests start from, as fixtures named for what they hold.

- caseworker_world: an agency, a caseworker and a permanent-resident client (no packet yet)
- draft_world: the same, with a CIT 0403 draft started
- review_world: an agency with a manager, two caseworkers, a client and a packet to review
- youth_world: a centre agency with a 16-year-old, their packet and youth account, and another agency
- documents_world: a caseworker and a client with hostile text in the name, on the documents' test packet type
"""
from dataclasses import dataclass
from datetime import date

import pytest

from portal.models import Agency, Client, Packet, Role, User
from tests.support.documents import HOSTILE
from tests.support.forms import start
from tests.support.records import years_ago


@dataclass
class CaseworkerWorld:
    agency: Agency
    worker: User
    person: Client
    packet: Packet | None = None


@pytest.fixture
def caseworker_world(make) -> CaseworkerWorld:
    agency = make.agency(name="Peel CAS")
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, family_name="Haddad", given_names="Amira", status_in_canada="permanent_resident",
                         date_of_birth=date(2012, 5, 17), uci="12345678", country_of_birth="Syria")
    return CaseworkerWorld(agency, worker, person)


@pytest.fixture
def draft_world(app, make) -> CaseworkerWorld:
    agency = make.agency(name="Peel CAS")
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, status_in_canada="permanent_resident", care_status="in_care",
                         date_of_birth=date(2012, 5, 17), country_of_birth="Syria")
    return CaseworkerWorld(agency, worker, person, start(app, client=person, user=worker))


@dataclass
class ReviewWorld:
    agency: Agency
    manager: User
    worker: User
    other_worker: User
    client: Client
    packet: Packet


@pytest.fixture
def review_world(make) -> ReviewWorld:
    agency = make.agency()
    manager = make.user(agency, role=Role.manager)
    worker = make.user(agency, role=Role.caseworker)
    other = make.user(agency, role=Role.caseworker)
    client = make.client(agency, assigned_caseworker_id=worker.id)
    packet = make.packet(client, owner_id=worker.id, created_by_id=worker.id, answers={"family_name": "Haddad"})
    return ReviewWorld(agency, manager, worker, other, client, packet)


@dataclass
class YouthWorld:
    centre: Agency
    other: Agency
    manager: User
    caseworker: User
    other_caseworker: User  # same agency, not assigned
    outsider: User  # a manager of the other agency
    client: Client
    packet: Packet
    youth: User
    other_client: Client  # same agency, another youth
    other_packet: Packet
    foreign_client: Client  # the other agency's client
    foreign_packet: Packet


@pytest.fixture
def youth_world(make) -> YouthWorld:
    centre = make.agency(is_centre=True, name="Centre Agency", phone="905-555-0100")
    other = make.agency(name="Other Agency")
    manager = make.user(centre, role=Role.manager)
    caseworker = make.user(centre, role=Role.caseworker)
    other_caseworker = make.user(centre, role=Role.caseworker)
    outsider = make.user(other, role=Role.manager)
    client = make.client(centre, family_name="Álvarez Ruiz", given_names="Tomás", other_names="Tom Alvarez",
                         date_of_birth=years_ago(16, 30), assigned_caseworker_id=caseworker.id)
    packet = make.packet(client, "cit_0403", owner_id=caseworker.id)
    youth = make.user(centre, role=Role.youth, client_id=client.id, name="Tomás")
    other_client = make.client(centre, family_name="Haddad", given_names="Amira", date_of_birth=years_ago(15))
    other_packet = make.packet(other_client, "cit_0403")
    foreign_client = make.client(other, family_name="Mensah", given_names="Kwame", date_of_birth=years_ago(16))
    foreign_packet = make.packet(foreign_client, "cit_0403")
    return YouthWorld(centre, other, manager, caseworker, other_caseworker, outsider, client, packet, youth,
                      other_client, other_packet, foreign_client, foreign_packet)


@pytest.fixture
def documents_world(app, make):
    """An agency with a caseworker, a client with hostile text in the name, and a draft packet."""
    agency = make.agency(name="Children's Aid of Testville", address="1 Main St\nTestville ON", phone="555-0100")
    worker = make.user(agency, role="caseworker", name="Casey Worker")
    client = make.client(agency, family_name="Ñandú " + HOSTILE, given_names="Zoë محمد 王小明", uci="1234-5678",
                         date_of_birth=date(2010, 3, 4), assigned_caseworker_id=worker.id)
    packet = make.packet(client, packet_type="doc_test", answers={
        # The names as the application states them (the header and cover letter print these).
        "family_name": "Ñandú", "given_names": "Zoë محمد 王小明 " + HOSTILE, "passport_number": "AB123456",
    })
    other_agency = make.agency()
    outsider = make.user(other_agency, role="manager")
    return {"agency": agency, "worker": worker, "client": client, "packet": packet, "outsider": outsider}


@pytest.fixture
def request_context(app):
    """Messages are translated lazily for the request's language: domain tests run inside one."""
    with app.test_request_context("/"):
        yield
