"""The youth's own signature: typed name and date, recorded with time and account, voided by a changed answer."""
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import Client, Packet, PacketEvent, Signature, User
from portal.packets import signatures
from portal.packets.answers import save_answers
from tests.support.records import complete_packet, sign_in, years_ago


@pytest.mark.parametrize("typed, ok", [
    ("Tomás Álvarez Ruiz", True),
    ("tomas alvarez ruiz", True),  # case and accents do not matter
    ("ÁLVAREZ RUIZ TOMÁS", True),  # nor the order
    ("  Tomás   Álvarez-Ruiz ", True),  # nor spacing or hyphens
    ("Tom Alvarez", True),  # another name on file
    ("Tomás Álvarez", False),  # a part missing
    ("Tomás Álvarez Ruiz Jr", False),  # a part too many
    ("Someone Else", False),
    ("", False),
])
def test_name_must_match_the_name_on_file(typed, ok):
    client = Client(family_name="Álvarez Ruiz", given_names="Tomás", other_names="Tom Alvarez",
                    date_of_birth=date(2010, 1, 1))
    assert signatures.name_matches(typed, client) is ok


def test_names_in_other_scripts_match():
    client = Client(family_name="梁", given_names="伟 Wei", other_names="Liang Wei", date_of_birth=date(2010, 1, 1))
    assert signatures.name_matches("伟 Wei 梁", client)
    assert signatures.name_matches("wei liang", client)
    assert not signatures.name_matches("Wei", client)


def _sign(app, youth_world, **overrides):
    with app.app_context(), session_scope(app) as db:
        values = dict(signer_key="minor", typed_name="Tomás Álvarez Ruiz", signed_on=date.today().isoformat(),
                      confirmed=True)
        values.update(overrides)
        return signatures.sign(db, packet=db.get(Packet, youth_world.packet.id),
                               user=db.get(User, youth_world.youth.id), **values).id


def test_signature_is_recorded_with_time_and_account(app, youth_world):
    _sign(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        found = signatures.signatures_for(db, packet=db.get(Packet, youth_world.packet.id))
        assert set(found) == {"minor"}
        assert found["minor"]["name"] == "Tomás Álvarez Ruiz"
        assert found["minor"]["method"] == "typed"
        assert found["minor"]["user_id"] == youth_world.youth.id
        assert found["minor"]["signed_at"] is not None
        assert db.exec(select(PacketEvent).where(PacketEvent.kind == "signature")).one()


@pytest.mark.parametrize("overrides, field", [
    ({"typed_name": "Somebody Else"}, "typed_name"),
    ({"typed_name": ""}, "typed_name"),
    ({"signed_on": "2001-01-01"}, "signed_on"),
    ({"signed_on": "yesterday"}, "signed_on"),
    ({"confirmed": False}, "confirm"),
    ({"signer_key": "authorised_person"}, "signer"),  # not the youth's to sign
])
def test_bad_signatures_are_refused_with_a_reason(app, youth_world, overrides, field):
    with pytest.raises(signatures.SignatureError) as error:
        _sign(app, youth_world, **overrides)
    assert field in error.value.errors


def test_only_the_youth_of_the_packet_can_sign(app, youth_world):
    with app.app_context(), session_scope(app) as db:
        with pytest.raises(signatures.SignatureError):
            signatures.sign(db, packet=db.get(Packet, youth_world.packet.id),
                            user=db.get(User, youth_world.caseworker.id), signer_key="minor",
                            typed_name="Tomás Álvarez Ruiz", signed_on=date.today().isoformat(), confirmed=True)
        with pytest.raises(signatures.SignatureError):
            signatures.sign(db, packet=db.get(Packet, youth_world.other_packet.id),
                            user=db.get(User, youth_world.youth.id), signer_key="minor",
                            typed_name="Tomás Álvarez Ruiz", signed_on=date.today().isoformat(), confirmed=True)


def test_a_youth_under_14_has_no_signature_to_give(app, make):
    agency = make.agency()
    person = make.client(agency, family_name="Kim", given_names="Jiwoo", date_of_birth=years_ago(12))
    youth = make.user(agency, role="youth", client_id=person.id)
    packet = make.packet(person, "cit_0403")
    with app.app_context(), session_scope(app) as db:
        assert signatures.signature_states(db, packet=db.get(Packet, packet.id)) == []
        with pytest.raises(signatures.SignatureError) as error:
            signatures.sign(db, packet=db.get(Packet, packet.id), user=db.get(User, youth.id), signer_key="minor",
                            typed_name="Jiwoo Kim", signed_on=date.today().isoformat(), confirmed=True)
        assert "signer" in error.value.errors


def test_changing_a_signed_answer_voids_the_signature_and_says_so(app, youth_world, client):
    _sign(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        save_answers(db, packet=packet, changes={"birth_city": "Bogotá"}, base_version=packet.version,
                             user=db.get(User, youth_world.caseworker.id))
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        assert signatures.signatures_for(db, packet=packet) == {}
        row = db.exec(select(Signature)).one()
        assert row.voided_at is not None and row.void_reason == "answer_changed" and row.voided_fields == ["birth_city"]
        event = db.exec(select(PacketEvent).where(PacketEvent.kind == "signature_voided")).one()
        assert event.data["fields"] == ["birth_city"]
        states = signatures.signature_states(db, packet=packet)
        assert [state["state"] for state in states] == ["cleared"]
    sign_in(client, youth_world.youth)
    page = client.get(f"/me/packets/{youth_world.packet.id}")
    assert b"Your signature was cleared because an answer changed. Please sign again." in page.data


def test_saving_the_same_answer_again_keeps_the_signature(app, youth_world):
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        save_answers(db, packet=packet, changes={"birth_city": "Lima"}, base_version=packet.version,
                             user=db.get(User, youth_world.caseworker.id))
    _sign(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        save_answers(db, packet=packet, changes={"birth_city": "Lima"}, base_version=packet.version,
                             user=db.get(User, youth_world.caseworker.id))
        assert set(signatures.signatures_for(db, packet=packet)) == {"minor"}


def test_an_answer_changed_behind_the_listeners_back_still_hides_the_signature(app, youth_world):
    _sign(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        packet.answers = {**packet.answers, "eye_colour": "brown"}
    with app.app_context(), session_scope(app) as db:
        assert signatures.signatures_for(db, packet=db.get(Packet, youth_world.packet.id)) == {}


def test_signing_again_after_a_change(app, youth_world, client):
    complete_packet(app, youth_world.packet)  # a youth signs only a packet with every answer in
    _sign(app, youth_world)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, youth_world.packet.id)
        save_answers(db, packet=packet, changes={"birth_city": "Quito"}, base_version=packet.version,
                             user=db.get(User, youth_world.caseworker.id))
    auth = sign_in(client, youth_world.youth)
    url = f"/me/packets/{youth_world.packet.id}/sign"
    page = client.get(url)
    assert page.status_code == 200 and b"Please sign again" in page.data
    bad = auth.post(url, data={"signer": "minor", "typed_name": "Wrong Name", "signed_on": date.today().isoformat(),
                               "confirm": "yes"})
    assert bad.status_code == 422
    assert b'aria-describedby="typed_name-help typed_name-error"' in bad.data and b"Wrong Name" in bad.data
    good = auth.post(url, data={"signer": "minor", "typed_name": "tomas alvarez ruiz",
                                "signed_on": date.today().isoformat(), "confirm": "yes"})
    assert good.status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert set(signatures.signatures_for(db, packet=db.get(Packet, youth_world.packet.id))) == {"minor"}
        assert len(db.exec(select(Signature)).all()) == 2


def test_dates_a_day_either_way_are_accepted_for_time_zones(app, youth_world):
    _sign(app, youth_world, signed_on=(date.today() - timedelta(days=1)).isoformat())


def test_staff_cannot_use_the_youth_signature_page(app, youth_world, client):
    sign_in(client, youth_world.caseworker)
    assert client.get(f"/me/packets/{youth_world.packet.id}/sign").status_code == 404


@pytest.mark.parametrize("drawing, ok", [
    ("M10 20 L30 40 L50 60 M100 50 L120 55", True),
    ("", True),
    ("M10 20 L999 40", False),  # outside the box
    ("M10 20 L30 40\"/><script>alert(1)</script>", False),
    ("M1 1" + " L2 2" * 5000, False),  # too long
])
def test_drawings_are_checked(drawing, ok):
    value, error = signatures.clean_drawing(drawing)
    assert (error is None) is ok
    assert value == (drawing if ok else "")


def test_an_optional_drawing_is_kept_with_the_signature(app, youth_world, client):
    _sign(app, youth_world, drawing="M10 20 L30 40 L50 60")
    with app.app_context(), session_scope(app) as db:
        found = signatures.signatures_for(db, packet=db.get(Packet, youth_world.packet.id))["minor"]
        assert found["method"] == "typed_and_drawn" and found["drawing"] == "M10 20 L30 40 L50 60"
    sign_in(client, youth_world.caseworker)
    page = client.get(f"/packets/{youth_world.packet.id}").get_data(as_text=True)
    assert '<path d="M10 20 L30 40 L50 60"' in page
