"""Working-hours calendar: SLA time only runs while the desk is open, in its own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.working_time import WorkingCalendar

BERLIN = ZoneInfo("Europe/Berlin")
MOSCOW = ZoneInfo("Europe/Moscow")
WEEKDAYS = frozenset(range(5))


def office(timezone: str = "Europe/Moscow", **changes: object) -> WorkingCalendar:
    values: dict[str, object] = {
        "timezone": timezone,
        "weekdays": WEEKDAYS,
        "start": time(9, 0),
        "end": time(18, 0),
    }
    return WorkingCalendar(**(values | changes))  # type: ignore[arg-type]


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def test_a_request_filed_on_friday_evening_is_due_on_monday() -> None:
    friday_five_pm = at(MOSCOW, 2026, 11, 27, 17, 0)

    due = office().add(friday_five_pm, timedelta(hours=2))

    assert due == at(MOSCOW, 2026, 11, 30, 10, 0)
    assert due.tzinfo is UTC


def test_a_request_filed_on_saturday_starts_counting_on_monday_morning() -> None:
    saturday = at(MOSCOW, 2026, 11, 28, 13, 30)

    assert office().next_opening(saturday) == at(MOSCOW, 2026, 11, 30, 9, 0)
    assert office().add(saturday, timedelta(hours=3)) == at(MOSCOW, 2026, 11, 30, 12, 0)


def test_a_request_filed_before_opening_starts_counting_at_opening() -> None:
    early = at(MOSCOW, 2026, 11, 24, 7, 15)

    assert office().add(early, timedelta(minutes=30)) == at(MOSCOW, 2026, 11, 24, 9, 30)


def test_zero_duration_is_the_moment_itself_when_open_and_the_next_opening_when_closed() -> None:
    open_moment = at(MOSCOW, 2026, 11, 24, 11, 5)
    evening = at(MOSCOW, 2026, 11, 24, 18, 0)

    assert office().add(open_moment, timedelta(0)) == open_moment
    assert office().next_opening(open_moment) == open_moment
    assert office().add(evening, timedelta(0)) == at(MOSCOW, 2026, 11, 25, 9, 0)


def test_a_deadline_may_fall_exactly_at_closing_time() -> None:
    due = office().add(at(MOSCOW, 2026, 11, 27, 17, 0), timedelta(hours=1))

    assert due == at(MOSCOW, 2026, 11, 27, 18, 0)


def test_holidays_are_skipped() -> None:
    calendar = office(holidays=frozenset({date(2026, 12, 31), date(2027, 1, 1)}))

    due = calendar.add(at(MOSCOW, 2026, 12, 30, 17, 0), timedelta(hours=2))

    assert due == at(MOSCOW, 2027, 1, 4, 10, 0)
    assert not calendar.is_working(at(MOSCOW, 2026, 12, 31, 12, 0))


def test_a_multi_day_duration_spans_whole_working_days() -> None:
    monday_noon = at(MOSCOW, 2026, 11, 23, 12, 0)

    # 40 working hours from Monday noon: 6 + 9 * 3 = 33 by Thursday's close, 7 more on Friday.
    assert office().add(monday_noon, timedelta(hours=40)) == at(MOSCOW, 2026, 11, 27, 16, 0)


def test_a_year_of_working_hours_lands_on_the_last_friday_at_closing_time() -> None:
    monday = at(MOSCOW, 2026, 1, 5, 9, 0)

    due = office().add(monday, timedelta(hours=9 * 5 * 52))

    assert due == at(MOSCOW, 2027, 1, 1, 18, 0)


def test_elapsed_working_time_skips_the_weekend() -> None:
    friday_three_pm = at(MOSCOW, 2026, 11, 27, 15, 0)
    monday_eleven_am = at(MOSCOW, 2026, 11, 30, 11, 0)

    assert office().elapsed(friday_three_pm, monday_eleven_am) == timedelta(hours=5)


def test_elapsed_is_zero_when_the_end_is_not_after_the_start() -> None:
    moment = at(MOSCOW, 2026, 11, 24, 12, 0)

    assert office().elapsed(moment, moment) == timedelta(0)
    assert office().elapsed(moment, moment - timedelta(hours=2)) == timedelta(0)


def test_elapsed_undoes_add() -> None:
    calendar = office(holidays=frozenset({date(2026, 12, 1)}))
    starts = [at(MOSCOW, 2026, 11, 27, 17, 30), at(MOSCOW, 2026, 11, 29, 3, 0)]
    durations = [timedelta(minutes=1), timedelta(hours=8, minutes=59), timedelta(hours=77)]

    for start in starts:
        for duration in durations:
            assert calendar.elapsed(start, calendar.add(start, duration)) == duration


def test_moments_in_any_time_zone_are_read_in_the_company_time_zone() -> None:
    # 06:30 UTC is 09:30 in Moscow: already open there, although the UTC clock says otherwise.
    moment = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)

    assert office().is_working(moment)
    assert not office("America/New_York").is_working(moment)


def test_a_spring_dst_week_keeps_local_opening_hours_in_berlin() -> None:
    # Berlin moves its clocks forward on Sunday 29 March 2026: Monday opens at 07:00 UTC.
    friday_five_pm = at(BERLIN, 2026, 3, 27, 17, 0)

    due = office("Europe/Berlin").add(friday_five_pm, timedelta(hours=2))

    assert due == at(BERLIN, 2026, 3, 30, 10, 0)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_an_autumn_dst_week_keeps_local_opening_hours_in_berlin() -> None:
    # Berlin moves its clocks back on Sunday 25 October 2026: a week of hours still ends at 18:00.
    monday = at(BERLIN, 2026, 10, 19, 9, 0)
    calendar = office("Europe/Berlin")

    due = calendar.add(monday, timedelta(hours=45 + 1))

    assert due == at(BERLIN, 2026, 10, 26, 10, 0)
    assert due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert calendar.elapsed(monday, due) == timedelta(hours=46)


def test_a_day_of_the_dst_switch_counts_its_real_length() -> None:
    # Open 01:00-05:00 every day: the spring night loses an hour and the autumn one gains it.
    calendar = office("Europe/Berlin", weekdays=frozenset(range(7)), start=time(1), end=time(5))

    spring = calendar.elapsed(at(BERLIN, 2026, 3, 29, 0, 0), at(BERLIN, 2026, 3, 29, 12, 0))
    autumn = calendar.elapsed(at(BERLIN, 2026, 10, 25, 0, 0), at(BERLIN, 2026, 10, 25, 12, 0))

    assert (spring, autumn) == (timedelta(hours=3), timedelta(hours=5))


def test_is_working_respects_hours_weekdays_and_the_closing_instant() -> None:
    calendar = office()

    assert calendar.is_working(at(MOSCOW, 2026, 11, 24, 9, 0))
    assert not calendar.is_working(at(MOSCOW, 2026, 11, 24, 18, 0))
    assert not calendar.is_working(at(MOSCOW, 2026, 11, 24, 8, 59))
    assert not calendar.is_working(at(MOSCOW, 2026, 11, 29, 12, 0))


def test_a_naive_datetime_is_rejected() -> None:
    naive = datetime(2026, 11, 24, 12, 0)
    aware = at(MOSCOW, 2026, 11, 24, 12, 0)

    with pytest.raises(ValueError, match="naive"):
        office().add(naive, timedelta(hours=1))
    with pytest.raises(ValueError, match="naive"):
        office().is_working(naive)
    with pytest.raises(ValueError, match="naive"):
        office().elapsed(aware, naive)
    with pytest.raises(ValueError, match="naive"):
        office().next_opening(naive)


def test_a_negative_duration_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        office().add(at(MOSCOW, 2026, 11, 24, 12, 0), timedelta(minutes=-1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekdays": frozenset()}, "weekday"),
        ({"weekdays": frozenset({7})}, "weekdays"),
        ({"start": time(18), "end": time(9)}, "end after it starts"),
        ({"start": time(9), "end": time(9)}, "end after it starts"),
        ({"timezone": "Mars/Base"}, "time zone"),
    ],
)
def test_an_unusable_calendar_is_rejected(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        office(**changes)  # type: ignore[arg-type]
