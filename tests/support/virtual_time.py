"""Event loops whose clock is virtual: when every task waits for a timer, time jumps to it.

aiolimiter and the outbound sender read the loop's clock, so their pacing is measured exactly
and nothing sleeps for real (tests/unit/test_outbound.py); a whole bot can run on it too, its
database threads waited for in real time (tests/flows/test_outbound_routing.py)."""

from __future__ import annotations

import asyncio
import functools
import math
import selectors
from collections.abc import Callable, Coroutine
from typing import Any

# How long a loop with `threads` waits in real time for a thread's answer before time jumps.
THREAD_GRACE = 0.05


class _JumpingSelector(selectors.DefaultSelector):
    """Instead of blocking until the next timer, moves the clock to it, in whole microseconds
    rounded up, plus `late_by` (a real loop wakes a little late). Every turn of the loop takes
    a microsecond, as it would for real: a timer set a hair away from now (aiolimiter's float
    arithmetic makes some) then still comes due.

    With `threads` (aiosqlite runs the database in one), a loop with no timer waits for a
    thread's answer in real time, and one with a timer first gives a thread THREAD_GRACE of
    real time to answer: time jumps past a query only if it is that slow, which can make a
    wait look longer, never shorter."""

    def __init__(self, late_by: float, threads: bool) -> None:
        super().__init__()
        self.microseconds = 0
        self._late_by = math.ceil(late_by * 1_000_000)
        self._threads = threads

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout is None:
            if not self._threads:
                raise RuntimeError("every task waits and no timer is set: the story would hang")
            return super().select(None)
        jump = math.ceil(timeout * 1_000_000)
        if self._threads and jump and (ready := super().select(min(timeout, THREAD_GRACE))):
            self.microseconds += 1
            return ready
        self.microseconds += jump + self._late_by if jump else 1
        return super().select(0)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self, late_by: float = 0.0, *, threads: bool = False) -> None:
        self._jumping = _JumpingSelector(late_by, threads)
        super().__init__(self._jumping)

    def time(self) -> float:
        return self._jumping.microseconds / 1_000_000

    def hold_up(self, seconds: float) -> None:
        """The loop is held up (a long garbage collection): time passes, nothing else runs."""
        self._jumping.microseconds += math.ceil(seconds * 1_000_000)


def virtual_time(
    story: Callable[..., Coroutine[Any, Any, None]] | None = None,
    *,
    late_by: float = 0.0,
    threads: bool = False,
) -> Any:
    """Runs an async test on a VirtualTimeLoop (pytest-asyncio's loops keep real time);
    `@virtual_time(late_by=0.001)` makes every timer fire a millisecond late,
    `@virtual_time(threads=True)` lets it wait for a database thread. The test takes sync
    fixtures only: async ones would run on pytest-asyncio's loop."""

    def wrap(story: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
        @functools.wraps(story)
        def run(*args: Any, **kwargs: Any) -> None:
            loop = functools.partial(VirtualTimeLoop, late_by, threads=threads)
            with asyncio.Runner(loop_factory=loop) as runner:
                runner.run(story(*args, **kwargs))

        return run

    return wrap if story is None else wrap(story)
