"""Demo clients and packets for the routes added in issue 16: the state-care temporary resident permit (a youth
under a removal order), the study permit from inside Canada, permanent residence as a protected person, a child
born abroad after Bill C-3, and a stateless child for s.5(5). Every person is invented.

Idempotent: a client is made once (by name), a packet of a type once per client.
"""
from datetime import date, timedelta

from sqlmodel import Session, select

from portal.casework.clients import refresh_search_name
from portal.demo.status_packets import SIGNING, TODAY, iso, person
from portal.forms.rules.dates import add_years
from portal.models import CareStatus, Client, Packet, StatusInCanada
from portal.packets.answers import save_answers, start_packet

NO_BACKGROUND = {key: "no" for key in ("bg_tb", "bg_medical", "bg_overstay", "bg_refused", "bg_previous",
                                       "bg_criminal", "bg_military", "bg_organization", "bg_government",
                                       "bg_ill_treatment")}


def _years_ago(years: int, days: int) -> date:
    return add_years(TODAY, -years) - timedelta(days=days)


# (key, family, given, born, country, citizenships, status, care, language, care periods as (start, end or None))
CLIENTS = [
    # Under a removal order, in extended society care since 14: the fee-free state-care TRP, not S62.
    ("diallo-mariama", "Diallo", "Mariama", _years_ago(18, 60), "Guinea", "Guinea", StatusInCanada.no_status,
     CareStatus.extended_society_care, "French", [(14, None)]),
    # In school, in care since 13: a fee-free study permit with the state-care TRP.
    ("petrov-ivan", "Petrov", "Ivan", _years_ago(17, 90), "Ukraine", "Ukraine", StatusInCanada.no_status,
     CareStatus.in_care, "Ukrainian", [(13, None)]),
    # Protected person at 17 (refugee claim accepted): permanent residence as a protected person.
    ("haile-meron", "Haile", "Meron", _years_ago(17, 200), "Eritrea", "Eritrea", StatusInCanada.protected_person,
     CareStatus.in_care, "Tigrinya", [(15, None)]),
    # Born abroad in 2026 to a Canadian mother who was also born abroad (Bill C-3 substantial-connection test).
    ("lindqvist-noah", "Lindqvist", "Noah", date(2026, 1, 20), "Sweden", "Sweden", StatusInCanada.unknown,
     CareStatus.in_care, "Swedish", [(0, None)]),
    # Born abroad to a Canadian father by descent, never had any citizenship: the s.5(5) route.
    ("stateless-amal", "Karim", "Amal", date(2026, 2, 2), "Lebanon", "", StatusInCanada.unknown, CareStatus.in_care,
     "Arabic", [(0, None)]),
]


def _care(born: date, periods) -> list[dict]:
    rows = []
    for start_age, end in periods:
        start = min(add_years(born, start_age) + timedelta(days=30), TODAY)
        rows.append({"start": iso(start), "end": iso(end) if end else None, "order": "extended_society_care"})
    return rows


def trp_answers(client: Client) -> dict:
    return {**person(client), **NO_BACKGROUND, "arrival_date": iso(add_years(client.date_of_birth, 12)),
            "in_canada": "yes", "removal_order": "yes", "removal_order_date": iso(TODAY - timedelta(days=300)),
            "pr_application_sent": "yes", "companion_permit": "work", "applying_for": "trp",
            "residence_country": "Canada", "current_status": "no_status", "marital_status": "single",
            "native_language": client.preferred_language, "official_language": "both", "has_passport": "no",
            "has_national_id": "no", "original_entry_place": "Montréal-Trudeau airport",
            "original_entry_purpose": "family", "reason": "Temporary resident permit under the public policy for "
            "foreign nationals who were in state care, while the application for permanent residence is processed.",
            "declaration_read": True}


def study_answers(client: Client) -> dict:
    ten_years = add_years(SIGNING, -10)
    return {**person(client), **NO_BACKGROUND, "basis": "state_care", "trp_number": "applied for with this permit",
            "applying_to": "initial", "residence_country": "Canada", "current_status": "no_status",
            "marital_status": "single", "native_language": client.preferred_language, "official_language": "en",
            "has_passport": "yes", "passport_number": "FE123456", "passport_country": "Ukraine",
            "passport_issued": "2022-03-01", "passport_expires": "2032-02-28", "has_national_id": "no",
            "has_us_pr_card": "no", "original_entry_date": iso(add_years(client.date_of_birth, 12)),
            "original_entry_place": "Toronto Pearson airport", "original_entry_purpose": "family",
            "school_name": "Mississauga Secondary School (demo)", "study_level": "secondary",
            "school_province": "ON", "school_city": "Mississauga", "school_address": "1 School Road, Mississauga ON",
            "study_from": iso(SIGNING + timedelta(days=30)), "study_to": iso(SIGNING + timedelta(days=400)),
            "expenses_paid_by": "agency", "education_level": "primary",
            "employment": [{"from": iso(ten_years), "to": None, "activity": "Student", "where": "School, Canada"}],
            "biometrics_given": "no", "consent_contact": "no", "declaration_read": True}


def protected_answers(client: Client) -> dict:
    return {**person(client), "decided_by": "rpd", "decision_date": iso(TODAY - timedelta(days=90)),
            "decision_file_number": "TB5-01234", "family_abroad": "no", "inadmissibility_raised": "no",
            "marital_status": "single", "native_language": client.preferred_language, "official_language": "en",
            "identity_document": "statutory_declaration", "mother_name": "Unknown", "father_name": "Unknown",
            "travelled": "no", "declaration_read": True}


PACKETS = [  # (client key, packet type, answers)
    ("diallo-mariama", "state_care_trp", trp_answers),
    ("petrov-ivan", "imm_5709", study_answers),
    ("haile-meron", "pr_protected", protected_answers),
]


def seed(session: Session, context: dict) -> None:
    agency = context["agencies"]["peel-cas"]
    worker = context["users"]["caseworker@peel.demo"]
    clients = context["clients"]
    for key, family, given, born, country, citizenships, status, care, language, periods in CLIENTS:
        client = session.exec(select(Client).where(Client.agency_id == agency.id, Client.family_name == family,
                                                   Client.given_names == given)).first()
        if client is None:
            client = Client(agency_id=agency.id, family_name=family, given_names=given, date_of_birth=born,
                            country_of_birth=country, citizenships=citizenships, status_in_canada=status,
                            care_status=care, preferred_language=language, assigned_caseworker_id=worker.id,
                            care_periods=_care(born, periods))
            refresh_search_name(client)
            session.add(client)
            session.flush()
        clients[key] = client
    for key, packet_type, build in PACKETS:
        client = clients[key]
        if session.exec(select(Packet).where(Packet.client_id == client.id,
                                             Packet.packet_type == packet_type)).first() is not None:
            continue
        packet = start_packet(session, client=client, packet_type_key=packet_type, user=worker,
                              planned_signing_date=SIGNING)
        save_answers(session, packet=packet, changes=build(client), base_version=packet.version, user=worker,
                     audit_detail="demo")
