"""Users: clients and staff, keyed by their Telegram id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import UserDTO
from bot.storage.enums import Role
from bot.storage.models import User


def to_dto(row: User) -> UserDTO:
    return UserDTO(
        id=row.id,
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        username=row.username,
        role=Role(row.role),
        locale=row.locale,
        timezone=row.timezone,
        consent_given_at=row.consent_given_at,
        consent_withdrawn_at=row.consent_withdrawn_at,
        source=row.source,
        created_at=row.created_at,
        owner_id=row.owner_id,
        segment=row.segment,
        unreachable_at=row.unreachable_at,
    )


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> UserDTO | None:
        row = await self._session.get(User, user_id)
        return to_dto(row) if row else None

    async def find(self, user_id: int | None) -> UserDTO | None:
        """Like `get`, for references that may be empty (no assignee, an erased client)."""
        return await self.get(user_id) if user_id is not None else None

    async def by_telegram_id(self, telegram_id: int) -> UserDTO | None:
        row = await self._session.scalar(select(User).where(User.telegram_id == telegram_id))
        return to_dto(row) if row else None

    async def add(
        self,
        *,
        telegram_id: int,
        role: Role,
        locale: str,
        timezone: str,
        now: datetime,
        full_name: str | None = None,
        username: str | None = None,
        consent_given_at: datetime | None = None,
        source: str | None = None,
    ) -> UserDTO:
        row = User(
            telegram_id=telegram_id,
            full_name=full_name,
            username=username,
            role=role.value,
            locale=locale,
            timezone=timezone,
            consent_given_at=consent_given_at,
            source=source,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def update(self, user_id: int, *, now: datetime, **fields: object) -> UserDTO:
        """Sets the given columns; `role` may be passed as a Role."""
        values = {k: (v.value if isinstance(v, Role) else v) for k, v in fields.items()}
        await self._session.execute(
            update(User).where(User.id == user_id).values(**values, updated_at=now)
        )
        row = await self._session.get(User, user_id, populate_existing=True)
        assert row is not None
        return to_dto(row)

    async def delete(self, user_id: int) -> None:
        await self._session.execute(delete(User).where(User.id == user_id))

    async def staff(self) -> list[UserDTO]:
        rows = await self._session.scalars(
            select(User).where(User.role != Role.CLIENT.value).order_by(User.id)
        )
        return [to_dto(row) for row in rows]

    async def count_by_role(self) -> dict[Role, int]:
        rows = await self._session.execute(select(User.role, func.count()).group_by(User.role))
        return {Role(role): count for role, count in rows.all()}

    async def with_role(self, role: Role) -> list[UserDTO]:
        rows = await self._session.scalars(
            select(User).where(User.role == role.value).order_by(User.id)
        )
        return [to_dto(row) for row in rows]

    async def many(self, user_ids: Iterable[int]) -> dict[int, UserDTO]:
        """The users with these ids that exist, by id (one query for a page of names)."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        # Plain rows (see ReminderRepository.claim_due): a reminder batch's owners at once.
        rows = await self._session.execute(
            select(*User.__table__.columns).where(User.id.in_(wanted))
        )
        return {row.id: to_dto(row) for row in rows}  # type: ignore[arg-type]

    async def set_unreachable(self, telegram_id: int, when: datetime | None) -> None:
        """Marks him as having blocked the bot (`when`), or reachable again (None)."""
        await self._session.execute(
            update(User)
            .where(User.telegram_id == telegram_id)
            .values(unreachable_at=when)
            .execution_options(synchronize_session=False)
        )

    async def claim_digest(self, user_id: int, day: date) -> bool:
        """Takes the morning digest of `day` for him; False when it was already made (by
        this scheduler or another), so it is made once."""
        result = await self._session.execute(
            update(User)
            .where(
                User.id == user_id,
                or_(User.last_digest_on.is_(None), User.last_digest_on < day),
            )
            .values(last_digest_on=day)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def claim_nps(self, user_id: int, now: datetime, asked_before: datetime) -> bool:
        """Takes the NPS question for him unless he was asked since `asked_before`."""
        result = await self._session.execute(
            update(User)
            .where(
                User.id == user_id,
                or_(User.nps_asked_at.is_(None), User.nps_asked_at < asked_before),
            )
            .values(nps_asked_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
