"""The policy settings a manager keeps: which client fields intake collects, the purposes data may be used
for, and to whom it may go on what basis. Absent settings are the defaults below."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from portal import audit, validation
from portal.i18n import lazy_gettext as _l
from portal.models import AgencyPolicy, User, utcnow
from portal.validation import FormResult

COLLECT, WHEN_NEEDED = "collect", "when_needed"
# Client-file fields the policy may hold back from intake. Names and date of birth are always needed.
OPTIONAL_FIELDS = (
    ("status_in_canada", _l("Immigration status")),
    ("country_of_birth", _l("Country of birth")),
    ("citizenships", _l("Citizenships")),
    ("uci", _l("IRCC client number (UCI)")),
    ("other_names", _l("Other names used")),
    ("address", _l("Address")),
    ("phone", _l("Phone")),
    ("email", _l("Email")),
    ("preferred_language", _l("Preferred language")),
)
OPTIONAL_KEYS = tuple(key for key, _label in OPTIONAL_FIELDS)
MODES = ((COLLECT, _l("Collected at intake")), (WHEN_NEEDED, _l("Not asked until a packet needs it")))
BASES = (("consent", _l("The person's consent, recorded")), ("legal_duty", _l("A legal duty (cite the law)")),
         ("court_order", _l("A court order")), ("anonymised", _l("Anonymised counts only")))
RECIPIENTS = (("ircc", _l("IRCC (the application)")), ("partner", _l("Partner services (referrals out)")),
              ("person", _l("The person themselves (access requests)")), ("court", _l("Courts and tribunals")),
              ("researcher", _l("Funders and researchers")), ("other", _l("Others")))
DEFAULT_PURPOSES = [
    "Helping the person apply for status, citizenship or documents, and keep them",
    "Meeting the agency's duties under the law",
    "Counting, without names, to plan services and report to funders",
]
# IRCC by default on consent, a legal duty, or the court order that makes the agency a child's guardian.
DEFAULT_RECIPIENTS = {"ircc": ["consent", "legal_duty", "court_order"], "partner": ["consent"],
                      "person": ["legal_duty"], "court": ["court_order", "legal_duty"], "researcher": ["anonymised"],
                      "other": ["consent"]}


@dataclass
class Policy:
    collection: dict[str, str]
    purposes: list[str]
    recipients: dict[str, list[str]]
    privacy_contact: str = ""
    saved: bool = False
    notes: list = field(default_factory=list)

    def collects(self, name: str) -> bool:
        """True unless the policy holds this field back from intake."""
        return self.collection.get(name, COLLECT) == COLLECT

    @property
    def held_back(self) -> tuple[str, ...]:
        return tuple(key for key in OPTIONAL_KEYS if not self.collects(key))

    def allows(self, recipient: str, basis: str) -> bool:
        return basis in self.recipients.get(recipient, [])


def get(session: Session, *, agency_id) -> Policy:
    row = session.exec(select(AgencyPolicy).where(AgencyPolicy.agency_id == agency_id)).first()
    if row is None:
        return Policy({key: COLLECT for key in OPTIONAL_KEYS}, list(DEFAULT_PURPOSES),
                      {key: list(value) for key, value in DEFAULT_RECIPIENTS.items()})
    collection = {key: row.collection.get(key, COLLECT) for key in OPTIONAL_KEYS}
    recipients = {key: list(row.recipients.get(key, [])) if isinstance(row.recipients, dict) else [] for key, _ in
                  RECIPIENTS}
    return Policy(collection, list(row.purposes), recipients, row.privacy_contact, saved=True)


def form_values(policy: Policy) -> dict:
    values = {f"collect_{key}": policy.collection[key] for key in OPTIONAL_KEYS}
    values["purposes"] = "\n".join(policy.purposes)
    values["privacy_contact"] = policy.privacy_contact
    for recipient, bases in policy.recipients.items():
        for basis in bases:
            values[f"basis_{recipient}_{basis}"] = "yes"
    return values


def read_form(form) -> FormResult:
    result = FormResult(values={key: validation.clean_text(value, multiline=key == "purposes")
                                for key, value in form.items() if key != "csrf_token"})
    clean, errors = result.clean, result.errors
    clean["collection"] = {}
    for key in OPTIONAL_KEYS:
        mode = form.get(f"collect_{key}", COLLECT)
        if mode not in (COLLECT, WHEN_NEEDED):
            errors[f"collect_{key}"] = _l("%(field)s: choose whether intake collects it.",
                                          field=dict(OPTIONAL_FIELDS)[key])
        clean["collection"][key] = mode
    purposes = [line.strip(" -•\t") for line in validation.clean_text(form.get("purposes", ""), multiline=True)
                .splitlines() if line.strip(" -•\t")]
    if not purposes:
        errors["purposes"] = _l("Purposes: list at least one purpose, one per line.")
    elif any(len(line) > 300 for line in purposes) or len(purposes) > 20:
        errors["purposes"] = _l("Purposes: at most 20 lines of 300 characters.")
    clean["purposes"] = purposes
    clean["recipients"] = {recipient: [basis for basis, _label in BASES
                                       if form.get(f"basis_{recipient}_{basis}") == "yes"]
                           for recipient, _label in RECIPIENTS}
    if not clean["recipients"]["ircc"]:
        errors["basis_ircc_consent"] = _l("IRCC: choose at least one basis, or no application could be sent.")
    clean["privacy_contact"], error = validation.text(form.get("privacy_contact", ""), required=True, max_length=500)
    if error:
        errors["privacy_contact"] = _l("Privacy contact: give who a person asks about their file, and how.")
    return result


def save(session: Session, *, user: User, clean: dict) -> list[str]:
    """Store the settings; the audit event names what changed."""
    row = session.exec(select(AgencyPolicy).where(AgencyPolicy.agency_id == user.agency_id)).first()
    if row is None:
        row = AgencyPolicy(agency_id=user.agency_id)
        session.add(row)
    changed = [name for name in ("collection", "purposes", "recipients", "privacy_contact")
               if getattr(row, name) != clean[name]]
    for name in ("collection", "purposes", "recipients", "privacy_contact"):
        setattr(row, name, clean[name])
    row.updated_by_id, row.updated_at = user.id, utcnow()
    session.flush()
    audit.record(session, action="policy.updated", user=user, record_type="agency", record_id=user.agency_id,
                 detail="changed=" + ",".join(changed))
    return changed
