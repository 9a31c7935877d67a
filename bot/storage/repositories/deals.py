"""Deals on clients and the pipeline they make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import DealDTO
from bot.storage.enums import OPEN_DEAL_STAGES, DealStage
from bot.storage.models import Deal
from bot.storage.repositories.rows import from_row


@dataclass(frozen=True, slots=True)
class StageTotal:
    """Deals of one stage in one currency: how many, and their amounts summed (None when
    none of them has an amount)."""

    stage: DealStage
    currency: str
    count: int
    amount_minor: int | None


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

    async def stage_totals(self, owner_id: int | None, closed_since: datetime) -> list[StageTotal]:
        """Open deals, and deals won or lost since `closed_since`, counted and summed per
        stage and currency; `owner_id` None is everyone's. Served by ix_deals_owner_stage."""
        rows = await self._session.execute(
            select(Deal.stage, Deal.currency, func.count(), func.sum(Deal.amount_minor))
            .where(*_scope(owner_id, closed_since))
            .group_by(Deal.stage, Deal.currency)
        )
        return [
            StageTotal(DealStage(stage), currency, count, None if total is None else int(total))
            for stage, currency, count, total in rows.all()
        ]

    async def in_stage(
        self,
        stage: DealStage,
        owner_id: int | None,
        closed_since: datetime,
        *,
        offset: int,
        limit: int,
    ) -> list[DealDTO]:
        """One stage's deals as the pipeline counts them: open ones nearest expected close
        first (undated last), won and lost ones latest first."""
        query = select(Deal).where(Deal.stage == stage.value, *_scope(owner_id, closed_since))
        if stage.is_open:
            query = query.order_by(
                Deal.expected_close.is_(None), Deal.expected_close, Deal.id.desc()
            )
        else:
            query = query.order_by(Deal.stage_changed_at.desc(), Deal.id.desc())
        rows = await self._session.scalars(query.offset(offset).limit(limit))
        return [to_dto(row) for row in rows]

    async def hand_over_open(self, client_id: int, owner_id: int | None, *, now: datetime) -> None:
        """The client's open deals follow him to his new owner; closed ones keep who won or
        lost them."""
        await self._session.execute(
            update(Deal)
            .where(
                Deal.client_id == client_id,
                Deal.stage.in_([stage.value for stage in OPEN_DEAL_STAGES]),
            )
            .values(owner_id=owner_id, updated_at=now)
        )


def _scope(owner_id: int | None, closed_since: datetime) -> list[object]:
    """The pipeline's rows: every open deal, and won/lost ones closed since the date."""
    open_stages = [stage.value for stage in DealStage if stage.is_open]
    closed_stages = [stage.value for stage in DealStage if not stage.is_open]
    conditions: list[object] = [
        or_(
            Deal.stage.in_(open_stages),
            and_(Deal.stage.in_(closed_stages), Deal.stage_changed_at >= closed_since),
        )
    ]
    if owner_id is not None:
        conditions.insert(0, Deal.owner_id == owner_id)
    return conditions
