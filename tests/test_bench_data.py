"""The benchmarks' own data obeys the schema's rules: `make bench` stopped at the dashboard when the rule of
one open packet per client and type arrived, because the bench drew packet types at random."""
import importlib.util
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select

from portal.models import OPEN_PACKET_STATUSES, Packet

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_the_dashboard_bench_seeds_a_caseload_the_schema_accepts(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # the bench adds its folders; they go after the test
    spec = importlib.util.spec_from_file_location("bench_dashboard", BENCH / "dashboard.py")
    dashboard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dashboard)
    # 50 packets a client, as in the full bench, so every type is often open already.
    monkeypatch.setattr(dashboard, "PACKETS", 2_000)
    monkeypatch.setattr(dashboard, "CLIENTS", 40)
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    dashboard.seed(url, str(tmp_path / "data"))
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Packet.__table__)) == 2_000
        open_per_type = connection.execute(
            select(Packet.client_id, Packet.packet_type, func.count())
            .where(Packet.status.in_([str(status) for status in OPEN_PACKET_STATUSES]))
            .group_by(Packet.client_id, Packet.packet_type)).all()
    engine.dispose()
    assert open_per_type and max(count for _client, _type, count in open_per_type) == 1
