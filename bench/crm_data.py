"""A large CRM base for bench/crm.py: clients with phones, e-mails, tags and search words,
and a long timeline, written with bulk inserts (COPY on PostgreSQL)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.crm.contacts import normalized
from bot.services.crm.text import index_words
from bot.storage.enums import ClientStatus, ContactKind, PaymentHabit, Role, Segment, TimelineKind
from bot.storage.models import Client, ClientContact, ClientTag, ClientWord, TimelineEntry, User
from bot.storage.repositories.clients import reversed_digits

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TAGS = ("vip", "опт", "розница", "expo2026", "дилер", "partner", "tender", "regions")
STATUSES = list(ClientStatus)
CHUNK = 5000


@dataclass
class Base:
    """What was generated, for choosing realistic queries."""

    specialists: list[int]
    head: int
    clients: int
    names: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    heavy_client: int = 1
    owner_of: list[int] = field(default_factory=list)


class Pool:
    """Faker's names drawn once and combined at random: Faker alone costs about 1 ms per
    client, too slow for 100k."""

    def __init__(self, faker: Faker, seed: int, *, surname_first: bool = False) -> None:
        faker.seed_instance(seed)
        self.first = list({faker.first_name() for _ in range(600)})
        self.last = list({faker.last_name() for _ in range(3000)})
        self.companies = list({faker.company() for _ in range(3000)})
        self.jobs = list({faker.job()[:128] for _ in range(300)})
        self.logins = list({faker.user_name() for _ in range(2000)})
        self.domains = list({faker.free_email_domain() for _ in range(50)})
        self.surname_first = surname_first

    def name(self, rng: random.Random) -> str:
        first, last = rng.choice(self.first), rng.choice(self.last)
        return f"{last} {first}" if self.surname_first else f"{first} {last}"


def _phone(rng: random.Random) -> str:
    return f"+79{rng.randrange(10**9):09d}"


async def _write(engine: AsyncEngine, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            raw = await connection.get_raw_connection()
            columns = list(rows[0])
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                model.__tablename__,
                records=[tuple(_pg(row[c]) for c in columns) for row in rows],
                columns=columns,
            )
        else:
            await connection.execute(insert(model), list(rows))


def _pg(value: Any) -> Any:
    # COPY bypasses the UTCDateTime type: store naive UTC like the ORM does.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _chunks(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def generate(
    engine: AsyncEngine, *, clients: int, timeline: int, specialists: int, heavy_entries: int
) -> Base:
    rng = random.Random(42)
    pools = [Pool(Faker("ru_RU"), 0, surname_first=True), Pool(Faker("en_US"), 1)]
    users = [
        {
            "id": 1 + i,
            "telegram_id": 500_000 + i,
            "full_name": f"Specialist {i}",
            "role": (Role.HEAD if i == 0 else Role.SPECIALIST).value,
            "locale": "ru",
            "timezone": "Europe/Moscow",
            "segment": "standard",
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(specialists + 1)
    ]
    await _write(engine, User, users)
    base = Base(specialists=[u["id"] for u in users[1:]], head=users[0]["id"], clients=clients)

    client_rows: list[dict[str, Any]] = []
    contact_rows: list[dict[str, Any]] = []
    tag_rows: list[dict[str, Any]] = []
    word_rows: list[dict[str, Any]] = []
    for client_id in range(1, clients + 1):
        pool = pools[client_id % 2]
        name, company = pool.name(rng), rng.choice(pool.companies)
        phone = _phone(rng)
        email = f"{rng.choice(pool.logins)}{client_id}@{rng.choice(pool.domains)}"
        tags = rng.sample(TAGS, rng.randrange(0, 3))
        base.names.append(name)
        base.companies.append(company)
        base.phones.append(phone)
        base.emails.append(email)
        created = NOW - timedelta(days=rng.randrange(1, 900))
        base.owner_of.append(rng.choice(base.specialists))
        client_rows.append(
            {
                "id": client_id,
                "name": name,
                "company": company,
                "position": rng.choice(pool.jobs),
                "status": rng.choice(STATUSES).value,
                "segment": rng.choice(list(Segment)).value,
                "owner_id": base.owner_of[-1],
                "source": "exhibition",
                "payment": PaymentHabit.UNKNOWN.value,
                "last_contact_at": created + timedelta(days=rng.randrange(0, 30)),
                "created_at": created,
                "updated_at": created,
            }
        )
        contact_rows.append(_contact(client_id, ContactKind.PHONE, phone))
        contact_rows.append(_contact(client_id, ContactKind.EMAIL, email))
        tag_rows.extend({"client_id": client_id, "tag": tag} for tag in tags)
        words = index_words([name, company, email.replace("@", " ").replace(".", " "), *tags])
        word_rows.extend(
            {"client_id": client_id, "word": word, "skeleton": skeleton} for word, skeleton in words
        )
    for model, rows in (
        (Client, client_rows),
        (ClientContact, contact_rows),
        (ClientTag, tag_rows),
        (ClientWord, word_rows),
    ):
        for chunk in _chunks(rows):
            await _write(engine, model, chunk)

    base.heavy_client = 1
    await _write_timeline(engine, rng, base, timeline, heavy_entries)
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Rows came with their ids: move the sequences past them for later inserts.
            for table in ("users", "clients", "client_contacts", "timeline_entries"):
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        if engine.dialect.name != "postgresql":
            await connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # A base in use has been vacuumed and checkpointed: autovacuum's first pass over a
        # million freshly copied rows, and the checkpoint writing them out, would otherwise
        # run during the measurements, on the same cores and disk.
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        async with autocommit.connect() as connection:
            await connection.execute(text("VACUUM ANALYZE"))
            await connection.execute(text("CHECKPOINT"))
    return base


def _contact(client_id: int, kind: ContactKind, value: str) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "kind": kind.value,
        "value": value,
        "normalized": normalized(kind, value),
        "reversed_digits": reversed_digits(kind, normalized(kind, value)),
    }


async def _write_timeline(
    engine: AsyncEngine, rng: random.Random, base: Base, total: int, heavy_entries: int
) -> None:
    kinds = [TimelineKind.NOTE, TimelineKind.CALL, TimelineKind.MEETING, TimelineKind.EDIT]
    rows: list[dict[str, Any]] = []
    for number in range(total):
        heavy = number < heavy_entries
        client_id = base.heavy_client if heavy else rng.randrange(1, base.clients + 1)
        at = NOW - timedelta(minutes=rng.randrange(1, 60 * 24 * 700))
        rows.append(
            {
                "client_id": client_id,
                "kind": rng.choice(kinds).value,
                "author_id": rng.choice(base.specialists),
                "happened_at": at,
                "text": f"Discussed the order #{number}: delivery, price and terms.",
                "created_at": at,
            }
        )
        if len(rows) == CHUNK * 4:
            await _write(engine, TimelineEntry, rows)
            rows = []
    await _write(engine, TimelineEntry, rows)
