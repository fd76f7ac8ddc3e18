"""Checks for values people type, shared by client files, guided forms and referrals.

Each validator takes the raw text and returns (clean_value, error_message_or_None). Messages are
plain and say what to do, because many readers are youth under stress or reading a second language.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.i18n import format_date
from portal.i18n import lazy_gettext as _l

# Control characters, zero-width spaces, and marks that reorder text. Not the zero-width joiner and non-joiner
# (U+200C, U+200D): Persian, Sinhala and other scripts spell words, names included, with them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")
JOINERS = "\u200c\u200d"


def clean_text(value, *, multiline: bool = False) -> str:
    """Trim, normalise to NFC, and drop control and direction-override characters."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = _CONTROL.sub("", text)
    return text.replace("\r\n", "\n").strip() if multiline else " ".join(text.split())


def text(value, *, required: bool = False, max_length: int = 200, multiline: bool = False):
    cleaned = clean_text(value, multiline=multiline)
    if required and not cleaned:
        return cleaned, _l("Please fill this in.")
    if len(cleaned) > max_length:
        return cleaned, _l("Please keep this to %(n)s characters or fewer.", n=max_length)
    return cleaned, None


# Letters of any script, combining marks, spaces, hyphens, apostrophes, periods and the joiners.
def _is_name_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in ("L", "M") or ch in " -'’." + JOINERS


def name(value, *, required: bool = False, max_length: int = 100):
    cleaned, error = text(value, required=required, max_length=max_length)
    if error or not cleaned:
        return cleaned, error
    if not all(_is_name_char(ch) for ch in cleaned):
        return cleaned, _l("Use letters only (any alphabet), with spaces, hyphens or apostrophes if the name has them.")
    if not any(unicodedata.category(ch)[0] == "L" for ch in cleaned):
        return cleaned, _l("Please enter the name with at least one letter.")
    return cleaned, None


def parse_date(value) -> date | None:
    try:
        return date.fromisoformat(clean_text(value))
    except ValueError:
        return None


# Every date Passage accepts lies in these years: no one in its files was born before 1900, and a date
# past 2199 is a typing slip (dates outside also break date arithmetic in the rules).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def a_date(value, *, required: bool = False, past: bool = False, future: bool = False, today: date | None = None,
           earliest: date | None = EARLIEST_DATE, latest: date | None = LATEST_DATE):
    cleaned = clean_text(value)
    if not cleaned:
        return None, (_l("Please enter a date.") if required else None)
    parsed = parse_date(cleaned)
    if parsed is None:
        return cleaned, _l("Enter the date as year-month-day, for example 2009-04-23.")
    today = today or date.today()
    if past and parsed > today:
        return cleaned, _l("This date cannot be in the future.")
    if future and parsed < today:
        return cleaned, _l("This date cannot be in the past.")
    if earliest and parsed < earliest:
        return cleaned, _l("This date is too far in the past. Please check the year.")
    if latest and parsed > latest:
        return cleaned, _l("This date is too far in the future. Please check the year.")
    return parsed, None


SIGNING_AHEAD_DAYS = 365


def signing_date(value, *, started_on: date, today: date | None = None):
    """A planned signing date: not before the packet was started, at most a year ahead (every age rule reads it)."""
    today = today or date.today()
    parsed, error = a_date(value, required=True, today=today)
    if error:
        return parsed, error
    if parsed < started_on:
        return value, _l("The signing date cannot be before the application was started (%(day)s).",
                         day=format_date(started_on))
    if parsed > today + timedelta(days=SIGNING_AHEAD_DAYS):
        return value, _l("Choose a signing date within a year from today.")
    return parsed, None


def date_of_birth(value, *, required: bool = True, today: date | None = None):
    return a_date(value, required=required, past=True, today=today, earliest=date(1900, 1, 1))


def uci(value, *, required: bool = False):
    """IRCC's client identifier: 8 or 10 digits, often written with hyphens (0000-0000 or 00-0000-0000)."""
    cleaned = clean_text(value)
    digits = re.sub(r"[\s-]", "", cleaned)
    if not digits:
        return "", (_l("Please enter the UCI.") if required else None)
    if not digits.isdigit() or len(digits) not in (8, 10):
        return cleaned, _l("A UCI has 8 or 10 digits, for example 0000-0000 or 00-0000-0000.")
    return digits, None


def passport_number(value, *, required: bool = False):
    cleaned = clean_text(value).upper().replace(" ", "")
    if not cleaned:
        return "", (_l("Please enter the passport number.") if required else None)
    if not re.fullmatch(r"[A-Z0-9]{5,20}", cleaned):
        return cleaned, _l("A passport number has 5 to 20 letters and numbers, with no other signs.")
    return cleaned, None


def postal_code(value, *, required: bool = False):
    cleaned = clean_text(value).upper().replace(" ", "")
    if not cleaned:
        return "", (_l("Please enter the postal code.") if required else None)
    if not re.fullmatch(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d", cleaned):
        return cleaned, _l("A Canadian postal code looks like A1A 1A1.")
    return f"{cleaned[:3]} {cleaned[3:]}", None


def phone(value, *, required: bool = False):
    cleaned = clean_text(value)
    if not cleaned:
        return "", (_l("Please enter a phone number.") if required else None)
    digits = re.sub(r"\D", "", cleaned)
    if not re.fullmatch(r"\+?[\d\s().-]+(\s*(x|ext\.?)\s*\d+)?", cleaned, re.I) or not 7 <= len(digits) <= 18:
        return cleaned, _l("Enter a phone number with its area code, for example 416-555-0199.")
    return cleaned, None


def email(value, *, required: bool = False):
    cleaned = clean_text(value).lower()
    if not cleaned:
        return "", (_l("Please enter an email address.") if required else None)
    if len(cleaned) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", cleaned):
        return cleaned, _l("Enter an email address like name@example.org.")
    return cleaned, None


def choice(value, options, *, required: bool = False):
    cleaned = clean_text(value)
    if not cleaned:
        return "", (_l("Please choose one.") if required else None)
    if cleaned not in {str(option) for option in options}:
        return cleaned, _l("Please choose one of the options.")
    return cleaned, None


@dataclass
class FormResult:
    """A posted form, read: what was typed (to show again), the clean values, and a message per field."""

    values: dict = field(default_factory=dict)
    clean: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class FormInvalid(ValueError):
    """An operation refused for reasons tied to fields: the page shows each message beside its field (422)
    and keeps what was typed."""

    def __init__(self, errors: dict, values: dict | None = None):
        super().__init__(", ".join(errors))  # field names: the messages are translated when shown
        self.errors = errors
        self.values = values or {}
