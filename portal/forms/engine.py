"""The guided-form engine: reads a PacketType (types.py) and answers what to ask, whether an answer
is valid, what is still missing, and what the whole packet says (summarize).

Everything here is a plain function of data: no request, no database.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from portal import validation
from portal.forms import editions
from portal.forms.registry import find_packet_type, get_packet_type
from portal.forms.rows import read_rows, row_key
from portal.forms.rules import turning_18
from portal.forms.rules.dates import EARLIEST, LATEST, age_on, plausible
from portal.forms.stored import stored_answers, stored_meta
from portal.forms.types import AnswerLine, Context, Field, PacketSummary, PacketType, SectionSummary, Step
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

NOT_APPLICABLE = "N/A"
YES_NO = (("yes", _l("Yes")), ("no", _l("No")))
YOUTH_ROLES = ("youth", "either")


# ---- context ------------------------------------------------------------------------------------

def client_dict(client) -> dict[str, Any]:
    """Plain values from the client file, so rules never touch the ORM object."""
    if client is None:
        return {}
    return {
        "id": str(client.id),
        "family_name": client.family_name,
        "given_names": client.given_names,
        "other_names": client.other_names,
        "name": client.display_name,
        "dob": client.date_of_birth,
        "date_of_birth": client.date_of_birth,
        "country_of_birth": client.country_of_birth,
        "citizenships": client.citizenships,
        "status": client.status_in_canada,
        "care_status": client.care_status,
        "care_periods": list(client.care_periods or []),
        "preferred_language": client.preferred_language,
        "phone": client.phone,
        "email": client.email,
        "address": client.address,
        "uci": client.uci,
    }


def agency_dict(agency) -> dict[str, Any]:
    if agency is None:
        return {}
    return {"id": str(agency.id), "name": agency.name, "address": agency.address, "phone": agency.phone,
            "email": agency.email}


def build_context(*, packet, client, agency, today: date | None = None, answers: dict | None = None) -> Context:
    """What rules and conditions read. Stored answers come in their fields' shapes (forms.stored), and an
    implausible planned signing date counts as today's until it is corrected (the packet page says so)."""
    today = today or date.today()
    if answers is None:
        packet_type = find_packet_type(packet.packet_type)
        answers = stored_answers(packet_type, packet.answers) if packet_type else dict(packet.answers or {})
    return Context(
        answers=answers,
        client=client_dict(client),
        signing_date=plausible(packet.planned_signing_date) or today,
        today=today,
        agency=agency_dict(agency),
        started_on=packet.created_at.date() if getattr(packet, "created_at", None) else None,
    )


def with_answers(context: Context, changes: dict) -> Context:
    """The same context with some answers replaced (conditions see what is being typed)."""
    merged = dict(context.answers)
    merged.update(changes)
    return replace(context, answers=merged)


def age_at_signing(context: Context) -> int | None:
    born = context.client.get("dob")
    return None if born is None else age_on(born, context.signing_date)


# ---- what to ask --------------------------------------------------------------------------------

def _applies(condition, context: Context) -> bool:
    return condition is None or bool(condition(context))


def field_for_role(item: Field, role: str | None) -> bool:
    return role != "youth" or item.answered_by in YOUTH_ROLES


def visible_steps(packet_type: PacketType, context: Context, role: str | None = None) -> list[Step]:
    steps = [step for step in packet_type.steps if _applies(step.show_if, context)]
    if role == "youth":
        steps = [step for step in steps if visible_fields(step, context, role)]
    return steps


def visible_fields(step: Step, context: Context, role: str | None = None) -> list[Field]:
    """The fields of a step that apply now; a youth sees only fields meant for them."""
    return [item for item in step.fields if _applies(item.show_if, context) and field_for_role(item, role)]


def field_applies(packet_type: PacketType, name: str, context: Context) -> bool:
    for step in packet_type.steps:
        for item in step.fields:
            if item.name == name:
                return _applies(step.show_if, context) and _applies(item.show_if, context)
    return False


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def is_missing(item: Field, value: Any) -> bool:
    if item.kind == "checkbox":
        return item.required and value is not True
    return is_blank(value)


# ---- reading and checking what people typed -----------------------------------------------------

# Kinds checked by one validator of what was typed, and nothing else.
_TYPED_ONLY = {
    "uci": validation.uci,
    "passport": validation.passport_number,
    "postal_code": validation.postal_code,
    "phone": validation.phone,
    "email": validation.email,
}


def _clean_date(item: Field, raw: Any, context: Context) -> tuple[Any, str | None]:
    """Not before 1900; not after today (a birth, an order, an entry) unless the field is declared a future
    date in its packet type; never past the last plausible day."""
    value, error = validation.a_date(raw, past=not item.future, today=context.today, earliest=EARLIEST,
                                     latest=LATEST)
    return (value.isoformat() if isinstance(value, date) else value or ""), error


def _clean_number(raw: Any) -> tuple[int | str | None, str | None]:
    text = validation.clean_text(raw)
    if not text:
        return None, None
    if not re.fullmatch(r"\d{1,6}", text):
        return text, _l("Enter a whole number, for example 3.")
    return int(text), None


def clean_value(item: Field, raw: Any, context: Context) -> tuple[Any, str | None]:
    """(stored value, error). Required-ness is checked separately (see check_step)."""
    kind = item.kind
    if kind == "group":
        raise ValueError("groups are cleaned row by row: use clean_rows")
    if kind == "checkbox":
        return raw in (True, "yes", "on", "true", "1"), None
    if kind == "date":
        return _clean_date(item, raw, context)
    if kind == "name":
        return validation.name(raw, max_length=item.max_length)
    if kind in _TYPED_ONLY:
        return _TYPED_ONLY[kind](raw)
    if kind == "number":
        return _clean_number(raw)
    if kind in ("choice", "radio", "yesno"):
        options = [value for value, _label in (item.options or YES_NO)]
        return validation.choice(raw, options)
    return validation.text(raw, max_length=item.max_length if kind != "textarea" else max(item.max_length, 2000),
                           multiline=kind == "textarea")


def check_value(item: Field, raw: Any, context: Context, *, required_check: bool = True) -> tuple[Any, str | None]:
    value, error = clean_value(item, raw, context)
    if error is None and required_check and item.required and is_missing(item, value):
        error = _l("Please choose one.") if item.kind in ("choice", "radio", "yesno") else (
            _l("Please tick this box to confirm.") if item.kind == "checkbox"
            else _l("Please fill this in."))
    if error is None and not is_blank(value):
        for validator in item.validators:
            error = validator(value, context)
            if error:
                break
    if not error:
        return value, None
    # The message names its question, in the error summary and beside the field: a page often has several.
    error, label = str(error), str(item.label)
    return value, (error if error.startswith(label) else f"{label}: {error}")


def raw_rows(item: Field, form) -> list[dict[str, str]]:
    """The rows of a group as typed."""
    return read_rows(form, item.name, [column.name for column in item.columns])


def rows_from_value(item: Field, value: Any) -> list[dict[str, str]]:
    """Stored rows as form strings, for showing them in inputs."""
    rows = []
    for row in value or []:
        rows.append({column.name: form_string(column, row.get(column.name)) for column in item.columns})
    return rows


def form_string(item: Field, value: Any) -> str:
    """A stored answer as the text an input shows."""
    if value is None:
        return ""
    if item.kind == "checkbox":
        return "yes" if value else ""
    return str(value)


def clean_rows(item: Field, rows: list[dict[str, str]], context: Context, *, required_check: bool = True):
    """(rows as stored, {error key: message}); empty rows are dropped, each other row checked."""
    cleaned, errors = [], {}
    for raw in rows:
        if all(validation.clean_text(raw.get(column.name, "")) == "" for column in item.columns):
            continue
        index = len(cleaned)
        row = {}
        for column in item.columns:
            value, error = check_value(column, raw.get(column.name, ""), context, required_check=required_check)
            row[column.name] = value
            if error:
                errors[row_key(item.name, index, column.name)] = error
        cleaned.append(row)
    if required_check and item.required and not cleaned:
        errors[item.name] = str(_l("Please add at least one row."))
    return cleaned, errors


def read_field(item: Field, form, context: Context, *, required_check: bool = True):
    """(value, {error key: message}, what to show again) for one field from a posted form."""
    if item.kind == "group":
        rows = raw_rows(item, form)
        value, errors = clean_rows(item, rows, context, required_check=required_check)
        return value, errors, rows
    raw = form.get(item.name, "")
    value, error = check_value(item, raw, context, required_check=required_check)
    return value, ({item.name: error} if error else {}), raw


def group_rule_errors(item: Field, rows: list[dict], context: Context) -> dict[str, str]:
    """Whole-row checks for date ranges: a row's end may not come before its start."""
    errors = {}
    pairs = [("from", "to"), ("start", "end"), ("left", "returned"), ("issued", "expires")]
    for index, row in enumerate(rows):
        for first, second in pairs:
            a, b = row.get(first), row.get(second)
            if isinstance(a, str) and isinstance(b, str) and len(a) == 10 and len(b) == 10 and b < a:
                errors[row_key(item.name, index, second)] = str(
                    _l("This date is before the one it follows. Please check both dates."))
    return errors


def check_step(step: Step, form, context: Context, role: str | None = None,
               ask_caseworker: Iterable[str] = ()) -> tuple[dict, dict, dict]:
    """Read and check every field of a step that applies: (values, errors, typed values to show again).

    Conditions are evaluated against the answers being posted, so a field that a new answer brings
    in is checked in the same submit. A youth's "ask my caseworker" leaves a question open.
    """
    asked = set(ask_caseworker)
    values: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    # First pass: read every field of the step, so conditions see this step's new answers.
    for item in step.fields:
        if not field_for_role(item, role):
            continue
        value, _errors, raw = read_field(item, form, context, required_check=False)
        values[item.name] = value
        typed[item.name] = raw
    posted = with_answers(context, values)
    errors: dict[str, str] = {}
    for item in visible_fields(step, posted, role):
        if item.name in asked:
            errors.update(read_field(item, form, posted, required_check=False)[1])
            continue
        value, field_errors, _raw = read_field(item, form, posted)
        if item.kind == "group":
            field_errors.update(group_rule_errors(item, value, posted))
        errors.update(field_errors)
    shown = {item.name for item in visible_fields(step, posted, role)}
    values = {name: value for name, value in values.items() if name in shown}
    return values, errors, typed


def step_done(step: Step, context: Context, role: str | None = None) -> bool:
    for item in visible_fields(step, context, role):
        if item.required and is_missing(item, context.answers.get(item.name)):
            return False
    return True


def progress(packet_type: PacketType, context: Context, role: str | None = None) -> tuple[int, int]:
    steps = visible_steps(packet_type, context, role)
    return sum(1 for step in steps if step_done(step, context, role)), len(steps)


# ---- showing answers ----------------------------------------------------------------------------

def display_value(item: Field, value: Any) -> str:
    if is_blank(value):
        return ""
    if item.kind in ("choice", "radio", "yesno"):
        labels = dict(item.options or YES_NO)
        return str(labels.get(value, value))
    if item.kind == "checkbox":
        return _("Yes") if value else _("No")
    if item.kind == "date":
        return str(value)
    if item.kind == "number":
        return f"{value:,}" if isinstance(value, int) else str(value)
    if item.kind == "group":
        return "; ".join(" · ".join(cell for cell in row if cell) for row in display_rows(item, value))
    return str(value)


def display_rows(item: Field, value: Any) -> tuple[tuple[str, ...], ...]:
    rows = []
    for row in value or []:
        rows.append(tuple(display_value(column, row.get(column.name)) or column.blank_display or NOT_APPLICABLE
                          for column in item.columns))
    return tuple(rows)


def with_edition(item, context: Context):
    """A form's checklist line names the edition Passage assumes (facts.toml), with VERIFY while unconfirmed."""
    if not item.form_code:
        return item
    return replace(item, label=f"{item.label} ({editions.edition_words(item.form_code, context.signing_date)})")


def summarize(*, packet, client, agency, today: date | None = None,
              packet_type: PacketType | None = None) -> PacketSummary:
    """Everything about a packet, computed once: what the review screen and the PDF read."""
    packet_type = packet_type or get_packet_type(packet.packet_type)
    context = build_context(packet=packet, client=client, agency=agency, today=today)
    meta = stored_meta(packet.answer_meta)
    sections, missing = [], []
    for step in visible_steps(packet_type, context):
        shown = {item.name for item in visible_fields(step, context)}
        lines = []
        for item in step.fields:
            value = context.answers.get(item.name)
            applies = item.name in shown
            is_gap = applies and item.required and is_missing(item, value)
            display = display_value(item, value) if applies else NOT_APPLICABLE
            if applies and not display and not is_gap:
                display = NOT_APPLICABLE  # an optional question left empty: IRCC wants "N/A", never a blank
            line = AnswerLine(
                field=item, value=value if applies else None, display=display, applies=applies, missing=is_gap,
                rows=display_rows(item, value) if applies and item.kind == "group" else (),
                meta=dict(meta.get(item.name) or {}),
            )
            lines.append(line)
            if is_gap:
                missing.append(line)
        sections.append(SectionSummary(step=step, lines=tuple(lines)))
    checklist = tuple(with_edition(item, context) for item in packet_type.checklist if _applies(item.show_if, context))
    signers = tuple(
        (signer, str(signer.capacity(context) if callable(signer.capacity) else signer.capacity))
        for signer in packet_type.signers if _applies(signer.show_if, context)
    )
    findings = list(turning_18.findings(packet_type, context))
    for rule in packet_type.rules:
        findings.extend(rule(context))
    order = {"blocker": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda finding: order.get(finding.level, 3))
    fees = tuple(packet_type.fees(context)) if packet_type.fees else ()
    return PacketSummary(
        packet_type=packet_type, context=context, sections=tuple(sections), checklist=checklist, signers=signers,
        findings=tuple(findings), fees=fees, missing=tuple(missing),
    )
