"""Citizenship by descent after Bill C-3, and the s.5(5) grant for stateless people born abroad to a Canadian.

Bill C-3 (in force on the date `bill_c3_in_force` in facts.toml):
- born abroad to a Canadian parent BEFORE that date: a citizen (the first-generation limit no longer blocks);
  the proof is a certificate (CIT 0001);
- born abroad ON or AFTER it, to a Canadian parent who was also born abroad (a citizen by descent): a citizen
  only if that parent had at least 1,095 days of physical presence in Canada before the birth (the
  substantial-connection test);
- a parent born in Canada, or naturalized, passes on citizenship as before.
Sources: domain 0, D and the 2026-12 corrections [S cikh.ca; migrationlawgroup.com].
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.i18n import format_date, format_number
from portal.i18n import gettext as _

SOURCE = "Citizenship Act s.3 as amended by Bill C-3 (in force {date}); domain 0, D, corrections 2026-12 [S]"
SOURCE_5_5 = "Citizenship Act s.5(5); domain A.8 [S cilf.ca]"


@dataclass(frozen=True)
class Descent:
    citizen: bool | None  # None: the parent's days of presence are needed to decide
    reason: str
    working: tuple[str, ...]
    source: str


def by_descent(*, born_on: date | None, parent_born_abroad: bool, parent_presence_days: int | None,
               in_force: date, required_days: int = 1095) -> Descent:
    """Whether someone born abroad to a Canadian parent is a citizen, with the lines that show why."""
    source = SOURCE.format(date=in_force.isoformat())
    if not parent_born_abroad:
        return Descent(True, _("The Canadian parent was born in Canada or naturalized: citizenship passes to a child "
                               "born abroad."),
                       (_("parent born in Canada or naturalized: first generation born abroad"),), source)
    if born_on is None:
        return Descent(None, _("Add the date of birth: it decides which rule applies."), (), source)
    in_force_day, born_day, needed = format_date(in_force), format_date(born_on), format_number(required_days)
    if born_on < in_force:
        return Descent(True, _("Born abroad before %(day)s: a citizen under Bill C-3; the proof is a citizenship "
                               "certificate (CIT 0001).", day=in_force_day),
                       (_("born %(born)s, before %(day)s: citizen", born=born_day, day=in_force_day),), source)
    head = _("born %(born)s, on or after %(day)s; the Canadian parent was also born abroad", born=born_day,
             day=in_force_day)
    if parent_presence_days is None:
        return Descent(None, _("Born on or after %(day)s to a parent also born abroad: a citizen only if that parent "
                               "had %(needed)s days in Canada before the birth. Ask for the parent's days of "
                               "physical presence.", day=in_force_day, needed=needed),
                       (head, _("parent's days in Canada before the birth: not known")), source)
    had = format_number(parent_presence_days)
    working = (head, _("parent's days of physical presence in Canada before the birth: %(days)s", days=had),
               _("needed: %(needed)s", needed=needed))
    if parent_presence_days >= required_days:
        return Descent(True, _("The Canadian parent had %(days)s days in Canada before the birth (at least "
                               "%(needed)s): a citizen by descent; the proof is CIT 0001.", days=had, needed=needed),
                       (*working, _("substantial connection met: citizen")), source)
    return Descent(False, _("The Canadian parent had %(days)s days in Canada before the birth, fewer than "
                            "%(needed)s: citizenship does not pass. Look at a grant (s.5(5) if stateless, or s.5(2) / "
                            "s.5(4)).", days=had, needed=needed),
                   (*working, _("short by %(short)s: not a citizen",
                                short=format_number(required_days - parent_presence_days))), source)


def stateless_5_5(*, descent: Descent, stateless: bool, age: int | None, under_age: int = 23) -> bool:
    """s.5(5): born abroad to a Canadian, not a citizen, always stateless, under 23. Its 3-years-in-4 residence
    (1,095 days) is checked on the application, not in triage."""
    return descent.citizen is False and stateless and age is not None and age < under_age
