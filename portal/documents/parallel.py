"""Lay out independent parts of one packet in several processes at once.

A big packet's parts (the application chunks, the checklist, each evidence item) do not depend on each
other, so a render with several of them to lay out forks helpers that take parts one at a time alongside
this process; the PDFs come back through pipes, and the join stays in this process. Forking shares
the warm fonts and parsed stylesheets (copy on write), so a helper starts at once. Used only when the caller
says processes are free (jobs.py: the worker's queue is empty), and only for parts not in the part cache.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Sequence

MIN_PARTS = 4  # fewer parts to lay out than this: a fork costs more than it saves


def lay_out(items: Sequence, make: Callable[[object], bytes], *, weights: Sequence[int], processes: int,
            taking: Callable[[object, int], None] | None = None) -> list[bytes]:
    """make(item) for every item, in `processes` processes (this one included); results in the items' order.

    Each process takes the heaviest item nobody has taken yet, until none is left: a share fixed in advance
    left one process idle for a quarter of a second at the end of a 200-page packet, because a part's weight
    (its HTML's length) only estimates its layout time.

    taking(item, count), when given, is called in this process before it makes an item, with the number of
    items all the processes have taken so far (for a progress bar; a helper never calls it).

    An error in a helper is raised here as the same exception (or a RuntimeError when it cannot be pickled),
    after every helper has ended.
    """
    if processes <= 1 or len(items) < MIN_PARTS or not hasattr(os, "fork"):
        results = _Taker(items, range(len(items)), make, taking, shared=False).until_none_left()
        return [results[index] for index in range(len(items))]
    heaviest_first = sorted(range(len(items)), key=lambda index: -weights[index])
    taker = _Taker(items, heaviest_first, make, taking, shared=True)
    helpers = [_fork(taker.until_none_left) for _ in range(processes - 1)]
    results: dict[int, bytes] = {}
    error: BaseException | None = None
    try:
        results.update(taker.until_none_left())
    except BaseException as raised:  # noqa: BLE001 - the helpers are ended below, then it is raised
        error = raised
    for pid, reader in helpers:
        if error is not None:
            _end(pid)
        outcome = _collect(pid, reader)
        if error is None and isinstance(outcome, BaseException):
            error = outcome
        elif error is None:
            results.update(outcome)
    if error is not None:
        raise error
    if len(results) != len(items):
        raise RuntimeError("A layout helper left parts out.")
    return [results[index] for index in range(len(items))]


class _Taker:
    """Hands out items in `order`, one at a time, to whichever process asks next (through shared memory
    when `shared`, which the processes forked afterwards see too)."""

    def __init__(self, items: Sequence, order: Sequence[int], make: Callable, taking: Callable | None, *,
                 shared: bool):
        self.items, self.order, self.make, self.taking = items, list(order), make, taking
        self.parent = os.getpid()
        self.next = multiprocessing.get_context("fork").Value("i", 0) if shared else None
        self.position = 0

    def _take(self) -> int:
        if self.next is None:
            self.position += 1
            return self.position - 1
        with self.next.get_lock():
            self.next.value += 1
            return self.next.value - 1

    def until_none_left(self) -> dict[int, bytes]:
        done = {}
        while (position := self._take()) < len(self.order):
            index = self.order[position]
            if self.taking and os.getpid() == self.parent:
                self.taking(self.items[index], position + 1)
            done[index] = self.make(self.items[index])
        return done


def _fork(work: Callable[[], dict[int, bytes]]) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: lay out what it takes, send it back, and leave without running any cleanup
        os.close(reader)
        code = 0
        try:
            try:
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
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
    return pid, reader


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
