"""Triage: which packet applies to a client's situation (domain section 0).

Each packet type says in its own module when it fits and why (PacketType.triage); recommend() asks every
packet type, recommends the best-ranked fit, and lists the others as also possible.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from portal import validation
from portal.forms import PACKET_TYPES, facts
from portal.forms.rules import descent, state_care
from portal.forms.rules.dates import age_on
from portal.forms.types import Fit, Situation
from portal.i18n import format_date
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
FLAGS = ("born_in_canada", "born_abroad_to_canadian_parent", "canadian_parent_born_abroad", "stateless",
         "parent_citizen", "came_before_19", "care_one_year", "removal_order", "refugee_claim", "hc_pending",
         "hc_approved_in_principle", "lacks_pr_documents", "fails_presence")


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
    canadian_parent_born_abroad: bool = False  # the Canadian parent is a citizen by descent (Bill C-3 test)
    parent_presence_days: int | None = None  # that parent's days in Canada before the child's birth
    stateless: bool = False
    hc_pending: bool = False


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


@dataclass(frozen=True)
class Route:
    """A route triage names that has no packet type in Passage: the caseworker prepares it outside Passage."""

    key: str
    title: str
    fits: Callable[[Situation], list[Fit]]


def _stateless_5_5(situation: Situation) -> list[Fit]:
    if not situation.stateless_5_5:
        return []
    return [Fit(_l("Born abroad to a Canadian parent, not a citizen by descent, always stateless and under 23: a grant "
                   "under s.5(5), which also needs 1,095 days of residence in the 4 years before applying. Passage "
                   "has no packet for it yet: prepare it with CWICE or a lawyer."), rank=15)]


ROUTES = (Route("cit_5_5", _l("Grant to a stateless person born abroad to a Canadian parent (s.5(5))"),
                _stateless_5_5),)


def defaults_for(client, *, today: date) -> dict:
    """The triage form's first answers, from what the client file already says."""
    care = state_care.care_in_state(client.care_periods or [], today=today)
    values = {flag: False for flag in FLAGS}
    values.update(
        status=client.status_in_canada or StatusInCanada.unknown,
        planned_signing_date="",
        born_in_canada=(client.country_of_birth or "").strip().lower() == "canada",
        care_one_year=care.at_least_months(int(state_care.load_facts()["min_care_months"])),
        refugee_claim=client.status_in_canada == StatusInCanada.refugee_claimant,
    )
    return values


def read_form(form, *, client) -> tuple[dict, dict, TriageAnswers | None]:
    """(values as typed, errors, the answers when there is no error) from the posted triage form."""
    values = {"status": form.get("status", StatusInCanada.unknown),
              "planned_signing_date": form.get("planned_signing_date", "")}
    values.update({flag: form.get(flag) == "yes" for flag in FLAGS})
    values["parent_presence_days"] = (form.get("parent_presence_days") or "").strip().replace(",", "")
    errors = {}
    if values["status"] not in dict(STATUSES):
        errors["status"] = _l("Please choose one of the options.")
    presence_days = None
    if values["parent_presence_days"]:
        if values["parent_presence_days"].isdigit() and len(values["parent_presence_days"]) <= 5:
            presence_days = int(values["parent_presence_days"])
        else:
            errors["parent_presence_days"] = _l("Parent's days in Canada: enter a whole number of days, for example "
                                                "1200.")
    signing, error = validation.signing_date(values["planned_signing_date"], started_on=date.today())
    if error:
        errors["planned_signing_date"] = error
    if errors:
        return values, errors, None
    answers = TriageAnswers(date_of_birth=client.date_of_birth, planned_signing_date=signing, status=values["status"],
                            parent_presence_days=presence_days, **{flag: values[flag] for flag in FLAGS})
    return values, {}, answers


def state_care_days_left(today: date) -> int:
    """Days on which IRCC can still RECEIVE a state-care application, today included (0 once closed)."""
    return state_care.days_left(today, state_care.load_facts())


def bill_c3_date() -> date:
    return facts.a_date("bill_c3_in_force")


def descent_of(answers: TriageAnswers) -> descent.Descent | None:
    """The Bill C-3 test for someone born abroad to a Canadian parent; None for anyone else."""
    if not answers.born_abroad_to_canadian_parent:
        return None
    return descent.by_descent(born_on=answers.date_of_birth, parent_born_abroad=answers.canadian_parent_born_abroad,
                              parent_presence_days=answers.parent_presence_days,
                              in_force=facts.a_date("bill_c3_in_force"),
                              required_days=facts.number("c3_parent_presence_days"))


def situation_of(answers: TriageAnswers, *, today: date) -> Situation:
    signing = answers.planned_signing_date or today
    age = age_on(answers.date_of_birth, signing) if answers.date_of_birth else None
    test = descent_of(answers)
    flags = {flag: getattr(answers, flag) for flag in FLAGS
             if flag not in ("canadian_parent_born_abroad",)}
    return Situation(
        status=answers.status, age=age, signing_date=signing, today=today,
        state_care_days_left=state_care_days_left(today),
        descent_citizen=test.citizen if test else None, descent_working=test.working if test else (),
        stateless_5_5=bool(test) and descent.stateless_5_5(descent=test, stateless=answers.stateless, age=age,
                                                            under_age=facts.number("stateless_5_5_under_age")),
        **flags,
    )


def recommend(answers: TriageAnswers, *, today: date | None = None) -> Recommendation:
    situation = situation_of(answers, today=today or date.today())
    notes = [_l("The date of birth is missing: age rules decide the form, so add it to the client file.")
             if situation.age is None else
             _l("Age on the planned signing date (%(date)s): %(age)s.", date=format_date(situation.signing_date),
                age=situation.age)]
    test = descent_of(answers)
    if test is not None:  # show the working of the Bill C-3 test
        notes.append(_l("Bill C-3 test (citizenship by descent): %(reason)s", reason=test.reason))
        if test.working:
            notes.append(_l("Working: %(lines)s.", lines="; ".join(test.working)))
    fits = []  # (rank, order, key, fit)
    for order, (key, packet_type) in enumerate(PACKET_TYPES.items()):
        if packet_type.triage is None:
            continue
        fits.extend((fit.rank, order, key, fit) for fit in packet_type.triage.fits(situation))
        if packet_type.triage.notes:
            notes.extend(packet_type.triage.notes(situation))
    titles = {key: str(packet_type.triage.title) for key, packet_type in PACKET_TYPES.items() if packet_type.triage}
    for order, route in enumerate(ROUTES, start=len(PACKET_TYPES)):
        fits.extend((fit.rank, order, route.key, fit) for fit in route.fits(situation))
        titles[route.key] = str(route.title)
    recommended = min(((rank, order, key, fit) for rank, order, key, fit in fits if fit.recommended), default=None,
                      key=lambda found: found[:2])
    chosen = recommended[2] if recommended else None
    alternatives, listed = [], {chosen}
    for _rank, _order, key, fit in sorted(fits, key=lambda found: found[:2]):
        if key not in listed:
            listed.add(key)
            alternatives.append(Option(key, titles[key], str(fit.reason)))
    notes = tuple(str(note) for note in notes)
    if chosen is None:
        reason = _l("No packet fits these answers. Check the status and the dates, or talk with CWICE.")
        return Recommendation(None, "", str(reason), situation.age, tuple(alternatives), notes)
    triage = PACKET_TYPES[chosen].triage if chosen in PACKET_TYPES else None
    alert = str(triage.alert(situation)) if triage and triage.alert else None
    return Recommendation(chosen, titles[chosen], str(recommended[3].reason), situation.age, tuple(alternatives),
                          notes, alert)
