"""Physical presence for a citizenship grant, counted as IRCC's calculator counts it (domain I.0).

- Window: the 5 years before the signing date, ending the day before it.
- Each day in Canada as a permanent resident counts 1; the day PR was granted is a PR day.
- Each day as a temporary resident or protected person before PR counts 1/2; the half-day credit
  is rounded down and capped at 365.
- Days as a refugee claimant, without status, or serving a sentence count 0 (a completed youth
  sentence is the exception). Days before PR that no period covers count 0.
- An absence from D1 to D2 removes D2 - D1 - 1 days: leaving and returning days are days in Canada.

The answer carries its working, so the review screen and the PDF can show how it was reached.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.i18n import format_date, format_number
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

HALF_DAY_KINDS = {"temporary_resident": "temporary resident", "protected_person": "protected person"}
ZERO_KINDS = {"refugee_claimant": "refugee claimant", "no_status": "without status", "outside_canada": "outside Canada"}
KIND_LABELS = {"permanent_resident": "permanent resident", **HALF_DAY_KINDS, **ZERO_KINDS}


@dataclass(frozen=True)
class Period:
    """Time in Canada before PR, in one status: both days included."""

    start: date
    end: date
    kind: str  # temporary_resident | protected_person | refugee_claimant | no_status


@dataclass(frozen=True)
class Absence:
    left: date  # the day the person left Canada (a day in Canada)
    returned: date  # the day they came back (a day in Canada)


@dataclass(frozen=True)
class Sentence:
    start: date
    end: date
    completed_youth_sentence: bool = False  # does not remove days


@dataclass(frozen=True)
class PresenceResult:
    window_start: date
    window_end: date
    pr_days: int
    half_day_days: int  # days as TR or protected person before PR, before halving
    half_day_credit: int  # after halving, rounding down and the cap
    cap_applied: bool
    absent_days: int
    sentence_days: int
    total: int
    required: int
    lines: tuple[str, ...] = field(default=())

    @property
    def meets(self) -> bool:
        return self.total >= self.required

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.total)


def window_for(signing_date: date) -> tuple[date, date]:
    """The 5 years before signing, ending the day before: signed 2018-04-01 -> 2013-04-01 to 2018-03-31."""
    try:
        start = signing_date.replace(year=signing_date.year - 5)
    except ValueError:  # signed on 29 February: five years earlier has no 29 February
        start = date(signing_date.year - 5, 3, 1)
    return start, signing_date - timedelta(days=1)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _n(value: int) -> str:
    return format_number(value)


# The status of a stretch, as the working lines name it (the keys are KIND_LABELS' English values).
STATUS_WORDS = {"permanent resident": _l("permanent resident"), "temporary resident": _l("temporary resident"),
                "protected person": _l("protected person"), "refugee claimant": _l("refugee claimant"),
                "without status": _l("without status"), "outside Canada": _l("outside Canada")}


@dataclass(frozen=True)
class _Stretch:
    """Part of the window in one status: its days, and those spent outside Canada or serving a sentence."""

    label: str
    start: date
    end: date
    inside: int  # days in the window
    absent: int
    sentence: int

    @property
    def counted(self) -> int:
        return self.inside - self.absent - self.sentence


def _days_outside(absences) -> set[date]:
    """The days between leaving and returning: both of those are days in Canada."""
    outside: set[date] = set()
    for absence in absences:
        outside.update(_days(absence.left + timedelta(days=1), absence.returned - timedelta(days=1)))
    return outside


def _days_in_sentence(sentences) -> set[date]:
    """Days serving a sentence; a completed youth sentence removes none."""
    in_sentence: set[date] = set()
    for sentence in sentences:
        if not sentence.completed_youth_sentence:
            in_sentence.update(_days(sentence.start, sentence.end))
    return in_sentence


def _tally(label: str, start: date, end: date, *, window: tuple[date, date], absent: set[date],
           in_sentence: set[date]) -> _Stretch:
    """One stretch, cut to the window."""
    # Count day by day: it keeps leap years, overlaps and window edges exact.
    start, end = max(start, window[0]), min(end, window[1])
    inside = absent_here = sentence_here = 0
    for day in _days(start, end):
        inside += 1
        if day in absent:
            absent_here += 1
        elif day in in_sentence:
            sentence_here += 1
    return _Stretch(label, start, end, inside, absent_here, sentence_here)


def _before_pr(periods, *, pr_date: date | None, window: tuple[date, date], absent: set[date],
               in_sentence: set[date]) -> tuple[list[_Stretch], int]:
    """The stretches before PR, in order, and the days among them that earn the half-day credit."""
    window_start, window_end = window
    stretches, half_days = [], 0
    counted_before_pr: set[date] = set()
    for period in sorted(periods, key=lambda p: p.start):
        end = min(period.end, (pr_date - timedelta(days=1)) if pr_date else period.end)
        start = max(period.start, window_start)
        if start > min(end, window_end):
            continue
        # A day covered twice (overlapping rows) counts once, in the first period that covers it.
        days = [day for day in _days(start, min(end, window_end)) if day not in counted_before_pr]
        if not days:
            continue
        counted_before_pr.update(days)
        stretch = _tally(KIND_LABELS.get(period.kind, period.kind), days[0], days[-1], window=window, absent=absent,
                         in_sentence=in_sentence)
        stretches.append(stretch)
        if period.kind in HALF_DAY_KINDS:
            half_days += stretch.counted
    return stretches, half_days


def _stretch_line(stretch: _Stretch) -> str:
    rate = _("counts 1 a day") if stretch.label == "permanent resident" else (
        _("counts ½ a day") if stretch.label in HALF_DAY_KINDS.values() else _("counts 0"))
    status = str(STATUS_WORDS.get(stretch.label, stretch.label))
    period = dict(start=format_date(stretch.start), end=format_date(stretch.end), status=status,
                  inside=_n(stretch.inside), counted=_n(stretch.counted), rate=rate)
    if stretch.absent and stretch.sentence:
        return _("%(start)s to %(end)s as %(status)s: %(inside)s days in the window, minus %(absent)s days outside "
                 "Canada, minus %(sentence)s days serving a sentence = %(counted)s days (%(rate)s)",
                 absent=_n(stretch.absent), sentence=_n(stretch.sentence), **period)
    if stretch.absent:
        return _("%(start)s to %(end)s as %(status)s: %(inside)s days in the window, minus %(absent)s days outside "
                 "Canada = %(counted)s days (%(rate)s)", absent=_n(stretch.absent), **period)
    if stretch.sentence:
        return _("%(start)s to %(end)s as %(status)s: %(inside)s days in the window, minus %(sentence)s days "
                 "serving a sentence = %(counted)s days (%(rate)s)", sentence=_n(stretch.sentence), **period)
    return _("%(start)s to %(end)s as %(status)s: %(inside)s days in the window = %(counted)s days (%(rate)s)",
             **period)


def _absence_line(absence: Absence, *, window: tuple[date, date]) -> str:
    days = absence.returned - absence.left - timedelta(days=1)
    inside = sum(1 for day in _days(absence.left + timedelta(days=1), absence.returned - timedelta(days=1))
                 if window[0] <= day <= window[1])
    trip = dict(left=format_date(absence.left), returned=format_date(absence.returned), days=_n(max(days.days, 0)))
    if inside == max(days.days, 0):
        return _("Absence: left %(left)s, returned %(returned)s: %(days)s days outside Canada", **trip)
    return _("Absence: left %(left)s, returned %(returned)s: %(days)s days outside Canada, %(inside)s of them "
             "inside the window", inside=_n(inside), **trip)


def calculate(
    *,
    signing_date: date,
    pr_date: date | None,
    periods: list[Period] | tuple = (),
    absences: list[Absence] | tuple = (),
    sentences: list[Sentence] | tuple = (),
    required: int = 1095,
    half_day_cap: int = 365,
) -> PresenceResult:
    window = window_for(signing_date)
    window_start, window_end = window
    absent = _days_outside(absences)
    in_sentence = _days_in_sentence(sentences)

    stretches, half_days = _before_pr(periods, pr_date=pr_date, window=window, absent=absent,
                                      in_sentence=in_sentence)
    pr_days = 0
    if pr_date and pr_date <= window_end:
        as_pr = _tally("permanent resident", max(pr_date, window_start), window_end, window=window, absent=absent,
                       in_sentence=in_sentence)
        stretches.append(as_pr)
        pr_days = as_pr.counted

    raw_credit = half_days // 2
    credit = min(raw_credit, half_day_cap)
    absent_total = sum(1 for day in absent if window_start <= day <= window_end)
    sentence_total = sum(1 for day in in_sentence if window_start <= day <= window_end and day not in absent)
    total = pr_days + credit

    lines = [
        _("Window: %(start)s to %(end)s (%(days)s days, the 5 years before signing on %(signing)s)",
          start=format_date(window_start), end=format_date(window_end),
          days=_n((window_end - window_start).days + 1), signing=format_date(signing_date))
    ]
    lines += [_stretch_line(stretch) for stretch in stretches]
    lines += [_absence_line(absence, window=window) for absence in sorted(absences, key=lambda a: a.left)]
    if half_days:
        credit_words = dict(half=_n(half_days), raw=_n(raw_credit), credit=_n(credit))
        if raw_credit > half_day_cap:
            lines.append(_("Before PR: %(half)s days as a temporary resident or protected person ÷ 2 = %(raw)s credit "
                           "days (rounded down), capped at %(cap)s → %(credit)s", cap=_n(half_day_cap),
                           **credit_words))
        else:
            lines.append(_("Before PR: %(half)s days as a temporary resident or protected person ÷ 2 = %(raw)s credit "
                           "days (rounded down) → %(credit)s", **credit_words))
    total_words = dict(pr=_n(pr_days), credit=_n(credit), total=_n(total), required=_n(required))
    if total >= required:
        lines.append(_("Total: %(pr)s PR days + %(credit)s credit days = %(total)s of %(required)s needed (met)",
                       **total_words))
    else:
        lines.append(_("Total: %(pr)s PR days + %(credit)s credit days = %(total)s of %(required)s needed "
                       "(%(short)s short)", short=_n(required - total), **total_words))
    return PresenceResult(
        window_start=window_start, window_end=window_end, pr_days=pr_days, half_day_days=half_days,
        half_day_credit=credit, cap_applied=raw_credit > half_day_cap, absent_days=absent_total,
        sentence_days=sentence_total, total=total, required=required, lines=tuple(lines),
    )
