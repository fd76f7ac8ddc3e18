"""Who may use which route, and which records they may see.

Every view declares its audience with @allow(...) or @public; a test walks the URL map and
fails on any view without a declaration. Every query for case data goes through scope():
a record of another agency, or outside a caseworker's or youth's reach, is simply not found.
"""
import uuid
from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import false
from sqlmodel import Session, select

from portal.models import Agency, Client, Role, User

ACCESS_ATTR = "_passage_access"


def allow(*roles: str):
    """The signed-in roles that may use a view; anyone else gets 404 (staff pages) or sign-in."""
    allowed = frozenset(str(role) for role in roles)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                from portal.extensions import login_manager

                if g.get("session_expired"):
                    # Say why they must sign in again, rather than the generic "please sign in".
                    return redirect(url_for("auth.sign_in", expired=1, next=request.path))

                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(404)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, allowed)
        return wrapper

    return decorate


def public(view):
    """Open to anyone, signed in or not (sign-in page, public referral form, health check)."""
    setattr(view, ACCESS_ATTR, frozenset({"public"}))
    return view


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
        from portal.models import Packet

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
