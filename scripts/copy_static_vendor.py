"""Copy browser libraries installed by npm into static/vendor/ (ignored by git)."""
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
FILES = {
    "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
}


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, target in FILES.items():
        shutil.copyfile(ROOT / source, VENDOR / target)
        print(f"static/vendor/{target}")


if __name__ == "__main__":
    main()
