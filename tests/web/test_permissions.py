"""Who may use which route, and which records they may see: roles, agency isolation, the URL map."""
from datetime import date

import pytest
from flask import Blueprint

from portal.models import Role
from portal.web import guards
from tests.support.app import HTMX, make_app

# --- every route declares who may use it ----------------------------------------------------------


def undeclared_endpoints(app) -> list[str]:
    """Endpoints whose view has neither @allow(...) nor @public."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if not hasattr(view, guards.ACCESS_ATTR):
            missing.append(f"{rule.endpoint} ({rule.rule})")
    return sorted(missing)


def test_every_route_declares_who_may_use_it(app):
    assert len(list(app.url_map.iter_rules())) > 10
    assert undeclared_endpoints(app) == []


def test_the_url_map_check_catches_an_undeclared_route(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")
    forgetful = Blueprint("forgetful", __name__)

    @forgetful.route("/forgot-to-declare")
    def forgot():
        return "oops"

    app.register_blueprint(forgetful)
    assert undeclared_endpoints(app) == ["forgetful.forgot (/forgot-to-declare)"]


def test_declarations_name_real_roles(app):
    known = {str(role) for role in Role} | {"public"}
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert getattr(view, guards.ACCESS_ATTR) <= known, endpoint


# --- roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.youth, Role.admin])
def test_youth_and_admin_cannot_reach_client_pages(role, make, auth, client):
    agency = make.agency()
    record = make.client(agency)
    auth.login(make.user(agency, role=role))
    for path in ("/clients/", "/clients/new", f"/clients/{record.id}", f"/clients/{record.id}/edit"):
        assert client.get(path).status_code == 404, path
    assert auth.post(f"/clients/{record.id}/archive").status_code == 404


@pytest.mark.parametrize("role", [Role.youth, Role.caseworker])
def test_youth_and_caseworkers_cannot_reach_admin_or_audit_pages(role, make, auth, client):
    agency = make.agency()
    auth.login(make.user(agency, role=role))
    for path in ("/admin/users", "/admin/users/new", "/admin/settings", "/audit/"):
        assert client.get(path).status_code == 404, path


def test_signed_out_visitors_are_sent_to_sign_in(client, make):
    record = make.client(make.agency())
    for path in ("/clients/", f"/clients/{record.id}", "/audit/", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path


# --- agency isolation for every client route -------------------------------------------------------


@pytest.fixture
def two_agencies(make, auth):
    agency_a, agency_b = make.agency(), make.agency()
    worker_a = make.user(agency_a, role=Role.manager)
    worker_b = make.user(agency_b, role=Role.caseworker)
    client_b = make.client(agency_b, family_name="Zyxwabc", given_names="Secret", date_of_birth=date(2008, 8, 8),
                           assigned_caseworker_id=worker_b.id)
    auth.login(worker_a)
    return worker_a, worker_b, client_b


def _client_routes(app):
    """Every route (anyone's) whose only argument is a client id: new ones are covered automatically."""
    for rule in app.url_map.iter_rules():
        if rule.arguments == {"client_id"}:
            yield rule


def test_every_client_route_is_404_for_another_agencys_client(app, two_agencies, auth, client):
    _worker_a, _worker_b, client_b = two_agencies
    routes = list(_client_routes(app))
    assert {rule.endpoint for rule in routes} >= {"clients.show", "clients.edit", "clients.archive",
                                                  "clients.unarchive"}
    for rule in routes:
        path = rule.rule.replace("<client_id>", str(client_b.id))
        if "GET" in rule.methods:
            assert client.get(path).status_code == 404, path
            assert client.get(path, headers=HTMX).status_code == 404, f"htmx {path}"
        if "POST" in rule.methods:
            assert auth.post(path, {"family_name": "Changed"}).status_code == 404, f"POST {path}"
            assert auth.post(path, {"family_name": "Changed"}, htmx=True).status_code == 404, f"htmx POST {path}"
    # Nothing was changed or archived on the way.
    from portal.db import session_scope
    from portal.models import Client

    with app.app_context(), session_scope(app) as db:
        stored = db.get(Client, client_b.id)
        assert stored.family_name == "Zyxwabc" and not stored.archived


def test_search_never_shows_another_agencys_clients(two_agencies, client, auth, make):
    worker_a, _worker_b, _client_b = two_agencies
    make.client(make.agency(), family_name="Zyxwabc", given_names="Elsewhere")
    for query in ({"q": "zyxwabc"}, {"q": "2008-08-08"}, {"q": "2008"}, {"archived": "all"},
                  {"caseworker": str(_worker_b.id)}):
        for htmx in (False, True):
            html = auth.post("/clients/", query, htmx=htmx).get_data(as_text=True)
            assert "Zyxwabc" not in html and "Secret" not in html, query
        html = client.get("/clients/", query_string=query).get_data(as_text=True)
        assert "Zyxwabc" not in html and "Secret" not in html, query


def test_cannot_assign_another_agencys_caseworker(two_agencies, auth):
    _worker_a, worker_b, _client_b = two_agencies
    data = {"family_name": "Okafor", "date_of_birth": "2010-01-01", "status_in_canada": "unknown",
            "care_status": "in_care", "assigned_caseworker_id": str(worker_b.id)}
    response = auth.post("/clients/new", data)
    assert response.status_code == 422


def test_audit_log_shows_only_the_agencys_own_events(two_agencies, client, auth):
    _worker_a, worker_b, client_b = two_agencies
    html = client.get("/audit/", query_string={"record": str(client_b.id)}).get_data(as_text=True)
    assert "No events match" in html
    assert client.get("/audit/", query_string={"user": str(worker_b.id)}).status_code == 422


def test_admin_pages_are_404_for_another_agencys_users(two_agencies, auth, app):
    _worker_a, worker_b, _client_b = two_agencies
    assert auth.post(f"/admin/users/{worker_b.id}/deactivate").status_code == 404
    assert auth.post(f"/admin/users/{worker_b.id}/reactivate").status_code == 404
    from portal.db import session_scope
    from portal.models import User

    with app.app_context(), session_scope(app) as db:
        assert db.get(User, worker_b.id).active


# --- caseworkers who see only their assigned clients -----------------------------------------------


def test_caseworker_sees_only_assigned_clients_when_the_agency_says_so(make, auth, client):
    agency = make.agency(caseworkers_see_all_clients=False)
    mine_worker = make.user(agency, role=Role.caseworker)
    other_worker = make.user(agency, role=Role.caseworker)
    mine = make.client(agency, given_names="Mine", assigned_caseworker_id=mine_worker.id)
    theirs = make.client(agency, given_names="Theirs", assigned_caseworker_id=other_worker.id)
    auth.login(mine_worker)
    html = client.get("/clients/", headers=HTMX).get_data(as_text=True)
    assert "Mine" in html and "Theirs" not in html
    assert client.get(f"/clients/{mine.id}").status_code == 200
    assert client.get(f"/clients/{theirs.id}").status_code == 404
    assert client.get(f"/clients/{theirs.id}/edit").status_code == 404
    assert auth.post(f"/clients/{theirs.id}/archive").status_code == 404
    # A manager of the same agency sees both.
    auth.post("/sign-out")
    auth.login(make.user(agency, role=Role.manager))
    html = client.get("/clients/", headers=HTMX).get_data(as_text=True)
    assert "Mine" in html and "Theirs" in html


def test_caseworker_who_assigns_a_client_away_is_told_where_it_went(make, auth, client):
    agency = make.agency(caseworkers_see_all_clients=False)
    worker = make.user(agency, role=Role.caseworker)
    colleague = make.user(agency, role=Role.caseworker)
    auth.login(worker)
    data = {"family_name": "Okafor", "date_of_birth": "2010-01-01", "status_in_canada": "unknown",
            "care_status": "in_care", "assigned_caseworker_id": str(colleague.id)}
    response = auth.post("/clients/new", data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/clients/")
    assert "assigned to another caseworker" in client.get("/clients/").get_data(as_text=True)
