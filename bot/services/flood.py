"""Per-user flood detection over a sliding window, driven by an injected clock.

Kept free of aiogram so the rules can be tested with a fake clock and reused by
any middleware that wants to throttle users.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import datetime, timedelta
from enum import StrEnum

from bot.services.clock import Clock


class FloodVerdict(StrEnum):
    OK = "ok"  # under the limit
    WARN = "warn"  # the first message over the limit in this burst: tell the user once
    FLOODING = "flooding"  # still over the limit; the user was already told


class _UserState:
    __slots__ = ("stamps", "warned")

    def __init__(self, maxlen: int) -> None:
        # Only the newest limit+1 stamps matter: the count is over the limit exactly
        # when the oldest of them is still inside the window, so memory stays bounded
        # however fast a user sends.
        self.stamps: deque[datetime] = deque(maxlen=maxlen)
        self.warned = False


class FloodGuard:
    """Counts each user's messages in a sliding window (default 20 per 60 s)."""

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int = 20,
        window: timedelta = timedelta(seconds=60),
        max_users: int = 100_000,
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if window <= timedelta(0):
            raise ValueError(f"window must be positive, got {window}")
        if max_users < 1:
            raise ValueError(f"max_users must be at least 1, got {max_users}")
        self._clock = clock
        self._limit = limit
        self._window = window
        self._max_users = max_users
        # Ordered from least to most recently seen, so both stale and LRU users sit
        # at the front and can be dropped in O(1).
        self._users: OrderedDict[int, _UserState] = OrderedDict()

    def __len__(self) -> int:
        """How many users are currently tracked (for tests and metrics)."""
        return len(self._users)

    def hit(self, user_id: int) -> FloodVerdict:
        now = self._clock.now()
        # The window is half-open, (now - window, now]: a message exactly one window
        # old no longer counts, so a steady limit-per-window pace never trips.
        cutoff = now - self._window

        state = self._users.get(user_id)
        if state is None or state.stamps[-1] <= cutoff:
            # Nothing recent: start from scratch, which also forgets an old warning.
            state = _UserState(self._limit + 1)
            self._users[user_id] = state
        self._users.move_to_end(user_id)

        stamps = state.stamps
        stamps.append(now)
        while stamps[0] <= cutoff:
            stamps.popleft()

        self._forget_idle(cutoff)

        if len(stamps) <= self._limit:
            # Back under the limit: this burst is over, the next one warns again.
            state.warned = False
            return FloodVerdict.OK
        if state.warned:
            return FloodVerdict.FLOODING
        state.warned = True
        return FloodVerdict.WARN

    def _forget_idle(self, cutoff: datetime) -> None:
        users = self._users
        # Users with nothing inside the window carry no information; dropping them
        # from the front keeps memory proportional to active users. Each user is
        # dropped at most once per insertion, so this is O(1) amortised.
        while users:
            oldest = next(iter(users.values()))
            if oldest.stamps[-1] > cutoff:
                break
            users.popitem(last=False)
        # A flood of distinct active users must not grow memory without bound either.
        while len(users) > self._max_users:
            users.popitem(last=False)
