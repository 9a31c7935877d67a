"""Bulk inserts (COPY on PostgreSQL, the driver's executemany on SQLite) store values exactly
as the ORM does, so queries compare them alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.bulk import insert_rows
from bot.storage.enums import Role, TimelineKind
from bot.storage.models import Client, TimelineEntry
from bot.storage.uow import UnitOfWork

MOMENT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


async def test_bulk_rows_read_and_compare_like_orm_rows(uow: UnitOfWork) -> None:
    user = await uow.users.add(
        telegram_id=1, role=Role.SPECIALIST, locale="en", timezone="UTC", now=MOMENT
    )
    client = await uow.clients.add(
        now=MOMENT, name="Ivan", status="lead", segment="standard", owner_id=user.id
    )
    await uow.timeline.add(
        client_id=client.id,
        kind=TimelineKind.NOTE,
        author_id=user.id,
        happened_at=MOMENT,
        now=MOMENT,
        text="by the ORM",
    )
    await insert_rows(
        uow.session,
        TimelineEntry.__table__,  # type: ignore[arg-type]
        [
            {
                "client_id": client.id,
                "kind": TimelineKind.CALL.value,
                "author_id": user.id,
                "happened_at": MOMENT,
                "text": "in bulk",
                "created_at": MOMENT,
            }
        ],
    )

    same_moment = await uow.session.scalars(
        select(TimelineEntry.text)
        .where(TimelineEntry.happened_at == MOMENT)
        .order_by(TimelineEntry.id)
    )
    assert list(same_moment) == ["by the ORM", "in bulk"]
    entries = await uow.timeline.page(client.id, None, offset=0, limit=10)
    assert {entry.happened_at for entry in entries} == {MOMENT}
    assert await uow.session.scalar(select(Client.name)) == "Ivan"


async def test_clients_added_in_bulk_get_their_own_ids_and_later_ones_new_ids(
    uow: UnitOfWork,
) -> None:
    owner = await uow.users.add(
        telegram_id=1, role=Role.SPECIALIST, locale="en", timezone="UTC", now=MOMENT
    )
    first = await uow.clients.add(
        now=MOMENT, name="Before", status="lead", segment="standard", owner_id=owner.id
    )
    names = [f"Client {number}" for number in range(30)] + ["Twin", "Twin"]
    rows = [
        {"name": name, "status": "lead", "segment": "standard", "owner_id": owner.id}
        for name in names
    ]

    ids = await uow.clients.add_many(rows, now=MOMENT)
    after = await uow.clients.add(
        now=MOMENT, name="After", status="lead", segment="standard", owner_id=owner.id
    )

    assert len(set(ids)) == len(names) and first.id not in ids
    stored = {client.id: client.name for client in await uow.clients.many(ids)}
    assert [stored[client_id] for client_id in ids] == names
    assert after.id not in {first.id, *ids}


async def test_bulk_rows_leave_later_transactions_planning_each_query_anew(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Search needs PostgreSQL to plan each query for its own prefix (see database.py); the
    # cached plans a bulk insert allows for its foreign-key checks end with its transaction.
    if sessionmaker.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite has no plan cache")
    async with sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        owner = await uow.users.add(
            telegram_id=1, role=Role.SPECIALIST, locale="en", timezone="UTC", now=MOMENT
        )
        row = {"name": "Bulk", "status": "lead", "segment": "standard", "owner_id": owner.id}
        await uow.clients.add_many([row], now=MOMENT)
        assert await session.scalar(text("SHOW plan_cache_mode")) == "auto"
    async with sessionmaker() as session:
        assert await session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
