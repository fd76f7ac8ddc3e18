"""Lay out independent parts of one packet in several processes at once.

A big packet's parts (the application chunks, the checklist, each evidence item) do not depend on each
other, so a render with several of them to lay out forks helpers that lay out a share each while this
process does its own; the PDFs come back through pipes, and the join stays in this process. Forking shares
the warm fonts and parsed stylesheets (copy on write), so a helper starts at once. Used only when the caller
says processes are free (jobs.py: the worker's queue is empty), and only for parts not in the part cache.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Sequence

MIN_PARTS = 4  # fewer parts to lay out than this: a fork costs more than it saves


def shares(weights: Sequence[int], processes: int) -> list[list[int]]:
    """Indexes split into `processes` groups of about equal weight (largest first, onto the lightest group)."""
    groups: list[list[int]] = [[] for _ in range(max(1, processes))]
    totals = [0] * len(groups)
    for index in sorted(range(len(weights)), key=lambda i: -weights[i]):
        lightest = totals.index(min(totals))
        groups[lightest].append(index)
        totals[lightest] += weights[index]
    return [sorted(group) for group in groups]


def lay_out(items: Sequence, make: Callable[[object], bytes], *, weights: Sequence[int],
            processes: int) -> list[bytes]:
    """make(item) for every item, in `processes` processes (this one included); results in the items' order.

    An error in a helper is raised here as the same exception (or a RuntimeError when it cannot be pickled),
    after every helper has ended.
    """
    if processes <= 1 or len(items) < MIN_PARTS or not hasattr(os, "fork"):
        return [make(item) for item in items]
    groups = [group for group in shares(weights, processes) if group]
    mine, theirs = groups[0], groups[1:]
    helpers = [_fork(group, items, make) for group in theirs]
    results: dict[int, bytes] = {}
    error: BaseException | None = None
    try:
        for index in mine:
            results[index] = make(items[index])
    except BaseException as raised:  # noqa: BLE001 - the helpers are ended below, then it is raised
        error = raised
    for pid, reader, group in helpers:
        if error is not None:
            _end(pid)
        outcome = _collect(pid, reader)
        if error is None and isinstance(outcome, BaseException):
            error = outcome
        elif error is None:
            results.update(zip(group, outcome, strict=True))
    if error is not None:
        raise error
    return [results[index] for index in range(len(items))]


def _fork(group: list[int], items: Sequence, make: Callable) -> tuple[int, int, list[int]]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: lay out its share, send it back, and leave without running any cleanup
        os.close(reader)
        code = 0
        try:
            try:
                payload = pickle.dumps([make(items[index]) for index in group], protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # noqa: BLE001 - sent to the parent, which raises it
                code = 1
                try:
                    payload = pickle.dumps(error)
                except Exception:  # noqa: BLE001
                    payload = pickle.dumps(RuntimeError(f"A layout helper failed: {error!r}"))
            with os.fdopen(writer, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(writer)
    return pid, reader, group


def _collect(pid: int, reader: int):
    with os.fdopen(reader, "rb") as source:
        data = source.read()
    _pid, status = os.waitpid(pid, 0)
    if not data:
        return RuntimeError(f"A layout helper ended without an answer (status {status}).")
    outcome = pickle.loads(data)  # noqa: S301 - from our own forked process
    if os.waitstatus_to_exitcode(status) != 0 and not isinstance(outcome, BaseException):
        return RuntimeError("A layout helper failed.")
    return outcome


def _end(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
