"""Which records a user may see: every query for case data goes through scope().

A record of another agency, or outside a caseworker's or youth's reach, is simply not found (404).
"""
import uuid

from flask import abort
from sqlalchemy import false
from sqlmodel import Session, select

from portal.models import Agency, Client, Packet, Role, User


def parse_id(value: str) -> uuid.UUID:
    """A URL id, or 404: a malformed id is the same as a missing record."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        abort(404)


def agency_of(session: Session, user: User) -> Agency:
    return session.get(Agency, user.agency_id)


def client_filter(user: User, agency: Agency | None = None):
    """The WHERE clause limiting clients to what this user may see."""
    clauses = [Client.agency_id == user.agency_id]
    if user.role == Role.youth:
        clauses.append(Client.id == user.client_id if user.client_id else false())
    elif user.role == Role.caseworker and agency is not None and not agency.caseworkers_see_all_clients:
        clauses.append(Client.assigned_caseworker_id == user.id)
    elif user.role == Role.admin:
        clauses.append(false())  # admins manage users and settings, not case content
    return clauses


def scope(statement, model, user: User, session: Session):
    """Restrict a SELECT on a case table to the user's agency and role."""
    agency = agency_of(session, user)
    if model is Client:
        return statement.where(*client_filter(user, agency))
    statement = statement.where(model.agency_id == user.agency_id)
    if hasattr(model, "client_id"):
        visible_clients = select(Client.id).where(*client_filter(user, agency))
        statement = statement.where(model.client_id.in_(visible_clients))
    elif hasattr(model, "packet_id"):
        visible_packets = select(Packet.id).where(
            Packet.agency_id == user.agency_id,
            Packet.client_id.in_(select(Client.id).where(*client_filter(user, agency))),
        )
        statement = statement.where(model.packet_id.in_(visible_packets))
    return statement


def get_or_404(session: Session, model, record_id, user: User):
    """One case record by id, through scope(); anything out of reach is a 404."""
    statement = scope(select(model).where(model.id == parse_id(record_id)), model, user, session)
    record = session.exec(statement).first()
    if record is None:
        abort(404)
    return record
