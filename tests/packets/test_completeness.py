"""One completeness model: what a packet still lacks, the gates it closes, a manager's written override."""
from datetime import date

import pytest
from sqlmodel import select

from portal.models import AuditEvent, Packet, PacketEvent, PacketStatus, ReviewComment, Signature, User
from portal.packets import channel as packet_channel
from portal.packets import completeness, lifecycle, milestones, signing
from portal.packets.answers import save_answers
from tests.support.records import complete_packet

S = PacketStatus
pytestmark = pytest.mark.usefixtures("request_context")


def _kinds(state) -> set[str]:
    return {item.kind for item in state.items}


def test_a_new_packet_lists_what_is_missing_and_never_an_optional_item(app, db, draft_world):
    packet = db.get(Packet, draft_world.packet.id)
    state = completeness.of(db, packet=packet)
    assert {completeness.ANSWER, completeness.CHECKLIST} <= _kinds(state)
    assert not state.eligibility_checked
    # Items the packet's channel does not take (photos, online) are not missing (#17).
    required = {item.key for item in state.summary.checklist
                if item.required and not packet_channel.of(packet).not_needed(item.key)}
    assert state.missing_checklist_keys() == required
    assert "translations" not in state.missing_checklist_keys()  # optional: never missing
    by_step = state.answers_by_step()
    assert by_step and all(items for _key, _title, items in by_step)


def test_send_for_review_is_refused_while_answers_are_missing(db, draft_world):
    packet = db.get(Packet, draft_world.packet.id)
    with pytest.raises(lifecycle.GateRefused) as refused:
        lifecycle.transition(db, packet=packet, to_status=S.in_review, user=db.get(User, draft_world.worker.id))
    assert refused.value.gate == "send" and not refused.value.may_override
    assert {item.kind for item in refused.value.missing} >= {"answer", "checklist"}
    db.rollback()
    assert db.get(Packet, packet.id).status == S.draft


def _in_review_with_comment(db, review_world, app):
    complete_packet(app, review_world.packet, sign=True)
    packet = db.get(Packet, review_world.packet.id)
    packet.status = S.in_review
    db.add(packet)
    answers = dict(packet.answers)
    answers.pop("birth_city")
    packet.answers = answers
    db.add(ReviewComment(agency_id=packet.agency_id, packet_id=packet.id, target="general", body="Check Q8",
                         author_id=review_world.manager.id))
    db.flush()
    return packet


def test_approval_is_refused_with_an_answer_missing_and_a_comment_open(app, db, review_world):
    packet = _in_review_with_comment(db, review_world, app)
    with pytest.raises(lifecycle.GateRefused) as refused:
        lifecycle.transition(db, packet=packet, to_status=S.approved, user=db.get(User, review_world.manager.id))
    assert {(item.kind, item.key) for item in refused.value.missing} >= {("answer", "birth_city")}
    assert "comment" in {item.kind for item in refused.value.missing}
    assert refused.value.may_override


def test_a_manager_overrides_with_a_reason_kept_in_history_and_audit(app, db, review_world):
    packet = _in_review_with_comment(db, review_world, app)
    manager = db.get(User, review_world.manager.id)
    with pytest.raises(lifecycle.GateRefused):  # no reason, no override
        lifecycle.transition(db, packet=packet, to_status=S.approved, user=manager, override_reason="   ")
    lifecycle.transition(db, packet=packet, to_status=S.approved, user=manager,
                         override_reason="Birth city unknown: the youth and the file have no record of it.")
    assert packet.status == S.approved
    event = db.exec(select(PacketEvent).where(PacketEvent.packet_id == packet.id,
                                              PacketEvent.kind == "override")).one()
    assert event.data["gate"] == "approve" and event.note.startswith("Birth city unknown")
    assert any(item["key"] == "birth_city" for item in event.data["missing"])
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "packet.gate_override")).one()
    assert audit.record_id == str(packet.id) and "gate=approve" in audit.detail
    assert "Birth" not in audit.detail  # the reason stays in the history, the audit log holds codes
    assert lifecycle.overrides(db, packet=packet)[0].id == event.id


def test_a_caseworker_cannot_override(app, db, review_world):
    complete_packet(app, review_world.packet)
    packet = db.get(Packet, review_world.packet.id)
    packet.answers = {**packet.answers, "birth_city": ""}
    db.add(packet)
    with pytest.raises(lifecycle.GateRefused) as refused:
        lifecycle.transition(db, packet=packet, to_status=S.in_review, user=db.get(User, review_world.worker.id),
                             override_reason="I want a second opinion")
    assert not refused.value.may_override


def test_a_complete_packet_passes_every_gate(app, db, review_world):
    assert complete_packet(app, review_world.packet, sign=True) == []
    packet = db.get(Packet, review_world.packet.id)
    worker, manager = db.get(User, review_world.worker.id), db.get(User, review_world.manager.id)
    lifecycle.transition(db, packet=packet, to_status=S.in_review, user=worker)
    lifecycle.transition(db, packet=packet, to_status=S.approved, user=manager)
    milestones.record_submission(db, packet=packet, user=worker, form={"sent_on": date.today().isoformat(),
                                                                       "method": "online", "reference": "N1"})
    assert packet.status == S.submitted
    assert not db.exec(select(PacketEvent).where(PacketEvent.kind == "override")).all()


def test_submission_is_refused_while_the_youth_has_not_signed(app, db, review_world):
    complete_packet(app, review_world.packet, sign=False)
    packet = db.get(Packet, review_world.packet.id)
    packet.status = S.approved
    db.add(packet)
    with pytest.raises(lifecycle.GateRefused) as refused:
        milestones.record_submission(db, packet=packet, user=db.get(User, review_world.worker.id),
                                     form={"sent_on": date.today().isoformat(), "method": "online",
                                           "reference": "N1"})
    assert [(item.kind, item.key) for item in refused.value.missing] == [("signature", "minor")]
    # signatures block submission, not sending for review or approval
    state = completeness.of(db, packet=packet)
    assert not state.blocking("send") and not state.blocking("approve") and not state.blocking("sign")


def test_the_youth_cannot_sign_while_their_question_waits(app, db, youth_world):
    complete_packet(app, youth_world.packet)
    packet = db.get(Packet, youth_world.packet.id)
    youth = db.get(User, youth_world.youth.id)
    save_answers(db, packet=packet, changes={"birth_city": ""}, base_version=packet.version, user=youth,
                 ask_caseworker={"birth_city"})
    with pytest.raises(signing.NotReadyToSign) as refused:
        signing.sign(db, packet=packet, user=youth, signer_key="minor", typed_name="Tomás Álvarez Ruiz",
                     signed_on=date.today().isoformat(), confirmed=True)
    assert [(item.kind, item.key) for item in refused.value.missing] == [("question", "birth_city")]
    assert not db.exec(select(Signature)).all()


def test_the_gates_table_in_the_docs_matches_the_model():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "gates.md").read_text()
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    for kind in completeness.KINDS:
        row = next(line for name, line in rows.items() if f"`{kind}`" in name)
        cells = [cell.strip() for cell in row.strip("|").split("|")[1:]]
        for gate, cell in zip(("send", "approve", "submit", "sign"), cells, strict=False):
            assert (cell.startswith("blocks")) == (kind in completeness.GATES[gate]), (kind, gate, cell)
