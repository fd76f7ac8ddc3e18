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


def test_the_demo_follows_the_lifecycles_own_rules(app):
    """The completeness model over the whole demo: a packet in review or beyond passed each gate complete,
    or a manager's override with a reason is recorded for that gate; court orders agree with the client file;
    the README tour's complete packet has nothing missing."""
    from portal import forms
    from portal.models import PacketEvent, PacketStatus, Role, User
    from portal.packets import completeness

    S = PacketStatus
    passed = {S.in_review: ("send",), S.changes_requested: ("send",), S.approved: ("send", "approve"),
              S.submitted: ("send", "approve", "submit"), S.decided: ("send", "approve", "submit")}
    with app.app_context(), app.test_request_context("/"), session_scope(app) as db:
        seed(db)
        db.flush()
        problems = []
        for packet in db.exec(select(Packet)).all():
            overrides = db.exec(select(PacketEvent).where(PacketEvent.packet_id == packet.id,
                                                          PacketEvent.kind == "override")).all()
            for event in overrides:
                assert event.note.strip() and db.get(User, event.actor_id).role == Role.manager
            overridden = {event.data["gate"] for event in overrides}
            state = completeness.of(db, packet=packet)
            if packet.status in passed:  # never again "Submitted, 0 of 11 steps done"
                context = forms.build_context(packet=packet, client=db.get(Client, packet.client_id), agency=None)
                done, total = forms.progress(state.summary.packet_type, context)
                assert done * 2 >= total, (packet.packet_type, packet.status, done, total)
            for gate in passed.get(packet.status, ()):
                # answers, documents, signatures and findings as they are now; comments were open only then
                blocking = [item for item in state.blocking(gate) if item.kind != completeness.COMMENT]
                if blocking and gate not in overridden:
                    problems.append((packet.packet_type, packet.status, gate, [item.key for item in blocking][:5]))
            client = db.get(Client, packet.client_id)
            order_date = (packet.answers or {}).get("order_date")
            if order_date and client.care_periods:
                first = min(period["start"] for period in client.care_periods)
                assert order_date >= first, (client.family_name, order_date, first)
        assert problems == []
        haddad = db.exec(select(Packet).join(Client, Client.id == Packet.client_id)
                         .where(Client.family_name.startswith("Haddad"), Packet.packet_type == "cit_0403",
                                Packet.status == S.draft)).first()
        assert completeness.of(db, packet=haddad).items == ()  # the README tour's "complete" packet
