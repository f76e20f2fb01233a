"""Work on both cores of a small machine: part of a job in a forked child process.

`mmb reconcile` of a big export does per-row work that splits cleanly (content ids,
classifying rows). (ledger.csv is never written by a child: it is written once every
check has passed, by the command itself.) A forked child
sees the parent's rows as they are, without copying them over; only what it computes
comes back, pickled through a pipe, so that should be small: texts, numbers, flags, not
objects of many fields. Where there is no `os.fork` (Windows), the work runs in this
process instead, with the same result.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

#: Below this many rows a child process costs more than it saves.
MIN_ROWS = 20_000


class ChildFailed(Exception):
    """The child process ended without a result (an exception in it, or it was killed)."""


class Child(Generic[T]):
    """`work()` running in a forked child process while this process goes on."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._pid = 0
        self._pipe = -1
        self._done = False
        self._value: T | None = None
        if not hasattr(os, "fork"):  # pragma: no cover - not on Linux
            self._value, self._done = work(), True
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; coverage does not follow it
            status = 1
            try:
                os.close(read_end)
                data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            except BaseException:  # the parent learns of it by the status
                pass
            finally:
                os._exit(status)  # never the parent's clean-up, buffers or exit handlers
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    def result(self) -> T:
        """Wait for the child; what `work()` returned, or `ChildFailed`."""
        if not self._done:
            with os.fdopen(self._pipe, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._done = True
            if os.waitstatus_to_exitcode(status) != 0 or not data:
                raise ChildFailed(f"child process ended with status {status}")
            self._value = pickle.loads(data)  # our own child's bytes
        return self._value  # type: ignore[return-value]

    def abandon(self) -> None:
        """Stop waiting: close the pipe (a child still writing gets an error and ends)
        and collect its exit status, so that no process is left behind."""
        if not self._done:
            os.close(self._pipe)
            os.waitpid(self._pid, 0)
            self._done = True


def split_in_two(work: Callable[[int, int], T], count: int, cut: int) -> tuple[T, T]:
    """`(work(0, cut), work(cut, count))`: the second part in a forked child while this
    process does the first. The parts must not depend on each other. A failed child's
    part is done here after all, so the result is always the same."""
    if cut <= 0 or cut >= count:
        return work(0, cut), work(cut, count)
    child = Child(lambda: work(cut, count))
    try:
        first = work(0, cut)
    except BaseException:
        child.abandon()
        raise
    try:
        second = child.result()
    except ChildFailed:
        second = work(cut, count)
    return first, second
