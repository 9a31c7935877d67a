"""SLA due times, pauses and the share of a target used, counted in working time only;
whether a request is late is `RequestDTO.is_breached`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.services.desk import SlaTarget
from bot.services.working_time import WorkingCalendar


@dataclass(frozen=True, slots=True)
class DueTimes:
    first_response: datetime
    resolution: datetime


def due_times(calendar: WorkingCalendar, target: SlaTarget, start: datetime) -> DueTimes:
    return DueTimes(
        first_response=calendar.add(start, target.first_response),
        resolution=calendar.add(start, target.resolution),
    )


def extend_for_pause(
    calendar: WorkingCalendar, due: datetime, paused_at: datetime, resumed_at: datetime
) -> datetime:
    """Push `due` by the working time the request spent waiting for the client."""
    paused = calendar.elapsed(paused_at, resumed_at)
    if not paused:
        # A pause that spanned only closed hours cost nothing; `add` would instead move a due
        # time sitting at closing time to the next opening.
        if due.tzinfo is None or due.utcoffset() is None:
            raise ValueError(f"due must be a timezone-aware datetime, got a naive one: {due}")
        return due.astimezone(UTC)
    return calendar.add(due, paused)


def used_fraction(
    calendar: WorkingCalendar, start: datetime, due: datetime, now: datetime
) -> float:
    """The share of the working time between start and due already used; above 1 when late."""
    budget = calendar.elapsed(start, due)
    if not budget:
        # No working time to spend: the target is either still ahead or already used up.
        return 0.0 if now < due else 1.0
    return calendar.elapsed(start, now) / budget
