"""Operations commands: `flask --app portal <command>`. The names are part of the documented interface."""
import getpass
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import select
from werkzeug.serving import run_simple

from portal import audit, queue
from portal.accounts import users
from portal.accounts.agencies import AgencyError, create
from portal.db import session_scope
from portal.demo import DEMO_LOGINS, demo_totp_secret, print_logins, seed
from portal.documents import cli as documents_cli
from portal.documents import maintenance
from portal.library import starter
from portal.migrate import upgrade
from portal.models import Agency, Role
from portal.records import cli as records_cli


def init_app(app: Flask) -> None:
    for command in (db_upgrade, create_agency, create_user, seed_demo, serve, verify_audit, library_starter, demo_code):
        app.cli.add_command(command)
    for command in (documents_cli.list_packets, documents_cli.render_packet):
        app.cli.add_command(command)
    for command in records_cli.COMMANDS:
        app.cli.add_command(command)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade():
    """Apply every database migration (safe to run again)."""
    upgrade(current_app)
    click.echo("Database is up to date.")


@click.command("verify-audit")
@with_appcontext
def verify_audit():
    """Check every audit event and every checkpoint (nothing is written); exits 1 when something is wrong."""
    with session_scope() as session:
        report = audit.verify(session)
    for problem in report.problems:
        click.echo(f"Problem at {problem}", err=True)
    if not report.ok:
        click.echo(f"The audit log was altered: the first problem is at {report.first}.", err=True)
        sys.exit(1)
    click.echo(f"The audit log is whole: {report.rows} events, {report.checkpoints} checkpoints"
               + (f", {report.waiting} waiting to be chained by the next audited action." if report.waiting else "."))


@click.command("create-agency")
@click.argument("slug")
@click.argument("name")
@with_appcontext
def create_agency(slug, name):
    """Create an agency with a short SLUG (letters, digits, hyphens) and a display NAME."""
    with session_scope() as session:
        try:
            agency = create(session, slug=slug, name=name)
        except AgencyError as error:
            raise click.ClickException(str(error)) from error
        added = starter.install(session, agency=agency)
        click.echo(f"Created agency {agency.slug} ({agency.id}), with {added} starter guides in its library.")


@click.command("create-user")
@click.argument("email")
@click.option("--agency", "agency_slug", required=True, help="The agency's slug.")
@click.option("--role", type=click.Choice([str(r) for r in Role]), required=True)
@click.option("--name", default="", help="Display name (defaults to the part of the email before @).")
@click.option("--password", default=None, help="Prompted for when not given.")
@with_appcontext
def create_user(email, agency_slug, role, name, password):
    """Create a user of an agency with a role."""
    with session_scope() as session:
        agency = session.exec(select(Agency).where(Agency.slug == agency_slug)).first()
        if agency is None:
            raise click.ClickException(f"No agency with the slug {agency_slug!r}. Create it with create-agency first.")
        if password is None:
            if not sys.stdin.isatty():
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("Password: ")
                if getpass.getpass("Repeat password: ") != password:
                    raise click.ClickException("The passwords did not match.")
        if len(password) < 10:
            raise click.ClickException("Please choose a password of at least 10 characters.")
        try:
            user = users.create_user(
                session, agency_id=agency.id, email=email, name=name or email.split("@")[0], role=role,
                password=password,
            )
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Created {role} {user.email} in {agency.slug}.")


@click.command("seed-demo")
@click.option("--brief", is_flag=True, help="Say the data is loaded, without the sign-ins (`make run` prints them "
              "when the portal starts).")
@with_appcontext
def seed_demo(brief):
    """Load demo agencies, users and clients (idempotent) and print the demo sign-ins."""
    with session_scope() as session:
        logins = seed(session)
    if brief:
        click.echo("Demo data loaded.")
    else:
        print_logins(logins, echo=click.echo)


@click.command("demo-code")
@click.argument("email")
def demo_code(email):
    """Print the current sign-in code of a demo manager or admin (demo secrets only)."""
    import pyotp  # deferred: only this demo helper needs it at the command line

    click.echo(pyotp.TOTP(demo_totp_secret(email.strip().lower())).now())


@click.command("serve")
@click.option("--host", default="127.0.0.1", envvar="HOST")
@click.option("--port", default=5000, type=int, envvar="PORT")
@with_appcontext
def serve(host, port):
    """Run the portal (and, with no REDIS_URL, an in-process worker) for a single machine."""
    app = current_app._get_current_object()
    app.config["SHOW_DEMO_LOGINS"] = app.config["ENV_NAME"] != "production"
    if queue.is_embedded(app):
        queue.start_embedded_worker(app, tick=lambda: maintenance.tick(app))
        click.echo("Jobs run in this process (no REDIS_URL set).")
    click.echo("")
    click.echo(f"Passage is running at http://{host}:{port}/")
    print_logins(DEMO_LOGINS, echo=click.echo)
    click.echo("Press Ctrl+C to stop.")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.command("library-starter")
@click.argument("agency_slug")
@with_appcontext
def library_starter(agency_slug):
    """Add the starter guides an agency does not have yet (edited guides are never overwritten)."""
    with session_scope() as session:
        agency = session.exec(select(Agency).where(Agency.slug == agency_slug)).first()
        if agency is None:
            raise click.ClickException(f"No agency with the short name {agency_slug!r}.")
        added = starter.install(session, agency=agency)
        click.echo(f"Added {added} starter guides to {agency.slug}.")
