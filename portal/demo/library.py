"""Demo step: every demo agency starts with the library's starter set, as a new agency does."""
from sqlmodel import Session

from portal.library import starter


def seed(session: Session, context: dict) -> None:
    for agency in context["agencies"].values():
        starter.install(session, agency=agency)
