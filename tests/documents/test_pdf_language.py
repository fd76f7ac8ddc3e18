"""The packet PDF in its own language: the PDF's own texts in English or French, the answers as given.

The French assertions read the app's real catalogue (translations/fr): whatever the French is, it must be
what the PDF prints, it must differ from the English, and no English heading may be left over.
"""
import io
from datetime import date, timedelta

import pikepdf
import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlmodel import select

from portal import queue
from portal.db import session_scope
from portal.documents import part_cache, pdf, pdf_language, snapshot
from portal.i18n import gettext
from portal.models import AuditEvent, Packet, Render, Role, User
from portal.validation import FormInvalid
from tests.documents.test_pdf import _attach, _outline, render_now
from tests.support.app import Auth
from tests.support.documents import pdf_bytes

# The PDF's own headings and running texts, in English; each must be translated in a French packet.
HEADINGS = ["Cover letter", "Contents", "Document checklist", "Representative and release of information",
            "Evidence", "Dear Officer,", "Yours sincerely,", "Immigration, Refugees and Citizenship Canada",
            "DRAFT", "Use of a Representative (IMM 5476)", "Type of representative"]
ADDRESS = "12 rue Saint-Édouard"


@pytest.fixture
def packet_world(app, make):
    agency = make.agency(name="Société d'aide à l'enfance de Testville", address=ADDRESS + "\nTestville ON",
                         phone="555-0100")
    worker = make.user(agency, role="caseworker", name="Casey Worker")
    client = make.client(agency, family_name="Nguyễn", given_names="Zoë", uci="1234-5678",
                         date_of_birth=date(2010, 3, 4), assigned_caseworker_id=worker.id)
    packet = make.packet(client, packet_type="doc_test", answers={
        "family_name": "Nguyễn", "given_names": "Zoë", "passport_number": "AB123456"})
    queue.connection(app).flushall()
    _attach(app, {"packet": packet, "worker": worker}, "passport", "passport.pdf", pdf_bytes(1, text="Passport scan"),
            expires_on=date(2031, 12, 7))
    return {"agency": agency, "worker": worker, "client": client, "packet": packet}


def _set_language(app, packet_id, language):
    with session_scope(app) as session:
        packet = session.get(Packet, packet_id)
        packet.language = language
        session.add(packet)


def _render(app, world, language) -> bytes:
    _set_language(app, world["packet"].id, language)
    render, data = render_now(app, world["packet"].id, user_id=world["worker"].id)
    assert render.status == "done", render.error
    return data


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _french(app, english: str, **variables) -> str:
    with app.test_request_context(), force_locale("fr"):
        french = gettext(english, **variables)
    assert french != english % variables if variables else french != english, \
        f"translations/fr has no French for {english!r}: merge /work/i18n/r2-pdf.fr.po into the catalogue"
    return french


def _answers_as_given(text: str) -> None:
    for answer in ("Zoë", "Nguyễn", "AB123456", ADDRESS, "1234-5678", "Casey Worker", "passport.pdf"):
        assert answer in text, answer


def test_a_french_packet_writes_its_own_texts_in_french_and_keeps_the_answers(app, packet_world):
    data = _render(app, packet_world, "fr")
    text = _text(data)
    for english in HEADINGS:
        french = _french(app, english)
        assert french in text, english
        assert english not in text, f"{english!r} left in English"
    assert _french(app, "UCI: %(uci)s", uci="1234-5678") in text
    assert _french(app, "Page %(number)s of %(total)s", number=1, total=len(PdfReader(io.BytesIO(data)).pages)) in text
    assert "Page 1 of" not in text and "UCI:" not in text
    # Dates as French writes them; the letter is dated today.
    assert "4 mars 2010" in text and "7 décembre 2031" in text
    with app.test_request_context(), force_locale("fr"):
        assert pdf_language.format_date(date.today()) in text
    _answers_as_given(text)
    top = [entry[0] for entry in _outline(data) if isinstance(entry, tuple)]
    assert top[0] == _french(app, "Cover letter") and top[1] == _french(app, "Contents")
    with pikepdf.open(io.BytesIO(data)) as document:
        assert str(document.Root.Lang) == "fr", "screen readers read it in French"


def test_the_same_packet_in_english_is_english_and_the_cache_never_mixes_them(app, packet_world):
    english = _text(_render(app, packet_world, "en"))
    for heading in HEADINGS:
        assert heading in english, heading
    assert "UCI: 1234-5678" in english and "Page 1 of" in english
    assert "March 4, 2010" in english and "December 7, 2031" in english
    assert "(IMM 5476 enclosed). Please send correspondence" in " ".join(english.split()), "two sentences, one space"
    _answers_as_given(english)
    french = _text(_render(app, packet_world, "fr"))
    again = _text(_render(app, packet_world, "en"))
    for heading in HEADINGS:
        translated = _french(app, heading)
        assert translated in french and heading not in french, heading
        assert heading in again and translated not in again, f"{heading}: the English render took a French part"
    _answers_as_given(french)


def test_part_names_include_the_language(app, packet_world):
    """Even where a part's HTML would come out the same in both languages, its cache name differs."""
    with app.app_context(), session_scope(app) as session:
        taken = snapshot.build(session, packet=session.get(Packet, packet_world["packet"].id), user=None)
    cache = part_cache.for_packet(app, taken["packet"]["id"])
    html = "<p>same</p>"
    names = {language: pdf._Layout(app, {**taken, "language": language}, lambda _key: b"", cache).cached(html, b"")[0]
             for language in ("en", "fr")}
    assert names["en"] != names["fr"]


def test_the_snapshot_names_its_language_and_html_lang_follows(app, packet_world):
    _set_language(app, packet_world["packet"].id, "fr")
    with app.app_context(), session_scope(app) as session:
        taken = snapshot.build(session, packet=session.get(Packet, packet_world["packet"].id), user=None)
        html = pdf.build_html(taken, final=False, app=app)
    assert taken["language"] == "fr"
    assert '<html lang="fr">' in html
    assert '<html lang="en">' in pdf.build_html({**taken, "language": "en"}, final=False, app=app)
    assert '<html lang="en">' in pdf.build_html({k: v for k, v in taken.items() if k != "language"}, final=False,
                                                app=app), "a snapshot from before packets had a language is English"


@pytest.mark.parametrize(("language", "day", "amount"), [
    ("en", "December 7, 2026", "$1,085.00"),
    ("fr", "7 décembre 2026", "1\u00a0085,00\u00a0$"),
])
def test_dates_and_amounts_as_the_language_writes_them(app, language, day, amount):
    with app.test_request_context(), force_locale(language):
        assert pdf_language.format_date("2026-12-07") == day
        assert pdf_language.format_date(date(2026, 12, 7)) == day
        assert pdf_language.format_amount(1085) == amount
        assert pdf_language.format_date("") == "" and pdf_language.format_date("not a date") == "not a date"


def test_a_caseworker_chooses_the_language_on_the_packet_page(app, client, auth, packet_world):
    packet = packet_world["packet"]
    auth.login(packet_world["worker"])
    page = client.get(f"/packets/{packet.id}").get_data(as_text=True)
    assert 'id="language-heading"' in page and 'name="language" value="fr"' in page
    assert "are in English" in page
    response = auth.post(f"/packets/{packet.id}/language", {"language": "fr"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#language-heading")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved: the PDF will be written in French." in page and "are in French" in page
    with session_scope(app) as session:
        assert session.get(Packet, packet.id).language == "fr"
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "packet.language")).one()
        assert event.detail == "language=en->fr" and str(event.record_id) == str(packet.id)
    review = client.get(f"/packets/{packet.id}/staff-review").get_data(as_text=True)
    assert "PDF in French" in review


def test_a_bad_language_is_refused_clearly_and_changes_nothing(app, client, auth, packet_world):
    packet = packet_world["packet"]
    auth.login(packet_world["worker"])
    response = auth.post(f"/packets/{packet.id}/language", {"language": "de"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Language of the PDF: choose English or French." in page
    with session_scope(app) as session:
        assert session.get(Packet, packet.id).language == "en"
        assert not session.exec(select(AuditEvent).where(AuditEvent.action == "packet.language")).all()


def test_only_staff_of_the_agency_with_the_form_token_may_change_it(app, auth, make, packet_world):
    packet = packet_world["packet"]
    youth = Auth(app.test_client())
    youth.login(make.user(packet_world["agency"], role=Role.youth, client_id=packet_world["client"].id))
    assert youth.post(f"/packets/{packet.id}/language", {"language": "fr"}).status_code in (403, 404)
    outsider = Auth(app.test_client())
    outsider.login(make.user(make.agency(), role=Role.caseworker))
    assert outsider.post(f"/packets/{packet.id}/language", {"language": "fr"}).status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(packet_world["worker"])
    assert auth.client.post(f"/packets/{packet.id}/language", data={"language": "fr"}).status_code == 400
    with session_scope(app) as session:
        assert session.get(Packet, packet.id).language == "en"


def test_a_packet_under_review_keeps_its_language(app, packet_world):
    from portal.packets import language

    with session_scope(app) as session:
        packet = session.get(Packet, packet_world["packet"].id)
        packet.status = "in_review"
        user = session.get(User, packet_world["worker"].id)
        with app.test_request_context(), pytest.raises(FormInvalid):
            language.choose(session, packet=packet, user=user, language="fr")
        language.choose(session, packet=packet, user=user, language="en")  # no change: nothing to refuse


@pytest.mark.parametrize(("preferred", "expected"), [
    ("French", "fr"), ("français", "fr"), ("Français", "fr"), ("fr", "fr"), ("FR-CA", "fr"),
    ("French (Canada)", "fr"), ("Francais, English", "fr"), ("English", "en"), ("", "en"), (None, "en"),
    ("Arabic", "en"), ("Frisian", "en"), ("English, French", "en"),
])
def test_a_new_packet_starts_in_the_clients_preferred_language_when_it_is_french(preferred, expected):
    from portal.packets import language

    assert language.from_client(preferred) == expected


def test_starting_a_packet_for_a_french_speaking_client(app, make):
    from portal.packets.answers import start_packet

    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    french = make.client(agency, preferred_language="Français", status_in_canada="permanent_resident")
    english = make.client(agency, preferred_language="Arabic", status_in_canada="permanent_resident")
    with session_scope(app) as session:
        user = session.get(User, worker.id)
        first = start_packet(session, client=french, packet_type_key="cit_0403", user=user,
                             planned_signing_date=date.today() + timedelta(days=30))
        second = start_packet(session, client=english, packet_type_key="cit_0403", user=user,
                              planned_signing_date=date.today() + timedelta(days=30))
        assert (first.language, second.language) == ("fr", "en")


def test_the_online_kits_cover_letter_is_in_the_packets_language(app, make, request_context):
    """The kit job lays its cover letter out in the packet's language too (here the reader's is English)."""
    import zipfile

    from rq import SimpleWorker

    from portal.documents import kit, storage, uploads

    queue.connection(app).flushall()
    agency = make.agency()
    worker = make.user(agency)
    packet = make.packet(make.client(agency, given_names="Zoë", family_name="Nguyễn"), packet_type="cit_0403",
                         language="fr")
    with session_scope(app) as session:
        packet = session.get(Packet, packet.id)
        uploads.add_document(session, packet=packet, user=worker, checklist_item="two_id",
                             checked=uploads.check_file(pdf_bytes(1), "id.pdf", max_bytes=10 * 1024 * 1024))
        session.commit()
        row_id = kit.request_kit(session, packet=packet, user=session.get(User, worker.id)).id
    SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)
    with session_scope(app) as session:
        row = session.get(Render, row_id)
        assert row.status == "done", row.error
        archive = zipfile.ZipFile(io.BytesIO(storage.load(row.storage_key, app)))
    cover = archive.read(kit.COVER_LETTER)
    text = _text(cover)
    assert _french(app, "Uploaded:") in text and "Uploaded:" not in text and "Dear Officer" not in text
    assert "Zoë" in text and "Nguyễn" in text


def test_a_french_packet_names_the_forms_sections_and_edition_in_french(app, make):
    agency = make.agency()
    worker = make.user(agency, role="caseworker")
    client = make.client(agency, assigned_caseworker_id=worker.id)
    packet = make.packet(client, packet_type="imm_5710", answers={"family_name": "Diallo"}, language="fr")
    render, data = render_now(app, packet.id, user_id=worker.id)
    assert render.status == "done", render.error
    text = _text(data)
    assert _french(app, "IMM 5710 Section 2: personal details") in text
    assert "personal details" not in text and "Section 2:" not in text
    assert "Diallo" in text  # the answer as given
