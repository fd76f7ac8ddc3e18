"""The guided form's interaction: what a posted step or field asks for, and what comes after it is saved.

Pure functions of the posted form, the packet type and a Context: no request object, no database. The view
reads the post with these, saves through portal.packets.answers, and renders what they say to show.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.forms import engine, rows
from portal.forms.types import Context, Field, PacketType, Step

ASK_PREFIX = "ask__"  # "I'm not sure: ask my caseworker", per question
RESOLVE_PREFIX = "resolve__"  # a conflict settled by keeping "mine" or "theirs"


def base_version(form, current_version: int) -> int:
    """The version the form was opened at. A post without one (a script, not our forms) saves over the
    current version; a garbled one counts as the oldest, so it cannot overwrite anything."""
    if "version" not in form:
        return current_version
    try:
        return int(form["version"])
    except ValueError:
        return 0


def typed_from_form(step: Step, form, role: str) -> dict[str, Any]:
    """Every field of the step this role answers, as typed (rows of a group as lists)."""
    return {item.name: engine.raw_rows(item, form) if item.kind == "group" else form.get(item.name, "")
            for item in step.fields if engine.field_for_role(item, role)}


def shown_value(item: Field, answers: dict, typed: dict) -> Any:
    """What an input shows: what was just typed, else the stored answer as form text."""
    if item.name in typed:
        return typed[item.name]
    stored = answers.get(item.name)
    return engine.rows_from_value(item, stored) if item.kind == "group" else engine.form_string(item, stored)


def asked_in(form) -> set[str]:
    return {name[len(ASK_PREFIX):] for name in form if name.startswith(ASK_PREFIX)}


@dataclass
class StepPost:
    """A posted step: a row button pressed (show the rows changed, save nothing), errors, or values to save."""

    typed: dict
    base_version: int
    row_operation: rows.RowOperation | None = None
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    asked: set = field(default_factory=set)
    in_person: bool = False


def read_step(step: Step, form, context: Context, role: str, *, current_version: int,
              packet_type: PacketType) -> StepPost:
    version = base_version(form, current_version)
    operation = rows.operation_in(form)
    if operation:
        typed = typed_from_form(step, form, role)
        item = packet_type.field(operation.field)
        if item is not None and item.kind == "group" and item.name in typed:
            typed[item.name] = rows.apply(typed[item.name], operation)
        return StepPost(typed=typed, base_version=version, row_operation=operation)
    asked = asked_in(form)
    values, errors, typed = engine.check_step(step, form, context, role, ask_caseworker=asked)
    for name in [key for key in form if key.startswith(RESOLVE_PREFIX)]:
        if form.get(name) == "theirs":  # the person kept the other person's answer: do not save over it
            values.pop(name[len(RESOLVE_PREFIX):], None)
    return StepPost(typed=typed, base_version=version, values=values, errors=errors, asked=asked,
                    in_person=form.get("in_person") == "yes")


def next_step(packet_type: PacketType, context: Context, role: str, step: Step) -> Step | None:
    """The step after this one among those that apply now (answers can bring steps in or out); None after the last."""
    steps = engine.visible_steps(packet_type, context, role)
    keys = [candidate.key for candidate in steps]
    position = keys.index(step.key) if step.key in keys else -1
    return steps[position + 1] if 0 <= position < len(steps) - 1 else None


# ---- one field, saved as it is left (htmx) --------------------------------------------------------

SHOW_STORED, INVALID, WAIT, SAVE = "show_stored", "invalid", "wait", "save"


@dataclass
class FieldPost:
    """A posted field: what to do (SHOW_STORED, INVALID, WAIT for the rest of a row, or SAVE) and with what."""

    outcome: str
    typed: Any
    value: Any = None
    errors: dict = field(default_factory=dict)
    ask: bool = False
    base_version: int = 0
    in_person: bool = False


def read_field(item: Field, form, context: Context, *, current_version: int) -> FieldPost:
    name = item.name
    typed = engine.raw_rows(item, form) if item.kind == "group" else form.get(name, "")
    operation = rows.operation_in(form)
    if operation and item.kind == "group" and operation.field == name:
        typed = rows.apply(typed, operation)
    resolve = form.get("resolve") or form.get(RESOLVE_PREFIX + name)
    post = FieldPost(outcome=SAVE, typed=typed, ask=form.get(ASK_PREFIX + name) == "yes",
                     base_version=current_version if resolve == "mine" else base_version(form, current_version),
                     in_person=form.get("in_person") == "yes")
    if resolve == "theirs":
        post.outcome = SHOW_STORED
    elif item.kind == "group":
        post.value, post.errors = engine.clean_rows(item, typed, context, required_check=False)
        post.errors.update(engine.group_rule_errors(item, post.value, context))
        incomplete = any(engine.is_blank(row.get(column.name)) for row in post.value for column in item.columns
                         if column.required and column.kind != "checkbox")
        if post.errors:
            post.outcome = INVALID
        elif incomplete or operation and operation.operation == "add_row":
            post.outcome = WAIT  # nothing to store until every row is complete
    else:
        post.value, error = engine.check_value(item, typed, context, required_check=False)
        if error:
            post.outcome, post.errors = INVALID, {name: error}
    return post


def visibility_changed(step: Step, before: Context, after: Context, role: str) -> bool:
    """Whether an answer brought other questions of the step in or out."""
    names = lambda context: [item.name for item in engine.visible_fields(step, context, role)]  # noqa: E731
    return names(before) != names(after)


def typed_after_save(step: Step, form, role: str, item: Field, value: Any) -> dict:
    """What the redrawn step shows: the form as it was, with the saved answer as stored."""
    typed = {key: typed_value for key, typed_value in typed_from_form(step, form, role).items()
             if key in form or any(name.startswith(key + rows.SEPARATOR) for name in form)}
    typed[item.name] = engine.rows_from_value(item, value) if item.kind == "group" else engine.form_string(item, value)
    return typed
