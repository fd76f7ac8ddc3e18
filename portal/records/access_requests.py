"""Access requests: recorded with the dates received, due (30 days later) and answered; the archive is built by a
job, kept encrypted in the file store, and its download link expires (then the next purge deletes it)."""
from __future__ import annotations

import uuid
from datetime import UTC, date, timedelta

from redis.exceptions import RedisError
from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit, queue
from portal.i18n import N_
from portal.models import AccessRequest, ArchiveStatus, Client, User, utcnow
from portal.policy import disclosures

DUE_AFTER = timedelta(days=30)
LINK_LIFETIME = timedelta(days=7)
JOB = "portal.records.jobs.build_access_archive"


class AccessRequestError(ValueError):
    """The request cannot be recorded as given (the message is for the field)."""


def record(session: Session, *, client: Client, by: User, received_on: date | None = None) -> AccessRequest:
    """Record a request and queue its archive; commits (the job must find the row)."""
    today = utcnow().date()
    received_on = received_on or today
    if received_on > today:
        raise AccessRequestError(N_("The date received cannot be in the future."))
    request = AccessRequest(agency_id=client.agency_id, client_id=client.id, received_on=received_on,
                            due_on=received_on + DUE_AFTER, recorded_by_id=by.id)
    session.add(request)
    session.flush()
    audit.record(session, action="access_request.recorded", user=by, record_type="access_request",
                 record_id=request.id)
    session.commit()
    enqueue(session, request)
    return request


def enqueue(session: Session, request: AccessRequest) -> bool:
    job_id = f"archive-{request.id}-{uuid.uuid4().hex[:8]}"
    try:
        queue.get_queue().enqueue(JOB, str(request.id), job_id=job_id, job_timeout=1800, result_ttl=3600,
                                  failure_ttl=86400, description="access request archive")
    except RedisError:
        # Stored in English, translated where it is shown (records/_archive_status.html).
        request.status, request.error = ArchiveStatus.failed, N_("The job service is not answering. Try again soon.")
        session.commit()
        return False
    session.execute(update(AccessRequest).where(AccessRequest.id == request.id).values(job_id=job_id))
    session.commit()
    session.refresh(request)
    return True


def rebuild(session: Session, *, request: AccessRequest, by: User) -> bool:
    """Build the archive again (it failed, or its link expired)."""
    if request.status in (ArchiveStatus.queued, ArchiveStatus.building):
        return False
    request.status, request.progress, request.error = ArchiveStatus.queued, 0, ""
    audit.record(session, action="access_request.rebuilt", user=by, record_type="access_request",
                 record_id=request.id)
    session.commit()
    return enqueue(session, request)


def mark_answered(session: Session, *, request: AccessRequest, by: User, answered_on: date | None = None) -> None:
    answered_on = answered_on or utcnow().date()
    if answered_on > utcnow().date() or answered_on < request.received_on:
        raise AccessRequestError(N_("Enter a date between the day it was received and today."))
    if request.answered_on is None:  # the person's own records leave the agency: a disclosure with its basis
        try:
            disclosures.record(session, user=by, agency_id=request.agency_id, kind="records_request",
                               recipient="person", basis="legal_duty", client_id=request.client_id,
                               citation="CYFSA Part X: the person's right of access to their records",
                               detail=f"access_request={request.id}")
        except disclosures.DisclosureRefused as refused:
            raise AccessRequestError(str(refused)) from refused
    request.answered_on = answered_on
    session.add(request)
    audit.record(session, action="access_request.answered", user=by, record_type="access_request",
                 record_id=request.id)


def downloadable(request: AccessRequest) -> bool:
    return (request.status == ArchiveStatus.ready and request.storage_key is not None
            and request.expires_at is not None and _aware(request.expires_at) > utcnow())


def _aware(moment):
    """SQLite gives naive UTC datetimes back."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def of_client(session: Session, *, client: Client) -> list[AccessRequest]:
    return list(session.exec(select(AccessRequest).where(AccessRequest.client_id == client.id)
                             .order_by(AccessRequest.created_at.desc())))
