"""Reading records back in tests, as they are in the database now, and signing in as someone."""
from datetime import date, timedelta

from portal.db import session_scope
from tests.support.app import PASSWORD, Auth


def years_ago(years: int, days: int = 0) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - years) - timedelta(days=days)
    except ValueError:
        return today.replace(year=today.year - years, day=28) - timedelta(days=days)


def fresh(app, model, record_id):
    """A detached copy of a row as it is in the database now."""
    with app.app_context(), session_scope(app) as session:
        row = session.get(model, record_id)
        session.expunge(row)
        return row


def sign_in(client, user, password: str = PASSWORD) -> Auth:
    auth = Auth(client)
    response = auth.login(user, password)
    assert response.status_code == 303, response.data[:500]
    return auth


def complete_packet(app, packet, *, answers: dict | None = None, sign: bool = False, waive_reason: str = "Test: "
                    "not needed for this packet."):
    """Make a packet complete as the completeness model reads it: every required answer (the demo's fully
    answered CIT 0403 unless `answers` are given), every required checklist item marked not applicable with a
    reason, and (with `sign`) the youth's signatures. Writes rows directly; returns what is still missing."""
    from portal.demo.citizenship import HADDAD
    from portal.models import Agency, ChecklistWaiver, Client, Packet, Signature
    from portal.packets import completeness, signatures
    from portal.youth import participation

    with app.app_context(), app.test_request_context("/"), session_scope(app) as db:
        row = db.get(Packet, packet.id)
        person, agency = db.get(Client, row.client_id), db.get(Agency, row.agency_id)
        if answers is None:  # the demo's CIT 0403 answers fit a permanent resident; the rest comes from the file
            person.status_in_canada = "permanent_resident"
            answers = {**HADDAD, "given_names": person.given_names or "Amira", "dob": person.date_of_birth.isoformat(),
                       "birth_country": person.country_of_birth or "Syria", "authorised_organization": agency.name}
        row.answers = {**(row.answers or {}), **answers}
        db.add(row)
        db.flush()
        for item in completeness.of(db, packet=row).of_kind(completeness.CHECKLIST):
            db.add(ChecklistWaiver(agency_id=row.agency_id, packet_id=row.id, checklist_item=item.key,
                                   reason=waive_reason))
        if sign:
            fields = signatures.covered_fields(row)
            for signer in participation.youth_signers(db, packet=row):
                db.add(Signature(agency_id=row.agency_id, packet_id=row.id, signer_key=signer.key,
                                 user_id=row.owner_id or row.created_by_id, typed_name="Test Signer",
                                 signed_on=date.today(), revision=row.revision, covered_fields=fields,
                                 answers_digest=signatures._digest(row.answers, fields)))
        db.flush()
        return [(item.kind, item.key) for item in completeness.of(db, packet=row).items]
