"""The packet types of issue 16 render to PDF like the others: the form's sections, the checklist with the edition
assumed, the fees, and the cover letter naming the editions."""
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal import queue
from portal.demo.new_routes import protected_answers, study_answers, trp_answers
from portal.demo.status_packets import SIGNING
from portal.models import CareStatus, StatusInCanada
from tests.documents.test_pdf import render_now

CARE = [{"start": (date.today() - timedelta(days=5 * 365)).isoformat(), "end": None,
         "order": "extended_society_care"}]


@pytest.mark.parametrize("key, status, build, expected", [
    ("state_care_trp", StatusInCanada.no_status, trp_answers, ["IMM 5708 Section 2", "Waived: former child in state"]),
    ("imm_5709", StatusInCanada.no_status, study_answers, ["IMM 5709 Section 6", "Mississauga Secondary"]),
    ("pr_protected", StatusInCanada.protected_person, protected_answers,
     ["IMM 5562 Supplementary information", "Waived for protected persons"]),
])
def test_new_packet_types_render(app, make, key, status, build, expected):
    agency = make.agency(name="Peel CAS (test)")
    client = make.client(agency, family_name="Diallo", given_names="Mariama", date_of_birth=date(2008, 3, 3),
                         status_in_canada=status, care_status=CareStatus.extended_society_care, care_periods=CARE,
                         country_of_birth="Guinea", citizenships="Guinea", preferred_language="French")
    packet = make.packet(client, packet_type=key, answers=build(client), planned_signing_date=SIGNING)
    queue.connection(app).flushall()
    render, data = render_now(app, packet.id)
    assert render.status == "done"
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)
    for words in expected:
        assert words in text
    assert "Forms enclosed, with the edition used" in text  # the cover letter names the editions
    assert "edition: check canada.ca" in text  # and the checklist shows the edition assumed
