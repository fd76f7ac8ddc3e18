"""An approval happens once, however many reviewers press "Approve" at the same moment."""
from sqlmodel import func, select

from portal.db import session_scope
from portal.models import PacketApproval, PacketEvent, PacketStatus, Render, Role
from tests.support.app import PASSWORD, Factory
from tests.support.live import at_once, serving, signed_in, token_of
from tests.support.records import complete_packet


def test_parallel_approvals_approve_once(any_app):
    make = Factory(any_app)
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    managers = [make.user(agency, role=Role.manager) for _ in range(20)]  # one code sign-in each per window
    person = make.client(agency, assigned_caseworker_id=worker.id)
    packet = make.packet(person, owner_id=worker.id, created_by_id=worker.id, status=PacketStatus.in_review,
                         answers={"family_name": "Haddad"})
    complete_packet(any_app, packet, sign=True)  # the gate lets only complete packets be approved
    url = f"/packets/{packet.id}/transition"
    with serving(any_app) as base:
        def prepare(index):
            http = signed_in(base, managers[index % len(managers)].email, PASSWORD)
            return http, token_of(http, f"{base}/packets/{packet.id}/staff-review")

        def fire(item):
            http, csrf = item
            return http.post(base + url, data={"to_status": "approved", "csrf_token": csrf}, allow_redirects=False,
                             timeout=60).status_code

        codes = at_once(20, prepare, fire)
    assert codes.count(303) == 1 and codes.count(422) == 19, codes
    with any_app.app_context(), session_scope(any_app) as db:
        count = lambda model, *where: db.exec(select(func.count()).select_from(model).where(*where)).one()  # noqa: E731
        assert count(PacketApproval, PacketApproval.packet_id == packet.id) == 1
        assert count(PacketEvent, PacketEvent.packet_id == packet.id, PacketEvent.kind == "approve") == 1
        assert count(Render, Render.packet_id == packet.id, Render.final.is_(True)) == 1
