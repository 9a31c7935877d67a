"""Reminders due in the same minute for many users, delivered by the product's own path.

The reminders are rows in a fresh database (a SQLite file in a temp dir, migrated as the app
migrates it, or a private schema of PostgreSQL with --database-url); the scheduler's
ReminderDelivery claims, renders and marks them; the real aiogram Bot sends them through the
OutboundSender to a local Bot API, in a process of its own, that answers 429 whenever
Telegram's limits are broken (bench/fake_telegram.py: more than 30 messages in any second
for the bot, more than 1 in any second for a private chat).

    python bench/outbound.py [--messages 10000] [--users 2000]
                             [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

The delivery's clock stands at the end of that minute, so every reminder is due, and
`run_once()` is called as the scheduler calls it (again every REMINDER_INTERVAL_SECONDS while
any is still owed). Every reminder's text carries its job id, so the fake's log tells a lost,
a doubled or a reordered message; afterwards the database must hold each reminder as sent
once, with the id of its message. At full size a run takes about 6 minutes: the sender keeps
29 a second (30 less the 3 % it leaves for network jitter, see bot.outbound.Limits), so
10,000 messages take some 345 seconds, plus what the delivery spends between its batches
(the "pauses" line). Run it on a quiet machine: a process starved of CPU between taking its
turn and writing the request is a squeeze the fake counts against it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.methods import TelegramMethod
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.fake_telegram import BOT_WINDOW, PRIVATE_WINDOW, FakeTelegramProcess, Sent
from bench.throughput import TOKEN
from bot.app import build_bot, marks_unreachable
from bot.config import load_settings
from bot.i18n import create_i18n
from bot.outbound import OutboundSender, SendResult
from bot.reminding import ReminderDelivery
from bot.storage import migrate
from bot.storage.bulk import insert_rows
from bot.storage.database import create_sessionmaker
from bot.storage.enums import Recurrence, ReminderOrigin, ReminderStatus, Role
from bot.storage.models import Reminder, User
from tests.support.clock import FakeClock
from tests.support.databases import postgres_schema_engine, sqlite_engine

USER_BASE = 10_000
JOB_ID = re.compile(r"#(\d+)")
TARGET_RATE = 28.5
PROGRESS_EVERY = 30.0
# The minute every reminder falls due in; the delivery's clock stands at its end.
MINUTE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
# Both languages and two time zones, as a real team would have them.
PROFILES = (("ru", "Europe/Moscow"), ("en", "UTC"))
# The sender leaves ~34 ms between messages; a longer silence in the flow the fake saw is
# the delivery claiming its next batch, or a batch's tail held back by its chats' 1/s.
PAUSE = 0.1


@dataclass(frozen=True)
class Planned:
    job_id: int
    chat_id: int
    due_at: datetime


def plan_reminders(messages: int, users: int) -> list[Planned]:
    """`messages` reminders due at random seconds of MINUTE, `messages / users` for each user.
    Job ids follow the order of their due second, and so do the rows' ids: the delivery takes
    them in that order, so each chat must receive its ids in increasing order."""
    rng = random.Random(5)
    due = sorted((rng.randrange(60), index) for index in range(messages))
    return [
        Planned(job_id, USER_BASE + index % users, MINUTE + timedelta(seconds=second))
        for job_id, (second, index) in enumerate(due)
    ]


async def seed(
    sessionmaker: async_sessionmaker[AsyncSession], planned: Sequence[Planned], users: int
) -> None:
    """The specialists, then their reminders: pending, once, set by hand."""
    created = MINUTE - timedelta(days=1)
    user_rows = [
        {
            "telegram_id": USER_BASE + index,
            "full_name": f"Specialist {index}",
            "role": Role.SPECIALIST.value,
            "locale": PROFILES[index % 2][0],
            "timezone": PROFILES[index % 2][1],
            "created_at": created,
            "updated_at": created,
        }
        for index in range(users)
    ]
    async with sessionmaker() as session, session.begin():
        await insert_rows(session, User.__table__, user_rows)
    async with sessionmaker() as session, session.begin():
        rows = await session.execute(select(User.telegram_id, User.id))
        user_id = {telegram_id: id_ for telegram_id, id_ in rows}
        reminder_rows = [
            {
                "owner_id": user_id[item.chat_id],
                "text": f"Call the client back (job #{item.job_id})",
                "due_at": item.due_at,
                "recurrence": Recurrence.ONCE.value,
                "status": ReminderStatus.PENDING.value,
                "origin": ReminderOrigin.MANUAL.value,
                "created_at": created,
                "updated_at": created,
            }
            for item in planned
        ]
        await insert_rows(session, Reminder.__table__, reminder_rows)


@asynccontextmanager
async def fresh_database(url: str | None) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database: a SQLite file in a temp dir, or a private schema of the
    PostgreSQL database at `url`, dropped afterwards."""
    if url is None:
        with tempfile.TemporaryDirectory(prefix="outbound-bench-") as tmp:
            async with sqlite_engine(f"{tmp}/bench.db") as engine:
                await migrate.upgrade(engine)
                yield engine
        return
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit("--database-url must be a PostgreSQL URL (SQLite runs in a temp dir)")
    os.environ["TEST_DATABASE_URL"] = url  # where the tests' helper makes its schema
    async with postgres_schema_engine() as engine:
        await migrate.upgrade(engine)
        yield engine


async def count_owed(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Reminders still to send: pending, or claimed and not yet marked."""
    owed = (ReminderStatus.PENDING.value, ReminderStatus.SENDING.value)
    async with sessionmaker() as session:
        query = select(func.count()).select_from(Reminder).where(Reminder.status.in_(owed))
        return int(await session.scalar(query) or 0)


async def deliver_as_scheduled(
    delivery: ReminderDelivery, sessionmaker: async_sessionmaker[AsyncSession], interval: float
) -> int:
    """Runs the delivery as the scheduler does (one pass at a time, the next `interval`
    after) until nothing is owed, or a pass leaves as much owed as before; returns the
    number of passes."""
    passes, owed = 0, await count_owed(sessionmaker)
    while owed:
        await delivery.run_once()
        passes += 1
        before, owed = owed, await count_owed(sessionmaker)
        if owed == before:
            print(f"a pass delivered nothing: {owed} reminders left owed", file=sys.stderr)
            break
        if owed:
            await asyncio.sleep(interval)
    return passes


@dataclass(frozen=True)
class Stored:
    sent: int
    with_message: int
    distinct_messages: int
    late: int
    statuses: dict[str, int]


async def stored_outcome(sessionmaker: async_sessionmaker[AsyncSession]) -> Stored:
    """What the database says was sent: each reminder once, with its message's id."""
    sent = Reminder.status == ReminderStatus.SENT.value
    async with sessionmaker() as session:
        statuses = await session.execute(
            select(Reminder.status, func.count()).group_by(Reminder.status)
        )
        messages = await session.execute(
            select(Reminder.owner_id, Reminder.message_id).where(
                sent, Reminder.message_id.is_not(None)
            )
        )
        late = await session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.late.is_(True))
        )
    by_status: dict[str, int] = {status: count for status, count in statuses}
    pairs = [(owner_id, message_id) for owner_id, message_id in messages]
    return Stored(
        sent=by_status.get(ReminderStatus.SENT.value, 0),
        with_message=len(pairs),
        distinct_messages=len(set(pairs)),
        late=int(late or 0),
        statuses=by_status,
    )


class TallyingSender(OutboundSender):
    """The product's sender, counting the outcomes of what the delivery asked it to send."""

    def __init__(self, bot: Bot, **kwargs: Any) -> None:
        super().__init__(bot, **kwargs)
        self.outcomes: Counter[str] = Counter()

    async def send(self, method: TelegramMethod[Any]) -> SendResult:
        result = await super().send(method)
        self.outcomes[result.outcome.value] += 1
        return result


def most_in_any_window(stamps: Sequence[float], seconds: float) -> int:
    ordered, first, most = sorted(stamps), 0, 0
    for last, stamp in enumerate(ordered):
        while stamp - ordered[first] >= seconds:
            first += 1
        most = max(most, last - first + 1)
    return most


def pauses(stamps: Sequence[float]) -> list[float]:
    """Silences longer than PAUSE between two messages the fake accepted."""
    ordered = sorted(stamps)
    return [
        later - earlier for earlier, later in itertools.pairwise(ordered) if later - earlier > PAUSE
    ]


def explain(refused: Sent, accepted: Sequence[Sent], left: dict[str, float], t0: float) -> str:
    """What the fake saw in the window that a late 429 closed: whether the sender went too
    fast, or a request was held up between leaving the sender and reaching the fake."""
    window = [s for s in accepted if refused.at - 1.0 < s.at <= refused.at]
    delays = sorted((s.at - left[s.text]) * 1000 for s in window if s.text in left)
    longest = f"{delays[-1]:.1f} ms" if delays else "n/a"
    median = f"{delays[len(delays) // 2]:.1f} ms" if delays else "n/a"
    return (
        f"at {refused.at - t0:.1f} s, {refused.broke} limit, {len(window)} accepted in the "
        f"second before; sender->fake delay of those: longest {longest}, median {median}"
    )


def job_of(sent: Sent) -> int:
    match = JOB_ID.search(sent.text)
    if match is None:
        raise ValueError(f"no job id in {sent.text!r}")
    return int(match.group(1))


async def report_progress(sender: TallyingSender, total: int, started: float) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        done = sum(sender.outcomes.values())
        print(f"  ... {time.monotonic() - started:5.0f} s: {done}/{total} sent", file=sys.stderr)


async def run(messages: int, users: int, database_url: str | None) -> bool:
    planned = plan_reminders(messages, users)
    async with FakeTelegramProcess() as fake, fresh_database(database_url) as engine:
        sessionmaker = create_sessionmaker(engine)
        await seed(sessionmaker, planned, users)
        settings = load_settings(
            _env_file=None,
            bot_token=TOKEN,
            database_url=database_url or "sqlite+aiosqlite:///:memory:",
            redis_url="",
            admin_ids="",
            telegram_api_url=fake.url,
        )
        bot = build_bot(settings)
        clock = FakeClock(MINUTE + timedelta(minutes=1))
        unreachable: list[int | str] = []
        mark_unreachable = marks_unreachable(sessionmaker, clock)

        async def note_unreachable(chat_id: int | str) -> None:
            unreachable.append(chat_id)
            await mark_unreachable(chat_id)

        left: dict[str, float] = {}  # text -> when its last attempt left this process

        async def note_departure(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
            left[getattr(method, "text", "")] = time.monotonic()
            return await make_request(bot, method)

        bot.session.middleware(note_departure)
        sender = TallyingSender(bot, on_unreachable=note_unreachable)
        delivery = ReminderDelivery(
            sender,
            create_i18n(settings.default_locale),
            sessionmaker,
            clock,
            settings.no_contact_days,
            settings.deal_stuck_days,
        )
        sender.start()
        started = time.monotonic()
        progress = asyncio.create_task(report_progress(sender, messages, started))
        passes = await deliver_as_scheduled(
            delivery, sessionmaker, settings.reminder_interval_seconds
        )
        elapsed = time.monotonic() - started
        progress.cancel()
        still_queued = sender.queued
        await delivery.close(timeout=5)
        await sender.stop()
        await bot.session.close()
        stored = await stored_outcome(sessionmaker)
        accepted, refused = await fake.log()

    delivered = Counter(job_of(sent) for sent in accepted)
    asked_ids = {item.job_id for item in planned}
    lost = len(asked_ids - delivered.keys())
    duplicated = sum(count - 1 for count in delivered.values() if count > 1)
    strangers = len(delivered.keys() - asked_ids)
    rate = len(asked_ids & delivered.keys()) / elapsed
    first_request = min((sent.at for sent in [*accepted, *refused]), default=0.0)
    late_429 = sum(1 for sent in refused if sent.at - first_request > 1.0)
    per_chat: defaultdict[int, list[Sent]] = defaultdict(list)
    for sent in accepted:
        per_chat[sent.chat_id].append(sent)
    out_of_order = sum(
        1
        for chat in per_chat.values()
        for earlier, later in itertools.pairwise(chat)
        if job_of(later) < job_of(earlier)
    )
    bot_peak = most_in_any_window([sent.at for sent in accepted], BOT_WINDOW.seconds)
    chat_peaks = (
        most_in_any_window([s.at for s in c], PRIVATE_WINDOW.seconds) for c in per_chat.values()
    )
    chat_peak = max(chat_peaks, default=0)
    silences = pauses([sent.at for sent in accepted])
    stored_ok = (
        stored.sent == stored.with_message == stored.distinct_messages == messages
        and still_queued == 0
    )

    database = "PostgreSQL" if database_url else "SQLite"
    print(f"outbound: {messages} reminders due in the same minute for {users} users ({database})")
    print(f"elapsed:            {elapsed:8.1f} s    ({passes} scheduler pass(es))")
    print(f"messages/s:         {rate:8.2f}    target >= {TARGET_RATE}")
    broke = Counter(sent.broke for sent in refused)
    print(
        f"429 answers:        {len(refused):8d}    "
        f"(bot limit {broke['bot']}, chat limit {broke['chat']})"
    )
    print(f"429 after 1st s:    {late_429:8d}    target 0")
    print(f"lost:               {lost:8d}    target 0")
    print(f"duplicated:         {duplicated:8d}    target 0")
    print(f"out of order:       {out_of_order:8d}    (messages to one chat in another order)")
    print(
        f"peaks seen by the fake: {bot_peak} in a second for the bot (limit "
        f"{BOT_WINDOW.limit}), {chat_peak} in a second for one chat (limit {PRIVATE_WINDOW.limit})"
    )
    print(
        f"pauses > {PAUSE * 1000:.0f} ms in the flow: {len(silences)}, "
        f"{sum(silences):.2f} s in all, longest {max(silences, default=0.0):.2f} s"
    )
    print(
        f"sender outcomes: {dict(sender.outcomes)}; unreachable reported: {len(unreachable)}; "
        f"left queued: {still_queued}"
    )
    print(
        f"database: {stored.sent} sent, {stored.with_message} with a message id, "
        f"{stored.distinct_messages} distinct messages, {stored.late} marked late; "
        f"by status {stored.statuses}"
    )
    for sent in refused:
        if sent.at - first_request > 1.0:
            print(f"late 429: {explain(sent, accepted, left, first_request)}")
    met = rate >= TARGET_RATE and late_429 == lost == duplicated == out_of_order == 0 and stored_ok
    print(f"targets met: {'yes' if met else 'NO'}")
    if strangers:
        print(f"the fake received {strangers} messages nobody asked for", file=sys.stderr)
    return lost == duplicated == out_of_order == strangers == 0 and stored_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL to run on, in a private schema dropped afterwards (default: SQLite)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if not asyncio.run(run(args.messages, args.users, args.database_url)):
        raise SystemExit(
            "reminders were lost, doubled, reordered or not marked sent: the figures don't count"
        )


if __name__ == "__main__":
    main()
