"""Online kit benchmark: `python bench/kit.py`.

A citizenship packet for a minor (CIT 0403, sent online) with 10 evidence files, as bench/render.py makes them:
5 scanned JPEGs of about 1.5 MB and 5 two-page PDFs, spread over its checklist items. Each file's upload-ready
form is made when it is uploaded (timed per file); then the kit is built as the worker builds it, from its
snapshot: the first build (the cover letter laid out, nothing in the part cache) and the median of later
builds (worker time once everything is cached). The last line is key=value pairs.
"""
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RUNS = 9


def main() -> None:
    from render import _evidence_files
    from sqlmodel import SQLModel

    from portal import create_app
    from portal.accounts import users
    from portal.db import session_scope
    from portal.documents import kit, part_cache, storage, uploads
    from portal.models import Agency, Client, Packet

    folder = Path(tempfile.mkdtemp(prefix="passage-bench-kit-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'kit.db'}",
                      "DATA_DIR": str(folder / "data"), "REDIS_URL": None, "MAIL_OUTBOX_DIR": str(folder / "out")})
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    files = _evidence_files()
    ready_ms = []
    with app.app_context(), app.test_request_context("/"), session_scope(app) as session:
        agency = Agency(slug="bench-" + uuid.uuid4().hex[:6], name="Bench Children's Aid")
        session.add(agency)
        session.flush()
        user = users.create_user(session, agency_id=agency.id, email="bench@example.org", name="Bench Worker",
                                 role="caseworker", password="bench password 123")
        client = Client(agency_id=agency.id, family_name="Sample", given_names="Applicant",
                        date_of_birth=date(2012, 5, 17))
        session.add(client)
        session.flush()
        packet = Packet(agency_id=agency.id, client_id=client.id, packet_type="cit_0403")
        session.add(packet)
        session.flush()
        taken = kit.kit_snapshot(session, packet=packet, user=user)
        items = [item["key"] for item in taken["checklist"] if item["key"] not in taken["kit"]["not_needed"]]
        for number, (name, (data, content_type, _pages)) in enumerate(files.items()):
            checked = uploads.CheckedFile(data, content_type, 2 if content_type == uploads.PDF else 1,
                                          f"{name}.{'pdf' if content_type == uploads.PDF else 'jpg'}")
            started = time.perf_counter()
            uploads.add_document(session, packet=packet, user=user, checklist_item=items[number % len(items)],
                                 checked=checked)
            ready_ms.append((time.perf_counter() - started) * 1000)
        session.flush()
        taken = kit.kit_snapshot(session, packet=packet, user=user)
        packet_id = str(packet.id)
    sizes = [len(data) for data, _type, _pages in files.values()]
    with app.app_context():
        cache = part_cache.for_packet(app, packet_id)

        def build():
            started = time.process_time()
            wall = time.perf_counter()
            made = kit.build(taken, final=False, load=lambda key: storage.load(key, app), app=app, cache=cache)
            storage.save(made.data, app)
            return (time.process_time() - started) * 1000, (time.perf_counter() - wall) * 1000, made

        cold_cpu, cold_wall, made = build()
        warm = [build() for _ in range(RUNS)]
    warm_cpu = statistics.median(run[0] for run in warm)
    warm_wall = statistics.median(run[1] for run in warm)
    print(f"{'file':<52} {'pages':>5} {'bytes':>10}")
    for entry in made.files:
        print(f"{entry.name:<52} {entry.pages:>5} {entry.size:>10}")
    print()
    print(f"evidence files: {len(files)} (JPEG median {statistics.median(sizes[:5]) / 1e6:.2f} MB)")
    print(f"upload-ready form, per file at upload: median {statistics.median(ready_ms):.0f} ms, "
          f"max {max(ready_ms):.0f} ms")
    print(f"first build (cover letter laid out): {cold_cpu:.0f} ms CPU, {cold_wall:.0f} ms wall")
    print(f"later builds, median of {RUNS}: {warm_cpu:.0f} ms CPU, {warm_wall:.0f} ms wall")
    print(f"kit_build_ms={warm_wall:.0f} kit_build_cpu_ms={warm_cpu:.0f} kit_first_build_ms={cold_wall:.0f} "
          f"ready_ms_per_file={statistics.median(ready_ms):.0f} kit_files={len(made.files)} "
          f"kit_bytes={len(made.data)} problems={len(made.problems)}")


if __name__ == "__main__":
    main()
