"""Agencies: creation and settings."""
import re

from sqlmodel import Session, select

from portal.models import Agency


class AgencyError(ValueError):
    pass


def create(session: Session, *, slug: str, name: str, **settings) -> Agency:
    slug = slug.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,58}", slug):
        raise AgencyError("An agency slug uses 2 to 59 lower-case letters, digits and hyphens, for example peel-cas.")
    if not name.strip():
        raise AgencyError("Please give the agency a name.")
    if session.exec(select(Agency).where(Agency.slug == slug)).first():
        raise AgencyError(f"An agency with the slug {slug!r} already exists.")
    agency = Agency(slug=slug, name=name.strip(), **settings)
    session.add(agency)
    session.flush()
    return agency
