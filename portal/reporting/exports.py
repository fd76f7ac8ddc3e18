"""Exports: the filtered packet list as CSV, and anonymised aggregate counts for research.

CSV cells that a spreadsheet would run as a formula are neutralised. The research export holds
counts only (no names, ids or dates of birth) and shows every count under 5 as "<5", so no person
can be singled out. Every export is written to the audit log.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import case, func, literal
from sqlmodel import Session, select

from portal import audit
from portal.models import Client, Consultation, Milestone, MilestoneKind, Packet, User
from portal.policy import settings as policy_settings
from portal.reporting import pipeline

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SMALL_COUNT = 5

PACKET_LIST_HEADER = ["packet", "client", "packet type", "state", "outcome", "version", "caseworker", "started",
                      "state since", "days in state"]
RESEARCH_HEADER = ["packet type", "outcome", "age band at decision", "region of birth", "time to decision", "count"]


def neutralise(value) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading apostrophe.

    Spreadsheets skip leading spaces before reading a formula, so " =1+1" is one too.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" \u00a0\n\x0b\x0c").startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def packet_list_csv(session: Session, *, user: User, filters: pipeline.Filters) -> str:
    rows = session.exec(pipeline.packet_list(session, user=user, filters=filters)[0]).all()
    lines = (
        (packet_id, f"{given} {family}".strip(), packet_type, status, outcome or "", revision, owner or "",
         created.date().isoformat(), changed.date().isoformat(), f"{float(days):.0f}")
        for packet_id, given, family, packet_type, status, outcome, revision, owner, created, changed, days in rows
    )
    text = _csv(PACKET_LIST_HEADER, lines)
    audit.record(session, action="export.packet_list", user=user, record_type="agency", record_id=user.agency_id,
                 detail=f"rows={len(rows)} filters={sorted(filters.query_args().items())}"[:500])
    return text


# Country of birth → world region (UN geoscheme), so the export never names a country.
REGIONS = {
    "Africa": "Algeria Angola Benin Botswana Burkina_Faso Burundi Cameroon Cabo_Verde Central_African_Republic Chad "
              "Comoros Congo Democratic_Republic_of_the_Congo Côte_d'Ivoire Djibouti Egypt Equatorial_Guinea Eritrea "
              "Eswatini Ethiopia Gabon Gambia Ghana Guinea Guinea-Bissau Kenya Lesotho Liberia Libya Madagascar Malawi "
              "Mali Mauritania Mauritius Morocco Mozambique Namibia Niger Nigeria Rwanda Senegal Sierra_Leone Somalia "
              "South_Africa South_Sudan Sudan Tanzania Togo Tunisia Uganda Zambia Zimbabwe",
    "Americas": "Antigua_and_Barbuda Argentina Bahamas Barbados Belize Bolivia Brazil Canada Chile Colombia Costa_Rica "
                "Cuba Dominica Dominican_Republic Ecuador El_Salvador Grenada Guatemala Guyana Haiti Honduras Jamaica "
                "Mexico Nicaragua Panama Paraguay Peru Saint_Lucia Saint_Vincent_and_the_Grenadines Suriname "
                "Trinidad_and_Tobago United_States Uruguay Venezuela",
    "Asia": "Afghanistan Armenia Azerbaijan Bahrain Bangladesh Bhutan Cambodia China Georgia Hong_Kong India Indonesia "
            "Iran Iraq Israel Japan Jordan Kazakhstan Korea,_Republic_of Korea,_Democratic_People's_Republic_of Kuwait "
            "Kyrgyzstan Laos Lebanon Malaysia Maldives Mongolia Myanmar Nepal Oman Pakistan Palestine Philippines "
            "Qatar Saudi_Arabia Singapore Sri_Lanka Syria Taiwan Tajikistan Thailand Timor-Leste Türkiye Turkey "
            "Turkmenistan United_Arab_Emirates Uzbekistan Viet_Nam Vietnam Yemen",
    "Europe": "Albania Austria Belarus Belgium Bosnia_and_Herzegovina Bulgaria Croatia Cyprus Czechia Denmark Estonia "
              "Finland France Germany Greece Hungary Iceland Ireland Italy Kosovo Latvia Lithuania Luxembourg Malta "
              "Moldova Montenegro Netherlands North_Macedonia Norway Poland Portugal Romania Russian_Federation Russia "
              "Serbia Slovakia Slovenia Spain Sweden Switzerland Ukraine United_Kingdom",
    "Oceania": "Australia Fiji New_Zealand Papua_New_Guinea Samoa Solomon_Islands Tonga Vanuatu",
}
COUNTRY_REGION = {country.replace("_", " ").casefold(): region
                  for region, names in REGIONS.items() for country in names.split()}
UNKNOWN_REGION = "Other or unknown"
NOT_COLLECTED = "Not collected (agency policy)"


def region_of(country: str) -> str:
    return COUNTRY_REGION.get((country or "").strip().casefold(), UNKNOWN_REGION)


def suppress(count: int) -> str:
    return "<5" if count < SMALL_COUNT else str(count)


def research_counts(session: Session, *, user: User, filters: pipeline.Filters) -> list[tuple]:
    """Decided packets counted by type, outcome, age band, region of birth and time to decision."""
    decision = Milestone.__table__.alias("decision")
    sent = Milestone.__table__.alias("sent")
    age = pipeline.sql_age_on(session, decision.c.occurred_on, Client.date_of_birth)
    age_band = case((age < 14, "0-13"), (age < 18, "14-17"), (age < 22, "18-21"), (age < 55, "22-54"), else_="55+")
    country = func.lower(func.trim(Client.country_of_birth))
    region = case(
        *[(country.in_([name for name, where in COUNTRY_REGION.items() if where == region]), region)
          for region in REGIONS],
        else_=UNKNOWN_REGION,
    )
    waited = pipeline.days_between_dates(session, decision.c.occurred_on, sent.c.occurred_on)
    time_band = case(
        (sent.c.id.is_(None), "unknown"), (waited < 91, "under 3 months"), (waited < 183, "3-6 months"),
        (waited < 366, "6-12 months"), else_="12 months or more",
    )
    if not policy_settings.get(session, agency_id=user.agency_id).collects("country_of_birth"):
        region = literal(NOT_COLLECTED)  # the policy holds it back: it leaves in no export
    where = pipeline.packet_conditions(session, user=user, filters=filters)
    statement = (
        select(Packet.packet_type, decision.c.outcome, age_band, region, time_band, func.count())
        .select_from(Packet)
        .join(decision, (decision.c.packet_id == Packet.id) & (decision.c.kind == MilestoneKind.decision))
        .join(Client, Client.id == Packet.client_id)
        .join(sent, (sent.c.packet_id == Packet.id) & (sent.c.kind == MilestoneKind.submitted)
              & (sent.c.revision == decision.c.revision), isouter=True)
        .where(*where)
        .group_by(Packet.packet_type, decision.c.outcome, age_band, region, time_band)
        .order_by(Packet.packet_type, decision.c.outcome, age_band, region, time_band)
    )
    return [tuple(row) for row in session.exec(statement).all()]


def research_csv(session: Session, *, user: User, filters: pipeline.Filters, today: date | None = None) -> str:
    counts = research_counts(session, user=user, filters=filters)
    text = _csv(RESEARCH_HEADER, ((*group, suppress(n)) for *group, n in counts))
    audit.record(session, action="export.research", user=user, record_type="agency", record_id=user.agency_id,
                 detail=f"groups={len(counts)} filters={sorted(filters.query_args().items())}"[:500])
    return text


CONSULTATION_HEADER = ["quarter", "topic", "how they asked", "time spent", "linked to a client file later", "count"]


def consultation_research_counts(session: Session, *, user: User, filters: pipeline.Filters) -> list[tuple]:
    """Consultations counted by quarter, topic, channel, time band and whether a file was opened later.

    No referring agency or worker: a small agency asking once could be recognised by its name."""
    rows = session.exec(select(Consultation.consulted_on, Consultation.topic, Consultation.channel,
                               Consultation.minutes_spent, Consultation.client_file_id)
                        .where(Consultation.agency_id == user.agency_id,
                               *([Consultation.consulted_on >= filters.date_from] if filters.date_from else []),
                               *([Consultation.consulted_on <= filters.date_to] if filters.date_to else []))).all()
    counted: dict[tuple, int] = {}
    for day, topic, channel, minutes, client_file in rows:
        band = "under 30 min" if minutes < 30 else "30-59 min" if minutes < 60 else "1-2 h" if minutes <= 120 \
            else "over 2 h"
        key = (f"{day.year}-Q{(day.month - 1) // 3 + 1}", topic, channel, band, "yes" if client_file else "no")
        counted[key] = counted.get(key, 0) + 1
    return sorted((*key, n) for key, n in counted.items())


def consultation_research_csv(session: Session, *, user: User, filters: pipeline.Filters) -> str:
    counts = consultation_research_counts(session, user=user, filters=filters)
    text = _csv(CONSULTATION_HEADER, ((*group, suppress(n)) for *group, n in counts))
    audit.record(session, action="export.research_consultations", user=user, record_type="agency",
                 record_id=user.agency_id, detail=f"groups={len(counts)}")
    return text
