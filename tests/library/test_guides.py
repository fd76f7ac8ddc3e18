"""The resource library: a starter set for every packet type in English and French with sources; safe
Markdown; search; youth see only published guides for them; guides beside the steps; printable PDFs."""
import io
import re

from pypdf import PdfReader
from sqlmodel import select

from portal.db import session_scope
from portal.forms import packets
from portal.forms.registry import PacketTypes
from portal.library import guides, starter
from portal.models import Agency, Guide
from tests.support.records import sign_in


def install_starter(app, agency) -> None:
    with app.app_context(), session_scope(app) as db:
        starter.install(db, agency=db.get(Agency, agency.id))


def guide_id(app, agency, slug, language="en"):
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(Guide.id).where(Guide.agency_id == agency.id, Guide.slug == slug,
                                              Guide.language == language)).one()


def test_every_packet_type_has_a_practice_note_in_english_and_french_with_sources():
    found = starter.starter_set()
    shipped = set(PacketTypes(packets))  # the product's own packet types, not those tests add
    for language in ("en", "fr"):
        covered = {key for guide in found if guide.language == language and guide.audience == "staff"
                   for key in guide.packet_types.split()}
        assert shipped <= covered, f"{language}: no practice note for {shipped - covered}"
    slugs = {language: {guide.slug for guide in found if guide.language == language} for language in ("en", "fr")}
    assert slugs["en"] == slugs["fr"], "every starter guide has both languages"
    for guide in found:
        assert guide.sources.strip(), f"{guide.language}/{guide.slug} names no source"
        assert guide.title and guide.body and guide.reviewed_on
    youth_topics = {guide.slug for guide in found if guide.audience == "youth"}
    assert {"what-a-pr-card-is", "what-citizenship-changes", "after-you-apply", "what-a-work-permit-allows",
            "your-privacy-rights"} <= youth_topics


def test_installing_twice_adds_nothing_and_never_overwrites_an_edited_guide(app, make):
    agency = make.agency()
    install_starter(app, agency)
    with app.app_context(), session_scope(app) as db:
        edited = db.exec(select(Guide).where(Guide.agency_id == agency.id, Guide.slug == "after-you-apply",
                                             Guide.language == "en")).one()
        edited.body = "Our own text."
        assert starter.install(db, agency=db.get(Agency, agency.id)) == 0
        db.flush()
        assert db.get(Guide, edited.id).body == "Our own text."


def test_markdown_shows_html_as_text_and_refuses_script_links():
    html = str(guides.to_html('Hello <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://www.canada.ca/)'))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and 'href="https://www.canada.ca/"' in html


def test_search_by_word_and_language(app, youth_world, client):
    install_starter(app, youth_world.centre)
    sign_in(client, youth_world.caseworker)
    page = client.get("/library/?q=passport&language=en").get_data(as_text=True)
    assert "What Canadian citizenship changes" in page and "La citoyenneté" not in page
    french = client.get("/library/?q=passeport&language=fr").get_data(as_text=True)
    assert "Ce que change la citoyenneté canadienne" in french
    assert "No guide matches" in client.get("/library/?q=zzzzunlikely").get_data(as_text=True)


def test_youth_read_published_guides_for_youth_only(app, youth_world, client):
    install_starter(app, youth_world.centre)
    note = guide_id(app, youth_world.centre, "practice-cit-0403")
    card = guide_id(app, youth_world.centre, "what-a-pr-card-is")
    with app.app_context(), session_scope(app) as db:
        db.get(Guide, guide_id(app, youth_world.centre, "after-you-apply")).published = False
    sign_in(client, youth_world.youth)
    listing = client.get("/library/").get_data(as_text=True)
    assert "What a PR card is" in listing and "CIT 0403:" not in listing
    assert "What happens after you apply" not in listing
    assert client.get(f"/library/{note}").status_code == 404
    shown = client.get(f"/library/{card}")
    assert shown.status_code == 200 and "two different things" in shown.get_data(as_text=True)
    assert client.get("/library/new").status_code in (403, 404)


def test_another_agency_cannot_read_a_guide(app, youth_world, client):
    install_starter(app, youth_world.centre)
    card = guide_id(app, youth_world.centre, "what-a-pr-card-is")
    sign_in(client, youth_world.outsider)
    assert client.get(f"/library/{card}").status_code == 404
    assert client.get(f"/library/{card}.pdf").status_code == 404


def test_guides_are_offered_beside_the_steps_of_their_packet_type(app, youth_world, client):
    install_starter(app, youth_world.centre)
    sign_in(client, youth_world.caseworker)
    packet = client.get(f"/packets/{youth_world.packet.id}", follow_redirects=True).get_data(as_text=True)
    step_url = re.search(r'href="(/packets/[^"]+/steps/[^"]+)"', packet).group(1)
    step = client.get(step_url).get_data(as_text=True)
    assert "Guides that may help" in step and "CIT 0403: citizenship for a minor" in step


def test_a_guide_prints_as_a_pdf_with_its_text(app, youth_world, client):
    install_starter(app, youth_world.centre)
    card = guide_id(app, youth_world.centre, "what-a-pr-card-is", "fr")
    sign_in(client, youth_world.caseworker)
    response = client.get(f"/library/{card}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "La carte de résident permanent" in text and "Sources" in text


def test_writing_a_guide_names_each_problem_and_keeps_the_text(app, youth_world, client):
    install_starter(app, youth_world.centre)
    auth = sign_in(client, youth_world.caseworker)
    form = {"title": "", "slug": "what-a-pr-card-is", "language": "en", "audience": "youth",
            "packet_types": "pr_card not_a_type", "summary": "", "body": "Our **own** words.", "sources": "",
            "published": "yes"}
    refused = auth.post("/library/new", form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Title: " in html and "not_a_type is not a packet type" in html and "Our **own** words." in html
    form.update(title="A PR card, our way", packet_types="pr_card")
    clash = auth.post("/library/new", form)
    assert clash.status_code == 422 and "already uses it" in clash.get_data(as_text=True)
    form.update(slug="pr-card-our-way")
    saved = auth.post("/library/new", form)
    assert saved.status_code == 303
    assert "<strong>own</strong>" in client.get(saved.headers["Location"]).get_data(as_text=True)


def test_the_library_lists_each_guide_once_in_the_readers_language(app, youth_world, client):
    install_starter(app, youth_world.centre)
    with app.app_context(), session_scope(app) as db:  # one guide written in English only
        only_english = db.exec(select(Guide).where(Guide.agency_id == youth_world.centre.id, Guide.language == "fr",
                                                   Guide.slug == "what-a-work-permit-allows")).one()
        db.delete(only_english)
    sign_in(client, youth_world.caseworker)
    english_id, french_id = (guide_id(app, youth_world.centre, "what-citizenship-changes", language)
                             for language in ("en", "fr"))
    english = client.get("/library/").get_data(as_text=True)
    french = client.get("/library/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f"/library/{english_id}" in english and f"/library/{french_id}" not in english
    assert f"/library/{french_id}" in french and f"/library/{english_id}" not in french
    work_permit = str(guide_id(app, youth_world.centre, "what-a-work-permit-allows"))
    assert work_permit in french  # not written in French yet: the English one rather than nothing
    # Choosing a language still lists every guide written in it.
    assert f"/library/{english_id}" in client.get("/library/?language=en",
                                                  headers={"Accept-Language": "fr"}).get_data(as_text=True)
