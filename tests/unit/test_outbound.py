"""The outbound sender keeps Telegram's limits in every window, keeps each chat's order, waits
out 429s, retries only what never reached Telegram and reports a blocked user once.

Every story runs on an event loop whose clock is virtual (tests/support/virtual_time.py): when
all tasks wait for a timer, time jumps to it. aiolimiter reads the loop's clock, so the
sender's pacing is measured exactly and nothing sleeps for real."""

from __future__ import annotations

import asyncio
import contextvars
import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage, TelegramMethod
from aiohttp import ServerDisconnectedError

from bot.outbound import Limits, OutboundSender, Outcome, SendResult
from tests.support.recording_session import RecordingSession
from tests.support.telegram_errors import (
    blocked_by_user,
    connection_refused,
    flood_wait,
    timed_out,
)
from tests.support.virtual_time import VirtualTimeLoop, virtual_time

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawA"
ANNA, BORIS, VERA = 501, 502, 503
SALES_GROUP = -100_200_300
EPSILON = 1e-9  # float noise of the virtual clock, far below its 1 µs step
JITTER = Limits().jitter
SECOND = 1 + JITTER  # the windows the sender keeps, widened by the network's jitter
MINUTE = 60 + JITTER


def now() -> float:
    return asyncio.get_running_loop().time()


# --- a Bot API double ------------------------------------------------------------------------
Failure = Callable[[TelegramMethod[Any]], Exception]


@dataclass(frozen=True)
class Attempt:
    at: float
    chat_id: int
    text: str
    error: Exception | None

    @property
    def delivered(self) -> bool:
        return self.error is None


class Telegram(RecordingSession):
    """Answers like RecordingSession, notes the loop time of every request, and fails the next
    requests to a chat with the errors it was told to."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts: list[Attempt] = []
        self._planned: defaultdict[int, deque[Failure]] = defaultdict(deque)
        self.held: asyncio.Event | None = None  # when set up, requests wait for it
        self._stalls: dict[int, float] = {}

    def stall(self, chat_id: int, seconds: float) -> None:
        """The next request to the chat is held up in the sending process before it leaves."""
        self._stalls[chat_id] = seconds

    def fail(self, chat_id: int, *failures: Failure) -> None:
        self._planned[chat_id].extend(failures)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        chat_id, text = getattr(method, "chat_id", 0), getattr(method, "text", "")
        if (stall := self._stalls.pop(chat_id, None)) is not None:
            loop = asyncio.get_running_loop()
            assert isinstance(loop, VirtualTimeLoop)
            loop.hold_up(stall)
        started = now()
        if self.held is not None:
            await self.held.wait()
        if self._planned[chat_id]:
            error = self._planned[chat_id].popleft()(method)
            self.attempts.append(Attempt(started, chat_id, text, error))
            raise error
        result = await super().make_request(bot, method, timeout)
        self.attempts.append(Attempt(started, chat_id, text, None))
        return result

    def to(self, chat_id: int) -> list[Attempt]:
        return [a for a in self.attempts if a.chat_id == chat_id]

    def delivered(self, chat_id: int | None = None) -> list[Attempt]:
        return [a for a in self.attempts if a.delivered and chat_id in (None, a.chat_id)]


def too_many_requests(retry_after: int) -> Failure:
    return lambda method: flood_wait(retry_after, method)


def bad_gateway(method: TelegramMethod[Any]) -> Exception:
    return TelegramServerError(method, "Bad Gateway")


def connection_dropped(method: TelegramMethod[Any]) -> Exception:
    error = TelegramNetworkError(method, "ServerDisconnectedError: Server disconnected")
    error.__cause__ = ServerDisconnectedError()
    return error


def garbled_answer(method: TelegramMethod[Any]) -> Exception:
    return ClientDecodeError("Failed to decode object", ValueError("not JSON"), "<html>")


def chat_not_found(method: TelegramMethod[Any]) -> Exception:
    return TelegramBadRequest(method, "Bad Request: chat not found")


def too_large(method: TelegramMethod[Any]) -> Exception:
    return TelegramEntityTooLarge(method, "Request Entity Too Large")


def group_migrated(method: TelegramMethod[Any]) -> Exception:
    return TelegramMigrateToChat(method, "Bad Request: group chat was upgraded", -1001234)


class Unreachable(list[int]):
    """Records the chats the sender reported unreachable."""

    async def __call__(self, chat_id: int) -> None:
        self.append(chat_id)


def sender_for(
    telegram: Telegram, unreachable: Unreachable | None = None, **options: Any
) -> OutboundSender:
    bot = Bot(TOKEN, session=telegram)
    return OutboundSender(
        bot, on_unreachable=Unreachable() if unreachable is None else unreachable, **options
    )


def message(chat_id: int, text: str) -> SendMessage:
    return SendMessage(chat_id=chat_id, text=text)


def most_in_any_window(stamps: Sequence[float], width: float) -> int:
    """The largest number of stamps that fit in one half-open window of `width` seconds."""
    ordered, first, most = sorted(stamps), 0, 0
    for last, stamp in enumerate(ordered):
        while stamp - ordered[first] >= width - EPSILON:
            first += 1
        most = max(most, last - first + 1)
    return most


def outcomes(results: Sequence[SendResult]) -> list[Outcome]:
    return [result.outcome for result in results]


# --- pacing ----------------------------------------------------------------------------------
async def fan_out_to_300_clients() -> None:
    telegram = Telegram()
    async with sender_for(telegram) as sender:
        futures = [sender.submit(message(10_000 + i, f"reminder {i}")) for i in range(300)]
        results = await asyncio.gather(*futures)

    assert set(outcomes(results)) == {Outcome.DELIVERED}
    stamps = [a.at for a in telegram.delivered()]
    assert len(stamps) == 300
    assert most_in_any_window(stamps, SECOND) == 30
    assert 299 / (stamps[-1] - stamps[0]) >= 29, "the pace is 30 a second less the jitter"


test_a_reminder_for_each_of_300_clients_goes_out_at_the_bots_pace_and_no_faster = virtual_time(
    fan_out_to_300_clients
)
test_timers_that_fire_late_do_not_slow_the_pace = virtual_time(late_by=0.001)(
    fan_out_to_300_clients
)


@virtual_time
async def test_one_client_gets_his_messages_in_order_and_at_most_one_a_second() -> None:
    telegram = Telegram()
    async with sender_for(telegram) as sender:
        for i in range(8):
            sender.submit(message(ANNA, f"anna {i}"))
            sender.submit(message(10_000 + i, "someone else"))
        await sender.send(message(ANNA, "anna last"))

    to_anna = telegram.delivered(ANNA)
    assert [a.text for a in to_anna] == [*(f"anna {i}" for i in range(8)), "anna last"]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(to_anna)]
    assert min(gaps) >= SECOND - EPSILON
    assert max(gaps) < SECOND + 0.01, "one a second, not slower"


@virtual_time
async def test_a_group_gets_at_most_20_messages_in_any_minute() -> None:
    telegram = Telegram()
    async with sender_for(telegram) as sender:
        results = await asyncio.gather(
            *(sender.submit(message(SALES_GROUP, f"digest part {i}")) for i in range(45))
        )

    assert set(outcomes(results)) == {Outcome.DELIVERED}
    to_group = telegram.delivered(SALES_GROUP)
    assert [a.text for a in to_group] == [f"digest part {i}" for i in range(45)]
    assert most_in_any_window([a.at for a in to_group], MINUTE) == 20


@virtual_time
async def test_uneven_queues_keep_every_limit_and_every_order() -> None:
    """A chatty client, many with a few reminders, a group, and a second wave while the first
    drains: the queue of each chat shrinks at a different time, which is when a limiter that
    counted the wrong moment would let two messages to one chat through too close."""
    telegram = Telegram()
    chats = [ANNA] * 30 + [c for c in range(20_000, 20_060) for _ in range(3)] + [SALES_GROUP] * 25
    async with sender_for(telegram) as sender:
        sent: list[tuple[int, str]] = []
        futures = []
        for i, chat_id in enumerate(chats):
            sent.append((chat_id, f"first wave {i}"))
            futures.append(sender.submit(message(chat_id, f"first wave {i}")))
        await asyncio.sleep(4.5)
        for i, chat_id in enumerate([*range(20_000, 20_010), ANNA, BORIS, BORIS, SALES_GROUP]):
            sent.append((chat_id, f"second wave {i}"))
            futures.append(sender.submit(message(chat_id, f"second wave {i}")))
        await asyncio.gather(*futures)

    delivered = telegram.delivered()
    assert len(delivered) == len(sent)
    assert most_in_any_window([a.at for a in delivered], SECOND) <= 30
    for chat_id in {chat for chat, _ in sent}:
        stamps = [a.at for a in telegram.delivered(chat_id)]
        if chat_id == SALES_GROUP:
            assert most_in_any_window(stamps, MINUTE) <= 20
        else:
            assert most_in_any_window(stamps, SECOND) == 1, chat_id
        expected = [text for chat, text in sent if chat == chat_id]
        assert [a.text for a in telegram.delivered(chat_id)] == expected


@pytest.mark.parametrize("held_up", [0.032, 0.2])  # less and more than a turn
@virtual_time
async def test_a_request_held_up_before_it_left_does_not_arrive_together_with_the_next(
    held_up: float,
) -> None:
    telegram = Telegram()
    telegram.stall(10_040, held_up)
    async with sender_for(telegram) as sender:
        await asyncio.gather(*(sender.submit(message(10_000 + i, "hi")) for i in range(100)))

    stamps = [a.at for a in telegram.delivered()]
    assert len(stamps) == 100
    assert most_in_any_window(stamps, SECOND) <= 30


@virtual_time
async def test_a_request_held_up_before_it_left_is_still_a_second_ahead_of_the_next() -> None:
    telegram = Telegram()
    telegram.stall(ANNA, 0.2)
    async with sender_for(telegram) as sender:
        sender.submit(message(ANNA, "first"))
        await sender.send(message(ANNA, "second"))

    first, second = telegram.delivered(ANNA)
    assert second.at - first.at >= SECOND - EPSILON


@virtual_time
async def test_a_chat_stays_paced_after_its_queue_ran_empty() -> None:
    telegram = Telegram()
    async with sender_for(telegram) as sender:
        await sender.send(message(ANNA, "first"))
        await sender.send(message(ANNA, "right after"))

    first, second = telegram.delivered(ANNA)
    assert second.at - first.at >= SECOND - EPSILON


# --- Telegram's answers ----------------------------------------------------------------------
@virtual_time
async def test_a_429_stops_the_whole_bot_for_retry_after_then_the_message_goes_once() -> None:
    telegram = Telegram()
    telegram.fail(ANNA, too_many_requests(5))
    async with sender_for(telegram) as sender:
        to_anna = sender.submit(message(ANNA, "your meeting is at 10"))
        await asyncio.sleep(0.5)
        to_boris = sender.submit(message(BORIS, "call the client"))
        anna_result, boris_result = await asyncio.gather(to_anna, to_boris)

    refused, accepted = telegram.to(ANNA)
    assert isinstance(refused.error, TelegramRetryAfter) and accepted.delivered
    assert accepted.at >= refused.at + 5
    assert anna_result.outcome is Outcome.DELIVERED and anna_result.attempts == 2
    assert anna_result.value.text == "your meeting is at 10"
    (to_boris_sent,) = telegram.to(BORIS)
    assert to_boris_sent.at >= refused.at + 5, "flood control is per bot: everyone waits"
    assert boris_result.delivered


@virtual_time
async def test_after_a_429_pause_the_bot_resumes_at_its_pace_without_a_burst() -> None:
    telegram = Telegram()
    telegram.fail(10_040, too_many_requests(3))
    async with sender_for(telegram) as sender:
        await asyncio.gather(*(sender.submit(message(10_000 + i, "hi")) for i in range(200)))

    delivered = [a.at for a in telegram.delivered()]
    (refused,) = [a for a in telegram.attempts if not a.delivered]
    assert len(delivered) == 200
    assert not [at for at in delivered if refused.at < at < refused.at + 3]
    assert most_in_any_window(delivered, SECOND) <= 30


@virtual_time
async def test_server_errors_are_retried_after_2_4_and_8_seconds_then_delivered_once() -> None:
    telegram = Telegram()
    telegram.fail(ANNA, bad_gateway, bad_gateway, bad_gateway)
    async with sender_for(telegram, first_backoff=2) as sender:
        result = await sender.send(message(ANNA, "reminder"))

    attempts = telegram.to(ANNA)
    assert [a.delivered for a in attempts] == [False, False, False, True]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(attempts)]
    assert [round(gap, 3) for gap in gaps] == [2.0, 4.0, 8.0]
    assert result.outcome is Outcome.DELIVERED and result.attempts == 4


@virtual_time
async def test_when_retries_run_out_the_message_is_not_sent_and_the_next_one_goes() -> None:
    telegram = Telegram()
    telegram.fail(ANNA, *[bad_gateway] * 3)
    async with sender_for(telegram, max_attempts=3, first_backoff=2, max_backoff=3) as sender:
        first = sender.submit(message(ANNA, "first"))
        second = sender.submit(message(ANNA, "second"))
        first_result, second_result = await asyncio.gather(first, second)

    assert first_result.outcome is Outcome.NOT_SENT and first_result.attempts == 3
    assert isinstance(first_result.error, TelegramServerError)
    assert second_result.delivered
    attempts = telegram.to(ANNA)
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(attempts)]
    assert [round(gap, 3) for gap in gaps[:2]] == [2.0, 3.0], "the backoff is capped"
    assert [a.text for a in telegram.delivered(ANNA)] == ["second"]


@virtual_time
async def test_a_connection_that_could_not_be_opened_is_retried() -> None:
    telegram = Telegram()
    telegram.fail(ANNA, connection_refused, connection_refused)
    async with sender_for(telegram) as sender:
        result = await sender.send(message(ANNA, "reminder"))

    assert result.outcome is Outcome.DELIVERED and result.attempts == 3
    assert len(telegram.delivered(ANNA)) == 1


@pytest.mark.parametrize("failure", [timed_out, connection_dropped, garbled_answer])
@virtual_time
async def test_a_broken_exchange_is_not_retried_because_the_message_may_have_arrived(
    failure: Failure,
) -> None:
    telegram = Telegram()
    telegram.fail(ANNA, failure)
    async with sender_for(telegram) as sender:
        result = await sender.send(message(ANNA, "reminder"))
        after = await sender.send(message(ANNA, "next"))

    assert result.outcome is Outcome.UNCERTAIN and result.attempts == 1
    assert [a.text for a in telegram.to(ANNA)] == ["reminder", "next"]
    assert after.delivered


@virtual_time
async def test_a_client_who_blocked_the_bot_is_reported_once_and_nothing_more_is_tried() -> None:
    telegram = Telegram()
    telegram.fail(ANNA, blocked_by_user)
    unreachable = Unreachable()
    async with sender_for(telegram, unreachable) as sender:
        to_anna = [sender.submit(message(ANNA, f"reminder {i}")) for i in range(3)]
        to_boris = sender.submit(message(BORIS, "still here"))
        results = await asyncio.gather(*to_anna)
        boris_result = await to_boris

    assert unreachable == [ANNA]
    assert len(telegram.to(ANNA)) == 1
    assert outcomes(results) == [Outcome.UNREACHABLE] * 3
    assert results[0].attempts == 1 and isinstance(results[0].error, TelegramForbiddenError)
    assert boris_result.delivered


@pytest.mark.parametrize("failure", [chat_not_found, too_large, group_migrated])
@virtual_time
async def test_a_refused_message_fails_at_once_and_the_next_one_still_goes(
    failure: Failure,
) -> None:
    telegram = Telegram()
    telegram.fail(ANNA, failure)
    async with sender_for(telegram) as sender:
        failed = await sender.send(message(ANNA, "broken"))
        fine = await sender.send(message(ANNA, "fine"))

    assert failed.outcome is Outcome.FAILED and failed.attempts == 1
    assert type(failed.error) is type(failure(message(ANNA, "")))
    assert fine.delivered
    assert [a.text for a in telegram.to(ANNA)] == ["broken", "fine"]


# --- the callers' side ---------------------------------------------------------------------
@virtual_time
async def test_submit_returns_at_once_however_long_the_queue() -> None:
    telegram = Telegram()
    async with sender_for(telegram) as sender:
        started = now()
        futures = [sender.submit(message(ANNA, f"reminder {i}")) for i in range(100)]
        assert now() == started
        assert not any(future.done() for future in futures)
        assert telegram.attempts == [] and sender.queued == 100
        await asyncio.gather(*futures)

    assert len(telegram.delivered(ANNA)) == 100


@virtual_time
async def test_messages_submitted_before_start_leave_once_started() -> None:
    telegram = Telegram()
    sender = sender_for(telegram)
    future = sender.submit(message(ANNA, "early"))
    await asyncio.sleep(10)
    assert telegram.attempts == []

    sender.start()
    assert (await future).delivered
    await sender.stop()


@virtual_time
async def test_a_withdrawn_message_is_not_sent() -> None:
    telegram = Telegram()
    async with sender_for(telegram) as sender:
        sender.submit(message(ANNA, "first"))
        withdrawn = sender.submit(message(ANNA, "withdrawn"))
        last = sender.submit(message(ANNA, "last"))
        withdrawn.cancel()
        await last

    assert [a.text for a in telegram.to(ANNA)] == ["first", "last"]


@virtual_time
async def test_sending_runs_outside_the_context_of_the_update_that_asked() -> None:
    """CommitBeforeSending commits the session of the update it finds in the context; the
    sender's tasks must not find the submitting update's session there."""
    update_session: contextvars.ContextVar[str | None] = contextvars.ContextVar("s", default=None)
    seen: list[str | None] = []
    telegram = Telegram()
    telegram.middleware(_seeing(update_session, seen))
    async with sender_for(telegram) as sender:
        update_session.set("session of update 7")
        await sender.send(message(ANNA, "reminder"))

    assert seen == [None]


def _seeing(variable: contextvars.ContextVar[str | None], seen: list[str | None]) -> Any:
    async def middleware(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        seen.append(variable.get())
        return await make_request(bot, method)

    return middleware


# --- stopping --------------------------------------------------------------------------------
@virtual_time
async def test_stop_lets_the_queue_drain_for_its_timeout_then_gives_back_the_rest() -> None:
    telegram = Telegram()
    sender = sender_for(telegram)
    sender.start()
    futures = [sender.submit(message(ANNA, f"reminder {i}")) for i in range(10)]
    await asyncio.sleep(0)

    await sender.stop(timeout=3.5)

    assert 3.5 <= now() < 3.6
    assert [a.text for a in telegram.to(ANNA)] == [f"reminder {i}" for i in range(4)]
    assert all(future.done() for future in futures)
    assert (
        outcomes([f.result() for f in futures]) == [Outcome.DELIVERED] * 4 + [Outcome.NOT_SENT] * 6
    )
    late = sender.submit(message(BORIS, "too late"))
    assert late.done() and late.result().outcome is Outcome.NOT_SENT
    await asyncio.sleep(5)
    assert telegram.to(BORIS) == []


@virtual_time
async def test_stop_returns_as_soon_as_the_queue_is_empty() -> None:
    telegram = Telegram()
    sender = sender_for(telegram)
    sender.start()
    futures = [sender.submit(message(ANNA, "one")), sender.submit(message(ANNA, "two"))]

    await sender.stop(timeout=60)

    assert now() < 1.1
    assert outcomes([f.result() for f in futures]) == [Outcome.DELIVERED] * 2


@virtual_time
async def test_a_request_cut_off_by_stop_is_reported_uncertain() -> None:
    telegram = Telegram()
    telegram.held = asyncio.Event()  # Telegram never answers
    sender = sender_for(telegram)
    sender.start()
    hanging = sender.submit(message(ANNA, "reminder"))
    queued = sender.submit(message(ANNA, "next"))
    await asyncio.sleep(0.1)

    await sender.stop(timeout=1)

    assert hanging.result().outcome is Outcome.UNCERTAIN
    assert queued.result().outcome is Outcome.NOT_SENT


@pytest.mark.parametrize(
    "wrong", [{"per_bot_per_second": 0}, {"per_group_per_minute": -1}, {"jitter": -0.1}]
)
def test_limits_must_be_positive(wrong: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Limits(**wrong)
