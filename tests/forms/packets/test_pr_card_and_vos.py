"""PR card (IMM 5444) and Verification of Status (IMM 5009) end to end, with IRPR s.57 signers."""
from datetime import date

import pytest

from portal.demo.status_packets import SIGNING, pr_card_answers, vos_answers
from portal.models import CareStatus, Role, StatusInCanada
from tests.support.forms import complete, rules_by_level, start_over_http, status_client, summary_of


def pr_youth(make, agency, dob):
    return status_client(make, agency, family_name="Ramírez", given_names="Sofía", date_of_birth=dob,
                         country_of_birth="Colombia", citizenships="Colombia", preferred_language="Spanish",
                         status_in_canada=StatusInCanada.permanent_resident, care_status=CareStatus.in_care)


@pytest.mark.parametrize("packet_type, build, fee", [("pr_card", pr_card_answers, 50.0), ("vos", vos_answers, 30.0)])
def test_completed_for_a_youth_in_care(app, make, auth, packet_type, build, fee):
    agency = make.agency(name="Peel CAS (test)")
    worker = make.user(agency, role=Role.caseworker)
    client = pr_youth(make, agency, date(2011, 8, 29))
    auth.login(worker)
    packet_id = start_over_http(auth, client, packet_type, SIGNING)
    complete(auth, packet_id, client, packet_type, build(client), SIGNING)
    assert auth.client.get(f"/packets/{packet_id}/review").status_code == 200
    summary, _stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    assert [line.amount for line in summary.fees] == [fee]
    signers = dict((signer.key, capacity) for signer, capacity in summary.signers)
    assert list(signers) == ["applicant", "court_appointed"]  # 15: the youth and the agency under the court order
    assert "Peel CAS (test)" in signers["court_appointed"]
    assert "proof_of_authority" in [item.key for item in summary.checklist]


@pytest.mark.parametrize("dob, court, deceased, expected", [
    (date(2016, 1, 1), "no", "no", ["parent"]),  # under 14: a parent alone
    (date(2016, 1, 1), "yes", "", ["court_appointed"]),
    (date(2011, 1, 1), "no", "yes", ["applicant", "legally_responsible"]),
    (date(2000, 1, 1), "", "", ["applicant"]),
])
def test_s57_signers_follow_age_and_answers(app, make, auth, dob, court, deceased, expected):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = pr_youth(make, agency, dob)
    auth.login(worker)
    packet_id = start_over_http(auth, client, "pr_card", SIGNING)
    if court:
        data = {"court_appointed": court, "parents_deceased": deceased}
        assert auth.post(f"/packets/{packet_id}/steps/signatures", data=data).status_code == 303
    summary, _stored = summary_of(app, packet_id)
    assert [signer.key for signer, _capacity in summary.signers] == expected


def test_residency_obligation_shortfall_is_a_blocker(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = pr_youth(make, agency, date(1990, 1, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "pr_card", SIGNING)
    answers = pr_card_answers(client)
    answers["absences"] = [{"left": "2022-01-01", "returned": "2026-06-01", "destination": "Colombia",
                            "reason": "family"}]
    complete(auth, packet_id, client, "pr_card", answers, SIGNING)
    summary, _stored = summary_of(app, packet_id)
    residency = next(finding for finding in summary.findings if finding.rule == "pr.residency")
    assert residency.level == "blocker" and "730" in residency.message


def test_vos_correction_points_to_imm_5218(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = pr_youth(make, agency, date(2000, 1, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "vos", SIGNING)
    assert auth.post(f"/packets/{packet_id}/steps/request", data={"language_of_service": "en",
                                                                 "request": "correction"}).status_code == 303
    summary, _stored = summary_of(app, packet_id)
    assert rules_by_level(summary, "blocker") == ["vos.correction"]


def test_demo_packets_are_complete_idempotent_and_render_to_pdf(app):
    """seed-demo creates each status packet for a client in its situation, fully answered, once."""
    import io

    from pypdf import PdfReader
    from sqlmodel import select

    from portal import demo
    from portal.db import session_scope
    from portal.demo.people import CLIENTS
    from portal.demo.status_packets import PLAN
    from portal.documents import pdf, snapshot, storage
    from portal.forms import summarize
    from portal.models import Agency, Client, Packet

    names = {row[2]: (row[3], row[4]) for row in CLIENTS}

    def planned(session):
        found = {}
        for client_key, packet_type, _build in PLAN:
            family, given = names[client_key]
            client = session.exec(select(Client).where(Client.family_name == family,
                                                       Client.given_names == given)).one()
            found[(client_key, packet_type)] = session.exec(select(Packet).where(
                Packet.client_id == client.id, Packet.packet_type == packet_type)).all()
        return found

    with app.app_context():
        with session_scope(app) as session:
            demo.seed(session)
        with session_scope(app) as session:
            first = {key: len(rows) for key, rows in planned(session).items()}
        with session_scope(app) as session:
            demo.seed(session)
        with session_scope(app) as session:
            found = planned(session)
            assert {key: len(rows) for key, rows in found.items()} == first
            rendered = set()
            for (client_key, packet_type), rows in found.items():
                packet = max(rows, key=lambda row: len(row.answers))  # other demo steps add packets in other states
                client, agency = session.get(Client, packet.client_id), session.get(Agency, packet.agency_id)
                summary = summarize(packet=packet, client=client, agency=agency)
                assert summary.missing == (), (client_key, [line.field.name for line in summary.missing])
                assert [f.rule for f in summary.findings if f.level == "blocker"] == [], client_key
                if packet_type in rendered:
                    continue
                result = pdf.render_packet_pdf(snapshot.build(session, packet=packet, user=None), final=False,
                                               load=storage.load, app=app)
                assert result.pages >= 3 and result.data.startswith(b"%PDF")
                cover = PdfReader(io.BytesIO(result.data)).pages[0].extract_text()
                if packet_type == "imm_5710":
                    assert "open work permit under" in cover, "the cover letter names the basis"
                if packet_type == "state_care_pr":
                    assert "were in state care" in cover, "the cover letter names the public policy"
                rendered.add(packet_type)
            assert rendered == {"imm_5710", "state_care_pr", "hc_pr", "pr_card", "vos"}
