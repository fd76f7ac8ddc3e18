"""The RQ worker: `python worker.py` (needs REDIS_URL).

WeasyPrint, the app and the packet fonts are loaded, and one small packet is rendered, BEFORE the
worker starts forking: every job's work horse inherits a warm process instead of paying about half a
second (and the fonts' load) per job, and keeps the forking worker's isolation and hard time limits.
"""
import weasyprint  # noqa: F401 - imported here so forked work horses inherit it
from rq import Worker

from portal import create_app, queue
from portal.documents import pdf


def main() -> None:
    app = create_app()
    if queue.is_embedded(app):
        raise SystemExit("Set REDIS_URL to run a separate worker; without it `make run` runs jobs in-process.")
    pdf.warm_up(app)
    # No database connection may cross the fork: each work horse opens its own.
    app.extensions["db_engine"].dispose()
    with app.app_context():
        Worker([queue.get_queue(app)], connection=queue.connection(app)).work(with_scheduler=True)


if __name__ == "__main__":
    main()
