"""No regression: `python bench/regression.py` (part of `make bench`).

Runs the step-save, dashboard and render benchmarks of the code before issue 20 (bench/_baseline.py, its own
copies of the scripts) and of this checkout, one after the other on the same machine, and prints their key
figures side by side. Shortened so the pair fits in a few minutes: SQLite only, step saves at 25/s for 8 s
then a ramp to 150/s, the dashboard with 4 clients for 5 s, and renders of the 1- and 12-page packets
(`bench/render.py --one`). The last line is key=value pairs (`_before` for the baseline).
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = {
    "form_step": ["form_step.py", "--no-postgres", "--seconds", "8", "--ramp-seconds", "4", "--max-rate", "150"],
    "dashboard": ["dashboard.py", "--no-postgres", "--clients", "4", "--seconds", "5"],
}
SKIP = {"load_avg", "target_met", "max_rate_per_s"}


def _last_line(command: list[str], root: Path) -> dict:
    output = subprocess.run([sys.executable, *command], cwd=root, capture_output=True, text=True, check=True).stdout
    pairs = [item.split("=", 1) for item in output.strip().splitlines()[-1].split() if "=" in item]
    return dict(pairs)


def _render(pages: int, root: Path) -> dict:
    output = subprocess.run([sys.executable, str(root / "bench" / "render.py"), "--one", str(pages), "none"], cwd=root,
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    sys.path.insert(0, str(HERE))
    import _baseline

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    baseline = _baseline.unpack()
    figures: dict[str, dict] = {"before": {}, "after": {}}
    try:
        for name, command in RUNS.items():
            for label, root in (("before", baseline), ("after", HERE.parent)):
                found = _last_line([str(root / "bench" / command[0]), *command[1:]], root)
                for key, value in found.items():
                    if key not in SKIP:
                        figures[label][f"{name}_{key}"] = value
        for pages in (1, 12):
            for label, root in (("before", baseline), ("after", HERE.parent)):
                row = _render(pages, root)
                figures[label][f"render_p{pages}_ms"] = row["median_ms"]
                figures[label][f"render_p{pages}_changed_ms"] = row["changed_ms"]
                figures[label][f"render_p{pages}_peak_mb"] = row["peak_mb"]
    finally:
        shutil.rmtree(baseline, ignore_errors=True)
    print(f"{'figure':<40} {'before':>10} {'after':>10}")
    for key in figures["after"]:
        print(f"{key:<40} {figures['before'].get(key, '?'):>10} {figures['after'][key]:>10}")
    keys = {**figures["after"], **{f"{key}_before": value for key, value in figures["before"].items()}}
    keys["load_avg"] = round(os.getloadavg()[0], 1)
    print(" ".join(f"{key}={value}" for key, value in keys.items()))


if __name__ == "__main__":
    main()
