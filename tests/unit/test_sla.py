"""SLA: due times in working hours, pauses while the client answers, breach checks."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.desk import SlaTarget
from bot.services.sla import DueTimes, due_times, extend_for_pause, used_fraction
from bot.services.working_time import WorkingCalendar

MOSCOW = ZoneInfo("Europe/Moscow")
OFFICE = WorkingCalendar("Europe/Moscow", frozenset(range(5)), time(9), time(18))
CLAIM = SlaTarget(first_response=timedelta(hours=2), resolution=timedelta(hours=40))


def msk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=MOSCOW)


def test_a_claim_filed_on_friday_evening_is_due_on_monday_and_resolved_next_week() -> None:
    due = due_times(OFFICE, CLAIM, msk(2026, 11, 27, 17, 0))

    # 40 working hours: 1 on Friday, 9 each Monday-Thursday, the last 3 on Friday.
    assert due == DueTimes(first_response=msk(2026, 11, 30, 10, 0), resolution=msk(2026, 12, 4, 12))
    assert due.first_response.tzinfo is UTC and due.resolution.tzinfo is UTC


def test_waiting_for_the_client_pushes_the_due_time_by_the_working_time_paused() -> None:
    due = msk(2026, 11, 25, 12, 0)

    # Paused Tuesday 16:00 to Wednesday 10:00: 2 + 1 working hours.
    extended = extend_for_pause(OFFICE, due, msk(2026, 11, 24, 16), msk(2026, 11, 25, 10))

    assert extended == msk(2026, 11, 25, 15, 0)


def test_a_pause_past_the_closing_time_carries_over_to_the_next_working_day() -> None:
    due = msk(2026, 11, 27, 17, 0)

    extended = extend_for_pause(OFFICE, due, msk(2026, 11, 27, 9), msk(2026, 11, 27, 11))

    assert extended == msk(2026, 11, 30, 10, 0)


def test_a_pause_over_the_weekend_does_not_move_the_due_time() -> None:
    due = msk(2026, 11, 27, 18, 0)

    extended = extend_for_pause(OFFICE, due, msk(2026, 11, 28, 10), msk(2026, 11, 29, 20))

    assert extended == due
    assert extended.tzinfo is UTC


def test_used_fraction_counts_working_time_only() -> None:
    start, due = msk(2026, 11, 27, 17, 0), msk(2026, 11, 30, 10, 0)

    assert used_fraction(OFFICE, start, due, start) == 0.0
    # The weekend passes for free: Friday's one working hour is half the budget.
    assert used_fraction(OFFICE, start, due, msk(2026, 11, 29, 12)) == 0.5
    assert used_fraction(OFFICE, start, due, due) == 1.0
    assert used_fraction(OFFICE, start, due, msk(2026, 11, 30, 11)) == 1.5


def test_used_fraction_without_working_time_in_between_is_all_or_nothing() -> None:
    # Filed on Saturday with a zero target: due at the Monday opening.
    start, due = msk(2026, 11, 28, 12), msk(2026, 11, 30, 9)

    assert used_fraction(OFFICE, start, due, msk(2026, 11, 29, 12)) == 0.0
    assert used_fraction(OFFICE, start, due, due) == 1.0
