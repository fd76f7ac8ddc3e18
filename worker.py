"""The RQ worker: `python worker.py` (needs REDIS_URL). Heavy imports happen before forking."""
from portal import create_app, queue


def main() -> None:
    from rq import Worker

    app = create_app()
    if queue.is_embedded(app):
        raise SystemExit("Set REDIS_URL to run a separate worker; without it `make run` runs jobs in-process.")
    with app.app_context():
        Worker([queue.get_queue(app)], connection=queue.connection(app)).work(with_scheduler=True)


if __name__ == "__main__":
    main()
