"""The maintenance tick every worker runs at start and every 30 seconds (worker.py; `make run`'s in-process worker):
renders whose worker died are redone or marked failed, renders waiting for the queue are queued, the audit
log's waiting rows are sealed and its hourly checkpoint written, and old rate-limit counts are forgotten.

Each step stands alone: Redis or the file store being down stops only the step that needs it.
"""
from __future__ import annotations

import logging

from flask import Flask

from portal import audit, queue
from portal.accounts import limits
from portal.db import session_scope
from portal.documents import renders
from portal.records import retention

log = logging.getLogger("passage.maintenance")


def tick(app: Flask) -> dict:
    """One round of maintenance; returns what each step did (or the error it met)."""
    done = {}
    with app.app_context():
        steps = [("renders", renders.sweep), ("audit", _audit), ("limits", limits.purge)]
        if not queue.is_embedded(app):
            steps.append(("retention", lambda session: retention.purge_once_a_day(
                app, session, connection=queue.connection(app))))
        for name, step in steps:
            try:
                with session_scope(app) as session:
                    done[name] = step(session)
            except Exception as error:  # noqa: BLE001 - one step failing must not stop the others
                log.warning("maintenance step %s failed: %s", name, error.__class__.__name__)
                done[name] = error.__class__.__name__
    return done


def _audit(session) -> bool:
    audit.seal(session)
    session.commit()
    return audit.checkpoint_if_due(session)
