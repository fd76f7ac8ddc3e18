"""Users and agency settings: admins and managers of one agency."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from portal import mail
from portal.accounts import agencies
from portal.db import session_scope
from portal.models import Agency, AuditEvent, PasswordLink, Role, User, utcnow
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


def _link_in(html: str) -> str:
    return re.search(r"(/set-password/[A-Za-z0-9_-]{20,})", html).group(1)


def _set_password(client, path: str, password: str = "chosen by them 1"):
    page = client.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token, "password": password, "confirm": password})


def test_an_admin_cannot_give_themselves_case_access(make, auth, client, agency, app):
    """Finding 5: an admin made a manager account with a password of their choosing and read client files."""
    admin = _login(make, auth, agency, Role.admin)
    person = make.client(agency, family_name="Distinctive")
    response = auth.post("/admin/users/new", {"name": "Nadia Haddad", "email": "Nadia@Agency.example",
                                              "role": "manager", "delivery": "shown",
                                              "password": "the admin's choice 1"})
    assert response.status_code == 303
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    link = _link_in(shown)
    assert "confirm this account" in shown
    assert link not in client.get(response.headers["Location"]).get_data(as_text=True)  # shown once
    with app.app_context(), session_scope(app) as db:
        user = db.exec(select(User).where(User.email == "nadia@agency.example")).one()
        assert user.role == "manager" and user.agency_id == agency.id
        assert user.password_hash == "" and not user.active and user.awaiting_confirmation
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.created")).one()
        assert event.record_id == str(user.id) and event.detail == "role=manager awaiting_confirmation=1"
    # The admin holds the link and sets a password: the account still cannot sign in or see anything.
    other = app.test_client()
    assert _set_password(other, link).status_code == 303
    nadia = Auth(other)
    assert nadia.login(type("U", (), {"email": "nadia@agency.example"})(), password="chosen by them 1"
                       ).status_code == 422
    assert other.get(f"/clients/{person.id}").status_code in (302, 404)
    # The admin cannot switch it on either.
    auth.post(f"/admin/users/{user.id}/reactivate")
    assert auth.post(f"/admin/users/{user.id}/confirm").status_code == 404
    with app.app_context(), session_scope(app) as db:
        assert not db.get(User, user.id).active
    # A manager of the agency confirms; the grant is in the audit log.
    manager = make.user(agency, role=Role.manager)
    auth.post("/sign-out")
    auth.login(manager)
    assert "Confirm access" in client.get("/admin/users").get_data(as_text=True)
    assert auth.post(f"/admin/users/{user.id}/confirm").status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(User, user.id).active
        granted = db.exec(select(AuditEvent).where(AuditEvent.action == "user.access_granted")).one()
        assert granted.user_id == manager.id and granted.record_id == str(user.id)
        assert admin.id not in {row.user_id for row in db.exec(select(AuditEvent).where(
            AuditEvent.action == "user.access_granted"))}
    assert nadia.login(type("U", (), {"email": "nadia@agency.example"})(), password="chosen by them 1"
                       ).status_code == 303


def test_an_admin_made_admin_and_a_manager_made_caseworker_are_active_once_they_choose_a_password(
        make, auth, client, agency, app):
    _login(make, auth, agency, Role.admin)
    response = auth.post("/admin/users/new", {"name": "Second Admin", "email": "admin2@agency.example",
                                              "role": "admin", "delivery": "email"})
    assert response.status_code == 303
    with app.app_context():
        body = mail.outbox()[-1].get_content()
    link = _link_in(body)
    assert _set_password(app.test_client(), link).status_code == 303
    assert Auth(app.test_client()).login(type("U", (), {"email": "admin2@agency.example"})(),
                                         password="chosen by them 1").status_code == 303
    auth.post("/sign-out")
    _login(make, auth, agency, Role.manager)
    response = auth.post("/admin/users/new", {"name": "Case Worker", "email": "cw@agency.example",
                                              "role": "caseworker", "delivery": "shown"})
    link = _link_in(client.get(response.headers["Location"]).get_data(as_text=True))
    assert _set_password(app.test_client(), link).status_code == 303
    assert Auth(app.test_client()).login(type("U", (), {"email": "cw@agency.example"})(),
                                         password="chosen by them 1").status_code == 303


def test_a_password_link_works_once_even_in_parallel(any_app):
    from tests.support.app import Factory
    from tests.support.live import at_once, browser, serving

    make = Factory(any_app)
    agency = make.agency()
    manager = make.user(agency, role=Role.manager)
    with any_app.app_context(), session_scope(any_app) as db:
        _user, token = agencies.add_staff(db, by=db.get(User, manager.id), values={
            "email": "new@agency.example", "name": "New Person", "role": "caseworker", "delivery": "email"})
    path = f"/set-password/{token}"
    with serving(any_app) as base:
        def prepare(index):
            http, csrf = browser(base, path)
            return http, {"csrf_token": csrf, "password": f"password number {index}",
                          "confirm": f"password number {index}"}

        def fire(item):
            http, form = item
            return http.post(base + path, data=form, allow_redirects=False, timeout=60).status_code

        codes = at_once(20, prepare, fire)
    assert sorted(codes) == [303] + [410] * 19, codes
    with any_app.app_context(), session_scope(any_app) as db:
        assert len(db.exec(select(AuditEvent).where(AuditEvent.action == "user.password_set")).all()) == 1


def test_password_link_problems(app, make, client):
    assert client.get("/set-password/not-a-real-token").status_code == 404
    agency = make.agency()
    manager = make.user(agency, role=Role.manager)
    with app.app_context(), session_scope(app) as db:
        _user, token = agencies.add_staff(db, by=db.get(User, manager.id), values={
            "email": "late@agency.example", "name": "Late", "role": "caseworker", "delivery": "shown"})
        link = db.exec(select(PasswordLink)).one()
        link.expires_at = link.created_at
    response = client.get(f"/set-password/{token}")
    assert response.status_code == 410 and b"expired" in response.data
    with app.app_context(), session_scope(app) as db:
        db.exec(select(PasswordLink)).one().expires_at = utcnow() + timedelta(hours=1)
    short = _set_password(client, f"/set-password/{token}", password="short")
    assert short.status_code == 422 and b"at least 10" in short.data


def test_manager_cannot_create_an_admin(make, auth, client, agency, app):
    _login(make, auth, agency, Role.manager)
    assert 'value="admin"' not in client.get("/admin/users/new").get_data(as_text=True)
    response = auth.post("/admin/users/new", {"name": "Sneaky", "email": "sneaky@x.example", "role": "admin",
                                              "delivery": "shown"})
    assert response.status_code == 422 and "role" in _errors(response)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(User).where(User.email == "sneaky@x.example")).first() is None


def test_new_user_validation_keeps_typed_values(make, auth, agency):
    _login(make, auth, agency, Role.admin)
    existing = make.user(agency)
    response = auth.post("/admin/users/new", {"name": "", "email": "not an email", "role": "youth"})
    errors = _errors(response)
    assert response.status_code == 422 and set(errors) == {"name", "email", "role", "delivery"}
    assert 'value="not an email"' in response.get_data(as_text=True)
    assert 'name="password"' not in response.get_data(as_text=True)
    response = auth.post("/admin/users/new", {"name": "Dup", "email": existing.email, "role": "caseworker",
                                              "delivery": "shown"})
    assert response.status_code == 422 and "already has an account" in _errors(response)["email"]


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


# Every retention period at its default.
RETENTION = {"retain_closed_files_days": "2555", "retain_finished_packets_days": "1825",
             "retain_superseded_renders_days": "90", "retain_abandoned_drafts_days": "730",
             "retain_referrals_days": "365", "retain_audit_days": "2555"}


def test_settings_are_saved_and_audited(make, auth, agency, app, client):
    _login(make, auth, agency, Role.admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="all" checked' in page
    response = auth.post("/admin/settings", {"caseworkers_see_all_clients": "assigned",
                                             "caseworkers_may_approve": "yes",
                                             "youth_login_mode": "one_time_code", "stuck_after_days": "21",
                                             **RETENTION, "retain_abandoned_drafts_days": "1095"})
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        saved = db.get(Agency, agency.id)
        assert (not saved.caseworkers_see_all_clients and saved.caseworkers_may_approve
                and not saved.self_approval_allowed)
        assert (saved.youth_login_mode == "one_time_code" and saved.stuck_after_days == 21
                and saved.retain_abandoned_drafts_days == 1095 and saved.retain_superseded_renders_days == 90)
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "agency.settings_changed")).one()
        assert "caseworkers_see_all_clients" in event.detail and "retain_abandoned_drafts_days" in event.detail


@pytest.mark.parametrize("field, value", [
    ("stuck_after_days", "0"), ("stuck_after_days", "ten"), ("stuck_after_days", "99999999999999"),
    ("retain_abandoned_drafts_days", "30"), ("retain_superseded_renders_days", "3"),
    ("retain_audit_days", "99999"), ("youth_login_mode", "carrier_pigeon"), ("caseworkers_see_all_clients", "some"),
])
def test_bad_settings_get_a_message(make, auth, agency, field, value, app):
    _login(make, auth, agency, Role.manager)
    data = {"caseworkers_see_all_clients": "all", "youth_login_mode": "password", "stuck_after_days": "14",
            **RETENTION}
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
