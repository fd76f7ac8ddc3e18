"""Exports: formula neutralisation in the CSV, small-count suppression in the research export, auditing."""
import csv
import io
from datetime import date

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEvent, Milestone, MilestoneKind, PacketStatus, Role, User
from portal.reporting import exports, pipeline


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1 416", "'+1 416"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    (" =1+1", "' =1+1"),
    ("  \t@SUM(A1)", "'  \t@SUM(A1)"),
    ("\n-2", "'\n-2"),
    ("\u00a0=1", "'\u00a0=1"),
    ("  Haddad", "  Haddad"),
    ("Haddad", "Haddad"),
    ("O'Connor", "O'Connor"),
    ("a=b", "a=b"),
    (None, ""),
    (3, "3"),
])
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_packet_list_csv_neutralises_and_is_audited(auth, review_world, make, app):
    evil = make.client(review_world.agency, family_name="=cmd|' /C calc'!A0", given_names="@Mallory")
    make.packet(evil, owner_id=review_world.worker.id)
    auth.login(review_world.manager)
    response = auth.client.get("/dashboard/packets.csv?recipient=court&basis=court_order&citation=Order+123")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == exports.PACKET_LIST_HEADER
    assert "'@Mallory =cmd|' /C calc'!A0" in [row[1] for row in rows[1:]]
    with app.app_context(), session_scope(app) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "export.packet_list")).one()
        assert event.user_id == review_world.manager.id and "rows=2" in event.detail


def test_csv_exports_are_for_managers(auth, review_world):
    auth.login(review_world.worker)
    assert auth.client.get("/dashboard/packets.csv").status_code == 404
    assert auth.client.get("/dashboard/research.csv").status_code == 404


def _decided(app, make, review_world, n, *, packet_type, outcome, country, dob, sent, decided):
    for _ in range(n):
        client = make.client(review_world.agency, country_of_birth=country, date_of_birth=dob, family_name="Secret",
                             given_names="Person")
        packet = make.packet(client, packet_type=packet_type, status=PacketStatus.decided, outcome=outcome)
        with app.app_context(), session_scope(app) as db:
            db.add(Milestone(agency_id=review_world.agency.id, packet_id=packet.id, kind=MilestoneKind.submitted,
                             occurred_on=sent))
            db.add(Milestone(agency_id=review_world.agency.id, packet_id=packet.id, kind=MilestoneKind.decision,
                             occurred_on=decided, outcome=outcome))


def test_research_counts_are_banded_and_small_counts_suppressed(auth, review_world, make, app, request_context):  # noqa: F811
    # Six 15-year-olds from Syria approved after 4 months; two 19-year-olds from Brazil refused after 13 months.
    _decided(app, make, review_world, 6, packet_type="cit_0403", outcome="approved", country="Syria",
             dob=date(2010, 3, 1), sent=date(2025, 1, 10), decided=date(2025, 5, 20))
    _decided(app, make, review_world, 2, packet_type="cit_0002", outcome="refused", country="Brazil",
             dob=date(2005, 6, 1), sent=date(2024, 3, 1), decided=date(2025, 4, 1))
    with app.app_context(), session_scope(app) as db:
        counts = exports.research_counts(db, user=db.get(User, review_world.manager.id), filters=pipeline.Filters())
    assert counts == [
        ("cit_0002", "refused", "18-21", "Americas", "12 months or more", 2),
        ("cit_0403", "approved", "14-17", "Asia", "3-6 months", 6),
    ]
    auth.login(review_world.manager)
    response = auth.client.get("/dashboard/research.csv")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        exports.RESEARCH_HEADER,
        ["cit_0002", "refused", "18-21", "Americas", "12 months or more", "<5"],
        ["cit_0403", "approved", "14-17", "Asia", "3-6 months", "6"],
    ]
    for private in ("Secret", "Person", "2010-03-01", "Syria", "Brazil", str(review_world.client.id)):
        assert private not in text
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "export.research")).one()


def test_research_export_stays_in_the_agency(auth, review_world, make, app, request_context):  # noqa: F811
    other = make.agency()
    outsider = make.user(other, role=Role.manager)
    _decided(app, make, review_world, 5, packet_type="cit_0403", outcome="approved", country="Ghana",
             dob=date(2012, 1, 1), sent=date(2025, 1, 1), decided=date(2025, 2, 1))
    with app.app_context(), session_scope(app) as db:
        assert exports.research_counts(db, user=db.get(User, outsider.id), filters=pipeline.Filters()) == []


@pytest.mark.parametrize("count, shown", [(0, "<5"), (4, "<5"), (5, "5"), (12, "12")])
def test_suppress(count, shown):
    assert exports.suppress(count) == shown


def test_regions():
    assert exports.region_of("Viet Nam") == "Asia"
    assert exports.region_of(" türkiye ") == "Asia"
    assert exports.region_of("Haiti") == "Americas"
    assert exports.region_of("Atlantis") == exports.UNKNOWN_REGION
