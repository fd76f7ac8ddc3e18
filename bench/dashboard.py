"""Manager's dashboard benchmark: `python bench/dashboard.py` (or `make bench`).

Seeds 100,000 packets across 2,000 clients and 50 caseworkers in two agencies (bulk inserts, with
their state history and IRCC milestones), starts the portal under gunicorn on loopback, and has 4
then 16 signed-in managers load the dashboard and the filtered packet list in a closed loop. Prints
requests per second, median and p95 per page, on SQLite and then (when a server answers at
127.0.0.1:5432) on a temporary PostgreSQL database. The last line is key=value pairs.
"""
import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import databases, free_port, signed_in, start_server, stop_server  # noqa: E402

from portal.models.core import OPEN_PACKET_STATUSES  # noqa: E402

PACKETS = 100_000
CLIENTS = 2_000
CASEWORKERS = 50
PASSWORD = "bench-password-123"
TARGET_P95_MS = 50.0
TYPES = ["cit_0403", "cit_0003", "cit_0002", "cit_0001", "imm_5710", "state_care_pr", "hc_pr", "pr_card", "vos"]
# Final states in rough real proportions: most packets are long decided.
STATES = (["decided"] * 45 + ["submitted"] * 15 + ["draft"] * 15 + ["in_review"] * 6 + ["changes_requested"] * 4
          + ["approved"] * 5 + ["withdrawn"] * 10)
ORDER = ["draft", "in_review", "approved", "submitted", "decided"]
OPEN = {str(status) for status in OPEN_PACKET_STATUSES}  # at most one per client and type (a unique index)


def _state_and_type(rng: random.Random, open_types: set) -> tuple[str, str]:
    """A packet's final state and type; a client has at most one open packet of each type, as in the portal.
    With 50 packets a client, every type is sometimes open already: that packet is then a finished one."""
    final, packet_type = rng.choice(STATES), rng.choice(TYPES)
    if final not in OPEN:
        return final, packet_type
    free = [key for key in TYPES if key not in open_types]
    if not free:
        return rng.choice([state for state in STATES if state not in OPEN]), packet_type
    packet_type = packet_type if packet_type in free else rng.choice(free)
    open_types.add(packet_type)
    return final, packet_type


def seed(database_url: str, data_dir: str) -> tuple[list[str], dict]:
    """Bulk-insert the two agencies' caseload; returns the managers' emails and a filter to use."""
    from sqlalchemy import insert
    from sqlmodel import SQLModel

    import portal.models  # noqa: F401
    from portal import create_app
    from portal.accounts import users
    from portal.models import Agency, Client, Milestone, Packet, StatusSpell, User

    app = create_app({"DATABASE_URL": database_url, "DATA_DIR": data_dir, "SECRET_KEY": "bench-" + uuid.uuid4().hex})
    engine = app.extensions["db_engine"]
    SQLModel.metadata.create_all(engine)
    rng = random.Random(7)
    now = datetime.now(UTC)
    password_hash = users.hash_password(PASSWORD)  # one hash for every bench user: hashing is slow on purpose
    started = time.perf_counter()
    with app.app_context():
        agencies = [{"id": uuid.uuid4(), "slug": f"bench-{n}-{uuid.uuid4().hex[:6]}", "name": f"Bench agency {n}",
                     "created_at": now} for n in range(2)]
        managers, users = [], []
        for agency in agencies:
            email = f"manager-{agency['slug']}@bench.test"
            managers.append(email)
            users.append({"id": uuid.uuid4(), "agency_id": agency["id"], "email": email, "name": "Bench manager",
                          "role": "manager", "active": True, "created_at": now})
        workers = []
        for number in range(CASEWORKERS):
            agency = agencies[number % 2]
            worker = {"id": uuid.uuid4(), "agency_id": agency["id"],
                      "email": f"worker{number}-{agency['slug']}@bench.test", "name": f"Caseworker {number:02d}",
                      "role": "caseworker", "active": True, "created_at": now}
            users.append(worker)
            workers.append(worker)
        clients = []
        for number in range(CLIENTS):
            worker = workers[number % CASEWORKERS]
            clients.append({"id": uuid.uuid4(), "agency_id": worker["agency_id"], "family_name": f"Family{number}",
                            "given_names": f"Given{number}",
                            "date_of_birth": date(2000, 1, 1) + timedelta(days=rng.randint(0, 8000)),
                            "country_of_birth": rng.choice(["Syria", "Eritrea", "India", "Haiti", "Ukraine", "Ghana"]),
                            "assigned_caseworker_id": worker["id"], "search_name": f"given{number} family{number}",
                            "care_periods": [], "archived": False, "created_at": now, "updated_at": now,
                            "status_in_canada": "permanent_resident", "care_status": "in_care"})
        packets, spells, milestones = [], [], []
        open_types: dict = {}  # client id -> the types it has an open packet of (one each, as in the portal)
        for number in range(PACKETS):
            client = clients[number % CLIENTS]
            final, packet_type = _state_and_type(rng, open_types.setdefault(client["id"], set()))
            created = now - timedelta(days=rng.uniform(1, 720))
            moment, status = created, "draft"
            path = ORDER[: ORDER.index(final) + 1] if final in ORDER else ["draft", "in_review", final]
            packet_id = uuid.uuid4()
            for following in path[1:]:
                later = min(moment + timedelta(days=rng.uniform(0.5, 60)), now)
                spells.append({"id": uuid.uuid4(), "agency_id": client["agency_id"], "packet_id": packet_id,
                               "status": status, "entered_at": moment, "left_at": later,
                               "days": (later - moment).total_seconds() / 86400})
                if following == "submitted":
                    milestones.append({"id": uuid.uuid4(), "agency_id": client["agency_id"], "packet_id": packet_id,
                                       "revision": 1, "kind": "submitted", "occurred_on": later.date(), "reference": "",
                                       "method": "online", "note": "", "outcome": None, "created_at": later})
                if following == "decided":
                    outcome = rng.choice(["approved"] * 7 + ["refused", "returned"])
                    milestones.append({"id": uuid.uuid4(), "agency_id": client["agency_id"], "packet_id": packet_id,
                                       "revision": 1, "kind": "decision", "occurred_on": later.date(), "reference": "",
                                       "method": "", "note": "", "outcome": outcome, "created_at": later})
                moment, status = later, following
            packets.append({"id": packet_id, "agency_id": client["agency_id"], "client_id": client["id"],
                            "packet_type": packet_type, "status": status,
                            "outcome": milestones[-1].get("outcome") if status == "decided" else None,
                            "answers": {}, "answer_meta": {}, "version": 1, "revision": 1,
                            "owner_id": client["assigned_caseworker_id"],
                            "created_by_id": client["assigned_caseworker_id"],
                            "created_at": created, "updated_at": moment, "status_changed_at": moment})
        with engine.begin() as connection:
            connection.execute(insert(Agency.__table__), agencies)
            connection.execute(insert(User.__table__), [dict(user, password_hash=password_hash) for user in users])
            connection.execute(insert(Client.__table__), clients)
            for table, rows in ((Packet.__table__, packets), (StatusSpell.__table__, spells),
                                (Milestone.__table__, milestones)):
                for start in range(0, len(rows), 5000):
                    connection.execute(insert(table), rows[start:start + 5000])
        from portal.db import session_scope
        from portal.reporting.monthly_totals import rebuild_monthly_totals

        with session_scope(app) as db:
            for agency in agencies:
                rebuild_monthly_totals(db, agency_id=agency["id"])
        if engine.dialect.name == "postgresql":
            # After a bulk load, as autovacuum would: statistics, and the visibility map index-only scans need.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        else:
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
    print(f"seeded {len(packets):,} packets, {len(spells):,} state stays, {len(milestones):,} milestones "
          f"in {time.perf_counter() - started:.1f} s ({engine.dialect.name})", flush=True)
    engine.dispose()
    return managers, {"caseworker": str(workers[0]["id"]), "type": "cit_0403", "status": "draft"}


def run_load(sessions: list, url: str, seconds: float, headers: dict) -> dict:
    """A closed loop: each client sends its next request as soon as the last one answers."""
    latencies, failures = [], []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(http):
        while time.perf_counter() < stop:
            began = time.perf_counter()
            response = http.get(url, headers=headers)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    failures.append(response.status_code)

    threads = [threading.Thread(target=client, args=(http,)) for http in sessions]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - began
    ordered = sorted(latencies)
    return {"count": len(ordered), "failures": len(failures), "rps": len(ordered) / took,
            "median": statistics.median(ordered), "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)]}


def bench_database(label: str, database_url: str, args) -> list[dict]:
    instance = tempfile.mkdtemp(prefix=f"passage-bench-{label}-")
    try:
        managers, filters = seed(database_url, str(Path(instance) / "data"))
        results = []
        for cache in (True, False):
            port = free_port()
            server = start_server(database_url, instance, port, workers=args.workers, threads=args.threads,
                                  extra_env=None if cache else {"PASSAGE_DASHBOARD_CACHE_SECONDS": "0"})
            try:
                base = f"http://127.0.0.1:{port}"
                if cache:
                    pages = [
                        ("dashboard", f"{base}/dashboard/", {}),
                        ("dashboard, by type (htmx)", f"{base}/dashboard/?type={filters['type']}",
                         {"HX-Request": "true"}),
                        ("packet list, filtered", f"{base}/dashboard/packets?caseworker={filters['caseworker']}"
                         f"&type={filters['type']}&status={filters['status']}", {}),
                    ]
                else:  # every request builds the board from the database
                    pages = [("dashboard, no reuse", f"{base}/dashboard/", {}),
                             ("dashboard, by type, no reuse", f"{base}/dashboard/?type={filters['type']}",
                              {"HX-Request": "true"})]
                for clients in args.clients:
                    sessions = [signed_in(base, managers[0], PASSWORD) for _ in range(clients)]
                    for name, url, headers in pages:
                        run_load(sessions, url, 1.0, headers)  # warm every worker process and its connection
                        result = run_load(sessions, url, args.seconds, headers)
                        results.append(dict(result, label=label, page=name, clients=clients))
                        print(f"  {label:<7} {name:<30} {clients:>3} clients: {result['rps']:6.1f} req/s, "
                              f"median {result['median']:6.1f} ms, p95 {result['p95']:6.1f} ms", flush=True)
            finally:
                stop_server(server)
        return results
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each run")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16], help="concurrent clients per run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (README: 4)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (CPU-bound pages gain nothing from "
                                                               "more: they share one interpreter lock)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    args.clients = [min(max(1, n), 64) for n in args.clients]  # loopback only, and bounded

    results = []
    for label, url in databases(sqlite=not args.no_sqlite, postgres=not args.no_postgres):
        results += bench_database(label, url, args)

    print(f"\nManager's dashboard over {PACKETS:,} packets, {CLIENTS:,} clients, {CASEWORKERS} caseworkers, "
          f"two agencies; gunicorn {args.workers} workers x {args.threads} threads, loopback, closed loop")
    print(f"{'database':<9} {'page':<31} {'clients':>7} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} {'fail':>5}")
    for row in results:
        print(f"{row['label']:<9} {row['page']:<31} {row['clients']:>7} {row['rps']:>7.1f} {row['median']:>10.1f} "
              f"{row['p95']:>8.1f} {row['failures']:>5}")
    pairs = []
    for row in results:
        key = re.sub(r"[^a-z0-9]+", "_", f"{row['label']} {row['page']}".lower()).strip("_")
        pairs.append(f"{key}_c{row['clients']}_p95_ms={row['p95']:.1f}")
    worst = max((row["p95"] for row in results if row["clients"] == 4 and "no reuse" not in row["page"]), default=0.0)
    pairs.append(f"worst_p95_ms_at_4_clients={worst:.1f}")
    pairs.append(f"target_met={'yes' if worst < TARGET_P95_MS else 'no'}")
    print(" ".join(pairs))


if __name__ == "__main__":
    main()
