"""The outbound sender under a fan-out: reminders due in the same minute for many users go
through the real aiogram Bot and the OutboundSender to a local Bot API that answers 429
whenever Telegram's limits are broken (bench/fake_telegram.py: more than 30 messages in any
second for the bot, more than 1 in any second for a private chat).

    python bench/outbound.py [--messages 10000] [--users 2000]

Every text carries its job id, so the fake's log tells a lost or a doubled message. At full
size a run takes about 6 minutes: 10,000 messages at 30 a second are 333 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram.methods import SendMessage

from bench.fake_telegram import BOT_WINDOW, PRIVATE_WINDOW, FloodControlledBotAPI, Sent
from bench.throughput import TOKEN
from bot.app import build_bot
from bot.config import load_settings
from bot.outbound import OutboundSender, SendResult

USER_BASE = 10_000
JOB_ID = re.compile(r"#(\d+)")
TARGET_RATE = 28.5
PROGRESS_EVERY = 30.0


@dataclass(frozen=True)
class Asked:
    job_id: int
    chat_id: int
    future: asyncio.Future[SendResult]


def hand_over_due_reminders(sender: OutboundSender, messages: int, users: int) -> list[Asked]:
    """The producer: `messages` reminders due in the same minute, `messages / users` for each
    user, handed to the sender at once in the order of their due second. Job ids follow that
    order, so each chat must receive its ids in increasing order."""
    rng = random.Random(5)
    due = sorted((rng.randrange(60), index) for index in range(messages))
    asked = []
    for job_id, (second, index) in enumerate(due):
        chat_id = USER_BASE + index % users
        text = f"Reminder #{job_id}: call the client back (due 09:00:{second:02d})"
        asked.append(Asked(job_id, chat_id, sender.submit(SendMessage(chat_id=chat_id, text=text))))
    return asked


def most_in_any_window(stamps: Sequence[float], seconds: float) -> int:
    ordered, first, most = sorted(stamps), 0, 0
    for last, stamp in enumerate(ordered):
        while stamp - ordered[first] >= seconds:
            first += 1
        most = max(most, last - first + 1)
    return most


def job_of(sent: Sent) -> int:
    match = JOB_ID.search(sent.text)
    if match is None:
        raise ValueError(f"no job id in {sent.text!r}")
    return int(match.group(1))


async def report_progress(api: FloodControlledBotAPI, total: int, started: float) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        print(
            f"  ... {time.monotonic() - started:5.0f} s: {len(api.accepted)}/{total} delivered, "
            f"{len(api.refused)} refused with 429",
            file=sys.stderr,
        )


async def run(messages: int, users: int) -> bool:
    async with FloodControlledBotAPI() as api:
        settings = load_settings(
            _env_file=None,
            bot_token=TOKEN,
            database_url="sqlite+aiosqlite:///:memory:",
            redis_url="",
            admin_ids="",
            telegram_api_url=api.url,
        )
        bot = build_bot(settings)
        unreachable: list[int | str] = []

        async def mark_unreachable(chat_id: int | str) -> None:
            unreachable.append(chat_id)

        sender = OutboundSender(bot, on_unreachable=mark_unreachable)
        sender.start()
        started = time.monotonic()
        asked = hand_over_due_reminders(sender, messages, users)
        progress = asyncio.create_task(report_progress(api, len(asked), started))
        results = await asyncio.gather(*(a.future for a in asked))
        elapsed = time.monotonic() - started
        progress.cancel()
        await sender.stop()
        await bot.session.close()

    delivered = Counter(job_of(sent) for sent in api.accepted)
    asked_ids = {a.job_id for a in asked}
    lost = len(asked_ids - delivered.keys())
    duplicated = sum(count - 1 for count in delivered.values() if count > 1)
    strangers = len(delivered.keys() - asked_ids)
    rate = len(asked_ids & delivered.keys()) / elapsed
    first_request = min(sent.at for sent in [*api.accepted, *api.refused])
    late_429 = sum(1 for sent in api.refused if sent.at - first_request > 1.0)
    per_chat: defaultdict[int, list[Sent]] = defaultdict(list)
    for sent in api.accepted:
        per_chat[sent.chat_id].append(sent)
    out_of_order = sum(
        1
        for chat in per_chat.values()
        for earlier, later in itertools.pairwise(chat)
        if job_of(later) < job_of(earlier)
    )
    bot_peak = most_in_any_window([sent.at for sent in api.accepted], BOT_WINDOW.seconds)
    chat_peak = max(
        most_in_any_window([s.at for s in chat], PRIVATE_WINDOW.seconds)
        for chat in per_chat.values()
    )
    outcomes = Counter(result.outcome.value for result in results)

    print(f"outbound: {messages} reminders due in the same minute for {users} users")
    print(f"elapsed:            {elapsed:8.1f} s")
    print(f"messages/s:         {rate:8.2f}    target >= {TARGET_RATE}")
    print(f"429 answers:        {len(api.refused):8d}    ({late_429} after the first second)")
    print(f"429 after 1st s:    {late_429:8d}    target 0")
    print(f"lost:               {lost:8d}    target 0")
    print(f"duplicated:         {duplicated:8d}    target 0")
    print(f"out of order:       {out_of_order:8d}    (messages to one chat in another order)")
    print(
        f"peaks seen by the fake: {bot_peak} in a second for the bot (limit "
        f"{BOT_WINDOW.limit}), {chat_peak} in a second for one chat (limit {PRIVATE_WINDOW.limit})"
    )
    print(f"sender outcomes: {dict(outcomes)}; unreachable reported: {len(unreachable)}")
    met = rate >= TARGET_RATE and late_429 == lost == duplicated == out_of_order == 0
    print(f"targets met: {'yes' if met else 'NO'}")
    if strangers:
        print(f"the fake received {strangers} messages nobody asked for", file=sys.stderr)
    return lost == duplicated == out_of_order == strangers == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=2_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if not asyncio.run(run(args.messages, args.users)):
        raise SystemExit("messages were lost, doubled or reordered: the figures above don't count")


if __name__ == "__main__":
    main()
