"""The manager's dashboard against a hand-counted fixture; filters; routes; reassigning a client."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from portal.casework import assignment
from portal.db import session_scope
from portal.models import AuditEvent, Client, Milestone, MilestoneKind, Packet, PacketStatus, Role, StatusSpell, User
from portal.packets import lifecycle
from portal.reporting import monthly_totals, pipeline
from portal.web import charts
from tests.support.app import HTMX
from tests.support.records import fresh

S = PacketStatus
NOW = datetime.now(UTC)


def ago(days):
    return NOW - timedelta(days=days)


@pytest.fixture
def caseload(app, review_world, make):
    """Seven packets in one agency and one in another; every number below is counted by hand."""
    w1, w2 = review_world.worker, review_world.other_worker
    second = make.client(review_world.agency, assigned_caseworker_id=w2.id)
    # A client has one open packet per type: the second open CIT 0403 is another client's of the same caseworker.
    third = make.client(review_world.agency, assigned_caseworker_id=w1.id)
    with app.app_context(), session_scope(app) as db:
        db.delete(db.get(Packet, review_world.packet.id))  # the team's own packet is not part of this count
    specs = [
        # (client, owner, type, status, outcome, days in state, created)
        (review_world.client, w1, "cit_0403", S.draft, None, 20, ago(40)),
        (third, w1, "cit_0403", S.in_review, None, 2, ago(40)),
        (review_world.client, w1, "cit_0002", S.approved, None, 30, ago(40)),
        (review_world.client, w1, "cit_0403", S.submitted, None, 60, ago(100)),
        (second, w2, "cit_0002", S.decided, "approved", 5, datetime(2025, 1, 10, tzinfo=UTC)),
        (second, w2, "cit_0403", S.decided, "refused", 5, datetime(2025, 2, 10, tzinfo=UTC)),
        (second, w2, "cit_0403", S.withdrawn, None, 50, ago(40)),
    ]
    packets = []
    for client, owner, packet_type, status, outcome, days, created in specs:
        packets.append(make.packet(client, packet_type=packet_type, owner_id=owner.id, status=status, outcome=outcome,
                                   status_changed_at=ago(days), created_at=created))
    elsewhere = make.client(make.agency())
    make.packet(elsewhere, status=S.draft, status_changed_at=ago(90))
    month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=15)  # mid last month
    with app.app_context(), session_scope(app) as db:
        for packet, status, days in [(packets[0], S.draft, 2.0), (packets[1], S.draft, 4.0),
                                     (packets[1], S.in_review, 1.0)]:
            db.add(StatusSpell(agency_id=review_world.agency.id, packet_id=packet.id, status=status, entered_at=ago(10),
                               left_at=ago(9), days=days))
        for packet, outcome in [(packets[4], "approved"), (packets[5], "refused"), (packets[3], "returned")]:
            db.add(Milestone(agency_id=review_world.agency.id, packet_id=packet.id, kind=MilestoneKind.decision,
                             occurred_on=month, outcome=outcome))
        db.flush()
        monthly_totals.rebuild_monthly_totals(db, agency_id=review_world.agency.id)
    return packets


def build(app, user_id, **filters):
    with app.app_context(), session_scope(app) as db:
        return pipeline.build(db, user=db.get(User, user_id), filters=pipeline.Filters(**filters))


def test_numbers_match_the_hand_count(app, review_world, caseload, request_context):  # noqa: F811
    board = build(app, review_world.manager.id)
    assert board.total == 7
    assert board.statuses == [(S.draft, 1), (S.in_review, 1), (S.changes_requested, 0), (S.approved, 1),
                              (S.submitted, 1), (S.decided, 2), (S.withdrawn, 1)]
    assert board.types == [("cit_0403", 5), ("cit_0002", 2)]
    assert board.counts[(S.decided, "cit_0403")] == 1
    assert board.stuck_total == 2  # the draft (20 days) and the approved packet (30); not submitted or withdrawn
    assert [row[3] for row in board.stuck] == [S.approved, S.draft]
    time = {row[0]: row for row in board.time_in_state}
    assert time[S.draft][1:3] == (2, 3.0)  # two finished stays, average 3 days
    assert time[S.in_review][1:3] == (1, 1.0)
    assert time[S.draft][3] == 1 and 19.9 < time[S.draft][4] < 20.1  # one there now, for 20 days
    workload = {row[0]: (row[2], row[3]) for row in board.workload}
    assert workload[review_world.worker.id] == ({S.draft: 1, S.in_review: 1, S.approved: 1, S.submitted: 1}, 4)
    assert workload[review_world.other_worker.id][1] == 0
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert board.outcomes == [(month, 1, 1, 1)]


def test_filters(app, review_world, caseload, request_context):  # noqa: F811
    assert build(app, review_world.manager.id, caseworker_id=review_world.other_worker.id).total == 3
    assert build(app, review_world.manager.id, packet_type="cit_0002").total == 2
    in_2025 = build(app, review_world.manager.id, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
    assert in_2025.total == 1 and in_2025.outcomes[0][1:] == (1, 0, 0)


def test_parse_filters_reports_bad_values(request_context):  # noqa: F811
    known = {"00000000-0000-0000-0000-000000000001"}
    filters, errors = pipeline.Filters.read(
        {"caseworker": "00000000-0000-0000-0000-000000000009", "type": "nope", "from": "2026-13-01", "to": "x"},
        caseworker_ids=known, packet_types={"cit_0403"}, today=date(2026, 6, 1))
    assert set(errors) == {"caseworker", "type", "from", "to"} and filters == pipeline.Filters()
    _f, errors = pipeline.Filters.read({"from": "2026-05-01", "to": "2026-04-01"}, caseworker_ids=set(),
                                       packet_types=set(), today=date(2026, 6, 1))
    assert "to" in errors
    filters, errors = pipeline.Filters.read({"type": "cit_0403", "from": "2026-01-01"}, caseworker_ids=set(),
                                            packet_types={"cit_0403"}, today=date(2026, 6, 1))
    assert not errors and filters == pipeline.Filters(packet_type="cit_0403", date_from=date(2026, 1, 1))


def test_packet_list_is_filtered_and_paged(app, review_world, caseload, request_context):  # noqa: F811
    with app.app_context(), session_scope(app) as db:
        manager = db.get(User, review_world.manager.id)
        page = pipeline.packet_page(db, user=manager, filters=pipeline.Filters(status=S.decided))
        assert page.total == 2 and {row[4] for row in page.rows} == {S.decided}
        page = pipeline.packet_page(db, user=manager, filters=pipeline.Filters(), page=2, size=5)
        assert page.total == 7 and len(page.rows) == 2
        past_the_end = pipeline.packet_page(db, user=manager, filters=pipeline.Filters(), page=9, size=5)
        assert (past_the_end.number, len(past_the_end.rows)) == (2, 2)  # the last page, as every list does


def test_charts_are_accessible():
    svg = str(charts.bar_chart(title="Packets by state", rows=[("Draft", 3), ("In <review>", 1)]))
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Draft: 3; In &lt;review&gt;: 1" in svg and "style=" not in svg
    columns = str(charts.stacked_columns(title="Decisions", categories=["2026-01"], series=[("Approved", [2])]))
    assert "2026-01: Approved 2" in columns


def test_charts_write_numbers_and_colons_as_the_reader_s_language_does(app):
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("fr"):
        svg = str(charts.bar_chart(title="Jours", rows=[("Ébauche", 13.75), ("Envoyée", 1095.0)], unit="\u00a0j"))
    assert "Ébauche\u00a0: 13,8\u00a0j; Envoyée\u00a0: 1\u00a0095\u00a0j" in svg
    with app.test_request_context("/"):
        assert "Draft: 13.8 d" in str(charts.bar_chart(title="Days", rows=[("Draft", 13.75)], unit=" d"))


def test_dashboard_page_for_managers_only(auth, client, review_world, caseload):
    auth.login(review_world.worker)
    assert client.get("/dashboard/").status_code == 404
    client.post("/sign-out", data={"csrf_token": auth.token()})
    auth.login(review_world.manager)
    page = client.get("/dashboard/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert 'role="img"' in html and "Workload per caseworker" in html
    fragment = client.get(f"/dashboard/?caseworker={review_world.other_worker.id}", headers=HTMX)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text and 'id="dashboard-results"' in text
    bad = client.get("/dashboard/?from=yesterday")
    assert bad.status_code == 422 and 'aria-describedby="from-error"' in bad.get_data(as_text=True)
    assert 'value="yesterday"' in bad.get_data(as_text=True)


def test_another_agencys_caseworker_is_not_a_filter(auth, client, review_world, make):
    stranger = make.user(make.agency(), role=Role.caseworker)
    auth.login(review_world.manager)
    assert client.get(f"/dashboard/?caseworker={stranger.id}").status_code == 422
    assert client.get(f"/dashboard/packets?caseworker={stranger.id}").status_code == 422


def test_packet_list_page(auth, client, review_world, caseload):
    auth.login(review_world.manager)
    page = client.get("/dashboard/packets?status=decided")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2 packets" in html
    fragment = client.get("/dashboard/packets?status=draft", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True) and "1 packet," in fragment.get_data(as_text=True)


def test_reassign_a_client_and_their_open_packets(auth, review_world, caseload, app):
    auth.login(review_world.manager)
    page = auth.client.get(f"/clients/{review_world.client.id}").get_data(as_text=True)
    assert "Give the file to" in page
    response = auth.post(f"/dashboard/clients/{review_world.client.id}/reassign",
                         {"caseworker_id": str(review_world.other_worker.id), "with_packets": "yes"})
    assert response.status_code == 303
    assert fresh(app, Client, review_world.client.id).assigned_caseworker_id == review_world.other_worker.id
    with app.app_context(), session_scope(app) as db:
        owners = set(db.exec(select(Packet.owner_id).where(Packet.client_id == review_world.client.id)).all())
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "client.reassigned")).one()
    assert owners == {review_world.other_worker.id} and "packets=3" in event.detail
    bad = auth.post(f"/dashboard/clients/{review_world.client.id}/reassign", {"caseworker_id": "not-a-user"})
    assert bad.status_code == 422 and "choose a caseworker" in bad.get_data(as_text=True)


def test_reassign_routes_refuse_strangers_and_need_csrf(auth, review_world, make, app):
    outsider = make.user(make.agency(), role=Role.manager)
    auth.login(outsider)
    response = auth.post(f"/dashboard/clients/{review_world.client.id}/reassign", {"caseworker_id": str(outsider.id)})
    assert response.status_code == 404
    auth.client.post("/sign-out", data={"csrf_token": auth.token()})
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(review_world.manager)
    response = auth.client.post(f"/dashboard/clients/{review_world.client.id}/reassign",
                                data={"caseworker_id": str(review_world.other_worker.id)})
    assert response.status_code == 400
    assert fresh(app, Client, review_world.client.id).assigned_caseworker_id == review_world.worker.id


def test_my_work_orders_by_urgency(auth, review_world, app, make):
    overdue = make.packet(review_world.client, "cit_0002", owner_id=review_world.worker.id,
                          planned_signing_date=date.today() - timedelta(days=100))
    soon = make.client(review_world.agency, assigned_caseworker_id=review_world.worker.id,
                       date_of_birth=date.today().replace(year=date.today().year - 18) + timedelta(days=3)
                       if not (date.today().month == 2 and date.today().day == 29) else date(2008, 3, 3))
    other = make.client(review_world.agency, assigned_caseworker_id=review_world.worker.id)
    set_status = make.packet(other, owner_id=review_world.worker.id, status=S.changes_requested)
    auth.login(review_world.worker)
    html = auth.client.get("/my-work").get_data(as_text=True)
    assert html.index("Overdue") < html.index("Signatures too old") < html.index("This week")
    assert html.index("This week") < html.index("Changes were requested")
    assert str(overdue.id) in html and str(set_status.id) in html and soon.given_names in html


def test_aggregates_on_sqlite_and_postgresql(any_app):
    """The dialect helpers (days, ages, months) give the same numbers on both databases."""
    from portal.casework import deadlines
    from portal.reporting import exports
    from tests.support.app import Factory

    make = Factory(any_app)
    agency = make.agency(stuck_after_days=10)
    manager = make.user(agency, role=Role.manager)
    worker = make.user(agency, role=Role.caseworker)
    client = make.client(agency, assigned_caseworker_id=worker.id, date_of_birth=date(2010, 3, 1),
                         country_of_birth="Eritrea")
    stuck = make.packet(client, owner_id=worker.id, status=S.draft, status_changed_at=ago(12))
    decided = make.packet(client, owner_id=worker.id, status=S.decided, outcome="approved", status_changed_at=ago(3),
                          planned_signing_date=date(2025, 1, 1))
    decision_day = date.today() - timedelta(days=3)
    with any_app.app_context(), session_scope(any_app) as db:
        db.add(Milestone(agency_id=agency.id, packet_id=decided.id, kind=MilestoneKind.submitted,
                         occurred_on=decision_day - timedelta(days=100)))
        db.add(Milestone(agency_id=agency.id, packet_id=decided.id, kind=MilestoneKind.decision,
                         occurred_on=decision_day, outcome="approved"))
        db.add(StatusSpell(agency_id=agency.id, packet_id=decided.id, status=S.submitted, entered_at=ago(103),
                           left_at=ago(3), days=100.0))
        db.flush()
        monthly_totals.rebuild_monthly_totals(db, agency_id=agency.id)
    with any_app.test_request_context("/"), session_scope(any_app) as db:
        user = db.get(User, manager.id)
        board = pipeline.build(db, user=user, filters=pipeline.Filters())
        assert board.total == 2 and board.stuck_total == 1 and board.stuck[0][0] == stuck.id
        assert 11.9 < board.stuck[0][5] < 12.1
        assert {row[0]: row[2] for row in board.time_in_state}[S.submitted] == 100.0
        assert board.outcomes == [(decision_day.strftime("%Y-%m"), 1, 0, 0)]
        # Packets started in a date range: counted from the stays and decisions themselves.
        ranged = pipeline.build(db, user=user, filters=pipeline.Filters(date_from=date.today() - timedelta(days=30)))
        assert ranged.outcomes == board.outcomes and ranged.total == 2
        assert {row[0]: row[2] for row in ranged.time_in_state}[S.submitted] == 100.0
        page = pipeline.packet_page(db, user=user, filters=pipeline.Filters(status=S.draft))
        assert page.total == 1 and 11.9 < page.rows[0][10] < 12.1
        age = (decision_day.year - 2010) - ((decision_day.month, decision_day.day) < (3, 1))
        band = "14-17" if 14 <= age < 18 else "0-13" if age < 14 else "18-21"
        assert exports.research_counts(db, user=user, filters=pipeline.Filters()) == [
            ("cit_0403", "approved", band, "Africa", "3-6 months", 1)]
        assert deadlines.deadlines_for(db, user=user) == []


def test_cached_board_is_rebuilt_after_a_change(app, review_world, caseload, request_context):  # noqa: F811
    with app.app_context(), session_scope(app) as db:
        manager = db.get(User, review_world.manager.id)
        first = pipeline.build_cached(db, user=manager, filters=pipeline.Filters())
        assert pipeline.build_cached(db, user=manager, filters=pipeline.Filters()) is first
        packet = db.get(Packet, caseload[1].id)
        lifecycle.transition(db, packet=packet, to_status=S.changes_requested, user=manager, note="Q8")
        db.flush()
        second = pipeline.build_cached(db, user=manager, filters=pipeline.Filters())
        assert second is not first
        assert dict(second.statuses)[S.changes_requested] == 1 and dict(second.statuses)[S.in_review] == 0
        assignment.reassign_packet(db, packet=packet, to_user_id=review_world.other_worker.id, by=manager)
        db.flush()
        third = pipeline.build_cached(db, user=manager, filters=pipeline.Filters())
        assert third is not second
        assert {row[0]: row[3] for row in third.workload}[review_world.other_worker.id] == 1



def test_reuse_is_kept_per_agency_and_key_and_only_for_managers(app, review_world, make):
    other_manager = make.user(make.agency(), role=Role.manager)
    made = []

    def make_value():
        made.append(1)
        return len(made)

    with app.app_context(), session_scope(app) as db:
        manager, worker = db.get(User, review_world.manager.id), db.get(User, review_world.worker.id)
        assert pipeline.reused(db, user=manager, key=("deadlines",), make=make_value) == 1
        assert pipeline.reused(db, user=manager, key=("deadlines",), make=make_value) == 1
        assert pipeline.reused(db, user=manager, key=("board",), make=make_value) == 2
        # Another agency's manager never sees this agency's values; a caseworker's are never kept.
        assert pipeline.reused(db, user=db.get(User, other_manager.id), key=("deadlines",), make=make_value) == 3
        assert pipeline.reused(db, user=worker, key=("deadlines",), make=make_value) == 4
        assert pipeline.reused(db, user=worker, key=("deadlines",), make=make_value) == 5

def test_dashboard_page_follows_changes(auth, client, review_world, caseload, app):
    auth.login(review_world.manager)
    before = client.get("/dashboard/", headers=HTMX).get_data(as_text=True)
    assert client.get("/dashboard/", headers=HTMX).get_data(as_text=True) == before
    auth.post(f"/packets/{caseload[1].id}/transition", {"to_status": "changes_requested", "note": "Q8"})
    after = client.get("/dashboard/", headers=HTMX).get_data(as_text=True)
    assert after != before
    assert "Changes requested: 1" in after and "Changes requested: 0" in before
