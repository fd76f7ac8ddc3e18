"""Staff review: comments, the freeze and the version diff, submission and milestones, the routes."""
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal import validation
from portal.casework import work
from portal.db import session_scope
from portal.models import (
    AuditEvent,
    Document,
    Milestone,
    MilestoneKind,
    Packet,
    PacketApproval,
    PacketStatus,
    Render,
    RenderStatus,
    ReviewComment,
    Role,
    User,
)
from portal.packets import approvals, comments, history, lifecycle, milestones
from portal.packets.lifecycle import transition
from portal.web.panels import PACKET_PANELS
from tests.support.records import complete_packet, fresh

S = PacketStatus


@pytest.fixture(autouse=True)
def complete_review_world(app, request):
    """The gates let only complete packets move on: the review world's packet has every answer, document
    and signature (tests that take it away say so)."""
    if "review_world" in request.fixturenames:
        complete_packet(app, request.getfixturevalue("review_world").packet, sign=True)


def set_status(app, packet_id, status, **fields):
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, packet_id)
        packet.status = status
        for key, value in fields.items():
            setattr(packet, key, value)


def add_document(db, packet, item, sha, name):
    db.add(Document(agency_id=packet.agency_id, packet_id=packet.id, checklist_item=item, filename=name,
                    content_type="application/pdf", sha256=sha * 64, storage_key=f"key-{sha}"))


# --- Domain ---------------------------------------------------------------------------------------

def test_comments_on_fields_and_sections_until_resolved(app, review_world, request_context):  # noqa: F811
    set_status(app, review_world.packet.id, S.in_review)
    with app.app_context(), session_scope(app) as db:
        packet, manager = db.get(Packet, review_world.packet.id), db.get(User, review_world.manager.id)
        comments.add_comment(db, packet=packet, user=manager, target="family_name", body="Spell as on the passport")
        comments.add_comment(db, packet=packet, user=manager, target="identity", body="Check the whole section")
        comments.add_comment(db, packet=packet, user=manager, target="general", body="Nearly there")
        grouped = comments.open_comments(db, packet=packet)
        assert {key: [c.body for c in rows] for key, rows in grouped.items()} == {
            "family_name": ["Spell as on the passport"], "identity": ["Check the whole section"],
            "general": ["Nearly there"]}
        assert grouped["identity"][0].target_kind == "section" and grouped["family_name"][0].target_kind == "field"
        worker = db.get(User, review_world.worker.id)
        comments.resolve_comment(db, packet=packet, comment_id=grouped["family_name"][0].id, user=worker)
        assert "family_name" not in comments.open_comments(db, packet=packet)


@pytest.mark.parametrize("target, body, status, field", [
    ("no_such_field", "text", S.in_review, "target"),
    ("family_name", "   ", S.in_review, "body"),
    ("family_name", "x" * 2001, S.in_review, "body"),
    ("family_name", "fine", S.draft, "body"),
])
def test_comment_validation(app, review_world, request_context, target, body, status, field):  # noqa: F811
    set_status(app, review_world.packet.id, status)
    with app.app_context(), session_scope(app) as db:
        with pytest.raises(validation.FormInvalid) as raised:
            comments.add_comment(db, packet=db.get(Packet, review_world.packet.id),
                                 user=db.get(User, review_world.manager.id), target=target, body=body)
        assert field in raised.value.errors and raised.value.values["body"] == body


def test_freeze_and_version_diff(app, review_world, request_context):  # noqa: F811
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, review_world.packet.id)
        manager, worker = db.get(User, review_world.manager.id), db.get(User, review_world.worker.id)
        base = {name: value for name, value in packet.answers.items() if name != "uci"}  # complete, but for the UCI
        packet.answers = {**base, "given_names": "Amira", "uci": "12345678"}
        add_document(db, packet, "passports", "a", "passport.pdf")
        add_document(db, packet, "birth_certificate", "b", "birth.pdf")
        add_document(db, packet, "two_id", "c", "card.pdf")
        db.flush()
        transition(db, packet=packet, to_status=S.in_review, user=worker)
        transition(db, packet=packet, to_status=S.approved, user=manager)
        assert approvals.changes_since_approval(db, packet=packet) is None  # the approved version itself

        packet.answers = {**base, "given_names": "Amira Noor", "other_names": "Noor"}
        lifecycle.answers_changed(db, packet=packet, changed={"given_names", "other_names", "uci"}, user=worker)
        db.exec(select(Document).where(Document.checklist_item == "passports")).one().sha256 = "d" * 64
        db.delete(db.exec(select(Document).where(Document.checklist_item == "two_id")).one())
        add_document(db, packet, "pr_proof", "e", "pr-card.pdf")
        db.flush()

        assert (packet.status, packet.revision) == (S.draft, 2)
        changes = approvals.changes_since_approval(db, packet=packet)
        assert changes.approval.revision == 1
        assert [(c.name, c.before, c.after) for c in changes.fields] == [
            ("uci", "12345678", ""), ("given_names", "Amira", "Amira Noor"), ("other_names", "", "Noor")]
        assert changes.fields[1].label.startswith("Given name")
        assert sorted((c.checklist_item, c.change) for c in changes.documents) == [
            ("passports", "replaced"), ("pr_proof", "added"), ("two_id", "removed")]
        # The approved snapshot is frozen: it did not follow the edits.
        approval = db.exec(select(PacketApproval)).one()
        assert approval.answers["given_names"] == "Amira"
        assert sorted(doc["checklist_item"] for doc in approval.documents) == ["birth_certificate", "passports",
                                                                               "two_id"]


def test_final_render_fingerprint_is_recorded_once_done(app, review_world, request_context):  # noqa: F811
    set_status(app, review_world.packet.id, S.in_review)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, review_world.packet.id)
        transition(db, packet=packet, to_status=S.approved, user=db.get(User, review_world.manager.id))
        render = Render(agency_id=packet.agency_id, packet_id=packet.id, final=True, revision=1)
        db.add(render)
        db.flush()
        approval = approvals.attach_final_render(db, packet=packet, render=render)
        assert approvals.approval_fingerprint(db, approval=approval) is None
        render.status, render.sha256 = RenderStatus.done, "f" * 64
        assert approvals.approval_fingerprint(db, approval=approval) == "f" * 64
        assert approval.render_id == render.id


def test_answer_saves_reach_the_lifecycle(app, review_world, request_context):  # noqa: F811
    from portal.packets.answers import save_answers

    set_status(app, review_world.packet.id, S.in_review)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, review_world.packet.id)
        transition(db, packet=packet, to_status=S.approved, user=db.get(User, review_world.manager.id))
        save_answers(db, packet=packet, changes={"family_name": "Haddad-Ali"}, base_version=packet.version,
                             user=db.get(User, review_world.worker.id))
        assert (packet.status, packet.revision) == (S.draft, 2)


def _submitted(app, review_world, sent_on=date(2026, 1, 10)):
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, review_world.packet.id)
        transition(db, packet=packet, to_status=S.in_review, user=db.get(User, review_world.worker.id))
        transition(db, packet=packet, to_status=S.approved, user=db.get(User, review_world.manager.id))
        db.exec(select(PacketApproval)).one().approved_at -= timedelta(days=400)
        milestones.record_submission(db, packet=packet, user=db.get(User, review_world.worker.id),
                                 form={"sent_on": sent_on.isoformat(), "method": "mail", "reference": "RN123CA"})


@pytest.mark.parametrize("form, field", [
    ({"sent_on": "", "method": "online"}, "sent_on"),
    ({"sent_on": "2099-01-01", "method": "online"}, "sent_on"),
    ({"sent_on": "31/01/2026", "method": "online"}, "sent_on"),
    ({"sent_on": "2026-01-10", "method": "pigeon"}, "method"),
    ({"sent_on": "2026-01-10", "method": "mail", "reference": ""}, "reference"),
])
def test_submission_validation(app, review_world, request_context, form, field):  # noqa: F811
    set_status(app, review_world.packet.id, S.approved)
    with app.app_context(), session_scope(app) as db:
        with pytest.raises(validation.FormInvalid) as raised:
            milestones.record_submission(db, packet=db.get(Packet, review_world.packet.id),
                                         user=db.get(User, review_world.worker.id), form=form, today=date(2026, 2, 1))
        assert field in raised.value.errors
        assert raised.value.values["sent_on"] == form["sent_on"]


def test_milestones_and_a_decision(app, review_world, request_context):  # noqa: F811
    _submitted(app, review_world)
    with app.app_context(), session_scope(app) as db:
        packet, worker = db.get(Packet, review_world.packet.id), db.get(User, review_world.worker.id)
        assert packet.status == S.submitted
        record = lambda **form: milestones.record_milestone(db, packet=packet, user=worker, form=form)  # noqa: E731
        with pytest.raises(validation.FormInvalid) as raised:
            record(kind="acknowledged", occurred_on="2026-02-01")
        assert "reference" in raised.value.errors
        with pytest.raises(validation.FormInvalid) as raised:
            record(kind="acknowledged", occurred_on="2026-01-01", reference="C000123")  # before it was sent
        assert "occurred_on" in raised.value.errors
        record(kind="acknowledged", occurred_on="2026-02-01", reference="C000123")
        with pytest.raises(validation.FormInvalid) as raised:
            record(kind="documents_requested", occurred_on="2026-03-01")
        assert "due_on" in raised.value.errors
        with pytest.raises(validation.FormInvalid) as raised:
            record(kind="documents_requested", occurred_on="2026-03-01", due_on="2026-02-01")
        assert "due_on" in raised.value.errors
        record(kind="documents_requested", occurred_on="2026-03-01", due_on="2026-04-01", note="School records")
        record(kind="biometrics", occurred_on="2026-03-05", due_on="2026-03-20")
        with pytest.raises(validation.FormInvalid) as raised:
            record(kind="decision", occurred_on="2026-05-01", outcome="returned")
        assert "note" in raised.value.errors
        record(kind="decision", occurred_on="2026-05-01", outcome="approved")
        assert (packet.status, packet.outcome) == (S.decided, "approved")
        kinds = [m.kind for m in milestones.all_for(db, packet=packet)]
        assert kinds == ["submitted", "acknowledged", "documents_requested", "biometrics", "decision"]


def test_returned_as_incomplete_goes_back_to_draft(app, review_world, request_context):  # noqa: F811
    _submitted(app, review_world)
    with app.app_context(), session_scope(app) as db:
        packet, worker = db.get(Packet, review_world.packet.id), db.get(User, review_world.worker.id)
        milestones.record_milestone(db, packet=packet, user=worker, form={
            "kind": "decision", "occurred_on": "2026-02-15", "outcome": "returned", "note": "Photos missing"})
        assert (packet.status, packet.outcome, packet.revision) == (S.draft, "returned", 2)
        events = [event.kind for event, _name in history.events(db, packet=packet)]
        assert events[:2] == ["return", "submit"]


# --- Routes ---------------------------------------------------------------------------------------

def test_the_packet_page_has_the_review_panel_and_my_work_lists_reviews_and_deadlines(app, review_world):
    assert any(panel.template == "review/_panel.html" for panel in PACKET_PANELS)
    set_status(app, review_world.packet.id, S.in_review)
    with app.app_context(), session_scope(app) as db:
        items = work.work_items(db, user=db.get(User, review_world.manager.id), today=date.today())
    assert [(item.kind, item.endpoint, item.params) for item in items if item.kind == "review"] == [
        ("review", "review.show", {"packet_id": review_world.packet.id})]


def test_review_page_shows_answers_comments_and_moves(auth, client, review_world, app):
    set_status(app, review_world.packet.id, S.in_review)
    auth.login(review_world.manager)
    page = client.get(f"/packets/{review_world.packet.id}/staff-review")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Haddad" in html and 'name="to_status" value="approved"' in html
    assert '<label for="target">' in html and '<label for="body">' in html
    response = auth.post(f"/packets/{review_world.packet.id}/comments",
                         {"target": "family_name", "body": "Check spelling"})
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(ReviewComment)).one().body == "Check spelling"
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "packet.review_viewed")).first() is not None
    # The guided form's review screen shows it beside the field.
    assert "Check spelling" in client.get(f"/packets/{review_world.packet.id}/staff-review").get_data(as_text=True)


def test_invalid_comment_is_422_with_the_text_kept(auth, review_world, app):
    set_status(app, review_world.packet.id, S.in_review)
    auth.login(review_world.manager)
    response = auth.post(f"/packets/{review_world.packet.id}/comments", {"target": "nope", "body": "Keep me <b>"},
                         htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Keep me &lt;b&gt;" in html and 'aria-describedby="target-error"' in html
    assert "<html" not in html  # the comments block only


def test_transition_route_and_refusal(auth, client, review_world, app):
    set_status(app, review_world.packet.id, S.in_review)
    auth.login(review_world.worker)
    response = auth.post(f"/packets/{review_world.packet.id}/transition", {"to_status": "approved"})
    assert response.status_code == 422
    assert "Only a manager" in response.get_data(as_text=True)
    assert fresh(app, Packet, review_world.packet.id).status == S.in_review
    client.post("/sign-out", data={"csrf_token": auth.token()})
    auth.login(review_world.manager)
    response = auth.post(f"/packets/{review_world.packet.id}/transition",
                         {"to_status": "changes_requested", "note": "Q8"})
    assert response.status_code == 303
    assert fresh(app, Packet, review_world.packet.id).status == S.changes_requested


def test_approval_requests_the_final_render(auth, review_world, app):
    set_status(app, review_world.packet.id, S.in_review)
    auth.login(review_world.manager)
    response = auth.post(f"/packets/{review_world.packet.id}/transition", {"to_status": "approved"})
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        approval = db.exec(select(PacketApproval)).one()
        render = db.get(Render, approval.render_id)
        assert render.final is True and render.revision == 1


def test_submission_route_422_keeps_values(auth, review_world, app):
    set_status(app, review_world.packet.id, S.approved)
    auth.login(review_world.worker)
    assert auth.client.get(f"/packets/{review_world.packet.id}/submission").status_code == 200
    response = auth.post(f"/packets/{review_world.packet.id}/submission",
                         {"sent_on": "2099-12-31", "method": "mail", "reference": "TRACK-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cannot be in the future" in html and 'value="2099-12-31"' in html and 'value="TRACK-1"' in html


def test_milestone_route(auth, review_world, app):
    _submitted(app, review_world, sent_on=date.today() - timedelta(days=20))
    auth.login(review_world.worker)
    response = auth.post(f"/packets/{review_world.packet.id}/milestones/new", {
        "kind": "documents_requested", "occurred_on": (date.today() - timedelta(days=2)).isoformat(),
        "due_on": (date.today() + timedelta(days=10)).isoformat(), "note": "Police certificate"})
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        asked = db.exec(select(Milestone).where(Milestone.kind == MilestoneKind.documents_requested)).one()
    work = auth.client.get("/my-work").get_data(as_text=True)
    assert "Documents IRCC asked for are due" in work
    response = auth.post(f"/packets/{review_world.packet.id}/milestones/{asked.id}/sent", {})
    assert response.status_code == 303
    assert fresh(app, Milestone, asked.id).done_on == date.today()


def test_reassign_packet(auth, review_world, app, make):
    auth.login(review_world.manager)
    response = auth.post(f"/packets/{review_world.packet.id}/reassign", {"owner_id": str(review_world.other_worker.id)})
    assert response.status_code == 303
    assert fresh(app, Packet, review_world.packet.id).owner_id == review_world.other_worker.id
    stranger = make.user(make.agency(), role=Role.caseworker)
    response = auth.post(f"/packets/{review_world.packet.id}/reassign", {"owner_id": str(stranger.id)})
    assert response.status_code == 422
    assert fresh(app, Packet, review_world.packet.id).owner_id == review_world.other_worker.id
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "packet.reassigned")).one()


def test_caseworker_cannot_reassign(auth, review_world):
    auth.login(review_world.worker)
    response = auth.post(f"/packets/{review_world.packet.id}/reassign", {"owner_id": str(review_world.other_worker.id)})
    assert response.status_code == 404


ROUTES = [
    ("get", "/packets/{id}/staff-review"),
    ("post", "/packets/{id}/transition"),
    ("post", "/packets/{id}/comments"),
    ("post", "/packets/{id}/comments/{id}/resolve"),
    ("get", "/packets/{id}/submission"),
    ("post", "/packets/{id}/submission"),
    ("get", "/packets/{id}/milestones/new"),
    ("post", "/packets/{id}/milestones/new"),
    ("post", "/packets/{id}/milestones/{id}/sent"),
    ("post", "/packets/{id}/reassign"),
    ("post", "/packets/{id}/final-pdf"),
]


@pytest.mark.parametrize("method, path", ROUTES)
def test_another_agencys_packet_is_404(auth, review_world, make, app, method, path):
    outsider = make.user(make.agency(), role=Role.manager)
    set_status(app, review_world.packet.id, S.in_review)
    auth.login(outsider)
    url = path.format(id=review_world.packet.id)
    response = auth.client.get(url) if method == "get" else auth.post(url, {"to_status": "approved", "body": "x",
                                                                          "target": "general"})
    assert response.status_code == 404
    assert fresh(app, Packet, review_world.packet.id).status == S.in_review


@pytest.mark.parametrize("path", [path for method, path in ROUTES if method == "post"])
def test_posts_need_the_csrf_token(auth, review_world, app, path):
    app.config["WTF_CSRF_ENABLED"] = True
    set_status(app, review_world.packet.id, S.in_review)
    auth.login(review_world.manager)
    response = auth.client.post(path.format(id=review_world.packet.id), data={"to_status": "approved"})
    assert response.status_code == 400
    assert fresh(app, Packet, review_world.packet.id).status == S.in_review


def test_youth_cannot_open_the_review(auth, review_world, make):
    youth = make.user(review_world.agency, role=Role.youth, client_id=review_world.client.id)
    auth.login(youth)
    assert auth.client.get(f"/packets/{review_world.packet.id}/staff-review").status_code == 404


def test_htmx_comment_post_returns_block(auth, review_world, app):
    set_status(app, review_world.packet.id, S.in_review)
    auth.login(review_world.manager)
    url = f"/packets/{review_world.packet.id}/comments"
    refused = auth.post(url, {"target": "family_name", "body": ""}, htmx=True)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert html.lstrip().startswith('<section class="card" id="comments"') and "<html" not in html  # the block
    assert 'aria-invalid="true"' in html
    saved = auth.post(url, {"target": "family_name", "body": "Check the accent"}, htmx=True)
    assert saved.status_code == 303  # a saved comment goes back to the page (htmx follows and selects #comments)
    with app.app_context(), session_scope(app) as db:
        assert [comment.body for comment in db.exec(select(ReviewComment))] == ["Check the accent"]


def test_final_pdf_can_be_asked_for_again(auth, review_world, app):
    set_status(app, review_world.packet.id, S.in_review)
    with app.app_context(), session_scope(app) as db:
        transition(db, packet=db.get(Packet, review_world.packet.id), to_status=S.approved,
                   user=db.get(User, review_world.manager.id))
    auth.login(review_world.worker)
    assert "Make the final PDF" in auth.client.get(
        f"/packets/{review_world.packet.id}/staff-review").get_data(as_text=True)
    response = auth.post(f"/packets/{review_world.packet.id}/final-pdf", {})
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    with app.app_context(), session_scope(app) as db:
        approval = db.exec(select(PacketApproval)).one()
        assert db.get(Render, approval.render_id).final is True
    set_status(app, review_world.packet.id, S.draft)
    assert auth.post(f"/packets/{review_world.packet.id}/final-pdf").status_code == 409


def test_fingerprint_found_from_a_final_render_made_elsewhere(app, review_world, request_context):  # noqa: F811
    set_status(app, review_world.packet.id, S.in_review)
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, review_world.packet.id)
        transition(db, packet=packet, to_status=S.approved, user=db.get(User, review_world.manager.id))
        db.add(Render(agency_id=packet.agency_id, packet_id=packet.id, final=True, revision=1,
                      status=RenderStatus.done, sha256="c" * 64))
        db.flush()
        approval = db.exec(select(PacketApproval)).one()
        assert approvals.approval_fingerprint(db, approval=approval) == "c" * 64
