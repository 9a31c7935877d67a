"""Speed of the specialist's CRM on a large base.

Generates CLIENTS clients (Faker names, companies and jobs in ru_RU and en_US, a phone, an
e-mail and tags each) owned by SPECIALISTS specialists, and TIMELINE timeline rows, 1,000 of
them on one client; then prints:

- search p50/p95 for typical queries (a surname, a company word, a first name and surname,
  a phone typed as people type it, its last digits, an e-mail, a tag, a surname with a
  typo, a Russian surname typed in Latin letters), as the head of sales (all 100k
  clients) and as a specialist (his own);
- the time to open the card of the client with 1,000 timeline entries: the card, the
  reliability score and the first timeline page read and rendered, as the card's window does;
- the import of a 10,000-row CSV (Faker again), and the export of all clients to XLSX and CSV.

    python bench/crm.py [--clients 100000] [--timeline 1000000] [--database sqlite|postgres]
                        [--queries 100]

Targets (issue 4): search p95 < 50 ms, card < 100 ms, import 10k < 10 s.
PostgreSQL runs in a private schema of TEST_DATABASE_URL, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faker import Faker
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.crm_data import NOW, TAGS, Base, Pool, generate
from bench.throughput import engine_for, peak_rss_mib
from bot.i18n import create_i18n
from bot.render import clients as render
from bot.render.cards import Reader
from bot.services.actors import Actor
from bot.services.crm import clients, exporting, importing, score, search, timeline
from bot.storage import migrate
from bot.storage.database import create_sessionmaker
from bot.storage.uow import UnitOfWork

REGION = "RU"
TRANSLIT = {
    **dict(zip("абвгдезийклмнопрстуфхцы", "abvgdezijklmnoprstufhcy", strict=True)),
    **{"ё": "e", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "sch", "э": "e", "ю": "yu", "я": "ya"},
    **{"ь": "", "ъ": ""},
}


def latin(word: str) -> str:
    """A Russian surname as people type it on a Latin keyboard: "Иванов" → "ivanov"."""
    return "".join(TRANSLIT.get(char, char) for char in word.lower())


async def timed(
    sessionmaker: async_sessionmaker[AsyncSession], work: Callable[[UnitOfWork], Awaitable[Any]]
) -> tuple[float, Any]:
    """Milliseconds one unit of work takes in its own transaction, as in an update."""
    start = time.perf_counter()
    async with sessionmaker() as session, session.begin():
        result = await work(UnitOfWork(session))
    return (time.perf_counter() - start) * 1000, result


def typo(word: str, rng: random.Random) -> str:
    """One letter replaced by its neighbour: how a thumb misses on a phone."""
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def queries(base: Base, owned: list[int], rng: random.Random, count: int) -> dict[str, list[str]]:
    """Queries of each kind, drawn from clients the searcher may see."""
    picks = [rng.choice(owned) - 1 for _ in range(count)]

    def surname(i: int) -> str:
        words = base.names[i].split()
        return words[0] if i % 2 == 1 else words[-1]  # ru "Фамилия Имя", en "First Last"

    def company_word(i: int) -> str:
        return max(base.companies[i].replace('"', " ").split(), key=len)

    def phone(i: int) -> str:
        digits = base.phones[i][2:]
        return f"8 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"

    russian = [i for i in picks if i % 2 == 1] or picks
    return {
        "surname": [surname(i) for i in picks],
        "company word": [company_word(i) for i in picks],
        "first name + surname": [base.names[i] for i in picks],
        "phone as typed": [phone(i) for i in picks],
        "last 4 digits": [base.phones[i][-4:] for i in picks],
        "e-mail": [base.emails[i] for i in picks],
        "e-mail start": [base.emails[i].split("@")[0][:6] for i in picks],
        "tag": [f"#{rng.choice(TAGS)}" for _ in picks],
        "surname with a typo": [
            typo(surname(i), rng) if len(surname(i)) > 4 else surname(i) for i in picks
        ],
        "surname in Latin": [latin(surname(i)) for i in russian],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def measure_search(
    sessionmaker: async_sessionmaker[AsyncSession], actor: Actor, batch: dict[str, list[str]]
) -> list[float]:
    everything: list[float] = []
    for kind, texts in batch.items():
        times, hits = [], 0
        for text in texts:
            ms, found = await timed(
                sessionmaker, lambda uow, t=text: search.find(uow, actor, t, region=REGION)
            )
            times.append(ms)
            hits += bool(found)
        everything += times
        print(
            f"  {kind:<22} p50 {statistics.median(times):6.1f} ms  "
            f"p95 {percentile(times, 0.95):6.1f} ms  found {hits}/{len(texts)}"
        )
    return everything


async def measure_card(
    sessionmaker: async_sessionmaker[AsyncSession], actor: Actor, client_id: int, rounds: int
) -> list[float]:
    i18n = create_i18n("ru")
    reader = Reader(actor.locale, actor.timezone)

    async def open_card(uow: UnitOfWork) -> str:
        card = await clients.card(uow, actor, client_id)
        reliability = await score.reliability(uow, card.client, NOW)
        page = await timeline.page(uow, actor, client_id, 0)
        with i18n.context(), i18n.use_locale(actor.locale):
            return render.card_text(card, reliability, reader, NOW) + render.timeline_text(
                page, reader
            )

    await timed(sessionmaker, open_card)
    return [(await timed(sessionmaker, open_card))[0] for _ in range(rounds)]


def import_file(rows: int, seed: int) -> bytes:
    """A CSV as a Russian office saves it: `;`, Russian headers, new people with phones,
    e-mails and tags, and a few duplicates of earlier rows (which the import merges)."""
    rng = random.Random(seed)
    pools = [Pool(Faker("ru_RU"), 10, surname_first=True), Pool(Faker("en_US"), 11)]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["ФИО", "Компания", "Должность", "Телефон", "Email", "Статус", "Теги"])
    for number in range(rows):
        pool = pools[number % 2]
        phone = f"+7 95{rng.randrange(10**8):08d}"
        writer.writerow(
            [
                pool.name(rng),
                rng.choice(pool.companies),
                rng.choice(pool.jobs),
                phone,
                f"{rng.choice(pool.logins)}.import{number}@{rng.choice(pool.domains)}",
                rng.choice(["лид", "активный", "prospect"]),
                ", ".join(rng.sample(TAGS, 2)),
            ]
        )
    return out.getvalue().encode("utf-8")


async def measure_import(
    sessionmaker: async_sessionmaker[AsyncSession], actor: Actor, rows: int
) -> tuple[float, importing.ImportResult]:
    data = import_file(rows, seed=99)
    return await timed(
        sessionmaker,
        lambda uow: importing.import_file(
            uow,
            actor,
            FixedClock(NOW),
            data,
            "clients.csv",
            region=REGION,
            locale="ru",
            currency="RUB",
        ),
    )


async def measure_export(
    sessionmaker: async_sessionmaker[AsyncSession], actor: Actor
) -> tuple[float, exporting.ExportFiles]:
    return await timed(
        sessionmaker,
        lambda uow: exporting.export(
            uow, actor, FixedClock(NOW), exporting.Labels.plain(actor.timezone)
        ),
    )


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


async def staff_actor(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> Actor:
    async with sessionmaker() as session:
        user = await UnitOfWork(session).users.get(user_id)
    assert user is not None
    return Actor.of(user)


async def run(engine: AsyncEngine, args: argparse.Namespace) -> None:
    await migrate.upgrade(engine)
    start = time.perf_counter()
    base = await generate(
        engine,
        clients=args.clients,
        timeline=args.timeline,
        specialists=args.specialists,
        heavy_entries=1000,
    )
    print(
        f"generated {args.clients} clients, {args.timeline} timeline rows, "
        f"{args.specialists} specialists in {time.perf_counter() - start:.1f} s"
    )
    sessionmaker = create_sessionmaker(engine)
    rng = random.Random(7)
    head = await staff_actor(sessionmaker, base.head)
    async with sessionmaker() as session:
        first = await UnitOfWork(session).clients.get(base.heavy_client)
    assert first is not None and first.owner_id is not None
    specialist = await staff_actor(sessionmaker, first.owner_id)
    owned = [i + 1 for i in range(args.clients) if base.owner_of[i] == specialist.user_id]

    print(f"search as the head of sales ({args.clients} clients), {args.queries} queries each:")
    head_times = await measure_search(
        sessionmaker, head, queries(base, list(range(1, args.clients + 1)), rng, args.queries)
    )
    print(f"search as a specialist ({len(owned)} own clients), {args.queries} queries each:")
    own_times = await measure_search(
        sessionmaker, specialist, queries(base, owned, rng, args.queries)
    )
    every = head_times + own_times
    print(
        f"search overall: p50 {statistics.median(every):.1f} ms  "
        f"p95 {percentile(every, 0.95):.1f} ms  (target p95 < 50 ms)"
    )
    card_times = await measure_card(sessionmaker, specialist, base.heavy_client, 30)
    print(
        f"open a card with 1,000 timeline entries: p50 {statistics.median(card_times):.1f} ms  "
        f"p95 {percentile(card_times, 0.95):.1f} ms  (target < 100 ms)"
    )
    ms, result = await measure_import(sessionmaker, specialist, args.import_rows)
    print(
        f"import of {args.import_rows} CSV rows: {ms / 1000:.2f} s  (created {result.created}, "
        f"merged {result.merged}, rejected {len(result.rejected)}; target < 10 s)"
    )
    ms, files = await measure_export(sessionmaker, head)
    print(
        f"export of {files.count} clients: {ms / 1000:.2f} s  "
        f"(XLSX {len(files.xlsx) / 2**20:.1f} MiB, CSV {len(files.csv) / 2**20:.1f} MiB)"
    )
    print(f"peak RSS: {peak_rss_mib():.1f} MiB")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--timeline", type=int, default=1_000_000)
    parser.add_argument("--specialists", type=int, default=20)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    print(f"crm benchmark, database: {args.database}")
    with tempfile.TemporaryDirectory() as tmp:
        async with engine_for(args.database, tmp) as engine:
            await run(engine, args)


if __name__ == "__main__":
    asyncio.run(main())
