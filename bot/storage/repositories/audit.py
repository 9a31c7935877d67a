"""Append-only audit log of who did what to which record."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import AuditDTO
from bot.storage.models import AuditRecord


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None,
        now: datetime,
        details: dict[str, Any] | None = None,
    ) -> None:
        self._session.add(
            AuditRecord(
                actor_id=actor_id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
                if details
                else None,
                created_at=now,
            )
        )
        await self._session.flush()

    async def for_entity(self, entity: str, entity_id: int) -> list[AuditDTO]:
        rows = await self._session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity == entity, AuditRecord.entity_id == entity_id)
            .order_by(AuditRecord.id)
        )
        return [
            AuditDTO(
                id=r.id,
                actor_id=r.actor_id,
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                details=r.details,
                created_at=r.created_at,
            )
            for r in rows
        ]

    async def forget_person(self, user_id: int) -> None:
        """Erasure: his records stay as anonymous statistics, without his id (which a later
        user may even be given on SQLite)."""
        await self._session.execute(
            update(AuditRecord).where(AuditRecord.actor_id == user_id).values(actor_id=None)
        )
        await self._session.execute(
            update(AuditRecord)
            .where(AuditRecord.entity == "user", AuditRecord.entity_id == user_id)
            .values(entity_id=None)
        )
