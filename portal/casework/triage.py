"""Triage: which packet applies to a client's situation (domain section 0).

Each packet type says in its own module when it fits and why (PacketType.triage); recommend() asks every
packet type, recommends the best-ranked fit, and lists the others as also possible.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal import validation
from portal.forms import PACKET_TYPES
from portal.forms.rules import state_care
from portal.forms.rules.dates import age_on
from portal.forms.types import Situation
from portal.i18n import lazy_gettext as _l
from portal.models import StatusInCanada

STATUSES = (
    ("citizen", _l("Canadian citizen (born in Canada, or born abroad to a Canadian parent)")),
    ("permanent_resident", _l("Permanent resident")),
    ("protected_person", _l("Protected person")),
    ("refugee_claimant", _l("Refugee claimant")),
    ("temporary_resident", _l("Temporary resident (visitor, student, worker)")),
    ("no_status", _l("No status")),
    ("unknown", _l("Not known yet")),
)
# The questions of the triage form, each a flag of the Situation.
FLAGS = ("born_in_canada", "born_abroad_to_canadian_parent", "parent_citizen", "came_before_19", "care_one_year",
         "removal_order", "refugee_claim", "hc_approved_in_principle", "lacks_pr_documents", "fails_presence")


@dataclass(frozen=True)
class TriageAnswers:
    status: str = StatusInCanada.unknown
    date_of_birth: date | None = None
    planned_signing_date: date | None = None
    born_in_canada: bool = False
    born_abroad_to_canadian_parent: bool = False
    parent_citizen: bool = False
    came_before_19: bool = False
    care_one_year: bool = False
    removal_order: bool = False
    refugee_claim: bool = False
    hc_approved_in_principle: bool = False
    lacks_pr_documents: bool = False
    fails_presence: bool = False


@dataclass(frozen=True)
class Option:
    key: str
    title: str
    reason: str


@dataclass(frozen=True)
class Recommendation:
    key: str | None
    title: str
    reason: str
    age_at_signing: int | None
    alternatives: tuple[Option, ...] = ()
    notes: tuple[str, ...] = field(default=())
    alert: str | None = None


def defaults_for(client, *, today: date) -> dict:
    """The triage form's first answers, from what the client file already says."""
    care = state_care.care_in_state(client.care_periods or [], today=today)
    values = {flag: False for flag in FLAGS}
    values.update(
        status=client.status_in_canada or StatusInCanada.unknown,
        planned_signing_date="",
        born_in_canada=(client.country_of_birth or "").strip().lower() == "canada",
        care_one_year=care.at_least(int(state_care.load_facts()["min_care_days"])),
        refugee_claim=client.status_in_canada == StatusInCanada.refugee_claimant,
    )
    return values


def read_form(form, *, client) -> tuple[dict, dict, TriageAnswers | None]:
    """(values as typed, errors, the answers when there is no error) from the posted triage form."""
    values = {"status": form.get("status", StatusInCanada.unknown),
              "planned_signing_date": form.get("planned_signing_date", "")}
    values.update({flag: form.get(flag) == "yes" for flag in FLAGS})
    errors = {}
    if values["status"] not in dict(STATUSES):
        errors["status"] = _l("Please choose one of the options.")
    signing, error = validation.signing_date(values["planned_signing_date"], started_on=date.today())
    if error:
        errors["planned_signing_date"] = error
    if errors:
        return values, errors, None
    answers = TriageAnswers(date_of_birth=client.date_of_birth, planned_signing_date=signing, status=values["status"],
                            **{flag: values[flag] for flag in FLAGS})
    return values, {}, answers


def state_care_days_left(today: date) -> int:
    """Days on which IRCC can still RECEIVE a state-care application, today included (0 once closed)."""
    return state_care.days_left(today, state_care.load_facts())


def situation_of(answers: TriageAnswers, *, today: date) -> Situation:
    signing = answers.planned_signing_date or today
    return Situation(
        status=answers.status, age=age_on(answers.date_of_birth, signing) if answers.date_of_birth else None,
        signing_date=signing, today=today, state_care_days_left=state_care_days_left(today),
        **{flag: getattr(answers, flag) for flag in FLAGS},
    )


def recommend(answers: TriageAnswers, *, today: date | None = None) -> Recommendation:
    situation = situation_of(answers, today=today or date.today())
    notes = [_l("The date of birth is missing: age rules decide the form, so add it to the client file.")
             if situation.age is None else
             _l("Age on the planned signing date (%(date)s): %(age)s.", date=situation.signing_date.isoformat(),
                age=situation.age)]
    fits = []  # (rank, order, key, fit)
    for order, (key, packet_type) in enumerate(PACKET_TYPES.items()):
        if packet_type.triage is None:
            continue
        fits.extend((fit.rank, order, key, fit) for fit in packet_type.triage.fits(situation))
        if packet_type.triage.notes:
            notes.extend(packet_type.triage.notes(situation))
    recommended = min(((rank, order, key, fit) for rank, order, key, fit in fits if fit.recommended), default=None,
                      key=lambda found: found[:2])
    chosen = recommended[2] if recommended else None
    alternatives, listed = [], {chosen}
    for _rank, _order, key, fit in sorted(fits, key=lambda found: found[:2]):
        if key not in listed:
            listed.add(key)
            alternatives.append(Option(key, str(PACKET_TYPES[key].triage.title), str(fit.reason)))
    notes = tuple(str(note) for note in notes)
    if chosen is None:
        reason = (_l("A protected person applies for permanent residence as a protected person; that packet is not "
                     "in Passage yet.") if situation.status == StatusInCanada.protected_person else
                  _l("No packet fits these answers. Check the status and the dates, or talk with CWICE."))
        return Recommendation(None, "", str(reason), situation.age, tuple(alternatives), notes)
    triage = PACKET_TYPES[chosen].triage
    return Recommendation(chosen, str(triage.title), str(recommended[3].reason), situation.age, tuple(alternatives),
                          notes, str(triage.alert(situation)) if triage.alert else None)
