"""Deals on clients and the pipeline they make."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import DealDTO
from bot.storage.enums import DealStage
from bot.storage.models import Deal
from bot.storage.repositories.rows import from_row


def to_dto(row: Deal) -> DealDTO:
    return from_row(DealDTO, row, stage=DealStage(row.stage))


class DealRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *, now: datetime, **fields: object) -> DealDTO:
        values = {k: (v.value if isinstance(v, DealStage) else v) for k, v in fields.items()}
        row = Deal(**values, stage_changed_at=now, created_at=now, updated_at=now)
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def get(self, deal_id: int) -> DealDTO | None:
        row = await self._session.get(Deal, deal_id)
        return to_dto(row) if row else None

    async def update(self, deal_id: int, *, now: datetime, **fields: object) -> DealDTO:
        values = {k: (v.value if isinstance(v, DealStage) else v) for k, v in fields.items()}
        if "stage" in values:
            values["stage_changed_at"] = now
        await self._session.execute(
            update(Deal).where(Deal.id == deal_id).values(**values, updated_at=now)
        )
        row = await self._session.get(Deal, deal_id, populate_existing=True)
        assert row is not None
        return to_dto(row)

    async def of_client(self, client_id: int) -> list[DealDTO]:
        rows = await self._session.scalars(
            select(Deal).where(Deal.client_id == client_id).order_by(Deal.id.desc())
        )
        return [to_dto(row) for row in rows]

    async def move(self, from_client: int, to_client: int) -> None:
        await self._session.execute(
            update(Deal).where(Deal.client_id == from_client).values(client_id=to_client)
        )
