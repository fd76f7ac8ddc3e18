"""Date helpers shared by the rules: answers arrive as ISO strings, the client file as dates."""
import calendar
from datetime import date, datetime

from portal.validation import EARLIEST_DATE, LATEST_DATE

# No answer in a packet is before 1900 or after 2199: a stored date outside is read as no date, so the rules'
# arithmetic (five years back, 1,095 days) can never leave the calendar; the form says what to correct.
EARLIEST, LATEST = EARLIEST_DATE, LATEST_DATE


def plausible(day: date | None) -> date | None:
    return day if day is not None and EARLIEST <= day <= LATEST else None


def as_date(value) -> date | None:
    """A date from a date, a datetime or an ISO string ("YYYY-MM-DD"); None when it is not a plausible one."""
    if isinstance(value, datetime):
        return plausible(value.date())
    if isinstance(value, date):
        return plausible(value)
    try:
        return plausible(date.fromisoformat(str(value or "").strip()))
    except ValueError:
        return None


def month_bound(value, *, last: bool) -> date | None:
    """Schedule A and IMM 5710 histories are written "YYYY-MM": the first or the last day of that month."""
    if as_date(value) is not None:
        return as_date(value)
    text = str(value or "").strip()
    try:
        year, month = (int(part) for part in text.split("-"))
        return plausible(date(year, month, calendar.monthrange(year, month)[1] if last else 1))
    except ValueError:
        return None


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on `day`; someone born on 29 February turns a year older on 1 March in common years."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def add_years(day: date, years: int) -> date:
    """The anniversary; 29 February moves to 1 March, when the full years have really passed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; past the month's end it moves to the 1st of the next month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, day.day)
    return date(year + (month == 12), month % 12 + 1, 1)
