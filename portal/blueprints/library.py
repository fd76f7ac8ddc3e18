"""The resource library: guides for youth and families, practice notes for staff; read, search, print, write."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal import validation
from portal.db import get_session
from portal.documents.leaflets import render_leaflet
from portal.forms import PACKET_TYPES
from portal.i18n import gettext as _
from portal.library import guides
from portal.models import CASE_ROLES, Role
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("library", __name__, url_prefix="/library")
READERS = (*CASE_ROLES, Role.youth)


def _options() -> dict:
    types = sorted(((key, str(packet_type.title)) for key, packet_type in PACKET_TYPES.items()),
                   key=lambda item: item[1])
    return {"languages": guides.LANGUAGES, "audiences": guides.AUDIENCES, "packet_types": types,
            "type_titles": dict(types), "audience_labels": dict(guides.AUDIENCES)}


@bp.route("/")
@allow(*READERS)
def index():
    db = get_session()
    options = _options()
    args = {name: validation.clean_text(request.args.get(name, ""))[:100] for name in ("q", "language", "type",
                                                                                       "audience")}
    if args["language"] not in dict(guides.LANGUAGES):
        args["language"] = ""
    if args["type"] not in options["type_titles"]:
        args["type"] = ""
    if args["audience"] not in dict(guides.AUDIENCES) or current_user.role == Role.youth:
        args["audience"] = ""
    found = guides.search(db, user=current_user, words=args["q"], language=args["language"],
                          packet_type=args["type"], audience=args["audience"])
    if not args["language"]:  # each guide once, in the reader's language where it is written in it
        found = guides.one_per_slug(found, str(get_locale() or "en"))
    return render("library/index.html", block="results", found=found, args=args, **options)


@bp.route("/<guide_id>")
@allow(*READERS)
def show(guide_id):
    db = get_session()
    guide = guides.get(db, user=current_user, guide_id=guide_id)
    return render("library/show.html", guide=guide, body=guides.to_html(guide.body),
                  sources=guides.to_html(guide.sources), translations=guides.translations(db, guide=guide),
                  **_options())


@bp.route("/<guide_id>.pdf")
@allow(*READERS)
def pdf(guide_id):
    db = get_session()
    guide = guides.get(db, user=current_user, guide_id=guide_id)
    html = render_template("library/print.html", guide=guide, body=guides.to_html(guide.body),
                           sources=guides.to_html(guide.sources), **_options())
    data = render_leaflet(html, app=current_app._get_current_object())
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{guide.slug}-{guide.language}.pdf"',
        "Cache-Control": "private, no-store"})


def _form_page(form, *, guide=None, status=200):
    return render("library/form.html", block="form", status=status, form=form, guide=guide, **_options())


@bp.route("/new", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def new():
    if request.method == "GET":
        language = str(get_locale() or "en")[:2]
        return _form_page(validation.FormResult(values={"language": language if language in ("en", "fr") else "en",
                                                        "audience": "youth", "published": "yes"}))
    return _save(None)


@bp.route("/<guide_id>/edit", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def edit(guide_id):
    db = get_session()
    guide = guides.get(db, user=current_user, guide_id=guide_id)
    if request.method == "GET":
        values = {name: getattr(guide, name) for name in guides.FIELDS}
        values["published"] = "yes" if guide.published else ""
        return _form_page(validation.FormResult(values=values), guide=guide)
    return _save(guide)


def _save(guide):
    db = get_session()
    form = guides.read_form(request.form, packet_types=set(PACKET_TYPES))
    if form.ok and guides.slug_taken(db, agency_id=current_user.agency_id, slug=form.clean["slug"],
                                     language=form.clean["language"], other_than=guide.id if guide else None):
        form.errors["slug"] = _("Short name: another guide in this language already uses it. "
                                "Choose another, or edit that guide.")
    if not form.ok:
        return _form_page(form, guide=guide, status=422)
    guide = guides.save(db, user=current_user, clean=form.clean, guide=guide)
    db.commit()
    flash(_("The guide is saved."), "success")
    return redirect(url_for("library.show", guide_id=guide.id), 303)
