"""The facts file (portal/data/facts.toml): fees, dates, form versions and codes, each with its
effective date and source, read by every packet type.

The file is re-read when it changes on disk, so a staff member's correction applies without a
restart. Lookups pick the entry in force on a given date: a fee that changes keeps its history.
"""
from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "facts.toml"
KINDS = ("fee", "date", "form", "code", "number")


class FactsError(ValueError):
    """The facts file is missing an entry or has one that cannot be read."""


@dataclass(frozen=True)
class Fact:
    kind: str  # fee | date | form | code | number
    key: str  # for forms, the form code ("CIT 0403")
    value: Any  # amount for fees, date for dates, version for forms
    label: str = ""
    effective: date | None = None  # None: applies from the start
    source: str = ""
    verify: bool = False

    @property
    def amount(self) -> float:
        return float(self.value)

    def cite(self) -> str:
        """The source line shown beside a fee or rule: effective date, source, VERIFY mark."""
        parts = []
        if self.effective:
            parts.append(f"from {self.effective.isoformat()}")
        if self.source:
            parts.append(self.source)
        text = "; ".join(parts)
        return f"{text} (VERIFY)" if self.verify else text


_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[tuple[str, str], list[Fact]]]] = {}


def path() -> Path:
    return Path(os.environ.get("PASSAGE_FACTS_FILE") or DEFAULT_PATH)


def _parse(raw: dict) -> dict[tuple[str, str], list[Fact]]:
    facts: dict[tuple[str, str], list[Fact]] = {}
    for kind in KINDS:
        for number, entry in enumerate(raw.get(kind, []), start=1):
            key = entry.get("code") if kind == "form" else entry.get("key")
            value = entry.get("version") if kind == "form" else entry.get("amount" if kind == "fee" else "value")
            if not key or value is None:
                raise FactsError(f"facts.toml: [[{kind}]] number {number} needs a key and a value.")
            if not entry.get("source"):
                raise FactsError(f"facts.toml: [[{kind}]] {key!r} needs a source.")
            effective = entry.get("effective")
            if effective is not None and not isinstance(effective, date):
                raise FactsError(f"facts.toml: [[{kind}]] {key!r}: effective must be a date like 2025-03-31.")
            if kind == "date" and not isinstance(value, date):
                raise FactsError(f"facts.toml: [[date]] {key!r}: value must be a date like 2027-01-21.")
            if kind == "fee" and not isinstance(value, (int, float)):
                raise FactsError(f"facts.toml: [[fee]] {key!r}: amount must be a number like 119.75.")
            fact = Fact(kind=kind, key=key, value=value, label=entry.get("label", ""), effective=effective,
                        source=entry["source"], verify=bool(entry.get("verify", False)))
            facts.setdefault((kind, key), []).append(fact)
    for entries in facts.values():
        entries.sort(key=lambda fact: fact.effective or date.min)
        starts = [fact.effective for fact in entries]
        if len(set(starts)) != len(starts):
            raise FactsError(f"facts.toml: two [[{entries[0].kind}]] entries for {entries[0].key!r} "
                             "start on the same day.")
    return facts


def load() -> dict[tuple[str, str], list[Fact]]:
    """Every fact, keyed by (kind, key), each list oldest first; re-read when the file changes."""
    file = path()
    mtime = file.stat().st_mtime
    cached = _cache.get(str(file))
    if cached and cached[0] == mtime:
        return cached[1]
    with _lock:
        with file.open("rb") as handle:
            try:
                raw = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise FactsError(f"facts.toml cannot be read: {error}") from error
        facts = _parse(raw)
        _cache[str(file)] = (mtime, facts)
    return facts


def lookup(kind: str, key: str, on: date | None = None) -> Fact:
    """The entry in force on `on` (today when not given)."""
    on = on or date.today()
    entries = load().get((kind, key))
    if not entries:
        raise FactsError(f"facts.toml has no [[{kind}]] entry {key!r}.")
    in_force = [fact for fact in entries if fact.effective is None or fact.effective <= on]
    if not in_force:
        raise FactsError(f"facts.toml: no [[{kind}]] {key!r} is in force on {on.isoformat()}.")
    return in_force[-1]


def history(kind: str, key: str) -> list[Fact]:
    return list(load().get((kind, key), []))


def fee(key: str, on: date | None = None) -> Fact:
    return lookup("fee", key, on)


def a_date(key: str) -> date:
    return lookup("date", key).value


def form_version(code: str, on: date | None = None) -> Fact:
    return lookup("form", code, on)


def code(key: str) -> str:
    return str(lookup("code", key).value)


def number(key: str) -> int:
    return int(lookup("number", key).value)


def all_facts() -> list[Fact]:
    return [fact for entries in load().values() for fact in entries]


def status_facts(on: date | None = None) -> dict:
    """Every value the status packets' rules need, as plain values in force on `on` (fees change by date).

    Rules take these dicts, so a test can pass a table of values and the portal passes the file's.
    """
    on = on or date.today()

    def amount(key: str) -> float:
        return fee(key, on).amount

    def cite(key: str) -> str:
        return fee(key, on).cite()

    return {
        "work_permit": {
            "processing_fee": amount("wp_processing"),
            "holder_fee": amount("wp_open_holder"),
            "fees_effective": cite("wp_processing"),
            "designated_country_wait_days": number("r206_designated_wait_days"),
            "designated_countries": tuple(lookup("code", "r206_designated_countries").value or ()),
        },
        "biometrics": {
            "fee": amount("biometrics_person"),
            "family_max": amount("biometrics_family_max"),
            "min_age": number("biometrics_min_age"),
            "max_age": number("biometrics_max_age"),
            "valid_years": number("biometrics_valid_years"),
            "source": cite("biometrics_person"),
        },
        "state_care": {
            "opens": a_date("state_care_pathway_opens"),
            "closes": a_date("state_care_pathway_closes"),
            "arrival_before_age": number("state_care_arrival_before_age"),
            "min_care_days": number("state_care_min_care_days"),
            "min_care_months": number("state_care_min_care_months"),
            "residence_years": number("state_care_residence_years"),
            "mailing_address": code("state_care_mailing_address"),
        },
        "hc": {
            "principal": amount("hc_principal"),
            "spouse": amount("hc_spouse"),
            "child": amount("hc_child"),
            "rprf": amount("rprf"),
            "source": {key: cite(key) for key in ("hc_principal", "hc_spouse", "hc_child", "rprf")},
            "verify": {key: fee(key, on).verify for key in ("hc_principal", "hc_spouse", "hc_child", "rprf")},
        },
        "pr_card": {"fee": amount("pr_card"), "source": cite("pr_card"),
                    "residency_days": number("pr_residency_days")},
        "vos": {"fee": amount("vos"), "source": cite("vos")},
        "dependent_child_age": number("dependent_child_age"),
    }
