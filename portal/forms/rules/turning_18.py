"""Turning 18 in the middle of a packet: signing authority and consent move from the agency to the youth.

The packet type's signers are worked out twice, as they stand the day before the 18th birthday and on it; the
signatures the agency gave (or would give) for the youth lapse, the youth signs for themself, and the caseworker
is told what to redo. Sources: domain 0 (age at signature decides) and I.1 (signature matrix).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from portal.forms.rules.dates import add_years
from portal.forms.types import Context, Finding
from portal.i18n import format_date
from portal.i18n import gettext as _

SOURCE = "Age on the day of signature decides who signs (domain 0); signature matrix (domain I.1)"


def eighteenth_birthday(context: Context) -> date | None:
    born = context.client.get("dob")
    return add_years(born, 18) if born else None


def _signers(packet_type, context: Context) -> dict[str, str]:
    return {signer.key: str(signer.role) for signer in packet_type.signers
            if signer.show_if is None or signer.show_if(context)}


def findings(packet_type, context: Context) -> list[Finding]:
    """A warning when the 18th birthday falls after the packet was started and by the signing date (or today)."""
    birthday = eighteenth_birthday(context)
    started = context.started_on or context.today
    until = max(context.signing_date, context.today)
    if birthday is None or not started < birthday <= until:
        return []
    as_minor = _signers(packet_type, replace(context, signing_date=birthday - timedelta(days=1)))
    as_adult = _signers(packet_type, replace(context, signing_date=birthday))
    lapsed = [role for key, role in as_minor.items() if key not in as_adult]
    new = [role for key, role in as_adult.items() if key not in as_minor]
    if not lapsed and not new:
        return []
    day, began = format_date(birthday), format_date(started)
    working = [_("18th birthday %(day)s: after the packet was started (%(started)s)", day=day, started=began)]
    working += [_("no longer signs: %(role)s (a signature already given for the youth is flagged and must not be "
                  "sent)", role=role) for role in lapsed]
    working += [_("now signs: %(role)s", role=role) for role in new]
    working += [_("redo: the youth reads the declaration and signs it themself, dated on or after %(day)s", day=day),
                _("redo: ask the youth's own consent to apply and to share their information; a new use-of-"
                  "representative form (IMM 5476) if the agency keeps acting for them"),
                _("no longer needed: the court order as proof of authority to sign for a minor")]
    signers = ", ".join(as_adult.values()) or _("none")
    if birthday <= context.today:
        message = _("The youth turned 18 on %(day)s, during this packet: signing authority and consent move from the "
                    "agency to the youth. Signers now: %(signers)s.", day=day, signers=signers)
    else:
        message = _("The youth turns 18 on %(day)s, during this packet: signing authority and consent move from the "
                    "agency to the youth. Signers now: %(signers)s.", day=day, signers=signers)
    return [Finding("warning", "age.turning_18", message, SOURCE, tuple(working))]
