"""The one way out for every message the bot sends on its own initiative (reminders, nudges,
digests, notifications, relayed copies).

It keeps Telegram's limits (30 messages/s per bot, 1/s per private chat, 20/min per group),
keeps the order of the messages to one chat, waits out 429 `retry_after` for the whole bot,
retries what provably never reached Telegram, reports a user who blocked the bot once, and
never makes its caller wait: `submit()` queues and returns a future at once.

    sender = OutboundSender(bot, on_unreachable=mark_unreachable)
    sender.start()
    future = sender.submit(SendMessage(chat_id=user_id, text="..."))  # never blocks
    result = await sender.send(SendMessage(chat_id=user_id, text="..."))  # waits for the outcome
    await sender.stop(timeout=5)

A job is one Bot API method with a `chat_id` (SendMessage, CopyMessage, SendDocument,
EditMessageText, ...): one request, so one slot of the limits and one clear outcome. A text
longer than Telegram takes is split by the caller into several jobs; they keep their order.

Never twice: a message is only sent again when the failed attempt provably did not reach
Telegram (429, 5xx, a connection that could not be opened). When the connection broke after
the request may have arrived (a timeout, a dropped connection) the outcome is UNCERTAIN and
nothing is retried.

All waiting uses the event loop's clock (as aiolimiter does), so tests run the sender on an
event loop with virtual time instead of injecting a clock of their own.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiohttp import ClientConnectorError, ConnectionTimeoutError
from aiolimiter import AsyncLimiter

logger = logging.getLogger(__name__)

ChatId = int | str
OnUnreachable = Callable[[ChatId], Awaitable[None]]


class Outcome(StrEnum):
    DELIVERED = "delivered"  # Telegram accepted it; SendResult.value is what it returned
    UNREACHABLE = "unreachable"  # 403: the bot was blocked, the user deleted; reported once
    FAILED = "failed"  # Telegram refused it (400, 404, 413, ...): sending again won't help
    NOT_SENT = "not_sent"  # it never reached Telegram (retries ran out, the sender stopped)
    UNCERTAIN = "uncertain"  # the connection broke when it may have arrived: not retried


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    value: Any = None
    error: BaseException | None = None
    attempts: int = 0

    @property
    def delivered(self) -> bool:
        return self.outcome is Outcome.DELIVERED

    @property
    def message_id(self) -> int | None:
        """The id of the message Telegram made of it, when it was delivered as one."""
        return getattr(self.value, "message_id", None) if self.delivered else None


# The bot-wide bucket holds this much more than one token (see Limits.bot_limiter).
BUCKET_SLACK = 0.05
# A request that left this much later than its turn was held up on the way out (a long
# garbage collection, a starved process); see OutboundSender._bot_slot.
STALL = 0.01


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's documented limits; a group is a chat with a negative id (or an @username).

    Telegram counts messages as they arrive, and one request can take longer to get there
    than the next. Every window is widened by `jitter` seconds so that the arrivals keep the
    limits too, not only the departures: at the bot's 30/s, 30 ms of jitter costs 3 % of
    the rate; at a chat's 1/s it costs nothing that matters.
    """

    per_bot_per_second: float = 30
    per_private_chat_per_second: float = 1
    per_group_per_minute: float = 20
    jitter: float = 0.03

    def __post_init__(self) -> None:
        if self.per_bot_per_second < 1 or self.jitter < 0:
            raise ValueError("the bot must be allowed a message a second, jitter can't be < 0")
        if min(self.per_private_chat_per_second, self.per_group_per_minute) <= 0:
            raise ValueError("limits must be positive")

    def spacing(self, chat_id: ChatId) -> float:
        """Seconds between two messages to this chat: N in a window of W seconds (plus the
        jitter) is one every (W + jitter) / N, so no N + 1 fit into one window."""
        if is_group(chat_id):
            return (60 + self.jitter) / self.per_group_per_minute
        return (1 + self.jitter) / self.per_private_chat_per_second

    def bot_limiter(self) -> AsyncLimiter:
        """A leaky bucket for the whole bot that lets no window of 1 s + jitter hold more
        than `per_bot_per_second` messages.

        A bucket of capacity c draining at r needs (k - c) / r seconds to grant k turns, so a
        big bucket lets bursts through: AsyncLimiter(30, 1) grants 59 in the first second.
        A bucket of exactly one token is exact but falls behind: the event loop wakes a
        little late (to the millisecond) and that time is never made up, ~3 % at 30/s. One
        token plus BUCKET_SLACK makes up such lateness on the next turn, and with
        r = (N - slack) / (1 + jitter), N + 1 turns take (N + 1 - c) / r = 1 + jitter
        seconds: they never fit into one window.
        """
        capacity = 1 + BUCKET_SLACK
        return AsyncLimiter(capacity, capacity / self.bot_rate)

    @property
    def bot_rate(self) -> float:
        """Messages a second the bot actually sends at full load."""
        return (self.per_bot_per_second - BUCKET_SLACK) / (1 + self.jitter)


def is_group(chat_id: ChatId) -> bool:
    return isinstance(chat_id, str) or chat_id < 0


@dataclass(eq=False, slots=True)
class _Job:
    method: TelegramMethod[Any]
    future: asyncio.Future[SendResult]
    attempts: int = 0
    in_flight: bool = False  # a request is out and its answer has not come back


@dataclass(eq=False, slots=True)
class _Chat:
    spacing: float
    jobs: deque[_Job] = field(default_factory=deque)
    next_at: float = 0.0  # loop time from which the next message may leave
    lane: asyncio.Task[None] | None = None


class OutboundSender:
    """Queues Bot API methods per chat and sends them within Telegram's limits.

    Each chat with queued messages gets a lane (an asyncio task) that sends them one by one,
    so their order holds and a slow or failing chat holds up no other. A chat's spacing is
    counted from the answer to its previous request (which surely came after the request
    arrived): the lane is the only sender to its chat, so a timestamp is all that rule needs,
    and a per-chat aiolimiter acquired before the wait for the bot's turn would count the
    wrong moment (a message that queued long behind the bot, then one that did not, would
    leave too close together). The bot-wide rate is
    an aiolimiter leaky bucket (Limits.bot_limiter), acquired right before each request;
    a request that left late (see _check_departure) pushes the next turn back. A 429 closes
    that gate for the whole bot until `retry_after` has passed, as Telegram's flood control
    is per bot; a lane that was already queued at the limiter queues again after the pause,
    so the pause ends without a burst.
    """

    def __init__(
        self,
        bot: Bot,
        *,
        on_unreachable: OnUnreachable,
        limits: Limits | None = None,
        max_attempts: int = 5,
        first_backoff: float = 1.0,
        max_backoff: float = 30.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._bot = bot
        self._on_unreachable = on_unreachable
        self._limits = limits or Limits()
        self._max_attempts = max_attempts
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._bot_rate = self._limits.bot_limiter()
        # After a request left late, no turn before this loop time (see _bot_slot).
        self._next_turn_at = 0.0
        self._turn_spacing = (1 - BUCKET_SLACK) / self._limits.bot_rate
        self._paused_until = 0.0  # loop time; a 429 closes the gate for the whole bot
        self._chats: dict[ChatId, _Chat] = {}
        self._running = False
        self._closed = False

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Starts sending: messages submitted before now start leaving too."""
        self._running, self._closed = True, False
        for chat_id, chat in self._chats.items():
            if chat.jobs and chat.lane is None:
                self._open_lane(chat_id, chat)

    async def stop(self, timeout: float = 5.0) -> None:
        """Stops taking new messages, lets the queued ones leave for up to `timeout` seconds,
        then cancels the rest. Their futures resolve NOT_SENT, or UNCERTAIN for one whose
        request was out when it was cancelled; a message submitted from now on resolves
        NOT_SENT at once. Callers that keep what they owe (e.g. reminders in the database)
        send the NOT_SENT ones after the next start."""
        self._closed = True
        lanes = [chat.lane for chat in self._chats.values() if chat.lane is not None]
        if lanes:
            _, pending = await asyncio.wait(lanes, timeout=timeout)
            for lane in pending:
                lane.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        for chat in self._chats.values():
            while chat.jobs:
                job = chat.jobs.popleft()
                outcome = Outcome.UNCERTAIN if job.in_flight else Outcome.NOT_SENT
                _resolve(job, SendResult(outcome, attempts=job.attempts))
        self._chats.clear()
        self._running = False

    async def __aenter__(self) -> OutboundSender:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- sending ---------------------------------------------------------------------------
    def submit(self, method: TelegramMethod[Any]) -> asyncio.Future[SendResult]:
        """Queues `method` behind the messages already queued for its chat and returns at
        once; the future resolves with the outcome. Cancelling the future withdraws the
        message if it has not been tried yet."""
        chat_id = getattr(method, "chat_id", None)
        if chat_id is None:
            raise TypeError(f"{type(method).__name__} has no chat_id: the sender paces per chat")
        future: asyncio.Future[SendResult] = asyncio.get_running_loop().create_future()
        if self._closed:
            logger.warning(
                "outbound sender is stopped: %s to %s not sent", type(method).__name__, chat_id
            )
            future.set_result(SendResult(Outcome.NOT_SENT))
            return future
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(self._limits.spacing(chat_id))
        chat.jobs.append(_Job(method, future))
        if self._running and chat.lane is None:
            self._open_lane(chat_id, chat)
        return future

    async def send(self, method: TelegramMethod[Any]) -> SendResult:
        """Queues `method` and waits for its outcome (never raises for Telegram's answers)."""
        return await self.submit(method)

    @property
    def queued(self) -> int:
        """Messages waiting or being sent."""
        return sum(len(chat.jobs) for chat in self._chats.values())

    # --- lanes -----------------------------------------------------------------------------
    def _open_lane(self, chat_id: ChatId, chat: _Chat) -> None:
        # A fresh context: the submitting update's context variables (its database session,
        # which CommitBeforeSending would commit) must not leak into a task that outlives it.
        chat.lane = asyncio.get_running_loop().create_task(
            self._lane(chat_id, chat), name=f"outbound:{chat_id}", context=contextvars.Context()
        )

    async def _lane(self, chat_id: ChatId, chat: _Chat) -> None:
        try:
            while chat.jobs:
                job = chat.jobs[0]
                if not job.future.done():  # a cancelled future: the caller withdrew it
                    try:
                        result = await self._deliver(chat_id, chat, job)
                    except Exception as error:  # a bug must not strand the rest of the chat
                        logger.exception("outbound %s to %s broke", _name(job), chat_id)
                        result = SendResult(Outcome.FAILED, error=error, attempts=job.attempts)
                    _resolve(job, result)
                    if result.outcome is Outcome.UNREACHABLE:
                        self._give_up_on(chat, result.error)
                chat.jobs.popleft()
        finally:
            chat.lane = None
            # The chat's spacing still matters until next_at; after that it can be forgotten.
            asyncio.get_running_loop().call_at(chat.next_at, self._forget, chat_id, chat)

    def _forget(self, chat_id: ChatId, chat: _Chat) -> None:
        if self._chats.get(chat_id) is chat and chat.lane is None and not chat.jobs:
            del self._chats[chat_id]

    def _give_up_on(self, chat: _Chat, error: BaseException | None) -> None:
        """The rest queued for a chat that blocked the bot is not tried: Telegram said no."""
        head = chat.jobs.popleft()
        while chat.jobs:
            _resolve(chat.jobs.popleft(), SendResult(Outcome.UNREACHABLE, error=error))
        chat.jobs.append(head)

    async def _deliver(self, chat_id: ChatId, chat: _Chat, job: _Job) -> SendResult:
        failures = 0
        while True:
            await _sleep_until(chat.next_at)
            await self._bot_slot()
            try:
                value = await self._attempt(chat, job)
            except TelegramRetryAfter as error:
                self._pause(error.retry_after)
                logger.warning(
                    "outbound %s to %s: 429, the bot waits %s s",
                    _name(job),
                    chat_id,
                    error.retry_after,
                )
                continue
            except TelegramForbiddenError as error:
                logger.info("chat %s is unreachable: %s", chat_id, error.message)
                await self._report_unreachable(chat_id)
                return SendResult(Outcome.UNREACHABLE, error=error, attempts=job.attempts)
            except Exception as error:
                if not _never_arrived(error):
                    return self._refused(chat_id, job, error)
                failures += 1
                if failures >= self._max_attempts:
                    logger.error(
                        "outbound %s to %s not sent after %s attempts: %s",
                        _name(job),
                        chat_id,
                        job.attempts,
                        error,
                    )
                    return SendResult(Outcome.NOT_SENT, error=error, attempts=job.attempts)
                delay = min(self._first_backoff * 2 ** (failures - 1), self._max_backoff)
                logger.warning(
                    "outbound %s to %s failed (%s), retry in %s s",
                    _name(job),
                    chat_id,
                    error,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            return SendResult(Outcome.DELIVERED, value=value, attempts=job.attempts)

    async def _attempt(self, chat: _Chat, job: _Job) -> Any:
        job.attempts += 1
        job.in_flight = True
        try:
            value = await self._bot(job.method)
        except Exception:
            job.in_flight = False
            raise
        finally:
            # Counted from the answer, which surely came after the request arrived.
            chat.next_at = asyncio.get_running_loop().time() + chat.spacing
        job.in_flight = False  # a cancellation (stop) leaves it set: the request was out
        return value

    def _refused(self, chat_id: ChatId, job: _Job, error: Exception) -> SendResult:
        if _may_have_arrived(error):
            logger.error(
                "outbound %s to %s may have been delivered (%s): not retried, never sent twice",
                _name(job),
                chat_id,
                error,
            )
            return SendResult(Outcome.UNCERTAIN, error=error, attempts=job.attempts)
        if isinstance(error, TelegramAPIError):
            logger.error("outbound %s to %s refused: %s", _name(job), chat_id, error.message)
        else:
            logger.exception("outbound %s to %s failed", _name(job), chat_id)
        return SendResult(Outcome.FAILED, error=error, attempts=job.attempts)

    async def _report_unreachable(self, chat_id: ChatId) -> None:
        try:
            await self._on_unreachable(chat_id)
        except Exception:
            logger.exception("could not mark chat %s unreachable", chat_id)

    # --- the bot-wide gate -----------------------------------------------------------------
    async def _bot_slot(self) -> None:
        """Returns when this lane may send now, within the bot's rate and outside a pause."""
        loop = asyncio.get_running_loop()
        while True:
            await _sleep_until(self._paused_until)
            await self._bot_rate.acquire()
            granted = loop.time()
            if granted < max(self._paused_until, self._next_turn_at):
                # A 429 came while this lane was queued, or the previous request left late:
                # this turn is spent, the lane queues again at the limiter's pace.
                continue
            # The callback runs once this lane's request is written and it waits for the
            # answer (the turn's code runs to that point without yielding).
            loop.call_soon(self._check_departure, granted)
            return

    def _check_departure(self, granted: float) -> None:
        """The limiter counted the turn when it granted it; a request held up on its way out
        (a long garbage collection, a starved process) leaves later, and the next turn, on
        time, would reach Telegram right behind it. So the next turn counts from now."""
        left = asyncio.get_running_loop().time()
        if left - granted > STALL:
            logger.debug("a request left %.3f s after its turn", left - granted)
            self._next_turn_at = max(self._next_turn_at, left + self._turn_spacing)

    def _pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)


def _never_arrived(error: BaseException) -> bool:
    """True when the request provably did not reach Telegram, so sending it again is safe."""
    if isinstance(error, TelegramServerError):
        return True  # Telegram answered 5xx: it did not take the message
    if isinstance(error, TelegramNetworkError) and not isinstance(error, TelegramEntityTooLarge):
        # aiogram wraps aiohttp's error; only a connection that never opened proves it.
        return isinstance(error.__cause__, ClientConnectorError | ConnectionTimeoutError)
    return False


def _may_have_arrived(error: BaseException) -> bool:
    if isinstance(error, TelegramEntityTooLarge):
        return False  # Telegram answered 413
    return isinstance(error, TelegramNetworkError | ClientDecodeError)


def _resolve(job: _Job, result: SendResult) -> None:
    if not job.future.done():
        job.future.set_result(result)


def _name(job: _Job) -> str:
    return type(job.method).__name__


async def _sleep_until(deadline: float) -> None:
    delay = deadline - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)
