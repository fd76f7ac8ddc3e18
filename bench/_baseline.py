"""The code as it was before issue 20 (or BENCH_BASELINE), unpacked next to this checkout, so one bench run can
measure before and after on the same machine, minutes apart, against the same database and services."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = os.environ.get("BENCH_BASELINE", "678b092")  # main just before issue 20's changes


def unpack() -> Path:
    """A temporary copy of the baseline commit's files, using this checkout's virtualenv and static/vendor.
    The caller removes it (shutil.rmtree)."""
    folder = Path(tempfile.mkdtemp(prefix="passage-baseline-"))
    archive = subprocess.run(["git", "archive", "--format=tar", BASELINE], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    shutil.copytree(ROOT / "static" / "vendor", folder / "static" / "vendor", symlinks=True)
    return folder
