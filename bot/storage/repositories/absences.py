"""Absences: who is away when, who covers, and the once-only steps of taking the cover up
and giving it back (guarded UPDATEs, so two schedulers never do either twice)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import AbsenceDTO
from bot.storage.enums import Side
from bot.storage.models import Absence, Client, Reminder, Request, RequestMessage, TimelineEntry
from bot.storage.repositories.requests import IS_OPEN
from bot.storage.repositories.rows import from_row


def to_dto(row: Absence) -> AbsenceDTO:
    return from_row(AbsenceDTO, row)


class AbsenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, **fields: object) -> AbsenceDTO:
        row = Absence(**fields)
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def get(self, absence_id: int) -> AbsenceDTO | None:
        row = await self._session.get(Absence, absence_id)
        return to_dto(row) if row else None

    async def ahead_of(self, user_id: int, now: datetime) -> list[AbsenceDTO]:
        """His absences not over yet and not cancelled, the soonest first."""
        rows = await self._session.scalars(
            select(Absence)
            .where(Absence.user_id == user_id, Absence.ends_at > now)
            .where(Absence.cancelled_at.is_(None))
            .order_by(Absence.starts_at, Absence.id)
        )
        return [to_dto(row) for row in rows]

    async def overlapping(
        self, user_id: int, starts_at: datetime, ends_at: datetime, *, as_deputy: bool = False
    ) -> bool:
        """Whether he is away (or, `as_deputy`, covers for someone) at some time in the
        period."""
        who = Absence.deputy_id if as_deputy else Absence.user_id
        found = await self._session.scalar(
            select(Absence.id)
            .where(who == user_id, Absence.cancelled_at.is_(None))
            .where(Absence.starts_at < ends_at, Absence.ends_at > starts_at)
            .limit(1)
        )
        return found is not None

    async def covered_by(self, deputy_id: int, now: datetime) -> frozenset[int]:
        """The people `deputy_id` covers for right now."""
        rows = await self._session.scalars(
            select(Absence.user_id).where(Absence.deputy_id == deputy_id, *Absence.in_force(now))
        )
        return frozenset(rows)

    async def deputies(self, user_ids: Iterable[int], now: datetime) -> dict[int, int]:
        """Who covers for each of `user_ids` away right now (the absent ones only)."""
        wanted = list(set(user_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(Absence.user_id, Absence.deputy_id)
            .where(Absence.user_id.in_(wanted), *Absence.in_force(now))
            .order_by(Absence.starts_at)
        )
        return {user_id: deputy_id for user_id, deputy_id in rows.all()}

    async def current(self, user_id: int, now: datetime) -> AbsenceDTO | None:
        row = await self._session.scalar(
            select(Absence).where(Absence.user_id == user_id, *Absence.in_force(now)).limit(1)
        )
        return to_dto(row) if row else None

    async def set(self, absence_id: int, **fields: object) -> AbsenceDTO:
        await self._session.execute(
            update(Absence)
            .where(Absence.id == absence_id)
            .values(**fields)
            .execution_options(synchronize_session=False)
        )
        row = await self._session.get(Absence, absence_id, populate_existing=True)
        assert row is not None
        return to_dto(row)

    async def claim_starts(self, now: datetime, limit: int) -> list[AbsenceDTO]:
        """Absences whose time has come and whose cover nobody took up yet, now taken."""
        ids = (
            select(Absence.id)
            .where(Absence.started_at.is_(None), *Absence.in_force(now))
            .limit(limit)
        )
        return await self._claim(ids, Absence.started_at, now)

    async def claim_ends(self, now: datetime, limit: int) -> list[AbsenceDTO]:
        """Absences over (their time passed, or cut short) whose cover was taken up and not
        given back yet, now being given back."""
        ids = (
            select(Absence.id)
            .where(Absence.started_at.is_not(None), Absence.handed_back_at.is_(None))
            .where(Absence.ends_at <= now)
            .limit(limit)
        )
        return await self._claim(ids, Absence.handed_back_at, now)

    async def _claim(self, ids, column, now: datetime) -> list[AbsenceDTO]:  # type: ignore[no-untyped-def]
        chosen = list(await self._session.scalars(ids))
        if not chosen:
            return []
        rows = await self._session.scalars(
            update(Absence)
            .where(Absence.id.in_(chosen), column.is_(None))
            .values({column.key: now})
            .returning(Absence)
            .execution_options(synchronize_session=False)
        )
        return sorted((to_dto(row) for row in rows), key=lambda a: a.id)

    # Requests held by the deputy -------------------------------------------------------

    async def take_over(self, absence: AbsenceDTO) -> list[int]:
        """His open requests go to the deputy, marked with the absence; their ids."""
        return await self._reassign(
            absence,
            (Request.assignee_id == absence.user_id,),
            assignee_id=absence.deputy_id,
            cover_id=absence.id,
        )

    async def hand_back(self, absence: AbsenceDTO) -> list[int]:
        """The open requests the deputy still holds under the absence go back to him (one
        someone reassigned meanwhile stays where it is); their ids."""
        return await self._reassign(
            absence,
            (Request.cover_id == absence.id, Request.assignee_id == absence.deputy_id),
            assignee_id=absence.user_id,
        )

    async def _reassign(self, absence: AbsenceDTO, where, **values: object) -> list[int]:  # type: ignore[no-untyped-def]
        rows = await self._session.scalars(
            update(Request)
            .where(*where, IS_OPEN)
            .values(**values)
            .returning(Request.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(rows)

    async def covered_requests(self, absence_id: int) -> int:
        """How many requests were held under the absence."""
        return int(
            await self._session.scalar(
                select(func.count()).select_from(Request).where(Request.cover_id == absence_id)
            )
            or 0
        )

    # What happened meanwhile, for the digest he gets when he is back -----------------

    async def reminders_sent(self, user_id: int, since: datetime, until: datetime) -> int:
        return int(
            await self._session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.owner_id == user_id)
                .where(Reminder.sent_at >= since, Reminder.sent_at < until)
            )
            or 0
        )

    async def client_messages(self, absence_id: int, since: datetime, until: datetime) -> int:
        return int(
            await self._session.scalar(
                select(func.count())
                .select_from(RequestMessage)
                .join(Request, Request.id == RequestMessage.request_id)
                .where(Request.cover_id == absence_id, RequestMessage.side == Side.CLIENT.value)
                .where(RequestMessage.created_at >= since, RequestMessage.created_at < until)
            )
            or 0
        )

    async def entries_by(
        self, author_id: int, client_owner_id: int, since: datetime, until: datetime
    ) -> int:
        """Timeline entries `author_id` made on `client_owner_id`'s clients in the period."""
        return int(
            await self._session.scalar(
                select(func.count())
                .select_from(TimelineEntry)
                .join(Client, Client.id == TimelineEntry.client_id)
                .where(TimelineEntry.author_id == author_id, Client.owner_id == client_owner_id)
                .where(TimelineEntry.created_at >= since, TimelineEntry.created_at < until)
            )
            or 0
        )
