"""Who holds which file: the agency's caseworkers, and reassigning a packet or a client file."""
import uuid

from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit
from portal.i18n import lazy_gettext as _l
from portal.models import Client, Packet, PacketStatus, Role, User, utcnow


class ReassignError(ValueError):
    pass


def caseworkers(session: Session, *, agency_id) -> list[tuple[uuid.UUID, str]]:
    """Active staff who can hold a caseload in the agency."""
    rows = session.exec(
        select(User.id, User.name).where(User.agency_id == agency_id, User.active.is_(True),
                                         User.role.in_((Role.caseworker, Role.manager))).order_by(User.name)
    ).all()
    return [(user_id, name) for user_id, name in rows]


def _new_holder(session: Session, *, agency_id, to_user_id) -> User:
    try:
        key = uuid.UUID(str(to_user_id))
    except ValueError:
        raise ReassignError(_l("Please choose a caseworker from the list.")) from None
    target = session.get(User, key)
    if target is None or target.agency_id != agency_id or not target.active or \
            target.role not in (Role.caseworker, Role.manager):
        raise ReassignError(_l("Please choose a caseworker from the list."))
    return target


def reassign_packet(session: Session, *, packet: Packet, to_user_id, by: User) -> Packet:
    if by.role != Role.manager or by.agency_id != packet.agency_id:
        raise ReassignError(_l("Only a manager of the agency can reassign work."))
    target = _new_holder(session, agency_id=packet.agency_id, to_user_id=to_user_id)
    previous = packet.owner_id
    packet.owner_id = target.id
    packet.updated_at = utcnow()
    session.add(packet)
    audit.record(session, action="packet.reassigned", user=by, record_type="packet", record_id=packet.id,
                 detail=f"from={previous or ''} to={target.id}")
    return packet


def reassign_client(session: Session, *, client: Client, to_user_id, by: User, with_packets: bool = True) -> Client:
    """Give the client file (and, by default, its open packets) to another caseworker."""
    if by.role != Role.manager or by.agency_id != client.agency_id:
        raise ReassignError(_l("Only a manager of the agency can reassign work."))
    target = _new_holder(session, agency_id=client.agency_id, to_user_id=to_user_id)
    previous = client.assigned_caseworker_id
    client.assigned_caseworker_id = target.id
    session.add(client)
    moved = 0
    if with_packets:
        result = session.execute(
            update(Packet).where(Packet.client_id == client.id, Packet.agency_id == client.agency_id,
                                 Packet.status.not_in((PacketStatus.decided, PacketStatus.withdrawn)))
            .values(owner_id=target.id, updated_at=utcnow())
        )
        moved = result.rowcount or 0
    audit.record(session, action="client.reassigned", user=by, record_type="client", record_id=client.id,
                 detail=f"from={previous or ''} to={target.id} packets={moved}")
    return client
