"""The PR residency obligation (IRPA s.28): 730 days in Canada in every five-year period.

Absences count as IRCC's calculators count them: the day of leaving and the day of return are days
in Canada, so a trip from D1 to D2 removes D2 - D1 - 1 days (domain I.0).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from portal.forms.rules.dates import add_years, as_date
from portal.i18n import format_date
from portal.i18n import gettext as _


@dataclass(frozen=True)
class Residency:
    days_present: int
    window: tuple[date, date]
    days_still_possible: int  # days left before the 5th anniversary of PR, when PR is newer than 5 years
    working: tuple[str, ...]

    def meets(self, required: int) -> bool:
        return self.days_present + self.days_still_possible >= required


def residency(*, became_pr: date, on: date, absences) -> Residency:
    start = max(add_years(on, -5), became_pr)
    end = on - timedelta(days=1)
    total = max(0, (end - start).days + 1)
    absent, working = 0, []
    for trip in absences or ():
        left, back = as_date(trip.get("left")), as_date(trip.get("returned")) or on
        if left is None or back <= left:
            continue
        first, last = max(left + timedelta(days=1), start), min(back - timedelta(days=1), end)
        days = max(0, (last - first).days + 1)
        if days:
            absent += days
            working.append(_("away %(left)s to %(back)s: %(days)s days outside Canada", left=format_date(left),
                             back=format_date(back), days=days))
    still = max(0, (add_years(became_pr, 5) - on).days)
    working.insert(0, _("%(start)s to %(end)s: %(days)s days as a permanent resident", start=format_date(start),
                        end=format_date(end), days=total))
    working.append(_("%(total)s - %(absent)s = %(days)s days in Canada", total=total, absent=absent,
                     days=total - absent))
    if still:
        working.append(_("PR for less than 5 years: %(days)s more days before the 5th anniversary", days=still))
    return Residency(total - absent, (start, end), still, tuple(working))
