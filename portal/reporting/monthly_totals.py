"""Monthly totals of time in each state and of IRCC decisions, kept up to date as packets move.

The lifecycle adds to them on every transition; the dashboard reads a few hundred rows instead of every stay.
"""
from sqlalchemy import delete, func, literal_column
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from portal.models import Milestone, MilestoneKind, OutcomeMonth, Packet, StateTimeMonth, StatusSpell


def month_of(session: Session, column):
    """YYYY-MM; the format is inlined so SELECT and GROUP BY are the same expression to PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


def _upsert(session: Session, model, *, keys: dict, add: dict) -> None:
    """Add to a monthly total in one statement, so two transitions at once both count."""
    insert = postgres_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = model.__table__
    statement = insert(table).values(**keys, **add)
    session.execute(statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in add},
    ))


def add_state_time(session: Session, *, agency_id, month: str, status: str, packet_type: str, owner: str,
                   stays: int, days: float) -> None:
    _upsert(session, StateTimeMonth, keys={"agency_id": agency_id, "month": month, "status": status,
                                           "packet_type": packet_type, "owner": owner},
            add={"stays": stays, "days": days})


def add_outcome(session: Session, *, agency_id, month: str, outcome: str, packet_type: str, owner: str,
                decisions: int = 1) -> None:
    _upsert(session, OutcomeMonth, keys={"agency_id": agency_id, "month": month, "outcome": outcome,
                                         "packet_type": packet_type, "owner": owner},
            add={"decisions": decisions})


def rebuild_monthly_totals(session: Session, *, agency_id) -> None:
    """Recount an agency's monthly totals from its stays and decisions (after bulk loads that wrote them)."""
    owner = Packet.owner_id
    session.execute(delete(StateTimeMonth).where(StateTimeMonth.agency_id == agency_id))
    session.execute(delete(OutcomeMonth).where(OutcomeMonth.agency_id == agency_id))
    stays = session.exec(
        select(month_of(session, StatusSpell.left_at), StatusSpell.status, Packet.packet_type, owner, func.count(),
               func.sum(StatusSpell.days))
        .join(Packet, Packet.id == StatusSpell.packet_id).where(StatusSpell.agency_id == agency_id)
        .group_by(month_of(session, StatusSpell.left_at), StatusSpell.status, Packet.packet_type, owner)
    ).all()
    for month, status, packet_type, holder, n, days in stays:  # one row per group
        add_state_time(session, agency_id=agency_id, month=month, status=status, packet_type=packet_type,
                       owner=holder.hex if holder else "", stays=n, days=float(days or 0))
    decisions = session.exec(
        select(month_of(session, Milestone.occurred_on), Milestone.outcome, Packet.packet_type, owner, func.count())
        .join(Packet, Packet.id == Milestone.packet_id)
        .where(Milestone.agency_id == agency_id, Milestone.kind == MilestoneKind.decision)
        .group_by(month_of(session, Milestone.occurred_on), Milestone.outcome, Packet.packet_type, owner)
    ).all()
    for month, outcome, packet_type, holder, n in decisions:
        add_outcome(session, agency_id=agency_id, month=month, outcome=outcome, packet_type=packet_type,
                    owner=holder.hex if holder else "", decisions=n)
