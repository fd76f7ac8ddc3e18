"""The operations commands, through Flask's CLI runner."""
import pytest
from sqlmodel import func, select

from portal.accounts import users
from portal.db import session_scope
from portal.models import Agency, Client, User


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _count(app, model) -> int:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def test_create_agency(runner, app):
    result = runner.invoke(args=["create-agency", "halton-cas", "Halton Children's Aid Society"])
    assert result.exit_code == 0, result.output
    assert "Created agency halton-cas" in result.output
    with app.app_context(), session_scope(app) as db:
        agency = db.exec(select(Agency).where(Agency.slug == "halton-cas")).one()
        assert agency.name == "Halton Children's Aid Society"


@pytest.mark.parametrize("slug, name, message", [
    ("Bad Slug!", "Name", "slug uses"),
    ("ok-slug", "   ", "give the agency a name"),
])
def test_create_agency_refuses_bad_input(runner, slug, name, message):
    result = runner.invoke(args=["create-agency", slug, name])
    assert result.exit_code != 0 and message in result.output


def test_create_agency_refuses_a_duplicate_slug(runner, app):
    assert runner.invoke(args=["create-agency", "halton-cas", "Halton"]).exit_code == 0
    result = runner.invoke(args=["create-agency", "halton-cas", "Halton again"])
    assert result.exit_code != 0 and "already exists" in result.output
    assert _count(app, Agency) == 1


def test_create_user_with_password_option(runner, app):
    runner.invoke(args=["create-agency", "halton-cas", "Halton"])
    result = runner.invoke(args=["create-user", "Worker@Halton.example", "--agency", "halton-cas",
                                 "--role", "caseworker", "--name", "Wanjiru Kamau",
                                 "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    with app.app_context(), session_scope(app) as db:
        user = db.exec(select(User).where(User.email == "worker@halton.example")).one()
        assert user.role == "caseworker" and user.name == "Wanjiru Kamau"
        assert users.password_matches(user.password_hash, "a long enough password")
        assert "a long enough password" not in user.password_hash


def test_create_user_reads_the_password_from_stdin_when_not_given(runner, app):
    runner.invoke(args=["create-agency", "halton-cas", "Halton"])
    result = runner.invoke(args=["create-user", "m@halton.example", "--agency", "halton-cas", "--role", "manager"],
                           input="typed at the prompt\n")
    assert result.exit_code == 0, result.output
    with app.app_context(), session_scope(app) as db:
        user = db.exec(select(User).where(User.email == "m@halton.example")).one()
        assert users.password_matches(user.password_hash, "typed at the prompt")
        assert user.name == "m"


@pytest.mark.parametrize("args, message", [
    (["x@halton.example", "--agency", "nowhere", "--role", "caseworker", "--password", "long enough pw"], "No agency"),
    (["x@halton.example", "--agency", "halton-cas", "--role", "king", "--password", "long enough pw"], "Invalid value"),
    (["x@halton.example", "--agency", "halton-cas", "--role", "caseworker", "--password", "short"], "at least 10"),
])
def test_create_user_refuses_bad_input(runner, app, args, message):
    runner.invoke(args=["create-agency", "halton-cas", "Halton"])
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code != 0 and message in result.output
    assert _count(app, User) == 0


def test_create_user_refuses_a_duplicate_email(runner, app):
    runner.invoke(args=["create-agency", "halton-cas", "Halton"])
    args = ["create-user", "dup@halton.example", "--agency", "halton-cas", "--role", "caseworker",
            "--password", "long enough pw"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=[*args[:1], "DUP@halton.example", *args[2:]])
    assert result.exit_code != 0 and "already exists" in result.output
    assert _count(app, User) == 1


def test_seed_demo_is_idempotent(runner, app):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "manager@peel.demo" in first.output and "passage-demo-2026" in first.output
    counts = {model: _count(app, model) for model in (Agency, User, Client)}
    assert counts[Agency] == 2 and counts[Client] >= 30
    second = runner.invoke(args=["seed-demo", "--brief"])  # as `make run` calls it, before printing the sign-ins
    assert second.exit_code == 0, second.output
    assert "Demo data loaded." in second.output and "manager@peel.demo" not in second.output
    assert {model: _count(app, model) for model in (Agency, User, Client)} == counts


def test_seed_demo_names_use_several_scripts(runner, app):
    runner.invoke(args=["seed-demo"])
    with app.app_context(), session_scope(app) as db:
        names = " ".join(c.family_name + " " + c.given_names for c in db.exec(select(Client)))
    ranges = {"arabic": (0x0600, 0x06FF), "cjk": (0x4E00, 0x9FFF), "cyrillic": (0x0400, 0x04FF),
              "devanagari": (0x0900, 0x097F), "hangul": (0xAC00, 0xD7AF)}
    for script, (low, high) in ranges.items():
        assert any(low <= ord(ch) <= high for ch in names), script


def test_db_upgrade_is_safe_to_run_twice(tmp_path):
    from portal import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
                      "DATA_DIR": str(tmp_path / "d")})
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["db-upgrade"])
        assert result.exit_code == 0 and "up to date" in result.output, result.output
    assert _count(app, Agency) == 0


def test_seed_demo_care_periods_are_valid(runner, app):
    from datetime import date

    from portal.casework.clients import ORDER_LABELS

    runner.invoke(args=["seed-demo"])
    with app.app_context(), session_scope(app) as db:
        clients = db.exec(select(Client)).all()
        for client in clients:
            for period in client.care_periods:
                start = date.fromisoformat(period["start"])
                assert client.date_of_birth <= start <= date.today()
                assert period["end"] is None or start <= date.fromisoformat(period["end"]) <= date.today()
                assert period["order"] in ORDER_LABELS
        tesfaye = next(c for c in clients if c.family_name == "Tesfaye")
        days = sum((date.fromisoformat(p["end"]) - date.fromisoformat(p["start"])).days for p in tesfaye.care_periods)
        assert 3.9 * 365 < days < 4.1 * 365


def test_verify_audit_reports_a_whole_chain_and_an_altered_one(app, runner):
    from sqlalchemy import text

    from portal import audit
    from portal.db import session_scope

    with app.app_context(), session_scope(app) as db:
        for n in range(3):
            audit.record(db, action="client.viewed", record_type="client", record_id=f"c{n}")
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0 and "whole" in result.output
    with app.app_context(), session_scope(app) as db:
        db.exec(text("UPDATE auditevent SET detail = 'edited' WHERE seq = 2"))
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1 and "first problem is at event" in result.output and "(seq 2)" in result.output
