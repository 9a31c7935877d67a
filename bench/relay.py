"""Speed of the chat relay, the client desk's hot path, against a bare aiogram echo bot.

N clients, each with one open request assigned to one of S specialists, send M plain texts:
each is stored on the request and copied to the specialist under a header (sendMessage to
him, setMessageReaction to the client). Then the specialists answer: every update is a reply
to a copy the bot sent him about that client's request, so it is stored and copied to the
client. The echo bot gets the same number of text updates in the same run, as in
bench/throughput.py, so the ratios hold even when the machine's speed drifts.

    python bench/relay.py [--clients 200] [--specialists 10] [--messages 3000]
                          [--answers 400] [--concurrency 16] [--database sqlite|postgres]

Updates of one user stay in order (see drive), so the answers run in at most S lanes at once.
The defaults keep a run under about a minute on 2 cores.

PostgreSQL runs in a private schema of TEST_DATABASE_URL, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram.types import Message, Update
from sqlalchemy import func, select

from bench.throughput import (
    TOKEN,
    drive,
    echo_dispatcher,
    engine_for,
    peak_rss_mib,
    register_clients,
)
from bot.app import App, build_bot, create_app
from bot.config import load_settings
from bot.runtime import prepare
from bot.services import requests
from bot.services.actors import Actor
from bot.services.requests import Draft
from bot.storage.enums import RequestKind, Role, Side
from bot.storage.models import RequestMessage
from bot.storage.uow import UnitOfWork
from tests.support.recording_session import BOT_USER, RecordingSession

CLIENT_BASE = 10_000
SPECIALIST_BASE = 90_000
DATE = 1_790_000_000
# Ids of the users' own messages, far from the ids RecordingSession gives the bot's messages
# (from 1000 up), so no relay link of one chat is overwritten by another message's.
CLIENT_MESSAGE_BASE = 5_000_000
ANSWER_MESSAGE_BASE = 6_000_000

Feed = Callable[[Update], Awaitable[Any]]


def _message(update_id: int, message_id: int, user_id: int, name: str, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "date": DATE,
            "chat": {"id": user_id, "type": "private", "first_name": name},
            # The stored full name, so the actor middleware has nothing to update.
            "from": {"id": user_id, "is_bot": False, "first_name": name, "language_code": "ru"},
            "text": text,
        },
    }


def client_text(client_id: int, round_number: int) -> str:
    return f"Client {client_id}, message {round_number}: when will my order arrive?"


def client_updates(count: int, clients: int) -> list[dict[str, Any]]:
    """Round-robin over the clients, so each one's messages are spread over the whole run.

    With the defaults that is 3000 / 200 = 15 messages per client, under even the default
    flood limit of 20 a minute; the limit is raised to 1000 anyway (see main)."""
    updates = []
    for index in range(count):
        client_id = CLIENT_BASE + index % clients
        text = client_text(client_id, index // clients)
        updates.append(
            _message(index + 1, CLIENT_MESSAGE_BASE + index, client_id, f"User {client_id}", text)
        )
    return updates


def copies_by_client(
    session: RecordingSession, specialists: set[int], raw: list[dict[str, Any]]
) -> dict[int, list[Message]]:
    """The copies the bot sent to each client's specialist (SendMessage results in his
    chat), told apart by the client's text under the header."""
    author = {u["message"]["text"]: u["message"]["from"]["id"] for u in raw}
    found: dict[int, list[Message]] = {}
    for call in session.calls:
        if call.method == "SendMessage" and int(call.chat_id) in specialists:
            client_id = author[call.text.rsplit("\n", 1)[-1]]
            found.setdefault(client_id, []).append(call.result)
    return found


def answer_updates(
    count: int,
    first_update_id: int,
    assignee_of: dict[int, int],
    copies: dict[int, list[Message]],
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Round-robin over the specialists; each answers his clients in turn, every answer a
    reply to one of the copies of that client's messages in his chat. Also returns, for
    each answer's text, the chat its copy must reach."""
    clients_of: dict[int, list[int]] = {}
    for client_id, specialist_id in sorted(assignee_of.items()):
        if client_id not in copies:
            continue  # fewer messages than clients: he has nothing to be answered on
        clients_of.setdefault(specialist_id, []).append(client_id)
    specialists = sorted(clients_of)
    updates = []
    recipient: dict[str, int] = {}
    for index in range(count):
        specialist_id = specialists[index % len(specialists)]
        turn = index // len(specialists)
        mine = clients_of[specialist_id]
        client_id = mine[turn % len(mine)]
        replied = copies[client_id][(turn // len(mine)) % len(copies[client_id])]
        text = f"Answer {index} to client {client_id}: it ships tomorrow."
        recipient[text] = client_id
        update = _message(
            first_update_id + index,
            ANSWER_MESSAGE_BASE + index,
            specialist_id,
            f"Specialist {specialist_id}",
            text,
        )
        update["message"]["reply_to_message"] = {
            "message_id": replied.message_id,
            "date": DATE,
            "chat": {"id": specialist_id, "type": "private", "first_name": "Specialist"},
            "from": {"id": BOT_USER.id, "is_bot": True, "first_name": BOT_USER.first_name},
            "text": replied.text,
        }
        updates.append(update)
    return updates, recipient


async def seed(app: App, clients: list[int], specialists: list[int]) -> dict[int, int]:
    """Specialists, consenting clients and one open request each, through the services;
    returns each client's assignee (Telegram ids)."""
    async with app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        for telegram_id in specialists:
            await uow.users.add(
                telegram_id=telegram_id,
                role=Role.SPECIALIST,
                locale="ru",
                timezone=app.settings.default_timezone,
                now=app.clock.now(),
                full_name=f"Specialist {telegram_id}",
            )
    await register_clients(app, clients)
    assignee_of = {}
    async with app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        for telegram_id in clients:
            client = await uow.users.by_telegram_id(telegram_id)
            assert client is not None
            draft = Draft(kind=RequestKind.INQUIRY, category="product", subject="Order status")
            # Routed to the least loaded specialist: the clients spread evenly over them.
            filed = await requests.file(uow, app.clock, app.desk, Actor.of(client), draft)
            assert filed.assignee is not None
            assignee_of[telegram_id] = filed.assignee.telegram_id
    return assignee_of


def timed(feed: Feed, durations: list[float]) -> Feed:
    async def run(update: Update) -> None:
        started = time.perf_counter()
        await feed(update)
        durations.append(time.perf_counter() - started)

    return run


def percentiles_ms(durations: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(durations, n=20, method="inclusive")
    return cuts[9] * 1000, cuts[18] * 1000


async def stored(app: App) -> dict[Side, tuple[int, int]]:
    """Per side: messages stored on requests, and how many of them have delivered_at."""
    query = select(
        RequestMessage.side, func.count(), func.count(RequestMessage.delivered_at)
    ).group_by(RequestMessage.side)
    async with app.sessionmaker() as session:
        rows = (await session.execute(query)).all()
    return {Side(side): (total, delivered) for side, total, delivered in rows}


def misrouted(session: RecordingSession, recipient: dict[str, int]) -> int:
    """Copies (known by the text under their header) sent to a chat other than their own."""
    return sum(
        1
        for call in session.calls
        if call.method == "SendMessage"
        and recipient.get(call.text.rsplit("\n", 1)[-1], int(call.chat_id)) != int(call.chat_id)
    )


def calls_to(session: RecordingSession, method: str, chats: Iterable[int]) -> int:
    wanted = set(chats)
    return sum(1 for c in session.calls if c.method == method and int(c.chat_id) in wanted)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--specialists", type=int, default=10)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    clients = list(range(CLIENT_BASE, CLIENT_BASE + args.clients))
    specialists = list(range(SPECIALIST_BASE, SPECIALIST_BASE + args.specialists))
    raw = client_updates(args.messages, args.clients)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        # The flood limit counts each user's messages per minute. The clients' are spread
        # over the run (15 each with the defaults, under even the default 20); each
        # specialist sends answers/S (40 with the defaults), over 20. 1000 is its maximum:
        # far more answers per specialist would be throttled and show up as lost.
        settings = load_settings(
            _env_file=None,
            bot_token=TOKEN,
            database_url=url,
            redis_url="",
            admin_ids="",
            flood_limit_per_minute=1000,
        )
        echo_session = RecordingSession()
        echo_bot = build_bot(settings, echo_session)
        echo = echo_dispatcher()
        # Warm the echo path once so imports and first-call costs stay out of its figure.
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
            assignee_of = await seed(app, clients, specialists)
            session.clear()

            def full(u: Update) -> Awaitable[Any]:
                return app.dispatcher.feed_update(app.bot, u)

            asked_ms: list[float] = []
            asked = await drive(timed(full, asked_ms), app.bot, raw, args.concurrency)
            copies = copies_by_client(session, set(specialists), raw)
            to_specialists = calls_to(session, "SendMessage", specialists)
            reactions = calls_to(session, "SetMessageReaction", clients)
            asked_astray = misrouted(
                session,
                {u["message"]["text"]: assignee_of[u["message"]["chat"]["id"]] for u in raw},
            )
            session.clear()

            answers_raw, recipient = answer_updates(args.answers, len(raw) + 1, assignee_of, copies)
            answered_ms: list[float] = []
            answered = await drive(timed(full, answered_ms), app.bot, answers_raw, args.concurrency)
            to_clients = calls_to(session, "SendMessage", clients)
            answered_astray = misrouted(session, recipient)
            counts = await stored(app)
            await app.close()

    from_clients, delivered_clients = counts.get(Side.CLIENT, (0, 0))
    from_staff, delivered_staff = counts.get(Side.STAFF, (0, 0))
    ask_p50, ask_p95 = percentiles_ms(asked_ms)
    answer_p50, answer_p95 = percentiles_ms(answered_ms)
    print(
        f"relay: {args.messages} messages from {args.clients} clients to {args.specialists} "
        f"specialists, {args.answers} answers, concurrency {args.concurrency}, "
        f"database: {args.database}"
    )
    print(f"echo baseline (bare aiogram):  {baseline:8.1f} updates/s  ({len(raw)} text updates)")
    print(
        f"client -> specialist:          {asked:8.1f} messages/s  "
        f"p50 {ask_p50:6.1f} ms  p95 {ask_p95:6.1f} ms"
    )
    print(
        f"specialist -> client:          {answered:8.1f} answers/s   "
        f"p50 {answer_p50:6.1f} ms  p95 {answer_p95:6.1f} ms"
    )
    print(f"ratio client->specialist/echo: {asked / baseline:8.3f}")
    print(f"ratio specialist->client/echo: {answered / baseline:8.3f}")
    print(f"peak RSS: {baseline_rss:.1f} MiB after baseline, {peak_rss_mib():.1f} MiB at end")
    print(
        f"sanity client->specialist: stored {from_clients}/{args.messages}, delivered_at set "
        f"{delivered_clients}, lost: {args.messages - delivered_clients}; "
        f"copies sent {to_specialists}, to a wrong chat {asked_astray}, reactions {reactions}"
    )
    print(
        f"sanity specialist->client: stored {from_staff}/{args.answers}, delivered_at set "
        f"{delivered_staff}, lost: {args.answers - delivered_staff}; "
        f"copies sent {to_clients}, to a wrong chat {answered_astray}"
    )
    lost = args.messages - delivered_clients + args.answers - delivered_staff
    if lost or asked_astray or answered_astray:
        raise SystemExit("relay lost or misrouted messages: the figures above don't count")


if __name__ == "__main__":
    asyncio.run(main())
