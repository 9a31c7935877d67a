"""Flood detection: a sliding window per user, one warning per burst, bounded memory."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.flood import FloodGuard, FloodVerdict
from tests.support.clock import FakeClock

USER = 1001


def send(guard: FloodGuard, clock: FakeClock, count: int, *, every: float = 1.0) -> list:
    verdicts = []
    for _ in range(count):
        verdicts.append(guard.hit(USER))
        clock.advance(seconds=every)
    return verdicts


def test_twenty_messages_in_a_minute_are_fine() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock)
    assert send(guard, clock, 20, every=2.9) == [FloodVerdict.OK] * 20


def test_the_twenty_first_gets_one_warning() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock)
    send(guard, clock, 20)
    assert guard.hit(USER) is FloodVerdict.WARN


def test_the_twenty_second_to_thirtieth_are_flooding_not_warnings() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock)
    verdicts = send(guard, clock, 30)
    assert verdicts[20] is FloodVerdict.WARN
    assert verdicts[21:] == [FloodVerdict.FLOODING] * 9


def test_after_a_quiet_minute_the_user_is_fine_and_a_new_burst_warns_again() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock)
    assert FloodVerdict.WARN in send(guard, clock, 25)

    clock.advance(minutes=1)
    again = send(guard, clock, 22)
    assert again[:20] == [FloodVerdict.OK] * 20
    assert again[20:] == [FloodVerdict.WARN, FloodVerdict.FLOODING]


def test_a_steady_message_every_three_seconds_never_warns() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock)
    # Exactly 20 per 60 s: the message a full window old has just dropped out.
    assert set(send(guard, clock, 500, every=3)) == {FloodVerdict.OK}


def test_users_are_counted_separately() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock)
    send(guard, clock, 21, every=0.1)
    assert guard.hit(USER) is FloodVerdict.FLOODING
    assert [guard.hit(2002) for _ in range(20)] == [FloodVerdict.OK] * 20
    assert guard.hit(2002) is FloodVerdict.WARN


def test_memory_stays_bounded_with_many_users() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock, limit=3, max_users=10)
    for user_id in range(1_000):
        for _ in range(50):
            guard.hit(user_id)
    assert len(guard) == 10
    assert all(len(state.stamps) <= 4 for state in guard._users.values())
    # The most recently seen users are the ones kept.
    assert list(guard._users) == list(range(990, 1_000))


def test_idle_users_are_forgotten_once_their_window_passes() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock)
    for user_id in range(100):
        guard.hit(user_id)
    clock.advance(seconds=60)
    guard.hit(USER)
    assert len(guard) == 1


def test_a_custom_limit_and_window_are_respected() -> None:
    clock = FakeClock()
    guard = FloodGuard(clock, limit=2, window=timedelta(seconds=10))
    assert send(guard, clock, 4, every=1) == [
        FloodVerdict.OK,
        FloodVerdict.OK,
        FloodVerdict.WARN,
        FloodVerdict.FLOODING,
    ]
    clock.advance(seconds=10)
    assert guard.hit(USER) is FloodVerdict.OK


@pytest.mark.parametrize(
    "options",
    [{"limit": 0}, {"window": timedelta(0)}, {"max_users": 0}],
)
def test_nonsense_settings_are_rejected(options: dict) -> None:
    with pytest.raises(ValueError):
        FloodGuard(FakeClock(), **options)
