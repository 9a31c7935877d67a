"""Single-use staff invites; tokens are stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import InviteDTO
from bot.storage.enums import Role
from bot.storage.models import StaffInvite


def to_dto(row: StaffInvite) -> InviteDTO:
    return InviteDTO(
        id=row.id,
        role=Role(row.role),
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        used_by=row.used_by,
        revoked_at=row.revoked_at,
    )


# Neither used nor cancelled (expiry is checked against the caller's clock).
UNCLAIMED = (StaffInvite.used_at.is_(None), StaffInvite.revoked_at.is_(None))


class InviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, *, token_hash: str, role: Role, created_by: int, now: datetime, expires_at: datetime
    ) -> InviteDTO:
        row = StaffInvite(
            token_hash=token_hash,
            role=role.value,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def by_token_hash(self, token_hash: str) -> InviteDTO | None:
        row = await self._session.scalar(
            select(StaffInvite).where(StaffInvite.token_hash == token_hash)
        )
        return to_dto(row) if row else None

    async def get(self, invite_id: int) -> InviteDTO | None:
        row = await self._session.get(StaffInvite, invite_id, populate_existing=True)
        return to_dto(row) if row else None

    async def open_ones(self, now: datetime, created_by: int | None = None) -> list[InviteDTO]:
        """Invites still usable, soonest to expire first; optionally of one creator only."""
        query = select(StaffInvite).where(*UNCLAIMED, StaffInvite.expires_at > now)
        if created_by is not None:
            query = query.where(StaffInvite.created_by == created_by)
        rows = await self._session.scalars(query.order_by(StaffInvite.expires_at, StaffInvite.id))
        return [to_dto(row) for row in rows]

    async def mark_used(self, invite_id: int, *, user_id: int, now: datetime) -> bool:
        """Claims the invite; False when someone else used it first (single use under races)."""
        return await self._close(invite_id, used_at=now, used_by=user_id)

    async def revoke(self, invite_id: int, *, now: datetime) -> bool:
        return await self._close(invite_id, revoked_at=now)

    async def _close(self, invite_id: int, **values: object) -> bool:
        """Used or cancelled, whichever comes first: the other then finds nothing to close."""
        result = await self._session.execute(
            update(StaffInvite).where(StaffInvite.id == invite_id, *UNCLAIMED).values(**values)
        )
        return result.rowcount == 1
