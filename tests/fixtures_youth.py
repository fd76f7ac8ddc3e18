"""Fixtures for youth participation, referrals and the directory: a centre agency, a 16-year-old client
with a CIT 0403 packet, their youth account, and a second agency to prove nothing crosses over."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from portal.models import Agency, Client, Packet, Role, User
from tests.conftest import PASSWORD, Auth


def years_ago(years: int, days: int = 0) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - years) - timedelta(days=days)
    except ValueError:
        return today.replace(year=today.year - years, day=28) - timedelta(days=days)


@dataclass
class World:
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
def world(make) -> World:
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
    return World(centre, other, manager, caseworker, other_caseworker, outsider, client, packet, youth, other_client,
                 other_packet, foreign_client, foreign_packet)


def sign_in(client, user, password: str = PASSWORD) -> Auth:
    auth = Auth(client)
    response = auth.login(user, password)
    assert response.status_code == 303, response.data[:500]
    return auth
