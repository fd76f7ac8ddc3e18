"""Every GET route of the app with real arguments, for tests that walk them all."""
from datetime import date

from portal.models import Consultation, CorrectionRequest, Guide, Partner, PrivacyIncident, Referral

# Argument values that are not records (the rest come from the world below).
STEP = "about"


def route_values(world, make) -> dict[str, str]:
    partner = make._save(Partner(agency_id=world.centre.id, name="Legal Clinic", kind="legal_clinic", region="Peel"))
    referral = make._save(Referral(agency_id=world.centre.id, reference="REF-TEST-0001", referrer_agency="School",
                                   referrer_name="Ms Lee", child_name="A", region="Peel", concern="citizenship",
                                   consent="obtained"))
    consultation = make._save(Consultation(agency_id=world.centre.id, reference="CON-TEST-0001", asker_agency="School",
                                           asker_name="Ms Lee", topic="unsure", question="Which form?",
                                           advice="CIT 0403", consulted_on=date.today()))
    guide = make._save(Guide(agency_id=world.centre.id, slug="what-a-pr-card-is", title="What a PR card is",
                             body="A **card**.", packet_types="pr_card"))
    correction = make._save(CorrectionRequest(agency_id=world.centre.id, client_id=world.client.id, field="phone",
                                              requested_value="905-555-0199", received_on=date.today()))
    incident = make._save(PrivacyIncident(agency_id=world.centre.id, summary="A letter went to the wrong house.",
                                          found_on=date.today(), client_ids=[str(world.client.id)]))
    return {
        "consultation_id": str(consultation.id), "guide_id": str(guide.id), "filename": "app.css",
        "request_id": str(correction.id), "incident_id": str(incident.id),
        "packet_id": str(world.packet.id), "client_id": str(world.client.id), "partner_id": str(partner.id),
        "referral_id": str(referral.id), "user_id": str(world.caseworker.id), "render_id": str(world.packet.id),
        "document_id": str(world.packet.id), "step_key": STEP, "token": "not-a-real-token",
        "invitation_id": str(world.packet.id),
    }


def get_paths(app, values) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", values[argument])
        # Some pages take the client from the query (a referral out is made from a client file).
        paths.append(f"{path}?client_id={values['client_id']}")
    return sorted(paths)
