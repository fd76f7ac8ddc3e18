"""Client files: list with active search, create, view, edit, archive."""
from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user
from sqlmodel import select

from portal import access
from portal.casework import clients
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Client, Role, User
from portal.policy import collection
from portal.policy import settings as policy_settings
from portal.privacy import corrections
from portal.web.guards import allow
from portal.web.panels import CLIENT_PANELS, render_panels
from portal.web.rendering import render

bp = Blueprint("clients", __name__, url_prefix="/clients")


@bp.route("/", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def index():
    """Filters may sit in the address; search words are posted, so names never reach URLs, logs or history."""
    db = get_session()
    if request.method == "POST":
        filters, _errors = clients.Filters.read(request.form)
    else:
        filters, _errors = clients.Filters.read(request.args)
        filters.q = ""
    page = clients.search(db, user=current_user, filters=filters)
    return render(
        "clients/index.html",
        block="results",
        filters=filters,
        page=page,
        worker_options=[("me", _("Assigned to me")), ("none", _("Nobody assigned"))]
        + [(str(user.id), user.name) for user in clients.assignable_staff(db, agency_id=current_user.agency_id)],
        names=clients.staff_names(db, agency_id=current_user.agency_id),
        held_back=policy_settings.get(db, agency_id=current_user.agency_id).held_back,
        **_labels(),
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def new():
    db = get_session()
    staff = clients.assignable_staff(db, agency_id=current_user.agency_id)
    if request.method == "GET":
        default = current_user.id if current_user.role == Role.caseworker else None
        form = clients.form_from_client(None, default_caseworker=default)
        form.periods.append(dict(clients.BLANK_PERIOD))
        return _form_page(form, staff, client=None)
    form, page = _posted_form(staff, client=None)
    if page is not None:
        return page
    client = clients.create(db, user=current_user, values=form.clean)
    db.commit()
    flash(_("The client file is saved."), "success")
    return _after_save(db, client)


@bp.route("/<client_id>")
@allow(*CASE_ROLES)
def show(client_id):
    db = get_session()
    client = clients.open_file(db, user=current_user, client_id=client_id)
    db.commit()
    assigned = db.get(User, client.assigned_caseworker_id) if client.assigned_caseworker_id else None
    panels = render_panels(CLIENT_PANELS, session=db, user=current_user, client=client)
    statements = corrections.statements_by_field(corrections.for_client(db, client=client))
    return render("clients/show.html", client=client, assigned=assigned, panels=panels, statements=statements,
                  hidden=collection.hidden_fields(db, agency_id=current_user.agency_id, client=client),
                  collected=collection.collected_for(db, client_id=client.id),
                  field_labels=dict(policy_settings.OPTIONAL_FIELDS), **_labels())


@bp.route("/<client_id>/collect", methods=["POST"])
@allow(*CASE_ROLES)
def collect(client_id):
    """A field the policy held back at intake, asked now because an application needs it, with its purpose."""
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    field = request.form.get("field", "")
    try:
        collection.record(db, user=current_user, client=client, field=field, value=request.form.get("value", ""),
                          purpose=request.form.get("purpose", ""))
    except collection.CollectionError as error:
        db.rollback()
        flash(str(error), "error")
        return redirect(url_for("clients.show", client_id=client.id) + f"#collect-{field}", 303)
    clients.refresh_search_name(client)
    db.commit()
    flash(_("Recorded, with its purpose."), "success")
    return redirect(url_for("clients.show", client_id=client.id), 303)


@bp.route("/<client_id>/edit", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def edit(client_id):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    staff = clients.assignable_staff(db, agency_id=current_user.agency_id)
    if client.assigned_caseworker_id and all(user.id != client.assigned_caseworker_id for user in staff):
        # Keep a since-deactivated assignee selectable, so saving other fields does not fail.
        current = db.get(User, client.assigned_caseworker_id)
        if current is not None:
            staff.append(current)
    if request.method == "GET":
        form = clients.form_from_client(client)
        form.periods.append(dict(clients.BLANK_PERIOD))
        return _form_page(form, staff, client=client)
    form, page = _posted_form(staff, client=client)
    if page is not None:
        return page
    changed = clients.update(db, user=current_user, client=client, values=form.clean)
    db.commit()
    flash(_("Your changes are saved.") if changed else _("Nothing was changed."), "success")
    return _after_save(db, client)


@bp.route("/<client_id>/archive", methods=["POST"])
@allow(*CASE_ROLES)
def archive(client_id):
    return _set_archived(client_id, True)


@bp.route("/<client_id>/unarchive", methods=["POST"])
@allow(*CASE_ROLES)
def unarchive(client_id):
    return _set_archived(client_id, False)


def _set_archived(client_id, archived: bool):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    clients.set_archived(db, user=current_user, client=client, archived=archived)
    db.commit()
    flash(_("The client file is archived. It no longer shows in the client list.") if archived
          else _("The client file is back in the client list."), "success")
    return redirect(url_for("clients.show", client_id=client.id), 303)


def _posted_form(staff, *, client):
    """The posted client form, and the page to show instead of saving (rows changed, or errors), if any."""
    hidden = collection.hidden_fields(get_session(), agency_id=current_user.agency_id, client=client)
    form = clients.read_form(collection.keep_hidden(request.form.to_dict(), hidden=hidden, client=client))
    if clients.change_rows(form, request.form):
        return form, _form_page(form, staff, client=client, block="care_periods")
    clients.validate(form, staff_ids={str(user.id) for user in staff})
    if not form.ok:
        return form, _form_page(form, staff, client=client, status=422)
    return form, None


def _form_page(form, staff, *, client, status: int = 200, block: str | None = None):
    staff_options = [(str(user.id), f"{user.name}" + ("" if user.active else " " + _("(inactive)"))) for user in staff]
    return render(
        "clients/form.html",
        hidden=collection.hidden_fields(get_session(), agency_id=current_user.agency_id, client=client),
        block=block,
        status=status,
        form=form,
        client=client,
        action=url_for("clients.edit", client_id=client.id) if client else url_for("clients.new"),
        staff_options=staff_options,
        **_labels(),
    )


def _after_save(db, client: Client):
    """Show the saved file, unless the user just assigned it away from their own view."""
    visible = db.exec(access.scope(select(Client.id).where(Client.id == client.id), Client, current_user, db)).first()
    if visible is None:
        flash(_("It is assigned to another caseworker, so it no longer shows in your list."), "info")
        return redirect(url_for("clients.index"), 303)
    return redirect(url_for("clients.show", client_id=client.id), 303)


def _labels() -> dict:
    return {
        "status_options": [(str(key), label) for key, label in clients.STATUS_LABELS.items()],
        "care_options": [(str(key), label) for key, label in clients.CARE_LABELS.items()],
        "order_options": list(clients.ORDER_LABELS.items()),
        "status_labels": {str(k): v for k, v in clients.STATUS_LABELS.items()},
        "care_labels": {str(k): v for k, v in clients.CARE_LABELS.items()},
        "order_labels": clients.ORDER_LABELS,
    }
