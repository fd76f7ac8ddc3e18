"""Demo partners, referrals into the centre in each triage state, a referral out, a pending invitation.

Every organisation, person, phone number and address here is invented: phone numbers use the 555-01xx
range reserved for fiction, emails and websites the reserved .demo / .example domains.
"""
from datetime import date, timedelta

from sqlmodel import Session, select

from portal.models import Invitation, Packet, Partner, Referral, ReferralEvent, ReferralOut, User, utcnow
from portal.packets.answers import start_packet
from portal.youth import invitations

TODAY = date.today()

# (agency, name, kind, region, services, languages, phone, email, website, address)
PARTNERS = [
    ("peel-cas", "Peel Community Legal Clinic (demo)", "legal_clinic", "peel",
     "Free immigration and refugee law advice for low-income residents of Peel: H&C applications, removal orders, "
     "pre-removal risk assessments. Walk-in intake Tuesdays.", "English, French, Punjabi, Urdu, Spanish",
     "905-555-0110", "intake@peel-legal-clinic.example", "https://peel-legal-clinic.example",
     "10 Main Street North, Brampton ON"),
    ("peel-cas", "Etobicoke–Mississauga Refugee Law Office (demo)", "legal_clinic", "toronto",
     "Refugee claims, appeals to the RAD, judicial review. Takes legal aid certificates.",
     "English, Arabic, Tigrinya, Amharic", "416-555-0123", "reception@emrlo.example", "https://emrlo.example",
     "200 Queensway, Toronto ON"),
    ("peel-cas", "A. Okafor, Barrister & Solicitor (pro bono roster, demo)", "pro_bono", "peel",
     "Citizenship refusals and s.5(4) discretionary grant requests for youth in care. Two pro bono files a month.",
     "English, Igbo, Yoruba", "905-555-0134", "okafor.law@example.org", "", "Mississauga ON"),
    ("peel-cas", "Newcomer Pathways Settlement Services (demo)", "settlement", "peel",
     "Settlement counselling, help getting a SIN and health card, language classes, youth programs.",
     "English, Mandarin, Cantonese, Tamil, Vietnamese, Spanish", "905-555-0145", "youth@newcomer-pathways.example",
     "https://newcomer-pathways.example", "3500 Hurontario Street, Mississauga ON"),
    ("peel-cas", "Peel Newcomer Strategy Group (demo LIP)", "lip", "peel",
     "Local immigration partnership: service map for newcomers in Peel, interpreter roster, community tables.",
     "English, French", "905-555-0156", "info@peel-lip.example", "https://peel-lip.example", ""),
    ("peel-cas", "Youth ID Clinic (demo)", "other", "toronto",
     "Helps youth replace birth certificates, health cards and provincial ID. Pays fees for youth in care.",
     "English, Somali, Dari", "416-555-0167", "idclinic@example.org", "", "Toronto ON"),
    ("jhs-ccms", "Downtown Immigration Legal Services (demo)", "legal_clinic", "toronto",
     "Work permits for people under unenforceable removal orders, detention reviews.", "English, Spanish, Russian",
     "416-555-0178", "intake@downtown-ils.example", "https://downtown-ils.example", "Toronto ON"),
]

# (reference, status, channel, referrer agency, worker, email, phone, child, age, region, language, concern,
#  urgency, days until the urgent date, consent, legal basis, days ago)
REFERRALS = [
    ("REF-DEMO-N3W1", "new", "online", "Halton Children's Aid Society (demo)", "Priya Natarajan",
     "p.natarajan@halton-cas.example", "", "K.", 17, "halton", "Tamil", "pr_citizenship", "turning_18", 45,
     "obtained", "", 1),
    ("REF-DEMO-N3W2", "new", "phone", "Toronto District School Board (demo)", "Marc Gagnon", "", "416-555-0188",
     "Aisha", 15, "toronto", "Somali", "no_status", "none", None, "without",
     "Child protection concern reported under the CYFSA duty to report; guardian not reachable.", 3),
    ("REF-DEMO-1NF0", "info_requested", "online", "Durham Youth Services (demo)", "Leah Cohen",
     "l.cohen@durham-youth.example", "", "J.M.", 16, "durham", "French", "documents", "other", 20, "obtained", "", 6),
    ("REF-DEMO-ACC1", "accepted", "email", "Hamilton Children's Aid Society (demo)", "Tom Reyes",
     "t.reyes@hamilton-cas.example", "", "D.", 17, "hamilton", "Arabic", "removal", "removal", 30, "obtained", "", 12),
    ("REF-DEMO-DEC1", "declined", "online", "Ottawa Community Housing Youth Desk (demo)", "Sam Lee",
     "s.lee@och-youth.example", "", "R.", 24, "ottawa", "English", "work_study", "none", None, "obtained", "", 20),
]


def seed(session: Session, context: dict) -> None:
    agencies, users, clients = context["agencies"], context["users"], context["clients"]
    for agency_slug, name, kind, region, services, languages, phone, email, website, address in PARTNERS:
        agency = agencies[agency_slug]
        if session.exec(select(Partner).where(Partner.agency_id == agency.id, Partner.name == name)).first() is None:
            session.add(Partner(agency_id=agency.id, name=name, kind=kind, region=region, services=services,
                                languages=languages, phone=phone, email=email, website=website, address=address))
    session.flush()

    centre = agencies["peel-cas"]
    caseworker = users["caseworker@peel.demo"]
    for (reference, status, channel, from_agency, worker, email, phone, child, age, region, language, concern, urgency,
         days_until, consent, basis, days_ago) in REFERRALS:
        if session.exec(select(Referral).where(Referral.reference == reference)).first() is not None:
            continue
        created = utcnow() - timedelta(days=days_ago)
        referral = Referral(
            agency_id=centre.id, reference=reference, channel=channel, status=status, referrer_agency=from_agency,
            referrer_name=worker, referrer_email=email, referrer_phone=phone, child_name=child, child_age=age,
            region=region, language=language, concern=concern, urgency=urgency,
            urgency_date=TODAY + timedelta(days=days_until) if days_until is not None else None,
            urgency_note="Study permit application due" if urgency == "other" else "",
            consent=consent, legal_basis=basis,
            entered_by_id=caseworker.id if channel != "online" else None, created_at=created, updated_at=created,
            decision_reason="Over 21 and not a former youth in care: referred to a settlement agency instead."
            if status == "declined" else "",
        )
        if status == "accepted":
            referral.client_file_id = clients["abdi-hodan"].id
        session.add(referral)
        session.flush()
        session.add(ReferralEvent(agency_id=centre.id, referral_id=referral.id, kind="received", note=channel,
                                  actor_id=referral.entered_by_id, created_at=created))
        if status != "new":
            note = {"info_requested": "Need the youth's date of birth and current care status.",
                    "declined": referral.decision_reason}.get(status, "")
            session.add(ReferralEvent(agency_id=centre.id, referral_id=referral.id, kind=status, note=note,
                                      actor_id=caseworker.id, notified=bool(email),
                                      created_at=created + timedelta(days=1)))

    partner = session.exec(select(Partner).where(Partner.agency_id == centre.id, Partner.kind == "legal_clinic")
                           .order_by(Partner.name)).first()
    client = clients["kovalenko-olena"]
    if session.exec(select(ReferralOut).where(ReferralOut.client_id == client.id)).first() is None:
        session.add(ReferralOut(agency_id=centre.id, client_id=client.id, partner_id=partner.id,
                                reason="Legal advice on an H&C application; "
                                       "no status and not eligible for the state-care pathway.",
                                referred_on=TODAY - timedelta(days=9), outcome="connected",
                                outcome_note="First appointment booked.",
                                created_by_id=users["caseworker2@peel.demo"].id))

    # A pending invitation for a client who has no account yet
    # (the QR is shown only when made, so this one was "emailed").
    invited = clients["abdi-hodan"]
    if session.exec(select(Invitation).where(Invitation.client_id == invited.id)).first() is None:
        packet = session.exec(select(Packet).where(Packet.client_id == invited.id)).first()
        invitations.create_invitation(session, client=invited, packet=packet, by=caseworker, channel="email",
                                      email="hodan.demo@example.org")
    # The demo youth (16, a permanent resident in extended society care) has a citizenship application to help with.
    liang = clients["liang-wei"]
    youth = session.exec(select(User).where(User.email == "youth@peel.demo")).first()
    if youth is not None and youth.client_id != liang.id:
        youth.client_id = liang.id
    if session.exec(select(Packet).where(Packet.client_id == liang.id)).first() is None:
        start_packet(session, client=liang, packet_type_key="cit_0403", user=users["caseworker2@peel.demo"],
                             planned_signing_date=TODAY + timedelta(days=30))
    session.flush()
