"""Update throughput of the full ClientDesk Dispatcher against a bare aiogram echo bot.

Both get the same updates (mixed `/start` and text from many users) through the same fake
Bot session, in one run, so the ratio holds even when the machine's speed drifts.

    python bench/throughput.py [--updates 3000] [--users 300] [--concurrency 16]
                               [--database sqlite|postgres]

PostgreSQL runs in a private schema of TEST_DATABASE_URL, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App, build_bot, create_app
from bot.config import load_settings
from bot.runtime import prepare
from bot.services.actors import Defaults, Profile
from bot.services.onboarding import give_consent
from bot.storage.uow import UnitOfWork
from tests.support.databases import postgres_schema_engine, sqlite_engine
from tests.support.recording_session import RecordingSession

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawA"


def make_updates(count: int, users: int) -> list[dict[str, Any]]:
    """Every user starts with /start, then alternates text and /start.

    Half of the users are registered clients (see register_clients), half are newcomers
    who land in the onboarding dialog: both the read path and the write path are measured.
    """
    updates = []
    for index in range(count):
        user_id = 10_000 + index % users
        round_number = index // users
        text = "/start" if round_number % 2 == 0 else f"hello #{round_number}"
        message: dict[str, Any] = {
            "message_id": index + 1,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "User"},
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
                "language_code": "ru" if user_id % 2 else "en",
            },
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
        updates.append({"update_id": index + 1, "message": message})
    return updates


async def drive(
    feed: Callable[[Update], Awaitable[Any]], bot: Bot, raw: list[dict[str, Any]], concurrency: int
) -> float:
    """Feeds updates with bounded concurrency (as polling does); returns updates per second.

    Updates of one user stay in order, as aiogram's event isolation would keep them."""
    updates = [Update.model_validate(u, context={"bot": bot}) for u in raw]
    per_user: dict[int, list[Update]] = {}
    for update in updates:
        per_user.setdefault(update.message.from_user.id, []).append(update)
    queues = list(per_user.values())
    semaphore = asyncio.Semaphore(concurrency)

    async def user_lane(lane: list[Update]) -> None:
        for update in lane:
            async with semaphore:
                await feed(update)

    started = time.perf_counter()
    await asyncio.gather(*(user_lane(lane) for lane in queues))
    return len(updates) / (time.perf_counter() - started)


def echo_dispatcher() -> Dispatcher:
    router = Router(name="echo")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def register_clients(app: App, telegram_ids: Iterable[int]) -> None:
    """Every second user is a client who already gave consent; the rest are newcomers."""
    defaults = Defaults(app.settings.default_locale, app.settings.default_timezone)
    async with app.sessionmaker() as session, session.begin():
        for telegram_id in telegram_ids:
            await give_consent(
                UnitOfWork(session),
                app.clock,
                Profile(telegram_id, f"User {telegram_id}", None, "ru"),
                locale="ru",
                defaults=defaults,
                source="bench",
            )


def engine_for(database: str, tmp: str) -> AbstractAsyncContextManager[AsyncEngine]:
    if database == "postgres":
        return postgres_schema_engine()
    return sqlite_engine(f"{tmp}/bench.db")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    raw = make_updates(args.updates, args.users)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = load_settings(
            _env_file=None, bot_token=TOKEN, database_url=url, redis_url="", admin_ids=""
        )
        echo_session = RecordingSession()
        echo_bot = build_bot(settings, echo_session)
        echo = echo_dispatcher()
        # Warm both paths once so imports and first-call costs stay out of the figures.
        await drive(lambda u: echo.feed_update(echo_bot, u), echo_bot, raw[:50], 1)
        echo_session.clear()
        baseline = await drive(
            lambda u: echo.feed_update(echo_bot, u), echo_bot, raw, args.concurrency
        )
        baseline_rss = peak_rss_mib()

        async with engine_for(args.database, tmp) as engine:
            session = RecordingSession()
            app = create_app(settings, bot_session=session, engine=engine)
            await prepare(app)
            await register_clients(app, range(10_000, 10_000 + args.users, 2))
            full = await drive(
                lambda u: app.dispatcher.feed_update(app.bot, u), app.bot, raw, args.concurrency
            )
            sent = sum(1 for call in session.calls if call.method == "SendMessage")
            await app.close()

    print(
        f"updates: {args.updates} from {args.users} users, concurrency {args.concurrency}, "
        f"database: {args.database}"
    )
    print(f"echo baseline (bare aiogram): {baseline:8.1f} updates/s")
    print(f"clientdesk full dispatcher:   {full:8.1f} updates/s  ({sent} messages sent)")
    print(f"ratio clientdesk/baseline:    {full / baseline:8.3f}")
    print(f"peak RSS: {baseline_rss:.1f} MiB after baseline, {peak_rss_mib():.1f} MiB at end")


if __name__ == "__main__":
    asyncio.run(main())
