"""Regenerate migrations/versions/0001_initial_schema.py from the models.

Until the first release there is one migration; after it, add new revisions with
`alembic revision --autogenerate` instead of running this script.
"""
import re
import sys
import tempfile
from pathlib import Path

from alembic import command

# The models of this checkout, whichever checkout the virtualenv was installed from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from portal.migrate import MIGRATIONS, alembic_config  # noqa: E402

TARGET = MIGRATIONS / "versions" / "0001_initial_schema.py"


def main() -> None:
    TARGET.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        command.revision(alembic_config(f"sqlite:///{tmp}/empty.db"), message="initial schema", autogenerate=True,
                         rev_id="0001")
    text = re.sub(r"Create Date: .*", "Create Date: (before the first release)", TARGET.read_text())
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(MIGRATIONS.parent)}")


if __name__ == "__main__":
    main()
