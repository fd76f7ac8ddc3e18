"""Client files: the domain functions behind the clients pages.

Plain functions with keyword-only arguments, testable without a request. Every read goes through
access.scope()/get_or_404(); every change adds an audit event and leaves the commit to the caller.
"""
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func
from sqlmodel import Session, select

from portal import access, audit, listing, validation
from portal.forms import rows
from portal.i18n import lazy_gettext as _l
from portal.models import CASE_ROLES, CareStatus, Client, Role, StatusInCanada, User, utcnow
from portal.validation import FormResult

STATUS_LABELS = {
    StatusInCanada.citizen: _l("Canadian citizen"),
    StatusInCanada.permanent_resident: _l("Permanent resident"),
    StatusInCanada.temporary_resident: _l("Temporary resident (visitor, student or worker)"),
    StatusInCanada.refugee_claimant: _l("Refugee claimant"),
    StatusInCanada.protected_person: _l("Protected person"),
    StatusInCanada.no_status: _l("No status"),
    StatusInCanada.unknown: _l("Not known yet"),
}

CARE_LABELS = {
    CareStatus.in_care: _l("In care"),
    CareStatus.extended_society_care: _l("Extended society care"),
    CareStatus.former_crown_ward: _l("Former crown ward (left care)"),
    CareStatus.not_in_care: _l("Not in care"),
}

# Kinds of court order or agreement under which a child was in care (Ontario CYFSA terms, plus older ones).
ORDER_LABELS = {
    "interim_society_care": _l("Interim society care order"),
    "extended_society_care": _l("Extended society care order"),
    "crown_wardship": _l("Crown wardship (before 2018)"),
    "temporary_care_agreement": _l("Temporary care agreement"),
    "customary_care": _l("Customary care"),
    "other_province": _l("Order from another province or territory"),
    "other": _l("Other order or agreement"),
}

# Each field of the client form: (name, max length). Names follow the model's columns.
TEXT_LIMITS = {
    "family_name": 100,
    "given_names": 100,
    "other_names": 500,
    "country_of_birth": 100,
    "citizenships": 300,
    "preferred_language": 60,
    "address": 500,
}
TRACKED_FIELDS = (
    "family_name", "given_names", "other_names", "date_of_birth", "country_of_birth", "citizenships",
    "status_in_canada", "care_status", "preferred_language", "phone", "email", "address", "uci",
    "assigned_caseworker_id", "care_periods",
)
PER_PAGE = 25
PERIODS, PERIOD_COLUMNS = "care_periods", ("start", "end", "order")  # rows of the care periods
BLANK_PERIOD = {"start": "", "end": "", "order": ""}
SEARCH_MAX = 100
_YEAR = re.compile(r"\d{4}")


def fold(text: str) -> str:
    """Lower-case and strip accents so 'Sofia' finds 'Sofía' and 'alvarez' finds 'Álvarez'; the joiners go too,
    so a name typed without one (most phone keyboards have none) finds it."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in validation.JOINERS).casefold()


def refresh_search_name(client: Client) -> None:
    client.search_name = " ".join(fold(part) for part in (client.given_names, client.family_name, client.other_names)
                                  if part)


# ---------------------------------------------------------------------------------------------
# Who may be assigned


def assignable_staff(session: Session, *, agency_id: uuid.UUID) -> list[User]:
    """The agency's active caseworkers and managers, by name."""
    return list(
        session.exec(
            select(User)
            .where(User.agency_id == agency_id, User.active.is_(True), User.role.in_([str(r) for r in CASE_ROLES]))
            .order_by(User.name)
        )
    )


# ---------------------------------------------------------------------------------------------
# The form: parse and validate what was typed, keeping it all for the page


@dataclass
class ClientForm(FormResult):
    """The client form as typed, its clean values and errors, and the care periods' rows as typed."""

    periods: list[dict] = field(default_factory=list)  # {"start", "end", "order"}


def form_from_client(client: Client | None, *, default_caseworker: uuid.UUID | None = None) -> ClientForm:
    """The form filled from a saved client (or empty for a new one)."""
    if client is None:
        raw = {name: "" for name in TRACKED_FIELDS if name != "care_periods"}
        raw.update(status_in_canada="", care_status="", assigned_caseworker_id=str(default_caseworker or ""))
        return ClientForm(values=raw, periods=[])
    raw = {name: getattr(client, name) for name in TRACKED_FIELDS if name != "care_periods"}
    raw["date_of_birth"] = client.date_of_birth.isoformat()
    raw["assigned_caseworker_id"] = str(client.assigned_caseworker_id or "")
    periods = [{"start": p.get("start") or "", "end": p.get("end") or "", "order": p.get("order") or ""}
               for p in client.care_periods or []]
    return ClientForm(values=raw, periods=periods)


def read_form(form) -> ClientForm:
    """What was posted, as typed (control characters already dropped), without judging it."""
    raw = {name: form.get(name, "") for name in TRACKED_FIELDS if name != "care_periods"}
    raw = {name: validation.clean_text(value, multiline=(name == "address")) for name, value in raw.items()}
    periods = [
        {"start": validation.clean_text(row["start"])[:20], "end": validation.clean_text(row["end"])[:20],
         "order": validation.clean_text(row["order"])[:40]}
        for row in rows.read_rows(form, PERIODS, PERIOD_COLUMNS)
    ]
    return ClientForm(values=raw, periods=periods)


def change_rows(form: ClientForm, posted) -> bool:
    """A row button ("Add another period", "Remove period n") re-shows the form with the rows changed; True if so."""
    operation = rows.operation_in(posted)
    if operation is None or operation.field != PERIODS:
        return False
    form.periods = [{**BLANK_PERIOD, **row} for row in rows.apply(form.periods, operation)] or [dict(BLANK_PERIOD)]
    return True


def _validate_names(raw: dict, values: dict, errors: dict) -> None:
    """Names exactly as on the documents; one name only goes in the family name."""
    for name in ("family_name", "given_names"):
        values[name], error = validation.name(raw[name], max_length=TEXT_LIMITS[name])
        if error:
            errors[name] = error
    if not values.get("family_name") and "family_name" not in errors:
        if values.get("given_names"):
            errors["family_name"] = _l(
                "If the person has only one name, put it here, in Family name, and leave Given names empty, "
                "as IRCC asks."
            )
        else:
            errors["family_name"] = _l("Please enter the family name exactly as it is on the person's documents.")


def _validate_texts(raw: dict, values: dict, errors: dict) -> None:
    """The free-text fields, each within its length."""
    for name in ("other_names", "country_of_birth", "citizenships", "preferred_language", "address"):
        values[name], error = validation.text(raw[name], max_length=TEXT_LIMITS[name], multiline=(name == "address"))
        if error:
            errors[name] = error


def _validate_statuses(raw: dict, values: dict, errors: dict) -> None:
    values["status_in_canada"], error = validation.choice(raw["status_in_canada"], list(StatusInCanada), required=True)
    if error:
        errors["status_in_canada"] = _l("Please choose the person's status in Canada today, or “Not known yet”.")
    values["care_status"], error = validation.choice(raw["care_status"], list(CareStatus), required=True)
    if error:
        errors["care_status"] = _l("Please choose the care status.")


def _validate_contact(raw: dict, values: dict, errors: dict) -> None:
    """Phone, email and the UCI: optional, and checked only when given."""
    values["phone"], error = validation.phone(raw["phone"])
    if not error and len(values["phone"]) > 40:
        error = _l("Please keep this to %(n)s characters or fewer.", n=40)
    if error:
        errors["phone"] = error
    values["email"], error = validation.email(raw["email"])
    if error:
        errors["email"] = error
    values["uci"], error = validation.uci(raw["uci"])
    if error:
        errors["uci"] = error


def _validate_caseworker(raw: dict, values: dict, errors: dict, *, staff_ids: set[str]) -> None:
    chosen, error = validation.choice(raw["assigned_caseworker_id"], staff_ids)
    if error:
        errors["assigned_caseworker_id"] = _l("Please choose a caseworker from the list.")
    values["assigned_caseworker_id"] = uuid.UUID(chosen) if chosen and not error else None


def validate(form: ClientForm, *, staff_ids: set[str], today: date | None = None) -> ClientForm:
    """Check every field; fill form.clean when all is well, form.errors (field id -> message) otherwise."""
    today = today or date.today()
    raw, values, errors = form.values, {}, {}
    _validate_names(raw, values, errors)
    _validate_texts(raw, values, errors)
    values["date_of_birth"], error = validation.date_of_birth(raw["date_of_birth"], today=today)
    if error:
        errors["date_of_birth"] = error
    _validate_statuses(raw, values, errors)
    _validate_contact(raw, values, errors)
    _validate_caseworker(raw, values, errors, staff_ids=staff_ids)
    birth = values["date_of_birth"] if isinstance(values.get("date_of_birth"), date) else None
    values["care_periods"] = _validate_periods(form.periods, errors, today=today, birth=birth)

    form.clean, form.errors = values, errors
    return form


def _validate_periods(rows: list[dict], errors: dict, *, today: date, birth: date | None) -> list[dict]:
    """Rows left completely empty are ignored; the others need a start date and a kind of order."""
    periods = []
    for i, row in enumerate(rows):
        if not (row["start"] or row["end"] or row["order"]):
            continue
        start, error = validation.a_date(row["start"], required=True, past=True, today=today, earliest=date(1900, 1, 1))
        if error:
            errors[f"care-{i}-start"] = error
        end, error = validation.a_date(row["end"], earliest=date(1900, 1, 1))
        if not error and isinstance(end, date) and end > today:
            error = _l("Leave the end date empty while the order is still in force.")
        if error:
            errors[f"care-{i}-end"] = error
        order, error = validation.choice(row["order"], list(ORDER_LABELS), required=True)
        if error:
            errors[f"care-{i}-order"] = _l("Please choose the kind of order.")
        start_ok = isinstance(start, date)
        if start_ok and isinstance(end, date) and end < start:
            errors[f"care-{i}-end"] = _l("The end date is before the start date. Please check both.")
        if start_ok and birth and start < birth:
            errors[f"care-{i}-start"] = _l("This is before the date of birth. Please check the year.")
        if start_ok and (end is None or isinstance(end, date)):
            periods.append({"start": start.isoformat(), "end": end.isoformat() if end else None, "order": order})
    periods.sort(key=lambda p: p["start"])
    return periods


# ---------------------------------------------------------------------------------------------
# Changes


def create(session: Session, *, user: User, values: dict) -> Client:
    client = Client(agency_id=user.agency_id, **values)
    refresh_search_name(client)
    session.add(client)
    session.flush()
    audit.record(session, action="client.created", user=user, record_type="client", record_id=client.id)
    return client


def update(session: Session, *, user: User, client: Client, values: dict) -> list[str]:
    """Apply the values; the audit event names the fields that changed (names, never values)."""
    changed = [name for name, value in values.items() if getattr(client, name) != value]
    for name in changed:
        setattr(client, name, values[name])
    if changed:
        refresh_search_name(client)
        client.updated_at = utcnow()
        audit.record(session, action="client.updated", user=user, record_type="client", record_id=client.id,
                     detail="fields=" + ",".join(changed))
    return changed


def set_archived(session: Session, *, user: User, client: Client, archived: bool) -> None:
    if client.archived == archived:
        return
    client.archived = archived
    client.updated_at = utcnow()
    audit.record(session, action="client.archived" if archived else "client.unarchived", user=user,
                 record_type="client", record_id=client.id)


def open_file(session: Session, *, user: User, client_id) -> Client:
    """One client file for reading, through the scope; the view is written to the audit log."""
    client = access.get_or_404(session, Client, client_id, user)
    audit.record(session, action="client.viewed", user=user, record_type="client", record_id=client.id)
    return client


# ---------------------------------------------------------------------------------------------
# The list: search, filters, pages


@dataclass
class Filters(listing.Filters):
    q: str = ""
    status: str = ""
    care: str = ""
    caseworker: str = ""  # a user id, "me", "none", or "" for anyone
    archived: str = ""  # "" active only, "yes" archived only, "all"
    page: int = 1

    @classmethod
    def read(cls, args) -> tuple["Filters", dict]:
        """The list's filters; anything unknown falls back to 'no filter' rather than an error."""
        filters = cls(q=validation.clean_text(args.get("q", ""))[:SEARCH_MAX], status=args.get("status", ""),
                      care=args.get("care", ""), caseworker=args.get("caseworker", ""),
                      archived=args.get("archived", ""), page=listing.page_number(args.get("page")))
        if filters.status not in set(StatusInCanada):
            filters.status = ""
        if filters.care not in set(CareStatus):
            filters.care = ""
        if filters.archived not in ("yes", "all"):
            filters.archived = ""
        if filters.caseworker not in ("me", "none"):
            try:
                filters.caseworker = str(uuid.UUID(filters.caseworker)) if filters.caseworker else ""
            except ValueError:
                filters.caseworker = ""
        return filters, {}


def _search_clauses(q: str) -> list:
    """Each word must match: a full date or a year matches the date of birth, anything else the names."""
    clauses = []
    for word in q.split():
        parsed = validation.parse_date(word)
        if parsed:
            clauses.append(Client.date_of_birth == parsed)
        elif _YEAR.fullmatch(word):
            year = int(word)
            if 1900 <= year <= 2100:
                clauses.append(and_(Client.date_of_birth >= date(year, 1, 1),
                                    Client.date_of_birth <= date(year, 12, 31)))
            else:
                clauses.append(Client.search_name.contains(word, autoescape=True))
        else:
            clauses.append(Client.search_name.contains(fold(word), autoescape=True))
    return clauses


def search(session: Session, *, user: User, filters: Filters, per_page: int = PER_PAGE) -> listing.Page:
    """One page of the clients this user may see, matching the filters; counted once, fetched with LIMIT."""
    clauses = _search_clauses(filters.q)
    if filters.status:
        clauses.append(Client.status_in_canada == filters.status)
    if filters.care:
        clauses.append(Client.care_status == filters.care)
    if filters.caseworker == "me":
        clauses.append(Client.assigned_caseworker_id == user.id)
    elif filters.caseworker == "none":
        clauses.append(Client.assigned_caseworker_id.is_(None))
    elif filters.caseworker:
        clauses.append(Client.assigned_caseworker_id == uuid.UUID(filters.caseworker))
    if filters.archived == "yes":
        clauses.append(Client.archived.is_(True))
    elif filters.archived != "all":
        clauses.append(Client.archived.is_(False))

    statement = access.scope(select(Client).where(*clauses), Client, user, session).order_by(Client.search_name,
                                                                                              Client.id)
    count = access.scope(select(func.count()).select_from(Client).where(*clauses), Client, user, session)
    return listing.paginate(session, statement, number=filters.page, size=per_page, count=count)


def staff_names(session: Session, *, agency_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Names of the agency's staff, for showing who is assigned (one query, not one per row)."""
    rows = session.exec(select(User.id, User.name).where(User.agency_id == agency_id, User.role != Role.youth))
    return {user_id: name for user_id, name in rows}

