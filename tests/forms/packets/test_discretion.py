"""CIT 0403 and CIT 0002: a discretionary grant under s.5(4) and waivers under s.5(3), with their written
submissions (Appendix D; Citizenship Act s.5(3), s.5(4); domain A.8)."""
from datetime import date

import pytest

from tests.support.forms import rules_of, summarize_answers

SHORT_PRESENCE = {"pr_date": "2025-06-01", "before_pr_in_canada": "no", "absent": "no", "sentence": "no"}


@pytest.mark.parametrize("key, dob", [("cit_0403", date(2012, 5, 17)), ("cit_0002", date(1990, 1, 1))])
def test_asking_for_5_4_turns_the_presence_blocker_into_a_warning(key, dob):
    plain = rules_of(summarize_answers(key, SHORT_PRESENCE, dob=dob))
    assert plain["presence.1095"].level == "blocker"
    asked = summarize_answers(key, {**SHORT_PRESENCE, "request_5_4": "yes", "grounds_5_4": "hardship"}, dob=dob)
    rules = rules_of(asked)
    assert rules["presence.1095"].level == "warning"
    assert rules["discretion.5_4"].source.startswith("Citizenship Act s.5(4)")
    assert rules["discretion.5_4_submission"].level == "blocker"  # the submission is still to write
    assert {"submission_5_4", "evidence_5_4"} <= {item.key for item in asked.checklist}
    written = summarize_answers(key, {**SHORT_PRESENCE, "request_5_4": "yes", "grounds_5_4": "hardship",
                                      "submission_5_4": "In care since 9; no parent can apply; ..."}, dob=dob)
    assert "discretion.5_4_submission" not in rules_of(written)
    section = next(s for s in written.sections if s.step.key == "discretion")
    assert "Appendix D" in section.step.form_section
    assert any(line.display.startswith("In care since 9") for line in section.lines)
    letter = written.packet_type.cover_letter(written.context)
    assert any("subsection 5(4)" in paragraph and "special and unusual hardship" in paragraph for paragraph in letter)


def test_language_and_knowledge_waivers_only_on_the_adult_form():
    minor = summarize_answers("cit_0403", {}, dob=date(2012, 5, 17))
    adult = summarize_answers("cit_0002", {}, dob=date(1990, 1, 1))
    names = {s.step.key: [line.field.name for line in s.lines if line.applies] for s in (*minor.sections,)}
    assert "waiver_language" not in names["discretion"] and "waiver_oath" in names["discretion"]
    adult_names = [line.field.name for s in adult.sections if s.step.key == "discretion" for line in s.lines
                   if line.applies]
    assert {"waiver_language", "waiver_knowledge", "waiver_oath"} <= set(adult_names)


def test_a_language_waiver_softens_the_clb4_blocker_and_needs_its_submission():
    plain = rules_of(summarize_answers("cit_0002", {"language_evidence": "none"}, dob=date(1990, 1, 1)))
    assert plain["language.clb4"].level == "blocker"
    asked = summarize_answers("cit_0002", {"language_evidence": "none", "waiver_language": "yes"},
                              dob=date(1990, 1, 1))
    rules = rules_of(asked)
    assert rules["language.clb4"].level == "warning"
    assert rules["discretion.waiver_submission"].level == "blocker"
    assert "waiver_evidence" in {item.key for item in asked.checklist}


def test_oath_waiver_for_an_adult_names_the_disability_ground():
    rules = rules_of(summarize_answers("cit_0002", {"waiver_oath": "yes", "waiver_submission": "Doctor's letter."},
                                       dob=date(1990, 1, 1)))
    assert "mental disability" in rules["discretion.oath"].message
