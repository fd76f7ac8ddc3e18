"""Client files: search, create, view, edit, archive, care periods, and their audit trail."""
import re
import time
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.casework import clients
from portal.db import session_scope
from portal.models import AuditEvent, CareStatus, Client, Role, StatusInCanada
from tests.support.app import HTMX


def _valid(caseworker_id="", **override) -> dict:
    data = {
        "family_name": "Haddad حداد",
        "given_names": "Amira أميرة",
        "other_names": "",
        "date_of_birth": "2012-05-17",
        "country_of_birth": "Syria",
        "citizenships": "Syria",
        "status_in_canada": "permanent_resident",
        "care_status": "in_care",
        "preferred_language": "Arabic",
        "phone": "416-555-0199",
        "email": "",
        "address": "",
        "uci": "",
        "assigned_caseworker_id": str(caseworker_id),
        **periods([""], [""], [""]),
    }
    columns = {name: override.pop(name) for name in ("care_start", "care_end", "care_order") if name in override}
    if columns:  # the periods' rows, given column by column
        data = {key: value for key, value in data.items() if not key.startswith("care_periods__")}
        data.update(periods(columns.get("care_start", []), columns.get("care_end", []), columns.get("care_order", [])))
    data.update(override)
    return data


def periods(starts, ends, orders) -> dict:
    """The care periods' rows as the form posts them (care_periods__<row>__<column>)."""
    data = {}
    for index in range(max(len(starts), len(ends), len(orders))):
        for column, values in (("start", starts), ("end", ends), ("order", orders)):
            data[f"care_periods__{index}__{column}"] = values[index] if index < len(values) else ""
    return data


def _errors(response) -> dict:
    html = response.get_data(as_text=True)
    return dict(re.findall(r'<p class="field__error" id="([^"]+)-error">([^<]*)</p>', html))


@pytest.fixture
def staff(make, auth):
    agency = make.agency()
    caseworker = make.user(agency, role=Role.caseworker)
    auth.login(caseworker)
    return agency, caseworker


def _events(app, action, record_id=None):
    with app.app_context(), session_scope(app) as db:
        statement = select(AuditEvent).where(AuditEvent.action == action)
        if record_id is not None:
            statement = statement.where(AuditEvent.record_id == str(record_id))
        return db.exec(statement).all()


# --- creating ------------------------------------------------------------------------------


def test_create_a_client_in_any_script_with_care_periods(staff, auth, app):
    agency, caseworker = staff
    data = _valid(caseworker.id, care_start=["2016-03-01", "2019-01-10", ""], care_end=["2018-02-01", "", ""],
                  care_order=["interim_society_care", "extended_society_care", ""], uci="00-0000-0001")
    response = auth.post("/clients/new", data)
    assert response.status_code == 303
    client_id = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context(), session_scope(app) as db:
        client = db.get(Client, uuid.UUID(client_id))
        assert client.family_name == "Haddad حداد" and client.given_names == "Amira أميرة"
        assert client.agency_id == agency.id
        assert client.uci == "0000000001"
        assert client.care_periods == [
            {"start": "2016-03-01", "end": "2018-02-01", "order": "interim_society_care"},
            {"start": "2019-01-10", "end": None, "order": "extended_society_care"},
        ]
        assert "amira" in client.search_name and "حداد" in client.search_name
    assert len(_events(app, "client.created", client_id)) == 1


def test_one_word_name_goes_in_family_name(staff, auth):
    _agency, caseworker = staff
    response = auth.post("/clients/new", _valid(caseworker.id, family_name="Aung", given_names=""))
    assert response.status_code == 303
    response = auth.post("/clients/new", _valid(caseworker.id, family_name="", given_names="Aung"))
    assert response.status_code == 422
    assert "only one name" in _errors(response)["family_name"]


def test_every_error_is_shown_at_its_field_and_what_was_typed_is_kept(staff, auth):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    data = _valid(
        "not-a-user",
        family_name="Álvarez" * 30,
        given_names="R2-D2",
        date_of_birth=tomorrow,
        status_in_canada="martian",
        care_status="",
        phone="call me",
        email="nobody-at-example",
        uci="12345",
        care_start=["2015-01-01", "", "2030-01-01"],
        care_end=["2014-01-01", "", ""],
        care_order=["extended_society_care", "", "made_up"],
    )
    response = auth.post("/clients/new", data)
    assert response.status_code == 422
    errors = _errors(response)
    assert "100 characters" in errors["family_name"]
    assert "letters" in errors["given_names"]
    assert "future" in errors["date_of_birth"]
    assert errors["status_in_canada"] and errors["care_status"]
    assert "area code" in errors["phone"]
    assert "name@example.org" in errors["email"]
    assert "8 or 10 digits" in errors["uci"]
    assert "Please choose a caseworker" in errors["assigned_caseworker_id"]
    assert "before the start date" in errors["care-0-end"]
    assert "future" in errors["care-2-start"]
    assert "kind of order" in errors["care-2-order"]
    assert "care-1-start" not in errors  # an empty row is ignored
    html = response.get_data(as_text=True)
    assert 'value="R2-D2"' in html and 'value="call me"' in html and 'value="2014-01-01"' in html
    assert 'aria-describedby="date_of_birth-help date_of_birth-error"' in html
    assert 'id="error-summary"' in html


def test_control_characters_are_stripped(staff, auth, app):
    _agency, caseworker = staff
    response = auth.post("/clients/new", _valid(caseworker.id, family_name="Tes\x00fa\u202eye\x07",
                                                given_names="Yo\x1bhannes"))
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        client = db.exec(select(Client).where(Client.family_name == "Tesfaye")).one()
        assert client.given_names == "Yohannes"


def test_add_and_remove_care_period_rows_without_saving(staff, auth, app):
    rows = {"care_start": ["2015-01-01"], "care_end": [""], "care_order": ["customary_care"]}
    response = auth.post("/clients/new", _valid(add_row__care_periods="1", **rows))
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="care-period"') == 2
    assert "<html" in response.get_data(as_text=True)  # without htmx: the whole page
    response = auth.post("/clients/new", _valid(add_row__care_periods="1", **rows), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and html.count('class="care-period"') == 2
    two = {"care_start": ["2015-01-01", "2018-01-01"], "care_end": ["", ""], "care_order": ["customary_care", "other"]}
    response = auth.post("/clients/new", _valid(remove_row__care_periods__0="1", **two), htmx=True)
    html = response.get_data(as_text=True)
    assert html.count('class="care-period"') == 1 and 'value="2018-01-01"' in html and "2015-01-01" not in html
    # A row that is not there: the rows stay as they were (the same rule as every repeatable row).
    unchanged = auth.post("/clients/new", _valid(remove_row__care_periods__7="1", **two)).get_data(as_text=True)
    assert unchanged.count('class="care-period"') == 2
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Client)).all() == []


def test_care_period_cannot_start_before_birth(staff, auth):
    _agency, caseworker = staff
    response = auth.post("/clients/new", _valid(caseworker.id, care_start=["2010-01-01"], care_order=["other"]))
    assert "before the date of birth" in _errors(response)["care-0-start"]


def test_caseworker_is_offered_only_active_case_staff_of_their_agency(staff, auth, make):
    agency, caseworker = staff
    manager = make.user(agency, role=Role.manager, name="Manager Person")
    make.user(agency, role=Role.caseworker, name="Gone Worker", active=False)
    make.user(agency, role=Role.admin, name="Admin Person")
    make.user(role=Role.caseworker, name="Other Agency Worker")
    html = auth.client.get("/clients/new").get_data(as_text=True)
    assert "Manager Person" in html and caseworker.name in html
    assert "Gone Worker" not in html and "Admin Person" not in html and "Other Agency Worker" not in html
    other = make.user(role=Role.caseworker)
    response = auth.post("/clients/new", _valid(other.id))
    assert response.status_code == 422 and "assigned_caseworker_id" in _errors(response)
    assert auth.post("/clients/new", _valid(manager.id)).status_code == 303


# --- viewing, editing, archiving --------------------------------------------------------------


def test_viewing_a_client_file_is_audited_and_shows_everything(staff, auth, make, app):
    agency, caseworker = staff
    client = make.client(agency, family_name="Tesfaye", given_names="Yohannes", assigned_caseworker_id=caseworker.id,
                         status_in_canada=StatusInCanada.no_status, care_status=CareStatus.former_crown_ward,
                         care_periods=[{"start": "2010-02-01", "end": "2014-02-01", "order": "extended_society_care"}])
    response = auth.client.get(f"/clients/{client.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Yohannes Tesfaye" in html and "No status" in html and "Extended society care order" in html
    assert caseworker.name in html
    events = _events(app, "client.viewed", client.id)
    assert len(events) == 1 and events[0].user_id == caseworker.id and events[0].detail == ""


def test_client_panels_are_rendered(staff, auth, make, monkeypatch, tmp_path, app):
    from portal.web import panels

    agency, _caseworker = staff
    client = make.client(agency)
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "_test_panel.html").write_text('<section id="test-panel">{{ panel.greeting }}</section>')
    from jinja2 import ChoiceLoader, FileSystemLoader

    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(str(tmp_path / "tpl"))])
    app.jinja_env.loader = app.jinja_loader
    seen = {}

    def panel(*, session, user, client):
        seen["client"] = client.id
        return {"greeting": "panel for this client"}

    monkeypatch.setattr(panels, "CLIENT_PANELS", [panels.Panel("_test_panel.html", panel),
                                                  panels.Panel("_none.html", lambda **kw: None)])
    import portal.blueprints.clients as view_module

    monkeypatch.setattr(view_module, "CLIENT_PANELS", panels.CLIENT_PANELS)
    html = auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    assert '<section id="test-panel">panel for this client</section>' in html
    assert seen["client"] == client.id


def test_edit_keeps_values_and_audits_changed_field_names_only(staff, auth, make, app):
    agency, caseworker = staff
    client = make.client(agency, family_name="Ramírez", given_names="Sofía", assigned_caseworker_id=caseworker.id,
                         status_in_canada=StatusInCanada.permanent_resident, care_status=CareStatus.in_care)
    form = auth.client.get(f"/clients/{client.id}/edit").get_data(as_text=True)
    assert 'value="Ramírez"' in form and 'value="2012-05-17"' in form
    response = auth.post(f"/clients/{client.id}/edit", _valid(caseworker.id, family_name="Ramírez", given_names="Sofía",
                                                               phone="905-555-0100"))
    assert response.status_code == 303
    event = _events(app, "client.updated", client.id)[-1]
    assert "phone" in event.detail and "905" not in event.detail and "Sofía" not in event.detail
    with app.app_context(), session_scope(app) as db:
        assert db.get(Client, client.id).phone == "905-555-0100"
    response = auth.post(f"/clients/{client.id}/edit", _valid(caseworker.id, date_of_birth="not a date"))
    assert response.status_code == 422 and 'value="not a date"' in response.get_data(as_text=True)


def test_archive_and_unarchive(staff, auth, make, app):
    agency, _caseworker = staff
    client = make.client(agency, given_names="Archie")
    assert auth.post(f"/clients/{client.id}/archive").status_code == 303
    assert "Archie" not in auth.client.get("/clients/").get_data(as_text=True)
    assert "Archie" in auth.client.get("/clients/?archived=yes").get_data(as_text=True)
    assert auth.client.get(f"/clients/{client.id}").status_code == 200  # still openable by its address
    assert auth.post(f"/clients/{client.id}/unarchive").status_code == 303
    assert "Archie" in auth.client.get("/clients/").get_data(as_text=True)
    assert len(_events(app, "client.archived", client.id)) == 1
    assert len(_events(app, "client.unarchived", client.id)) == 1


def test_archive_needs_post(staff, auth, make):
    agency, _caseworker = staff
    client = make.client(agency)
    assert auth.client.get(f"/clients/{client.id}/archive").status_code == 405


@pytest.mark.parametrize("bad", ["not-a-uuid", "123", "' OR 1=1 --", str(uuid.uuid4())])
def test_malformed_or_unknown_ids_are_404(staff, auth, bad):
    assert auth.client.get(f"/clients/{bad}").status_code == 404
    assert auth.client.get(f"/clients/{bad}/edit").status_code == 404
    assert auth.post(f"/clients/{bad}/archive").status_code == 404


# --- the list and search --------------------------------------------------------------------


def test_search_folds_accents_and_reads_any_script(staff, auth, make):
    agency, _caseworker = staff
    make.client(agency, family_name="Álvarez Ruiz", given_names="Mateo")
    make.client(agency, family_name="梁", given_names="伟 Wei")
    make.client(agency, family_name="Коваленко Kovalenko", given_names="Олена Olena")
    make.client(agency, family_name="Smith", given_names="Jo", date_of_birth=date(2009, 4, 23))
    get = lambda q: auth.post("/clients/", {"q": q}).get_data(as_text=True)  # noqa: E731
    assert "Mateo" in get("alvarez") and "Mateo" in get("ÁLVAREZ mat")
    assert "Mateo" not in get("alvarez smith")
    assert "伟 Wei" in get("梁")
    assert "Олена" in get("олена") and "Олена" in get("коваленко")
    assert "Smith" in get("2009-04-23") and "Mateo" not in get("2009-04-23")
    assert "Smith" in get("2009") and "Mateo" not in get("2009")
    assert "No client files match" in get("zzz%_")


def test_htmx_search_returns_only_the_results(staff, auth, make):
    agency, _caseworker = staff
    make.client(agency, given_names="Minh Anh", family_name="Nguyễn")
    response = auth.post("/clients/", {"q": "nguyen"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="client-results"')
    assert "Minh Anh" in html and "<html" not in html
    assert "HX-Request" in response.headers.get("Vary", "")
    full = auth.post("/clients/", {"q": "nguyen"}).get_data(as_text=True)
    assert "<html" in full and "Minh Anh" in full


def test_search_words_never_go_in_the_address(staff, auth, make):
    agency, _caseworker = staff
    make.client(agency, given_names="Minh Anh", family_name="Nguyễn")
    html = auth.client.get("/clients/", query_string={"q": "zzzz"}).get_data(as_text=True)
    assert "Minh Anh" in html  # a name in the URL is ignored, not searched
    form = html.split('id="client-search"')[0].rsplit("<form", 1)[1] + html.split('id="client-search"')[1].split(">")[0]
    assert 'method="post"' in form and "hx-push-url" not in form
    assert auth.client.post("/clients/", data={"q": "nguyen"}).status_code == 400  # a search post needs the token too


def test_filters(staff, auth, make):
    agency, caseworker = staff
    other_worker = make.user(agency, role=Role.caseworker)
    make.client(agency, given_names="Kwame", status_in_canada=StatusInCanada.refugee_claimant,
                assigned_caseworker_id=caseworker.id)
    make.client(agency, given_names="Olena", status_in_canada=StatusInCanada.permanent_resident,
                care_status=CareStatus.extended_society_care, assigned_caseworker_id=other_worker.id)
    make.client(agency, given_names="Hodan")
    get = lambda **args: auth.client.get("/clients/", query_string=args, headers=HTMX).get_data(as_text=True)  # noqa: E731
    html = get(status="refugee_claimant")
    assert "Kwame" in html and "Olena" not in html
    html = get(care="extended_society_care")
    assert "Olena" in html and "Kwame" not in html
    html = get(caseworker="me")
    assert "Kwame" in html and "Olena" not in html and "Hodan" not in html
    html = get(caseworker=str(other_worker.id))
    assert "Olena" in html and "Kwame" not in html
    html = get(caseworker="none")
    assert "Hodan" in html and "Kwame" not in html
    html = get(status="bogus", care="<script>", caseworker="x", archived="maybe", page="-4")
    assert "Kwame" in html and "Olena" in html and "<script>" not in html


def test_pagination(staff, auth, make, app):
    agency, _caseworker = staff
    with app.app_context(), session_scope(app) as db:
        for n in range(clients.PER_PAGE + 5):
            client = Client(agency_id=agency.id, family_name="Page", given_names=f"Person {n:03d}",
                            date_of_birth=date(2010, 1, 1))
            clients.refresh_search_name(client)
            db.add(client)
    first = auth.client.get("/clients/").get_data(as_text=True)
    assert f"of {clients.PER_PAGE + 5} client files" in first and "Page 1 of 2" in first
    assert 'name="page" value="2"' in first
    second = auth.post("/clients/", {"q": "page", "page": "2"}).get_data(as_text=True)
    assert "Person 029" in second and "Person 000" not in second
    beyond = auth.client.get("/clients/?page=99").get_data(as_text=True)
    assert "Page 2 of 2" in beyond


def test_search_is_fast_with_tens_of_thousands_of_clients(any_app):
    """30,000 clients in one agency: a search page is one count and one LIMIT query, well under a second."""
    from portal.accounts import users
    from portal.models import Agency

    app = any_app
    with app.app_context(), session_scope(app) as db:
        agency = Agency(slug="big", name="Big agency")
        other = Agency(slug="other", name="Other")
        db.add_all([agency, other])
        db.flush()
        user = users.create_user(db, agency_id=agency.id, email="cw@big.org", name="CW", role=Role.caseworker,
                                 password=None)
        rows = []
        for n in range(30000):
            rows.append({
                "id": uuid.uuid4(), "agency_id": agency.id if n % 10 else other.id, "family_name": f"Family{n}",
                "given_names": "Given", "date_of_birth": date(2000, 1, 1) + timedelta(days=n % 7000),
                "search_name": f"given family{n}", "care_periods": [], "archived": n % 50 == 0,
                "status_in_canada": "no_status", "care_status": "in_care",
            })
        db.execute(Client.__table__.insert(), rows)
    with app.test_request_context(), session_scope(app) as db:
        user = db.get(type(user), user.id)
        start = time.perf_counter()
        page = clients.search(db, user=user, filters=clients.Filters(q="family2999"))
        everything = clients.search(db, user=user, filters=clients.Filters(page=400))
        elapsed = time.perf_counter() - start
    assert {c.family_name for c in page.rows} == ({"Family2999"}
                                                  | {f"Family2999{d}" for d in range(10) if (29990 + d) % 10})
    assert everything.total == 30000 * 9 // 10 - sum(1 for n in range(30000) if n % 10 and n % 50 == 0)
    assert len(everything.rows) == clients.PER_PAGE
    assert elapsed < 1.5, f"two searches took {elapsed:.2f}s"


# --- the domain functions, without a request -----------------------------------------------------


def test_validate_accepts_the_edge_of_today(app):
    with app.test_request_context():
        form = clients.read_form(_MultiDict(_valid(date_of_birth=date.today().isoformat(), care_status="in_care")))
        clients.validate(form, staff_ids=set())
        assert form.ok, form.errors
        assert form.clean["date_of_birth"] == date.today()
        assert form.clean["assigned_caseworker_id"] is None


def test_fold():
    assert clients.fold("Álvarez NGUYỄN Ça") == "alvarez nguyen ca"
    assert clients.fold("Straße") == "strasse"


class _MultiDict(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def test_managers_get_a_link_to_the_files_audit_trail(make, auth, client):
    agency = make.agency()
    record = make.client(agency)
    auth.login(make.user(agency, role=Role.caseworker))
    assert f"/audit/?record={record.id}" not in client.get(f"/clients/{record.id}").get_data(as_text=True)
    auth.post("/sign-out")
    auth.login(make.user(agency, role=Role.manager))
    assert f"/audit/?record={record.id}" in client.get(f"/clients/{record.id}").get_data(as_text=True)
