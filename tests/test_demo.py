"""The demo data is the first thing a new agency sees: every packet must fit its client's situation."""
from sqlmodel import select

from portal.db import session_scope
from portal.demo import seed
from portal.models import Client, Packet

GRANTS = {"cit_0403", "cit_0003", "cit_0002"}


def test_every_demo_packet_fits_its_clients_status(app):
    with app.app_context(), session_scope(app) as db:
        seed(db)
    with app.app_context(), session_scope(app) as db:
        pairs = db.exec(select(Packet.packet_type, Client.status_in_canada)
                        .join(Client, Client.id == Packet.client_id)).all()
    assert len(pairs) > 50
    for packet_type, status in pairs:
        if packet_type == "cit_0001":
            assert status == "citizen", packet_type
        if packet_type in GRANTS | {"pr_card", "vos"}:
            assert status == "permanent_resident", (packet_type, status)
        if packet_type in {"state_care_pr", "hc_pr"}:
            assert status not in {"citizen", "permanent_resident"}, (packet_type, status)


def test_no_demo_client_has_two_packets_of_the_same_type(app):
    from collections import Counter

    with app.app_context(), session_scope(app) as db:
        seed(db)
        seed(db)  # idempotent: a second run adds nothing
    with app.app_context(), session_scope(app) as db:
        pairs = db.exec(select(Packet.client_id, Packet.packet_type)).all()
    repeated = [pair for pair, count in Counter(pairs).items() if count > 1]
    assert repeated == []
