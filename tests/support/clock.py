"""A clock tests move by hand; nothing in the suite sleeps for real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, moment: datetime) -> datetime:
        """Moves to `moment` (later than now: time does not run backwards)."""
        assert moment >= self._now, "the clock never goes back"
        self._now = moment
        return self._now
