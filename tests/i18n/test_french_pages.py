"""Pages served in French show the rules' own sentences in French: history gaps, fee lines, signer capacities,
eligibility findings, with dates and amounts written for French. The same packet in English keeps its English
(the tests elsewhere assert those sentences)."""
from datetime import date
from html import unescape

from portal.demo.status_packets import SIGNING, imm_5710_answers
from portal.models import CareStatus, Role, StatusInCanada
from tests.support.forms import complete, start_over_http, status_client


def _history_with_a_gap(auth, packet_id) -> None:
    start_day = SIGNING.replace(year=SIGNING.year - 10) if (SIGNING.month, SIGNING.day) != (2, 29) else \
        date(SIGNING.year - 10, 3, 1)
    response = auth.post(f"/packets/{packet_id}/steps/history", data={
        "education_level": "secondary",
        "employment__0__from": start_day.isoformat(), "employment__0__to": "2020-01-30",
        "employment__0__activity": "Cook", "employment__0__where": "Toronto",
        "employment__1__from": "2020-02-03", "employment__1__to": "",
        "employment__1__activity": "Unemployed", "employment__1__where": "Toronto"})
    assert response.status_code == 303


def _page(auth, path: str) -> str:
    response = auth.client.get(path)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def test_a_work_permit_packet_reads_in_french(app, make, auth):
    agency = make.agency(name="John Howard Society – CCMS (test)")
    worker = make.user(agency, role=Role.manager)
    client = status_client(make, agency, family_name="Mensah", given_names="Kwame", date_of_birth=date(1992, 8, 19),
                           country_of_birth="Ghana", citizenships="Ghana", status_in_canada=StatusInCanada.no_status,
                           care_status=CareStatus.not_in_care, address="100 Queen Street West, Toronto ON M5H 2N2")
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5710", SIGNING)
    complete(auth, packet_id, client, "imm_5710", imm_5710_answers(client, basis="r206_1_b", ccms=True), SIGNING)
    _history_with_a_gap(auth, packet_id)

    english = _page(auth, f"/packets/{packet_id}/review")
    assert "2020-01-31 to 2020-02-02 is not covered (3 days)" in english
    assert "Do not pay this fee: answer 'No, I am exempt'" in english

    auth.client.set_cookie("passage_lang", "fr")
    review = _page(auth, f"/packets/{packet_id}/review")
    nbsp = "\u00a0"
    # The gap, named by the step's title, with the dates and a French plural.
    assert f"Antécédents d'emploi{nbsp}: la période du 2020-01-31 au 2020-02-02 n'est pas couverte (3 jours)" in review
    assert "is not covered" not in review and "Employment history" not in review
    # Fee lines and their notes; IRCC's own English answer and upload slot stay as its portal names them.
    assert "Frais du titulaire d'un permis de travail ouvert" in review
    note = f"Ne payez pas ces frais{nbsp}: répondez 'No, I am exempt' à la question sur les frais du titulaire"
    assert note in review
    assert "'Proof of Fee Exemption'" in review
    assert "Do not pay this fee" not in review and "Open work permit holder fee" not in review
    assert "155,00\u00a0$" in review and "$155.00" not in review
    # How it is sent, and the official form's section.
    assert "En ligne dans le compte d'IRCC (recommandé), ou sur papier à l'adresse du guide IMM 5553" in review
    assert "Online in the IRCC account" not in review
    assert f"IMM 5710, section 8{nbsp}: antécédents" in review
    # Who answered: the role is named in French, the stored code stays as it is.
    assert "(gestionnaire), " in review and "(manager), " not in review
    # The signer's capacity.
    assert "signe pour lui-même (18 ans ou plus)" in review and "signs for themself" not in review

    staff = _page(auth, f"/packets/{packet_id}/staff-review")
    assert "n'est pas couverte (3 jours)" in staff and "is not covered" not in staff

    # The packet's status, on its own page and on its client's file.
    packet_page = _page(auth, f"/packets/{packet_id}")
    assert ">Ébauche</span>" in packet_page and ">Draft</span>" not in packet_page
    client_page = _page(auth, f"/clients/{client.id}")
    assert ">Ébauche</span>" in client_page and ">Draft</span>" not in client_page


def test_the_state_care_fee_line_and_eligibility_read_in_french(app):
    from flask_babel import force_locale

    from portal.forms.packets import state_care_pr
    from portal.forms.rules import state_care

    with app.test_request_context(), force_locale("fr"):
        [fee] = state_care_pr.fees(None)
        assert fee.label.startswith(f"Aucuns frais{chr(0xa0)}: exemption des frais de traitement")
        findings = state_care.eligibility(
            date_of_birth=date(2004, 5, 1), care_periods=[{"start": "2019-01-01", "end": "2019-08-06",
                                                           "order": "extended_society_care"}],
            today=date(2026, 12, 7), receipt_date=date(2026, 12, 7), facts=state_care.load_facts())
        care = next(finding for finding in findings if finding.rule == "state_care.care_days")
        assert str(care.message).startswith("Il faut au moins 12 mois (1 an) de prise en charge ordonnée par un "
                                            "tribunal")
        assert "218 jours comptés" in str(care.message)
        assert any("du 2019-01-01 au 2019-08-06" in line for line in care.working)


def test_an_email_is_in_the_language_its_reader_chose(app, client, review_world):
    from sqlmodel import select

    from portal import mail
    from portal.db import session_scope
    from portal.models import User
    from tests.support.records import complete_packet, sign_in

    with app.app_context(), session_scope(app) as db:
        db.exec(select(User).where(User.id == review_world.manager.id)).one().language = "fr"
    complete_packet(app, review_world.packet, sign=True)
    # The worker asks in English; the manager chose French, so their email is in French.
    worker = sign_in(client, review_world.worker)
    packet_id = review_world.packet.id
    assert worker.post(f"/packets/{packet_id}/transition", data={"to_status": "in_review"}).status_code == 303
    with app.app_context():
        [message] = [message for message in mail.outbox() if message["To"] == review_world.manager.email]
        body = message.get_content()
    assert message["Subject"].startswith("Une trousse attend votre révision")
    assert "Bonjour," in body and "Référence de la trousse\u00a0:" in body and "Hello" not in body
