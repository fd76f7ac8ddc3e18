"""Users and agency settings: admins and managers of one agency."""
import re

import pytest
from sqlmodel import select

from portal.accounts import agencies
from portal.db import session_scope
from portal.models import Agency, AuditEvent, Role, User
from tests.support.app import PASSWORD, Auth


def _errors(response) -> dict:
    return dict(re.findall(r'<p class="field__error" id="([^"]+)-error">([^<]*)</p>', response.get_data(as_text=True)))


@pytest.fixture
def agency(make):
    return make.agency()


def _login(make, auth, agency, role):
    user = make.user(agency, role=role)
    auth.login(user)
    return user


def test_users_page_lists_only_the_agencys_users(make, auth, client, agency):
    _login(make, auth, agency, Role.admin)
    mine = make.user(agency, name="Colleague Here")
    make.user(make.agency(), name="Stranger There")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Colleague Here" in html and mine.email in html and "Stranger There" not in html


def test_admin_creates_a_user_who_can_sign_in(make, auth, client, agency, app):
    _login(make, auth, agency, Role.admin)
    response = auth.post("/admin/users/new", {"name": "Nadia Haddad", "email": "Nadia@Agency.example",
                                              "role": "manager", "password": "temporary password 1"})
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        user = db.exec(select(User).where(User.email == "nadia@agency.example")).one()
        assert user.role == "manager" and user.agency_id == agency.id
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.created")).one()
        assert event.record_id == str(user.id) and event.detail == "role=manager"
    fresh = Auth(app.test_client())
    assert fresh.login(type("U", (), {"email": "nadia@agency.example"})(),
                       password="temporary password 1").status_code == 303


def test_manager_cannot_create_an_admin(make, auth, client, agency, app):
    _login(make, auth, agency, Role.manager)
    assert 'value="admin"' not in client.get("/admin/users/new").get_data(as_text=True)
    response = auth.post("/admin/users/new", {"name": "Sneaky", "email": "sneaky@x.example", "role": "admin",
                                              "password": "temporary password 1"})
    assert response.status_code == 422 and "role" in _errors(response)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(User).where(User.email == "sneaky@x.example")).first() is None


def test_new_user_validation_keeps_typed_values_but_never_the_password(make, auth, agency):
    _login(make, auth, agency, Role.admin)
    existing = make.user(agency)
    response = auth.post("/admin/users/new", {"name": "", "email": "not an email", "role": "youth",
                                              "password": "short"})
    errors = _errors(response)
    assert response.status_code == 422 and set(errors) == {"name", "email", "role", "password"}
    assert 'value="not an email"' in response.get_data(as_text=True)
    response = auth.post("/admin/users/new", {"name": "Dup", "email": existing.email, "role": "caseworker",
                                              "password": "a secret password"})
    assert response.status_code == 422 and "already has an account" in _errors(response)["email"]
    assert "a secret password" not in response.get_data(as_text=True)


def test_deactivate_ends_sessions_and_reactivate_restores_sign_in(make, auth, agency, app):
    _login(make, auth, agency, Role.manager)
    worker = make.user(agency, role=Role.caseworker)
    worker_browser = Auth(app.test_client())
    worker_browser.login(worker)
    assert worker_browser.client.get("/my-work").status_code == 200
    assert auth.post(f"/admin/users/{worker.id}/deactivate").status_code == 303
    assert worker_browser.client.get("/my-work").status_code == 302  # their open session is over
    assert worker_browser.login(worker).status_code == 422
    assert auth.post(f"/admin/users/{worker.id}/reactivate").status_code == 303
    assert worker_browser.login(worker).status_code == 303
    with app.app_context(), session_scope(app) as db:
        actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.record_id == str(worker.id)))]
    assert "user.deactivated" in actions and "user.activated" in actions


def test_manager_cannot_deactivate_an_admin_or_themselves(make, auth, agency, app, client):
    manager = _login(make, auth, agency, Role.manager)
    admin = make.user(agency, role=Role.admin)
    for target in (admin, manager):
        response = auth.post(f"/admin/users/{target.id}/deactivate")
        assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(User, admin.id).active and db.get(User, manager.id).active
    assert "You cannot change this account" in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("bad", ["zzz", "00000000-0000-0000-0000-000000000000"])
def test_unknown_user_ids_are_404(make, auth, agency, bad):
    _login(make, auth, agency, Role.admin)
    assert auth.post(f"/admin/users/{bad}/deactivate").status_code == 404


def test_settings_are_saved_and_audited(make, auth, agency, app, client):
    _login(make, auth, agency, Role.admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="all" checked' in page
    response = auth.post("/admin/settings", {"caseworkers_see_all_clients": "assigned",
                                             "caseworkers_may_approve": "yes",
                                             "youth_login_mode": "one_time_code", "stuck_after_days": "21",
                                             "retention_days": "1095"})
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        saved = db.get(Agency, agency.id)
        assert (not saved.caseworkers_see_all_clients and saved.caseworkers_may_approve
                and not saved.self_approval_allowed)
        assert (saved.youth_login_mode == "one_time_code" and saved.stuck_after_days == 21
                and saved.retention_days == 1095)
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "agency.settings_changed")).one()
        assert "caseworkers_see_all_clients" in event.detail and "retention_days" in event.detail


@pytest.mark.parametrize("field, value", [
    ("stuck_after_days", "0"), ("stuck_after_days", "ten"), ("stuck_after_days", "99999999999999"),
    ("retention_days", "30"), ("youth_login_mode", "carrier_pigeon"), ("caseworkers_see_all_clients", "some"),
])
def test_bad_settings_get_a_message(make, auth, agency, field, value, app):
    _login(make, auth, agency, Role.manager)
    data = {"caseworkers_see_all_clients": "all", "youth_login_mode": "password", "stuck_after_days": "14",
            "retention_days": "730"}
    data[field] = value
    response = auth.post("/admin/settings", data)
    assert response.status_code == 422 and field in _errors(response)
    with app.app_context(), session_scope(app) as db:
        assert db.get(Agency, agency.id).stuck_after_days == 14


def test_admin_home_is_the_users_page(make, auth, agency, client):
    _login(make, auth, agency, Role.admin)
    assert client.get("/").headers["Location"].endswith("/admin/users")


def test_set_active_domain_function_needs_no_request(app, make):
    agency = make.agency()
    admin, worker = make.user(agency, role=Role.admin), make.user(agency)
    with app.app_context(), session_scope(app) as db:
        agencies.set_active(db, user=db.get(User, worker.id), active=False, by=db.get(User, admin.id))
    with app.app_context(), session_scope(app) as db:
        assert not db.get(User, worker.id).active
    assert PASSWORD
