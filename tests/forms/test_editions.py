"""Form editions: every form's edition is VERIFY unless its source gives a date; the checklist shows the edition
assumed and the cover letter names it (issue 16)."""
from datetime import date

from portal.forms import PACKET_TYPES, facts
from portal.forms.editions import edition_words, editions_paragraph
from tests.support.forms import summarize_answers


def test_every_form_edition_is_marked_verify():
    forms = [fact for fact in facts.all_facts() if fact.kind == "form"]
    assert len(forms) >= 13
    assert [fact.key for fact in forms if not fact.verify] == []


def test_words_for_a_dated_and_an_unknown_edition():
    assert edition_words("CIT 0002") == "edition 10-2016, VERIFY on canada.ca"
    assert edition_words("IMM 5709") == "edition: check canada.ca"
    assert edition_words("NOT 0000") == "edition not recorded: check canada.ca"


def test_checklist_and_cover_letter_name_the_edition():
    summary = summarize_answers("cit_0403", {}, dob=date(2012, 5, 17))
    form = next(item for item in summary.checklist if item.key == "form")
    assert form.label.endswith("(edition 10-2020, VERIFY on canada.ca)")
    letter = summary.packet_type.cover_letter(summary.context)
    assert letter[-1] == editions_paragraph(("CIT 0403",), summary.context.signing_date)
    assert "CIT 0403 (edition 10-2020" in letter[-1]


def test_every_packet_type_names_its_editions():
    for key, packet_type in PACKET_TYPES.items():
        if key == "doc_test":
            continue
        assert packet_type.cover_letter is not None, key
        assert any(item.form_code for item in packet_type.checklist), key
