"""Working-hours arithmetic: SLA clocks only run while the desk is open.

Every local day is turned into one UTC interval [open, close) with zoneinfo, so a day next to a
daylight-saving switch gets its true length and the wall-clock hours stay where people expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ONE_DAY = timedelta(days=1)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got a naive one: {moment}")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    timezone: str
    weekdays: frozenset[int]
    start: time
    end: time
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(f"unknown time zone: {self.timezone!r}") from exc
        # Callers may pass any iterable; storing frozensets keeps the calendar hashable.
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if not self.weekdays:
            raise ValueError("a working calendar needs at least one working weekday")
        if not all(isinstance(day, int) and 0 <= day <= 6 for day in self.weekdays):
            raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), got {self.weekdays}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are local wall-clock times and take no tzinfo")
        if self.end <= self.start:
            raise ValueError(f"the working day must end after it starts: {self.start}-{self.end}")

    @property
    def zone(self) -> ZoneInfo:
        # ZoneInfo caches instances by key, so this is not a file read per call.
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def hours_of(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC interval the desk is open on this local date, or None on a day off."""
        if not self.is_working_day(day):
            return None
        zone = self.zone
        opens = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
        return opens, closes

    def is_working(self, moment: datetime) -> bool:
        moment = _aware(moment, "moment")
        hours = self.hours_of(self._local_date(moment))
        return hours is not None and hours[0] <= moment < hours[1]

    def next_opening(self, moment: datetime) -> datetime:
        """The earliest working moment at or after `moment` (`moment` itself when open)."""
        return self.add(moment, timedelta(0))

    def add(self, moment: datetime, duration: timedelta) -> datetime:
        moment = _aware(moment, "moment")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        remaining = duration
        for opens, closes in self._intervals_from(self._local_date(moment)):
            begin = max(moment, opens)
            if begin >= closes:
                continue
            available = closes - begin
            # `<=` lets a deadline fall exactly on closing time instead of the next opening.
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable: the working days never run out")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        start = _aware(start, "start")
        end = _aware(end, "end")
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self._intervals_from(self._local_date(start)):
            if opens >= end:
                break
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        return total

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def _intervals_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        # Walking day by day keeps even multi-week durations to a few hundred steps; at least
        # one weekday works and holidays are finite, so the walk always reaches an open day.
        while True:
            hours = self.hours_of(day)
            if hours is not None:
                yield hours
            day += _ONE_DAY
