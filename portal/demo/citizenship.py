"""Demo citizenship packets: one per situation of the triage table, some partly and some fully answered
(a fully answered one can be rendered to PDF). Idempotent: a client's packet of a type is made once."""
import uuid
from datetime import date, timedelta

from sqlmodel import Session

from portal.models import Packet
from portal.packets.answers import save_answers, start_packet

SIGNING = date.today() + timedelta(days=30)
NO_PROHIBITIONS = {"prohib_charged": "no", "prohib_convicted": "no", "prohib_custody": "no", "prohib_revoked": "no"}
AGENCY_APPLIES = {
    "applying_as": "authorised_person", "authority_kind": "agency", "authorised_person_name": "Samira Benali",
    "order_kind": "extended_society_care", "order_date": "2021-06-14",
}
PEEL_CONTACT = {
    "mailing_address": "6860 Century Avenue, Mississauga ON", "postal_code": "L5N 2W5", "phone": "905-363-6131",
    "email": "",
    "address_history": [
        {"from": "2022-09-01", "to": "", "address": "Foster home, Mississauga ON"},
        {"from": "2019-08-01", "to": "2022-08-31", "address": "Group home, Brampton ON"},
    ],
}
# Fees follow the day IRCC receives it: mailed two days after signing (domain I.6).
SENDING = {"send_method": "mail", "send_on": (SIGNING + timedelta(days=2)).isoformat()}
DECLARATION = {"signing_place": "Mississauga", "declaration_read": True, **SENDING}

HADDAD = {  # CIT 0403, fully answered: a 12-year-old PR in care with no Canadian parent
    **AGENCY_APPLIES, "language_of_service": "en", "special_needs": "no",
    "uci": "1234567890", "other_names_used": "no", "birth_city": "Aleppo", "sex": "F", "height_cm": 148,
    "eye_colour": "brown", **PEEL_CONTACT,
    "pr_date": "2018-06-01", "pr_document": "copr", "pr_document_number": "T012345678", "pr_conditions": "no",
    "removal_order": "no",
    "had_passport": "yes",
    "passports": [{"country": "Syria", "number": "N01234567", "issued": "2017-01-10", "expires": "2023-01-09"}],
    "passports_not_held": "The Syrian passport expired in 2023 and was not renewed.", "passport_gaps": "",
    "before_pr_in_canada": "no", "absent": "no", "sentence": "no", "tax_required": "no", **NO_PROHIBITIONS,
    "parent1_name": "", "parent1_citizen": "unknown", "parent1_relationship": "natural",
    "parents_unknown_explanation": "Both parents' whereabouts are unknown since 2016 (society records).",
    **DECLARATION,
}
LIANG = {  # CIT 0403, partly answered: years as a temporary resident before PR, so the 365-day cap applies
    **AGENCY_APPLIES, "authorised_person_name": "Jordan Clarke", "language_of_service": "en", "special_needs": "no",
    "pr_date": (SIGNING - timedelta(days=1000)).isoformat(), "pr_document": "copr",
    "pr_document_number": "T987654321", "pr_conditions": "no", "removal_order": "no",
    "before_pr_in_canada": "yes",
    "status_periods": [{"from": (SIGNING - timedelta(days=2200)).isoformat(),
                        "to": (SIGNING - timedelta(days=1001)).isoformat(), "status": "temporary_resident"}],
    "absent": "yes",
    "absences": [{"left": (SIGNING - timedelta(days=400)).isoformat(),
                  "returned": (SIGNING - timedelta(days=380)).isoformat(), "destination": "China",
                  "reason": "Visit to grandmother"}],
    "sentence": "no",
}
SHARMA = {  # CIT 0003, fully answered: a 10-year-old PR whose mother became a citizen
    "authority_kind": "agency", "authorised_person_name": "Samira Benali", "order_kind": "interim_society_care",
    "order_date": "2024-02-20", "language_of_service": "en", "special_needs": "no", "uci": "87654321",
    "other_names_used": "no", "birth_city": "Jaipur", "sex": "F", "height_cm": 138, "eye_colour": "brown",
    **PEEL_CONTACT, "pr_date": "2020-11-15", "pr_document": "pr_card", "pr_document_number": "PA1234567",
    "pr_conditions": "no", "removal_order": "no",
    "parent1_name": "Anjali Sharma", "parent1_citizen": "yes", "parent1_relationship": "natural",
    "parent2_name": "", "parent2_citizen": "unknown", "parent2_relationship": "natural",
    "parents_unknown_explanation": "", "parent_citizen_proof": "citizenship_certificate",
    **NO_PROHIBITIONS, **DECLARATION,
}
OKONKWO = {  # CIT 0002, fully answered: a 19-year-old former Crown ward
    "language_of_service": "en", "special_needs": "no", "applied_before": "no", "uci": "11223344",
    "other_names_used": "no", "birth_city": "Lagos", "sex": "M", "height_cm": 181, "eye_colour": "brown",
    "marital_status": "single", "mailing_address": "55 Queen Street East, Brampton ON", "postal_code": "L6V 1A1",
    "phone": "905-555-0147", "email": "daniel.okonkwo@example.org",
    "address_history": [{"from": "2024-09-01", "to": "", "address": "55 Queen Street East, Brampton ON"},
                        {"from": "2015-03-01", "to": "2024-08-31", "address": "Foster home, Mississauga ON"}],
    "pr_date": "2015-03-01", "pr_document": "imm_1000", "pr_document_number": "B0123456789",
    "pr_conditions": "no", "removal_order": "no", "had_passport": "no", "passports_not_held": "",
    "passport_gaps": "", "before_pr_in_canada": "no", "absent": "no", "sentence": "no",
    "tax_required": "yes", "sin": "046 454 286", "tax_years_filed": 3,
    "language_evidence": "school", "language_evidence_detail": "Ontario Secondary School Diploma, June 2025",
    **NO_PROHIBITIONS, **DECLARATION,
}
MATEO = {  # CIT 0001, fully answered: born in Canada, in foster care
    **AGENCY_APPLIES, "other_names_used": "no", "birth_city": "Toronto", "sex": "M", "height_cm": 152,
    "eye_colour": "brown", "citizenship_basis": "born_in_canada", "birth_province": "Ontario",
    "birth_registration_number": "", "previous_certificate": "no", **PEEL_CONTACT, "uses_representative": "no",
    **DECLARATION,
}
TOMAS = {**AGENCY_APPLIES, "citizenship_basis": "born_in_canada", "birth_province": "Ontario"}

ORDER_KINDS = {"interim_society_care", "extended_society_care", "customary_care"}


def order_from_file(client) -> dict:
    """The order giving the agency its authority, as the client file records it: the care period in force
    (or the latest), with its start date, so the packet never names an order older than the care itself."""
    periods = sorted(client.care_periods or [], key=lambda period: period["start"])
    if not periods:
        return {}
    current = next((period for period in reversed(periods) if not period.get("end")), periods[-1])
    kind = current.get("order")
    return {"order_kind": kind if kind in ORDER_KINDS else "other", "order_date": current["start"]}


# (client key, packet type, answers)
PACKETS = [
    ("alvarez-mateo", "cit_0001", MATEO),
    ("alvarez-tomas", "cit_0001", TOMAS),
    ("haddad-amira", "cit_0403", HADDAD),
    ("liang-wei", "cit_0403", LIANG),
    ("sharma-priya", "cit_0003", SHARMA),
    ("okonkwo-daniel", "cit_0002", OKONKWO),
]


def seed(session: Session, context: dict) -> None:
    for client_key, packet_type, answers in PACKETS:
        client = context["clients"][client_key]
        # A fixed id per demo packet: other demo steps may start packets of the same type for the same client.
        packet_id = uuid.uuid5(uuid.NAMESPACE_URL, f"passage-demo/citizenship/{client_key}/{packet_type}")
        if session.get(Packet, packet_id) is not None:
            continue
        user = next(u for u in context["users"].values() if u.id == client.assigned_caseworker_id)
        packet = start_packet(session, client=client, packet_type_key=packet_type, user=user,
                                      planned_signing_date=SIGNING, packet_id=packet_id)
        if "order_date" in answers:
            answers = {**answers, **order_from_file(client)}
        save_answers(session, packet=packet, changes=answers, base_version=packet.version, user=user)
