"""Extension points where one area shows its part on another area's page, without importing it.

- A packet page shows one panel per registered packet panel (documents, review, youth, ...).
- A client file shows one panel per registered client panel (packets, referrals out, ...).
- "My work" lists items from every registered work-item source (deadlines, questions from youth, ...).

Each panel function takes keyword arguments (session, user, packet or client) and returns the
template context for its partial, or None to show nothing. Registration happens at import time,
in the module of the blueprint that owns the panel.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

PACKET_PANELS: list[tuple[int, str, Callable]] = []  # (order, template, context function)
CLIENT_PANELS: list[tuple[int, str, Callable]] = []
WORK_ITEM_SOURCES: list[Callable] = []


@dataclass(frozen=True)
class WorkItem:
    title: str  # plain words, no personal data beyond what the signed-in user may see
    url: str
    due: date | None = None
    urgency: int = 2  # 0 overdue, 1 this week, 2 later, 3 for information
    kind: str = ""  # deadline, question, review, referral ...
    client_name: str = ""


def packet_panel(template: str, order: int = 50):
    def register(function: Callable) -> Callable:
        PACKET_PANELS.append((order, template, function))
        PACKET_PANELS.sort(key=lambda entry: entry[0])
        return function

    return register


def client_panel(template: str, order: int = 50):
    def register(function: Callable) -> Callable:
        CLIENT_PANELS.append((order, template, function))
        CLIENT_PANELS.sort(key=lambda entry: entry[0])
        return function

    return register


def work_item_source(function: Callable) -> Callable:
    WORK_ITEM_SOURCES.append(function)
    return function


def render_panels(registry, **kwargs) -> list[tuple[str, dict]]:
    """The (template, context) of every panel that has something to show."""
    shown = []
    for _order, template, function in registry:
        context = function(**kwargs)
        if context is not None:
            shown.append((template, context))
    return shown
