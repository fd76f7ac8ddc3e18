"""The manager's dashboard, the filtered packet list, exports, and reassigning a client file."""
from datetime import date

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from portal import listing, validation
from portal.access import get_or_404
from portal.casework import assignment, deadlines
from portal.db import get_session
from portal.forms import PACKET_TYPES, get_packet_type
from portal.i18n import gettext as _
from portal.i18n import pgettext
from portal.models import Client, PacketStatus, Role
from portal.packets import completeness, lifecycle
from portal.policy import disclosures
from portal.policy import settings as policy_settings
from portal.referrals import consultations
from portal.reporting import exports, pipeline
from portal.web import charts
from portal.web.guards import allow
from portal.web.rendering import render, wants_fragment

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
DEADLINES_COUNTED = 200  # the dashboard lists the 15 most urgent and counts up to this many


def _packet_types() -> list[tuple[str, str]]:
    """(key, title) of every registered packet type, by title."""
    return sorted(((key, str(packet_type.title)) for key, packet_type in PACKET_TYPES.items()),
                  key=lambda item: item[1])


def _filters(db):
    staff = assignment.caseworkers(db, agency_id=current_user.agency_id)
    types = _packet_types()
    filters, errors = pipeline.Filters.read(request.args, caseworker_ids={user_id for user_id, _name in staff},
                                            packet_types={key for key, _t in types})
    values = {key: validation.clean_text(request.args.get(key, "")) for key in ("caseworker", "type", "from", "to",
                                                                                   "status")}
    # Labels translated once here, not once per row in the tables.
    return filters, errors, values, {"staff": staff, "packet_types": types,
                                     "type_titles": dict(types),
                                     "status_labels": {key: str(label)
                                                       for key, label in lifecycle.STATUS_LABELS.items()},
                                     "outcome_labels": {key: str(label)
                                                        for key, label in lifecycle.OUTCOME_LABELS.items()}}


@bp.route("/")
@allow(Role.manager)
def index():
    db = get_session()
    filters, errors, values, options = _filters(db)
    fingerprint = pipeline.agency_fingerprint(db, current_user.agency_id)  # one read for both values below
    board = pipeline.build_cached(db, user=current_user, filters=filters, fingerprint=fingerprint)
    every = pipeline.reused(db, user=current_user, key=("deadlines", filters.caseworker_id, date.today()),
                             fingerprint=fingerprint,
                             make=lambda: deadlines.deadlines_for(db, user=current_user,
                                                                  caseworker_id=filters.caseworker_id,
                                                                  limit=DEADLINES_COUNTED))
    context = dict(options, board=board, filters=filters, errors=errors, values=values, upcoming=every[:15],
                   deadline_count=len(every), deadlines_capped=len(every) >= DEADLINES_COUNTED,
                   today=date.today(), query=filters.query_args(),
                   overrides=lifecycle.agency_overrides(db, agency_id=current_user.agency_id),
                   gate_labels=completeness.GATE_LABELS,
                   consultation_counts=consultations.counts(db, user=current_user, start=filters.date_from,
                                                            end=filters.date_to),
                   topic_labels={key: str(label) for key, label in consultations.TOPICS})
    if errors:
        return render("dashboard/index.html", block="results", status=422, charts=_charts(board, options), **context)
    context["results_html"] = _results_html(board, every, context, options)
    if wants_fragment():
        return context["results_html"], 200
    return render("dashboard/index.html", **context)


# The results as HTML, kept with the board they show: drawing the charts and tables again for the same
# board and the same deadlines would give the same page.
_results: dict = {}


def _results_html(board, every, context, options) -> Markup:
    key = (current_user.agency_id, context["filters"], str(get_locale()))
    counted = context["consultation_counts"]
    same = (tuple(every[:15]), len(every), context["today"], counted["total"], tuple(counted["by_agency"]),
            tuple(counted["by_topic"]))
    kept = _results.get(key)
    if kept is not None and kept[0] is board and kept[1] == same:
        return kept[2]
    html = Markup(render_block("dashboard/index.html", "results", charts=_charts(board, options), **context))
    if len(_results) >= 256:
        _results.clear()
    _results[key] = (board, same, html)
    return html


def _form_label(key: str, titles: dict) -> str:
    try:
        # "IMM 0008 (guide IMM 0204)" -> "IMM 0008"; "IMM 0008 / IMM 5283" -> "IMM 5283", the form that sets it apart.
        return get_packet_type(key).form_code.split(" (")[0].split(" / ")[-1]
    except KeyError:
        return titles.get(key, key)


def _charts(board, options) -> dict:
    labels = options["status_labels"]
    titles = options["type_titles"]
    return {
        "statuses": charts.bar_chart(title=_("Packets by state"),
                                     rows=[(str(labels[status]), n) for status, n in board.statuses]),
        # Form codes label the bars: several titles start alike ("Citizenship for ...") and would clip the same.
        "types": charts.bar_chart(title=_("Packets by type"),
                                  rows=[(_form_label(key, titles), n) for key, n in board.types], css="chart--types"),
        "time": charts.bar_chart(
            title=_("Average days in each state (stays finished in the last 12 months)"),
            rows=[(str(labels[status]), avg or 0) for status, _done, avg, _now, _so_far in board.time_in_state
                  if status not in (PacketStatus.decided, PacketStatus.withdrawn)],
            unit=pgettext("days, after a number on a chart", "\u00a0d"), css="chart--time"),
        "outcomes": charts.stacked_columns(
            title=_("IRCC decisions by month"), categories=[month for month, *_rest in board.outcomes],
            series=[(_("Approved"), [row[1] for row in board.outcomes]),
                    (_("Refused"), [row[2] for row in board.outcomes]),
                    (_("Returned as incomplete"), [row[3] for row in board.outcomes])],
            css="chart--outcomes"),
    }


@bp.route("/packets")
@allow(Role.manager)
def packets():
    db = get_session()
    filters, errors, values, options = _filters(db)
    page = pipeline.packet_page(db, user=current_user, filters=filters,
                                page=listing.page_number(request.args.get("page")))
    return render("dashboard/packets.html", block="results", status=422 if errors else 200, **options,
                  page=page, filters=filters, errors=errors, values=values, query=filters.query_args())


@bp.route("/packets.csv")
@allow(Role.manager)
def packets_csv():
    """Names leave the agency in this file: it asks who receives it and on what basis, and records that first."""
    db = get_session()
    recipient, basis, citation = disclosures.read_basis(request.args)
    recipient_name = validation.clean_text(request.args.get("recipient_name", ""))[:200]
    if "basis" not in request.args:
        return _basis_page()
    try:
        disclosures.record(db, user=current_user, agency_id=current_user.agency_id, kind="export",
                           recipient=recipient, recipient_name=recipient_name, basis=basis, citation=citation,
                           detail="packet list CSV")
    except disclosures.DisclosureRefused as refused:
        db.rollback()
        return _basis_page(status=422, errors={refused.field: str(refused)})
    return _export(exports.packet_list_csv, "packets", on_error=packets)


def _basis_page(*, status=200, errors=None):
    filters = {key: value for key, value in request.args.items()
               if key not in ("recipient", "recipient_name", "basis", "citation")}
    return render("dashboard/export_basis.html", status=status, errors=errors or {}, filters=filters,
                  values=request.args, recipients=policy_settings.RECIPIENTS, bases=policy_settings.BASES)


@bp.route("/research-consultations.csv")
@allow(Role.manager)
def research_consultations_csv():
    return _anonymised(exports.consultation_research_csv, "research-consultations")


@bp.route("/research.csv")
@allow(Role.manager)
def research_csv():
    return _anonymised(exports.research_csv, "research-counts")


def _anonymised(build, stem: str):
    """Counts without names still leave the agency: recorded as anonymised, if the policy allows it."""
    db = get_session()
    try:
        disclosures.record(db, user=current_user, agency_id=current_user.agency_id, kind="export",
                           recipient="researcher", basis="anonymised", detail=stem)
    except disclosures.DisclosureRefused as refused:
        db.rollback()
        flash(str(refused), "error")
        return redirect(url_for("dashboard.index"), 303)
    return _export(build, stem, on_error=index)


def _export(build, stem: str, *, on_error):
    """A CSV of the filtered packets (the export is audited by `build`); bad filters show the page with errors."""
    db = get_session()
    filters, errors, _values, _options = _filters(db)
    if errors:
        return on_error()
    text = build(db, user=current_user, filters=filters)
    db.commit()
    return _download(text, f"{stem}-{date.today().isoformat()}.csv")


def _download(text: str, filename: str) -> Response:
    response = Response("\ufeff" + text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/clients/<client_id>/reassign", methods=["POST"])
@allow(Role.manager)
def reassign_client(client_id):
    db = get_session()
    client = get_or_404(db, Client, client_id, current_user)
    try:
        assignment.reassign_client(db, client=client, to_user_id=request.form.get("caseworker_id", ""), by=current_user,
                                  with_packets=request.form.get("with_packets") == "yes")
    except assignment.ReassignError as error:
        db.rollback()
        staff = assignment.caseworkers(db, agency_id=client.agency_id)
        return render("dashboard/reassign.html", status=422, client=client, staff=staff, error=str(error),
                      values=request.form)
    db.commit()
    flash(_("The client file has a new caseworker."), "success")
    return redirect(url_for("clients.show", client_id=client.id), code=303)

