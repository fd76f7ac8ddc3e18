"""What intake may collect, applied: a field the policy holds back is absent from intake, the client file
and exports until an application needs it; then it is asked with its purpose, and that is recorded."""
from __future__ import annotations

from sqlmodel import Session, select

from portal import audit, validation
from portal.i18n import lazy_gettext as _l
from portal.models import Client, FieldCollection, StatusInCanada, User
from portal.policy import settings

DEFAULTS = {"status_in_canada": StatusInCanada.unknown}  # what a held-back field holds until it is asked


class CollectionError(ValueError):
    def __init__(self, message, field: str):
        super().__init__(message)
        self.field = field


def collected_for(session: Session, *, client_id) -> dict[str, FieldCollection]:
    rows = session.exec(select(FieldCollection).where(FieldCollection.client_id == client_id)
                        .order_by(FieldCollection.recorded_at)).all()
    return {row.field: row for row in rows}


def hidden_fields(session: Session, *, agency_id, client: Client | None) -> set[str]:
    """Held back by the policy and not yet asked for an application: never shown, exported or taken at intake."""
    held = set(settings.get(session, agency_id=agency_id).held_back)
    if client is None or not held:
        return held
    return held - set(collected_for(session, client_id=client.id))


def keep_hidden(posted: dict, *, hidden: set[str], client: Client | None) -> dict:
    """The posted client form with every hidden field set back to what is stored: intake cannot collect it,
    even when a crafted request sends it."""
    kept = dict(posted)
    for name in hidden:
        stored = getattr(client, name) if client is not None else DEFAULTS.get(name, "")
        kept[name] = str(stored or DEFAULTS.get(name, ""))
    return kept


def _check(name: str, value: str):
    checks = {
        "status_in_canada": lambda: validation.choice(value, [str(item) for item in StatusInCanada], required=True),
        "uci": lambda: validation.uci(value, required=True),
        "email": lambda: validation.email(value, required=True),
        "phone": lambda: validation.phone(value, required=True),
        "address": lambda: validation.text(value, required=True, max_length=500, multiline=True),
    }
    return checks.get(name, lambda: validation.text(value, required=True, max_length=300))()


def record(session: Session, *, user: User, client: Client, field: str, value: str, purpose: str) -> None:
    """Ask a held-back field for an application: the value and its purpose, both required."""
    if field not in settings.OPTIONAL_KEYS:
        raise CollectionError(_l("This field cannot be recorded here."), "field")
    clean, error = _check(field, value)
    label = dict(settings.OPTIONAL_FIELDS)[field]
    if error:
        raise CollectionError(_l("%(field)s: %(problem)s", field=label, problem=error), "value")
    purpose, error = validation.text(purpose, required=True, max_length=300)
    if error:
        raise CollectionError(_l("Purpose: say which application needs it."), "purpose")
    setattr(client, field, clean)
    session.add(FieldCollection(agency_id=client.agency_id, client_id=client.id, field=field, purpose=purpose,
                                recorded_by_id=user.id))
    audit.record(session, action="client.field_collected", user=user, record_type="client", record_id=client.id,
                 detail=f"field={field}")
