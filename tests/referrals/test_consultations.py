"""Consultations: advice given without a client file, from a referral or a call; follow-ups in My work;
counts on the dashboard and in the research export; scoped to the agency; one per referral under a race."""
import re
import threading
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import func, select

from portal.db import session_scope
from portal.models import Client, Consultation, ConsultationFollowUp, Referral, ReferralStatus, Role
from portal.referrals import consultations, intake
from tests.support.app import Factory
from tests.support.records import sign_in


def call(**overrides) -> dict:
    form = {"channel": "phone", "asker_agency": "Halton Youth Services", "asker_name": "Priya Natarajan",
            "asker_contact": "905-555-0199", "topic": "pr_citizenship",
            "question": "PR youth, 16, in care; no parent can apply. Which citizenship form?",
            "advice": "CIT 0403 under s.5(1), signed by the agency as guardian and by the youth (14+).",
            "sources": "Citizenship Act s.5(1)", "minutes_spent": "35",
            "consulted_on": date.today().isoformat(), "follow_up_what": "Send the CIT 0403 checklist",
            "follow_up_due": (date.today() + timedelta(days=3)).isoformat()}
    form.update(overrides)
    return form


def a_referral(app, world, **fields) -> Referral:
    with app.app_context(), session_scope(app) as db:
        clean = {"channel": "phone", "referrer_agency": "Durham CAS", "referrer_name": "Sam Lee",
                 "referrer_email": "", "referrer_phone": "905-555-0111", "child_name": "Zeynep", "child_age": 17,
                 "child_date_of_birth": None, "region": "durham", "language": "Turkish", "concern": "documents",
                 "concern_detail": "Lost PR card; wants to travel.", "urgency": "none", "urgency_date": None,
                 "urgency_note": "", "consent": "obtained", "legal_basis": ""}
        clean.update(fields)
        referral = intake.create_referral(db, agency=db.get(type(world.centre), world.centre.id), clean=clean)
        db.flush()
        db.expunge(referral)
    return referral


def count(app, model, *where) -> int:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_a_call_is_recorded_with_its_follow_up_and_no_client_file(app, youth_world, client):
    auth = sign_in(client, youth_world.caseworker)
    clients_before = count(app, Client)
    response = auth.post("/consultations/new", call())
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Halton Youth Services" in page and "CIT 0403 under s.5(1)" in page and "35 minutes" in page
    assert "Send the CIT 0403 checklist" in page and "No client file" in page
    assert count(app, Client) == clients_before
    assert count(app, ConsultationFollowUp, ConsultationFollowUp.done_on.is_(None)) == 1
    work = client.get("/my-work").get_data(as_text=True)
    assert "Send the CIT 0403 checklist" in work and "Consultation follow-up" in work
    queue = client.get("/referrals/").get_data(as_text=True)  # and in the triage queue
    assert "Consultations with a follow-up to do" in queue and "Send the CIT 0403 checklist" in queue


def test_every_bad_answer_is_named_beside_its_field_and_kept(youth_world, client):
    auth = sign_in(client, youth_world.caseworker)
    response = auth.post("/consultations/new", call(question="", minutes_spent="half an hour",
                                                    consulted_on=(date.today() + timedelta(days=2)).isoformat(),
                                                    follow_up_due=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Question: " in html and "Time spent: enter a whole number of minutes" in html
    assert "Follow-up date: enter the date it is due." in html and "Date: This date cannot be in the future." in html
    assert re.search(r'aria-describedby="[^"]*question-error', html)
    assert "half an hour" in html and "CIT 0403 under s.5(1)" in html  # what was typed stays


def test_a_referral_answered_as_a_consultation_leaves_the_queue_and_can_still_be_accepted(app, youth_world, client):
    referral = a_referral(app, youth_world)
    auth = sign_in(client, youth_world.caseworker)
    form = client.get(f"/consultations/new?referral={referral.id}").get_data(as_text=True)
    assert "Durham CAS" in form and "Lost PR card" in form  # filled in from the referral
    response = auth.post("/consultations/new", call(referral=str(referral.id), channel="referral",
                                                   follow_up_what="", follow_up_due=""))
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.get(Referral, referral.id).status == ReferralStatus.consulted
        consultation = db.exec(select(Consultation).where(Consultation.referral_id == referral.id)).one()
        assert consultation.client_file_id is None
    assert "Zeynep" not in client.get("/referrals/?status=open").get_data(as_text=True)
    shown = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Answered as a consultation" in shown and consultation.reference in shown
    # Later the centre takes the case: the consultation follows the new file.
    accept = auth.post(f"/referrals/{referral.id}/accept", {"given_names": "Zeynep", "family_name": "Kaya",
                                                            "date_of_birth": "2009-03-01", "preferred_language": "",
                                                            "assigned_caseworker_id": str(youth_world.caseworker.id)})
    assert accept.status_code == 303
    with app.app_context(), session_scope(app) as db:
        linked = db.get(Consultation, consultation.id)
        assert linked.client_file_id is not None and db.get(Client, linked.client_file_id).family_name == "Kaya"


@dataclass
class Centre:
    centre: object
    caseworker: object


def test_twenty_staff_answering_one_referral_at_once_make_one_consultation(any_app):
    app, make = any_app, Factory(any_app)
    centre = make.agency(is_centre=True, name="Centre Agency")
    world = Centre(centre, make.user(centre, role=Role.caseworker))
    referral = a_referral(app, world)
    barrier = threading.Barrier(20)
    outcomes = []

    def answer():
        with app.app_context(), session_scope(app) as db:
            barrier.wait()
            try:
                consultations.record(db, user=world.caseworker, clean=consultations.read_form(
                    call(follow_up_what="", follow_up_due="")).clean, referral=db.get(Referral, referral.id))
                db.commit()
                outcomes.append("recorded")
            except consultations.ConsultationError:
                db.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=answer) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("recorded") == 1 and outcomes.count("refused") == 19
    assert count(app, Consultation, Consultation.referral_id == referral.id) == 1


def test_another_agency_cannot_open_or_change_a_consultation(app, youth_world, client):
    auth = sign_in(client, youth_world.caseworker)
    location = auth.post("/consultations/new", call()).headers["Location"]
    client.post("/sign-out", data={"csrf_token": auth.token()})
    outsider = sign_in(client, youth_world.outsider)
    assert client.get(location).status_code == 404
    assert outsider.post(location + "/follow-ups", {"follow_up_what": "x",
                                                   "follow_up_due": date.today().isoformat()}).status_code == 404
    assert "Halton Youth Services" not in client.get("/consultations/?show=all").get_data(as_text=True)


def test_youth_cannot_reach_consultations(youth_world, client):
    sign_in(client, youth_world.youth)
    assert client.get("/consultations/").status_code in (403, 404)


def test_linking_a_file_later_and_only_a_file_of_ones_own_agency(app, youth_world, client):
    auth = sign_in(client, youth_world.caseworker)
    location = auth.post("/consultations/new", call()).headers["Location"]
    refused = auth.post(location + "/link", {"client_id": str(youth_world.foreign_client.id)})
    assert refused.status_code == 422 and "choose one of your agency" in refused.get_data(as_text=True)
    assert auth.post(location + "/link", {"client_id": str(youth_world.client.id)}).status_code == 303
    assert "Open the client file" in client.get(location).get_data(as_text=True)


def test_follow_up_done_leaves_my_work(app, youth_world, client):
    auth = sign_in(client, youth_world.caseworker)
    location = auth.post("/consultations/new", call()).headers["Location"]
    with app.app_context(), session_scope(app) as db:
        follow_up = db.exec(select(ConsultationFollowUp)).one()
    assert auth.post(f"{location}/follow-ups/{follow_up.id}/done").status_code == 303
    assert "Send the CIT 0403 checklist" not in client.get("/consultations/").get_data(as_text=True)
    assert count(app, ConsultationFollowUp, ConsultationFollowUp.done_on.is_(None)) == 0


def test_dashboard_counts_by_agency_and_topic_and_research_export_suppresses_small_counts(app, youth_world,
                                                                                          client):
    worker = sign_in(client, youth_world.caseworker)
    for n in range(6):
        worker.post("/consultations/new", call(asker_agency="Halton Youth Services" if n < 5 else "Tiny Agency",
                                               follow_up_what="", follow_up_due=""))
    client.post("/sign-out", data={"csrf_token": worker.token()})
    sign_in(client, youth_world.manager)
    board = client.get("/dashboard/").get_data(as_text=True)
    assert "6 consultations in this period" in board
    assert "Halton Youth Services" in board and "Tiny Agency" in board
    csv_text = client.get("/dashboard/research-consultations.csv").get_data(as_text=True)
    assert "Halton" not in csv_text and "Tiny" not in csv_text  # no agency names leave the portal
    quarter = f"{date.today().year}-Q{(date.today().month - 1) // 3 + 1}"
    assert f"{quarter},pr_citizenship,phone,30-59 min,no,6" in csv_text
    worker_csv = client.get("/dashboard/research-consultations.csv?from=2000-01-01&to=2000-12-31")
    assert worker_csv.get_data(as_text=True).strip().endswith("count")  # nothing in that period


def test_a_single_consultation_is_shown_as_under_five(app, youth_world, client):
    worker = sign_in(client, youth_world.caseworker)
    worker.post("/consultations/new", call())
    client.post("/sign-out", data={"csrf_token": worker.token()})
    sign_in(client, youth_world.manager)
    assert ",<5" in client.get("/dashboard/research-consultations.csv").get_data(as_text=True)
