"""The outbound sender under a fan-out: reminders due in the same minute for many users go
through the real aiogram Bot and the OutboundSender to a local Bot API, in a process of its
own, that answers 429 whenever Telegram's limits are broken (bench/fake_telegram.py: more than
30 messages in any second for the bot, more than 1 in any second for a private chat).

    python bench/outbound.py [--messages 10000] [--users 2000]

Every text carries its job id, so the fake's log tells a lost or a doubled message. At full
size a run takes about 6 minutes: the sender keeps 29 a second (30 less the 3 % it leaves for
network jitter, see bot.outbound.Limits), so 10,000 messages take some 345 seconds. Run it on
a quiet machine: a process starved of CPU between taking its turn and writing the request is
a squeeze the fake counts against it.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod

from bench.fake_telegram import BOT_WINDOW, PRIVATE_WINDOW, FakeTelegramProcess, Sent
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


async def report_progress(results: Sequence[asyncio.Future[SendResult]], started: float) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        done = sum(1 for future in results if future.done())
        print(
            f"  ... {time.monotonic() - started:5.0f} s: {done}/{len(results)} sent",
            file=sys.stderr,
        )


async def run(messages: int, users: int) -> bool:
    async with FakeTelegramProcess() as fake:
        settings = load_settings(
            _env_file=None,
            bot_token=TOKEN,
            database_url="sqlite+aiosqlite:///:memory:",
            redis_url="",
            admin_ids="",
            telegram_api_url=fake.url,
        )
        bot = build_bot(settings)
        unreachable: list[int | str] = []

        async def mark_unreachable(chat_id: int | str) -> None:
            unreachable.append(chat_id)

        left: dict[str, float] = {}  # text -> when its last attempt left this process

        async def note_departure(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
            left[getattr(method, "text", "")] = time.monotonic()
            return await make_request(bot, method)

        bot.session.middleware(note_departure)
        sender = OutboundSender(bot, on_unreachable=mark_unreachable)
        sender.start()
        started = time.monotonic()
        asked = hand_over_due_reminders(sender, messages, users)
        futures = [a.future for a in asked]
        progress = asyncio.create_task(report_progress(futures, started))
        results = await asyncio.gather(*futures)
        elapsed = time.monotonic() - started
        progress.cancel()
        await sender.stop()
        await bot.session.close()
        accepted, refused = await fake.log()

    delivered = Counter(job_of(sent) for sent in accepted)
    asked_ids = {a.job_id for a in asked}
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
    outcomes = Counter(result.outcome.value for result in results)

    print(f"outbound: {messages} reminders due in the same minute for {users} users")
    print(f"elapsed:            {elapsed:8.1f} s")
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
    print(f"sender outcomes: {dict(outcomes)}; unreachable reported: {len(unreachable)}")
    for sent in refused:
        if sent.at - first_request > 1.0:
            print(f"late 429: {explain(sent, accepted, left, first_request)}")
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
