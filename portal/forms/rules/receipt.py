"""Which day's fees apply: the day IRCC is expected to RECEIVE the application, not the day it is signed.

Domain I.6 and the 2026-12 corrections: the fee receipt must match the fee table in force on the receipt date.
The day is, in order: the day IRCC received it (once recorded); the expected receipt date typed by the
caseworker; the planned mailing or online submission date plus the days the method takes (online: the same
day); else the planned signing date, with a warning that a sending date is still needed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.i18n import format_date, format_money
from portal.i18n import gettext as _


@dataclass(frozen=True)
class ReceiptDate:
    day: date
    how: str  # a line of working: how the day was chosen
    planned: bool  # False when it fell back to the signing date


def expected_receipt(*, signing_date: date, received_on: date | None = None, expected_on: date | None = None,
                     send_on: date | None = None, method: str = "", transit_days: dict | None = None) -> ReceiptDate:
    if received_on is not None:
        return ReceiptDate(received_on, _("IRCC received it on %(day)s", day=format_date(received_on)), True)
    if expected_on is not None:
        return ReceiptDate(expected_on, _("IRCC is expected to receive it on %(day)s", day=format_date(expected_on)),
                           True)
    if send_on is not None:
        days = int((transit_days or {}).get(method, 0))
        day = send_on + timedelta(days=days)
        sent = {"online": _("submitted online"), "in_person": _("handed in"), "courier": _("sent by courier")}.get(
            method) or _("sent by mail")
        return ReceiptDate(day, _("%(sent)s on %(sent_on)s + %(days)s days = received %(day)s", sent=sent,
                                  sent_on=format_date(send_on), days=days, day=format_date(day)), True)
    return ReceiptDate(signing_date, _("no sending date yet: the signing date %(day)s is used",
                                       day=format_date(signing_date)), False)


def changed_fees(at_signing: list, at_receipt: list) -> list[str]:
    """Lines naming each fee whose amount differs between the two days' tables (FeeLine lists)."""
    before = {line.label: line.amount for line in at_signing}
    lines = []
    for line in at_receipt:
        old = before.get(line.label)
        if old is not None and old != line.amount:
            lines.append(_("%(fee)s: %(before)s on the signing date, %(after)s on the receipt date", fee=line.label,
                           before=format_money(old), after=format_money(line.amount)))
    return lines
