"""Demo packets for people without status and PR youth without documents (IMM 5710, state-care PR, H&C,
PR card, VOS), each for a demo client in that situation, fully answered so it reaches review and renders.

Idempotent: a client who already has a packet of that type is left alone.
"""
from datetime import date, timedelta

from sqlmodel import Session, select

from portal.forms.rules.dates import add_years
from portal.models import Client, Packet
from portal.packets.answers import save_answers, start_packet

TODAY = date.today()
SIGNING = TODAY + timedelta(days=14)


def iso(day: date) -> str:
    return day.isoformat()


def person(client: Client, **extra) -> dict:
    """IMM 0008 / IMM 5710 personal details from the client file."""
    answers = {
        "uci": client.uci or "", "family_name": client.family_name, "given_names": client.given_names or "",
        "other_names_used": "no", "sex": "U", "dob": iso(client.date_of_birth), "birth_city": "Unknown",
        "birth_country": client.country_of_birth, "citizenship": client.citizenships or "Stateless",
        "language_of_service": "en", "mailing_address": client.address or "c/o the agency, 6860 Century Avenue, "
                                                                         "Mississauga ON L5N 2W5",
        "residential_same": "yes", "phone": "", "email": "",
        # fees follow the day IRCC receives it (domain I.6): submitted online two days after signing
        "send_method": "online", "send_on": iso(SIGNING + timedelta(days=2)),
    }
    answers.update(extra)
    return answers


def activity_rows(since: date, rows: list[tuple[str, str, str]]) -> list[dict]:
    """Consecutive history rows from `since`: (months, activity, where); the last runs to now."""
    result, start = [], since
    for index, (months, activity, where) in enumerate(rows):
        if index == len(rows) - 1:
            result.append({"from": iso(start), "to": None, "activity": activity, "where": where})
            break
        end = add_years(start, 0) + timedelta(days=int(months) * 30)
        result.append({"from": iso(start), "to": iso(end), "activity": activity, "where": where})
        start = end + timedelta(days=1)
    return result


def address_rows(since: date, address: str) -> list[dict]:
    return [{"from": iso(since), "to": None, "address": address, "where": "Mississauga ON, Canada"}]


def imm_5710_answers(client: Client, *, basis: str, ccms: bool) -> dict:
    ten_years = add_years(SIGNING, -10)
    since = max(ten_years, add_years(client.date_of_birth, 18))
    answers = person(client, current_status="refugee_claimant" if basis == "r206_1_a" else "no_status",
                     residence_country="Canada", marital_status="single", native_language=client.preferred_language,
                     official_language="en", has_passport="no", has_national_id="no", applying_to="initial",
                     original_entry_date=iso(add_years(TODAY, -4)), original_entry_place="Toronto Pearson airport",
                     original_entry_purpose="asylum", permit_type="open", education_level="secondary",
                     protected_occupation="no", designated_country_6_months="no", consent_contact="no",
                     declaration_read=True, basis=basis, ccms_participant="yes" if ccms else "no",
                     can_support_without_work="no")
    answers.update({key: "no" for key in ("bg_tb", "bg_medical", "bg_overstay", "bg_refused", "bg_previous",
                                          "bg_criminal", "bg_military", "bg_organization", "bg_government",
                                          "bg_ill_treatment")})
    if basis == "r206_1_b":
        answers.update(removal_order="yes", unenforceable_reason="prra",
                       removal_order_date=iso(TODAY - timedelta(days=200)),
                       biometrics_given="yes", biometrics_date=iso(add_years(TODAY, -4)), biometrics_as_claimant="yes",
                       bg_refused="yes", background_details="Refugee claim refused by the RPD; removal order issued; "
                                                            "pre-removal risk assessment pending.")
    if basis == "r206_1_a":
        answers.update(referral_date=iso(TODAY - timedelta(days=220)), claim_decided="no",
                       biometrics_given="yes", biometrics_date=iso(TODAY - timedelta(days=230)),
                       biometrics_as_claimant="yes")
    if ccms:
        answers["cover_letter_mentions_program"] = "yes"
    if since > SIGNING:  # a minor: school since ten years ago
        answers["employment"] = activity_rows(ten_years, [(0, "Student", "School, Canada and before")])
    else:
        answers["employment"] = activity_rows(since, [(14, "Unemployed", "Toronto, Canada"),
                                                      (30, "Warehouse worker", "Toronto, Canada"),
                                                      (0, "Unemployed (supervision program)", "Toronto, Canada")])
    return answers


def state_care_answers(client: Client) -> dict:
    arrival = add_years(client.date_of_birth, 12)
    eighteen = add_years(client.date_of_birth, 18)
    answers = person(client, arrival_date=iso(arrival), continuous_since_19="yes", in_canada="yes",
                     intended_province="ON", excluded_1f="no", expected_receipt_date=iso(SIGNING + timedelta(days=7)),
                     marital_status="single", native_language=client.preferred_language, official_language="en",
                     identity_document="statutory_declaration", care_agency="Peel Children's Aid Society (CWICE)",
                     care_letter_requested="yes", care_letter_requested_on=iso(TODAY - timedelta(days=10)),
                     declaration_read=True, sa_criminal="no", sa_military="no", sa_organization="no",
                     mother_name="Unknown", father_name="Unknown")
    answers["personal_history"] = activity_rows(eighteen, [(10, "Student, grade 12", "Mississauga ON, Canada"),
                                                          (0, "College student", "Sheridan College, Brampton ON")])
    answers["address_history"] = address_rows(eighteen, "Youth residence, 25 Queen Street")
    return answers


def hc_answers(client: Client) -> dict:
    answers = person(client, other_hc_pending="no", refugee_claim_pending="no", negative_decision="rpd",
                     negative_decision_date=iso(TODAY - timedelta(days=120)), health_risk="no",
                     security_inadmissible="no", children_affected="yes", marital_status="single",
                     native_language=client.preferred_language, official_language="en", identity_document="passport",
                     identity_number="FX123456", mother_name="Unknown", father_name="Unknown",
                     immigration_history="Came to Canada with an aunt on a visitor visa; refugee claim refused by the "
                                         "RPD; no removal date set.",
                     establishment="Grade 10 at a Mississauga secondary school; volunteers at a food bank.",
                     family_ties="Aunt and cousins in Mississauga.",
                     bioc_age="16: in the middle of secondary school.",
                     bioc_relationships="Lives with her aunt, her only family; close to her cousins.",
                     bioc_separation="Her parents' whereabouts are unknown; return would leave her without a "
                                     "caregiver.",
                     bioc_ties="Four years in Canada; school, friends, a church youth group.",
                     bioc_education="On track to graduate; school letter attached.",
                     hardship="No family or home to return to; the region she comes from is unsafe.",
                     exemptions_requested="Exemption from the requirement to apply for PR from outside Canada "
                                          "(IRPA s.11) and from being inadmissible for lack of status.",
                     rprf_exempt="no", declaration_read=True)
    answers["children"] = [{"name": f"{client.given_names} {client.family_name}".strip(),
                            "date_of_birth": iso(client.date_of_birth), "relationship": "the applicant",
                            "in_canada": "yes"}]
    return answers


def pr_card_answers(client: Client) -> dict:
    became = add_years(TODAY, -6)
    answers = person(client, reason="first", in_canada="yes", eye_colour="brown", height_cm=158, became_pr=iso(became),
                     copr_number="", court_appointed="yes")
    answers["address_history"] = address_rows(add_years(SIGNING, -5), "Foster home, 12 Elm Street")
    answers["absences"] = []
    return answers


def vos_answers(client: Client) -> dict:
    return person(client, request="vos", reason_needed="Her citizenship application needs proof of PR; the record "
                                                        "of landing was lost when she came into care.",
                  landing_date=iso(add_years(TODAY, -7)), landing_place="Toronto Pearson airport",
                  court_appointed="yes")


PLAN = [  # (client key, packet type, answers)
    ("tesfaye-yohannes", "state_care_pr", state_care_answers),
    ("kovalenko-olena", "hc_pr", hc_answers),
    ("ramirez-sofia", "pr_card", pr_card_answers),
    ("nguyen-minh", "vos", vos_answers),
    ("mensah-kwame", "imm_5710", lambda client: imm_5710_answers(client, basis="r206_1_b", ccms=True)),
    ("nazarov-rustam", "imm_5710", lambda client: imm_5710_answers(client, basis="r206_1_b", ccms=True)),
    ("singh-harpreet", "imm_5710", lambda client: imm_5710_answers(client, basis="r206_1_a", ccms=False)),
]


def tesfaye_care_periods(client: Client) -> list[dict]:
    """Split periods: an interim order at 13, home for a while, then extended society care to 18."""
    dob = client.date_of_birth
    return [
        {"start": iso(add_years(dob, 13)), "end": iso(add_years(dob, 13) + timedelta(days=200)),
         "order": "interim_society_care"},
        {"start": iso(add_years(dob, 14)), "end": iso(add_years(dob, 18) - timedelta(days=1)),
         "order": "extended_society_care"},
    ]


def seed(session: Session, context: dict) -> None:
    clients, users = context["clients"], context["users"]
    tesfaye = clients.get("tesfaye-yohannes")
    if tesfaye is not None and not tesfaye.care_periods:
        tesfaye.care_periods = tesfaye_care_periods(tesfaye)
        session.add(tesfaye)
        session.flush()
    for client_key, packet_type, build in PLAN:
        client = clients.get(client_key)
        if client is None:
            continue
        exists = session.exec(select(Packet).where(Packet.client_id == client.id,
                                                   Packet.packet_type == packet_type)).first()
        if exists is not None:
            continue
        worker = next(user for user in users.values() if user.id == client.assigned_caseworker_id)
        packet = start_packet(session, client=client, packet_type_key=packet_type, user=worker,
                                      planned_signing_date=SIGNING)
        save_answers(session, packet=packet, changes=build(client), base_version=packet.version, user=worker,
                             audit_detail="demo")
