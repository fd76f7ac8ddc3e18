"""Allowances counted by the database: so many tries per key in a window (sign-in failures per account and
per address, one-time codes asked for, public referrals).

A try is taken with one conditional UPDATE (`count = count + 1 ... WHERE count < allowed`), so parallel
requests can never take more than the allowance: the database counts, not the request. On PostgreSQL each
take commits on its own connection at once: the try counts whatever happens to the request afterwards, and
no request holds the counter's row while it checks a password (a busy office behind one address does not
queue). SQLite has one writer at a time anyway, so there the take joins the caller's transaction (a second
connection would wait for the caller's own write lock); every caller commits failures too.

Why the database and not Flask-Limiter on Redis: Passage runs without Redis (`make run`, gunicorn against
SQLite), where an in-memory limiter would give each web process its own allowance; what is limited is
failures (a right password gives its try back), keyed by an account named in the form; and the database is
already the one store every web process shares.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from portal.models import RateLimit, utcnow

_TABLE = RateLimit.__table__


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window: timedelta

    def key(self, subject: str) -> str:
        # Only a hash of the address or email is kept.
        return f"{self.name}:" + hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:64]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _insert(dialect: str):
    return (postgresql.insert(_TABLE) if dialect == "postgresql" else sqlite.insert(_TABLE))


@contextmanager
def _counting(session: Session):
    """Where a count is written: its own committed transaction on PostgreSQL, the caller's on SQLite."""
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":
        yield session.connection()
        return
    with engine.begin() as connection:
        yield connection


def take(session: Session, limit: Limit, subject: str, *, now: datetime | None = None) -> int:
    """Take one try from the subject's allowance: 0 when taken, or the seconds until one is free again."""
    now = now or utcnow()
    key, cutoff = limit.key(subject), now - limit.window
    window_over = _TABLE.c.window_start <= cutoff
    with _counting(session) as connection:
        connection.execute(_insert(connection.dialect.name).values(key=key, window_start=now, count=0)
                           .on_conflict_do_nothing(index_elements=["key"]))
        taken = connection.execute(
            update(_TABLE).where(_TABLE.c.key == key, window_over | (_TABLE.c.count < limit.allowed))
            .values(count=case((window_over, 1), else_=_TABLE.c.count + 1),
                    window_start=case((window_over, now), else_=_TABLE.c.window_start))
        ).rowcount
        if taken:
            return 0
        start = connection.execute(select(_TABLE.c.window_start).where(_TABLE.c.key == key)).scalar_one()
    return max(1, int((_aware(start) + limit.window - now).total_seconds()) + 1)


def give_back(session: Session, limit: Limit, subject: str) -> None:
    """Return a try that turned out not to count (a right password, a request refused for another reason)."""
    with _counting(session) as connection:
        connection.execute(update(_TABLE).where(_TABLE.c.key == limit.key(subject), _TABLE.c.count > 0)
                           .values(count=_TABLE.c.count - 1))


def clear(session: Session, limit: Limit, subject: str) -> None:
    with _counting(session) as connection:
        connection.execute(update(_TABLE).where(_TABLE.c.key == limit.key(subject)).values(count=0))


def wait_seconds(session: Session, limit: Limit, subject: str, *, now: datetime | None = None) -> int:
    """Seconds until the subject may try again (0: now), without taking a try."""
    now = now or utcnow()
    row = session.execute(select(_TABLE.c.window_start, _TABLE.c.count)
                          .where(_TABLE.c.key == limit.key(subject))).first()
    if row is None or row.count < limit.allowed or _aware(row.window_start) + limit.window <= now:
        return 0
    return max(1, int((_aware(row.window_start) + limit.window - now).total_seconds()) + 1)


KEEP = timedelta(days=1)  # longer than any window


def purge(session: Session, *, now: datetime | None = None) -> int:
    """Forget allowances whose window ended long ago (run by the maintenance tick)."""
    return session.execute(delete(_TABLE).where(_TABLE.c.window_start < (now or utcnow()) - KEEP)).rowcount
