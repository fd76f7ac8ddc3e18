"""Reading records back in tests, as they are in the database now, and signing in as someone."""
from datetime import date, timedelta

from portal.db import session_scope
from tests.support.app import PASSWORD, Auth


def years_ago(years: int, days: int = 0) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - years) - timedelta(days=days)
    except ValueError:
        return today.replace(year=today.year - years, day=28) - timedelta(days=days)


def fresh(app, model, record_id):
    """A detached copy of a row as it is in the database now."""
    with app.app_context(), session_scope(app) as session:
        row = session.get(model, record_id)
        session.expunge(row)
        return row


def sign_in(client, user, password: str = PASSWORD) -> Auth:
    auth = Auth(client)
    response = auth.login(user, password)
    assert response.status_code == 303, response.data[:500]
    return auth
