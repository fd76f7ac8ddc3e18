"""Inviting a youth: one-time links that expire in 72 hours, QR or email, and sign-in by password or code."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from portal import mail
from portal.db import session_scope
from portal.models import Agency, Client, Invitation, Packet, Role, SignInCode, User, utcnow
from portal.youth import invitations
from tests.support.records import sign_in

LINK = re.compile(r"/me/join/([A-Za-z0-9_-]{20,})")


def _invite(app, youth_world, **kwargs):
    with app.app_context(), session_scope(app) as db:
        invitation, token = invitations.create_invitation(
            db, client=db.get(Client, youth_world.client.id), packet=db.get(Packet, youth_world.packet.id),
            by=db.get(User, youth_world.caseworker.id), **kwargs)
        return invitation.id, token


def test_only_the_hash_is_stored_and_the_link_lasts_72_hours(app, youth_world):
    invitation_id, token = _invite(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        row = db.get(Invitation, invitation_id)
        assert token not in row.token_hash and len(row.token_hash) == 64
        assert row.expires_at - row.created_at == timedelta(hours=72)


def test_an_invitation_works_once(app, youth_world):
    _id, token = _invite(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        accepted = invitations.accept_invitation(db, token=token, email="tomas@example.org", password="long enough pw",
                                                 confirm="long enough pw")
        assert accepted.created is False  # the fixture already made this client's account: it is re-opened
        assert accepted.user.client_id == youth_world.client.id
    with app.app_context(), session_scope(app) as db:
        with pytest.raises(invitations.InvitationError) as error:
            invitations.accept_invitation(db, token=token, email="tomas@example.org", password="another password",
                                          confirm="another password")
        assert error.value.errors["token"] is invitations.PROBLEMS["used"]


@pytest.mark.parametrize("offset, problem", [
    (timedelta(hours=71, minutes=59), None),
    (timedelta(hours=72), "expired"),
    (timedelta(days=5), "expired"),
])
def test_expiry_boundary(app, youth_world, offset, problem):
    _id, token = _invite(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        row = db.exec(select(Invitation)).one()
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=utcnow().tzinfo)
        _found, found_problem = invitations.find_invitation(db, token=token, now=created + offset)
        assert found_problem == problem


def test_revoked_and_unknown_links_do_not_work(app, youth_world, client):
    invitation_id, token = _invite(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        invitations.revoke_invitation(db, invitation=db.get(Invitation, invitation_id),
                                      by=db.get(User, youth_world.caseworker.id))
    response = client.get(f"/me/join/{token}")
    assert response.status_code == 410 and b"cancelled" in response.data
    response = client.get("/me/join/not-a-real-token-at-all")
    assert response.status_code == 404 and b"does not work" in response.data


def test_accepting_creates_the_account_linked_to_the_client(app, make, client):
    agency = make.agency()
    caseworker = make.user(agency)
    person = make.client(agency)
    packet = make.packet(person)
    with app.app_context(), session_scope(app) as db:
        _invitation, token = invitations.create_invitation(db, client=db.get(Client, person.id),
                                                           by=db.get(User, caseworker.id),
                                                           packet=db.get(Packet, packet.id))
    page = client.get(f"/me/join/{token}")
    assert page.status_code == 200 and b'name="password"' in page.data
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    short = client.post(f"/me/join/{token}", data={"csrf_token": csrf, "email": "new.youth@example.org",
                                                   "password": "short", "confirm": "short"})
    assert short.status_code == 422 and b"at least 10 characters" in short.data
    assert b"new.youth@example.org" in short.data  # what was typed is kept
    done = client.post(f"/me/join/{token}", data={"csrf_token": csrf, "email": "new.youth@example.org",
                                                  "password": "a long password", "confirm": "a long password"})
    assert done.status_code == 303 and f"/me/packets/{packet.id}" in done.headers["Location"]
    assert client.get(done.headers["Location"]).status_code == 200  # signed in as the youth
    with app.app_context(), session_scope(app) as db:
        user = db.exec(select(User).where(User.email == "new.youth@example.org")).one()
        assert user.role == Role.youth and user.client_id == person.id and user.agency_id == agency.id
    client.post("/sign-out", data={"csrf_token": csrf})
    again = client.get(f"/me/join/{token}")
    assert again.status_code == 410 and b"already used" in again.data


def test_staff_qr_invitation_is_shown_once(app, youth_world, client):
    auth = sign_in(client, youth_world.caseworker)
    response = auth.post("/invitations/new", data={"packet_id": str(youth_world.packet.id), "channel": "qr"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert b'src="data:image/png;base64,' in page.data
    assert LINK.search(page.get_data(as_text=True))
    again = client.get(response.headers["Location"])
    assert b"data:image/png" not in again.data and b"shown only once" in again.data


def test_email_invitation_carries_the_link_and_no_case_details(app, youth_world, client):
    auth = sign_in(client, youth_world.caseworker)
    bad = auth.post("/invitations/new", data={"packet_id": str(youth_world.packet.id), "channel": "email",
                                              "email": "nope"})
    assert bad.status_code == 422 and b"name@example.org" in bad.data
    response = auth.post("/invitations/new", data={"packet_id": str(youth_world.packet.id), "channel": "email",
                                                   "email": "tomas@example.org"})
    assert response.status_code == 303
    with app.app_context():
        messages = mail.outbox()
    assert len(messages) == 1
    body = messages[0].get_content()
    assert messages[0]["To"] == "tomas@example.org"
    assert LINK.search(body)
    for detail in ("Tomás", "Álvarez", "Alvarez", "0403", "citizenship"):
        assert detail not in body


def test_invitations_are_agency_scoped(app, youth_world, client):
    invitation_id, _token = _invite(app, youth_world)
    auth = sign_in(client, youth_world.outsider)
    assert auth.post("/invitations/new",
                     data={"packet_id": str(youth_world.packet.id), "channel": "qr"}).status_code == 404
    assert client.get(f"/invitations/{invitation_id}").status_code == 404
    assert auth.post(f"/invitations/{invitation_id}/revoke").status_code == 404


def test_a_youth_cannot_make_invitations(app, youth_world, client):
    auth = sign_in(client, youth_world.youth)
    assert auth.post("/invitations/new",
                     data={"packet_id": str(youth_world.packet.id), "channel": "qr"}).status_code == 404


# One-time codes ----------------------------------------------------------------------------------

@pytest.fixture
def code_sign_in_world(app, youth_world):
    with app.app_context(), session_scope(app) as db:
        db.get(Agency, youth_world.centre.id).youth_login_mode = "one_time_code"
    return youth_world


def _code_from_outbox(app) -> str:
    with app.app_context():
        body = mail.outbox()[-1].get_content()
    return re.search(r"code is (\d{6})", body).group(1)


def test_code_mode_join_needs_no_password(app, code_sign_in_world, client):
    _id, token = _invite(app, code_sign_in_world)
    page = client.get(f"/me/join/{token}")
    assert b'name="password"' not in page.data and b"short code" in page.data
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    done = client.post(f"/me/join/{token}", data={"csrf_token": csrf, "email": "tomas@example.org"})
    assert done.status_code == 303
    home = client.get("/me/")
    assert home.status_code == 200 and b"/me/sign-in" in home.data  # where to sign in next time


def test_code_sign_in_works_once_and_only_while_fresh(app, code_sign_in_world, client):
    page = client.get("/me/sign-in")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    email = code_sign_in_world.youth.email
    sent = client.post("/me/sign-in", data={"csrf_token": csrf, "action": "send", "email": email})
    assert sent.status_code == 200 and b'name="code"' in sent.data
    code = _code_from_outbox(app)
    wrong = client.post("/me/sign-in", data={"csrf_token": csrf, "action": "verify", "email": email,
                                             "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422
    right = client.post("/me/sign-in", data={"csrf_token": csrf, "action": "verify", "email": email, "code": code})
    assert right.status_code == 303
    assert client.get("/me/").status_code == 200
    with app.app_context(), session_scope(app) as db:
        assert invitations.verify_code(db, email=email, code=code) is None  # used


def test_code_expires_and_locks_after_five_wrong_tries(app, code_sign_in_world):
    email = code_sign_in_world.youth.email
    with app.app_context(), session_scope(app) as db:
        invitations.request_code(db, email=email, ip="10.0.0.1", link="http://x/me/sign-in")
    code = _code_from_outbox(app)
    with app.app_context(), session_scope(app) as db:
        later = utcnow() + invitations.CODE_LIFETIME + timedelta(seconds=1)
        assert invitations.verify_code(db, email=email, code=code, now=later) is None
    with app.app_context(), session_scope(app) as db:
        for _ in range(invitations.CODE_TRIES):
            assert invitations.verify_code(db, email=email, code="999999" if code != "999999" else "888888") is None
    with app.app_context(), session_scope(app) as db:
        assert invitations.verify_code(db, email=email, code=code) is None  # locked, even with the right code


def test_code_requests_are_throttled(app, code_sign_in_world, client):
    page = client.get("/me/sign-in")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    for _ in range(invitations.CODES_PER_WINDOW):
        assert client.post("/me/sign-in", data={"csrf_token": csrf, "action": "send",
                                                "email": code_sign_in_world.youth.email}).status_code == 200
    throttled = client.post("/me/sign-in", data={"csrf_token": csrf, "action": "send",
                                                 "email": code_sign_in_world.youth.email})
    assert throttled.status_code == 429 and b"wait" in throttled.data
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(SignInCode)).all()) == invitations.CODES_PER_WINDOW


def test_unknown_email_gets_the_same_answer_and_no_mail(app, code_sign_in_world, client):
    page = client.get("/me/sign-in")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    response = client.post("/me/sign-in", data={"csrf_token": csrf, "action": "send", "email": "nobody@example.org"})
    assert response.status_code == 200 and b'name="code"' in response.data
    with app.app_context():
        assert mail.outbox() == []


def test_password_mode_accounts_cannot_use_codes(app, youth_world):
    with app.app_context(), session_scope(app) as db:
        invitations.request_code(db, email=youth_world.youth.email, ip="10.0.0.2", link="http://x/")
        assert db.exec(select(SignInCode)).all() == []


# Email through SMTP, and when the mail server is down ---------------------------------------------

class FakeSMTP:
    """Just enough of an SMTP server, in a thread, to receive one message."""

    def __init__(self):
        import socket
        import threading

        self.received = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        connection, _address = self.server.accept()
        stream = connection.makefile("rwb")

        def reply(line):
            stream.write(line.encode() + b"\r\n")
            stream.flush()

        reply("220 fake")
        data = None
        for raw in stream:
            line = raw.decode().rstrip("\r\n")
            if data is not None:
                if line == ".":
                    self.received.append("\n".join(data))
                    data = None
                    reply("250 queued")
                else:
                    data.append(line)
            elif line.upper().startswith(("EHLO", "HELO")):
                reply("250 fake")
            elif line.upper() == "DATA":
                data = []
                reply("354 go ahead")
            elif line.upper() == "QUIT":
                reply("221 bye")
                break
            else:
                reply("250 ok")
        connection.close()
        self.server.close()


def test_mail_goes_through_smtp_when_configured(app, monkeypatch):
    server = FakeSMTP()
    monkeypatch.setenv("PASSAGE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PASSAGE_SMTP_PORT", str(server.port))
    monkeypatch.setenv("PASSAGE_SMTP_STARTTLS", "false")
    with app.app_context():
        assert mail.send(to="someone@example.org", subject="Referral REF-AAAA-BBBB", body="Reference only") == "smtp"
        assert mail.outbox() == []
    server.thread.join(timeout=5)
    assert len(server.received) == 1 and "Reference only" in server.received[0]


def test_mail_server_down(app, youth_world, client, monkeypatch):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("PASSAGE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PASSAGE_SMTP_PORT", str(closed_port))
    auth = sign_in(client, youth_world.caseworker)
    response = auth.post("/invitations/new", data={"packet_id": str(youth_world.packet.id), "channel": "email",
                                                   "email": "tomas@example.org"})
    assert (response.status_code == 503 and b"could not be sent" in response.data
            and b"tomas@example.org" in response.data)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Invitation)).all() == []
