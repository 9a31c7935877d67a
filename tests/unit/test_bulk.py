"""Bulk inserts (COPY on PostgreSQL, the driver's executemany on SQLite) store values exactly
as the ORM does, so queries compare them alike."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

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
