"""Demo data: two agencies, users of every role, clients in every situation, packets in every state.

Each step module has seed(session, ctx) and is idempotent: running seed-demo twice changes nothing.
"""
from sqlmodel import Session

from portal.demo import citizenship as citizenship_packets
from portal.demo import community, evidence, library, lifecycle, new_routes, people, staff_mfa, status_packets
from portal.demo.staff_mfa import demo_totp_secret

# Demo sign-ins printed by `make run` and `seed-demo`. Demo only: never use these on real data.
DEMO_PASSWORD = "passage-demo-2026"
DEMO_LOGINS = [
    ("manager@peel.demo", "manager", "Peel Children's Aid Society (CWICE)"),
    ("caseworker@peel.demo", "caseworker", "Peel Children's Aid Society (CWICE)"),
    ("admin@peel.demo", "admin", "Peel Children's Aid Society (CWICE)"),
    ("youth@peel.demo", "youth", "Peel Children's Aid Society (CWICE)"),
    ("manager@jhs.demo", "manager", "John Howard Society – Community Case Management"),
    ("caseworker@jhs.demo", "caseworker", "John Howard Society – Community Case Management"),
]

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "demo_totp_secret", "print_logins", "seed"]

# new_routes after lifecycle: the lifecycle spreads its packets over the people step's clients only
STEPS = [people, staff_mfa, citizenship_packets, status_packets, lifecycle, new_routes, community, evidence, library]


def seed(session: Session) -> list:
    context: dict = {"password": DEMO_PASSWORD}
    for step in STEPS:
        step.seed(session, context)
        session.flush()
    return DEMO_LOGINS


def print_logins(logins, echo=print) -> None:
    echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for email, role, agency in logins:
        echo(f"  {role:<11} {email:<24} {agency}")
    echo("Managers and admins also enter a 6-digit code. Add the secret to an authenticator app, or run")
    echo("  PYTHONPATH=. .venv/bin/flask --app portal demo-code EMAIL")
    for email, role, _agency in logins:
        if role in ("manager", "admin"):
            echo(f"  {email:<24} secret {demo_totp_secret(email)}")
