"""Requests (inquiries and claims) and their history of events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import EventDTO, RequestDTO
from bot.storage.enums import OPEN_STATUSES, RequestKind, RequestStatus, Role
from bot.storage.models import Absence, Request, RequestEvent, User
from bot.storage.repositories.rows import from_row

IS_OPEN = Request.status.in_([status.value for status in OPEN_STATUSES])


def to_dto(row: Request) -> RequestDTO:
    return from_row(RequestDTO, row, kind=RequestKind(row.kind), status=RequestStatus(row.status))


def event_dto(row: RequestEvent) -> EventDTO:
    return from_row(
        EventDTO,
        row,
        from_status=RequestStatus(row.from_status) if row.from_status else None,
        to_status=RequestStatus(row.to_status) if row.to_status else None,
    )


class RequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, **columns: object) -> RequestDTO:
        row = Request(**{k: _stored(v) for k, v in columns.items()})
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def get(self, request_id: int) -> RequestDTO | None:
        row = await self._session.get(Request, request_id)
        return to_dto(row) if row else None

    async def update(self, request_id: int, *, now: datetime, **columns: object) -> RequestDTO:
        values = {k: _stored(v) for k, v in columns.items()}
        await self._session.execute(
            update(Request).where(Request.id == request_id).values(**values, updated_at=now)
        )
        row = await self._session.get(Request, request_id, populate_existing=True)
        assert row is not None
        return to_dto(row)

    async def of_client(
        self, client_id: int, *, open_only: bool = False, limit: int = 100, offset: int = 0
    ) -> list[RequestDTO]:
        """Newest activity first."""
        query = select(Request).where(Request.client_id == client_id)
        if open_only:
            query = query.where(IS_OPEN)
        rows = await self._session.scalars(
            query.order_by(Request.updated_at.desc(), Request.id.desc()).limit(limit).offset(offset)
        )
        return [to_dto(row) for row in rows]

    async def count_of_client(self, client_id: int) -> int:
        return (
            await self._session.scalar(
                select(func.count()).select_from(Request).where(Request.client_id == client_id)
            )
            or 0
        )

    async def queue(
        self, assignee_id: int | None, *, limit: int = 100, offset: int = 0
    ) -> list[RequestDTO]:
        """Open requests, the nearest deadline first; everyone's when no assignee is given."""
        query = select(Request).where(IS_OPEN)
        if assignee_id is not None:
            query = query.where(Request.assignee_id == assignee_id)
        rows = await self._session.scalars(
            query.order_by(Request.resolution_due, Request.id).limit(limit).offset(offset)
        )
        return [to_dto(row) for row in rows]

    async def count_queue(self, assignee_id: int | None) -> int:
        query = select(func.count()).select_from(Request).where(IS_OPEN)
        if assignee_id is not None:
            query = query.where(Request.assignee_id == assignee_id)
        return await self._session.scalar(query) or 0

    async def overdue(self, now: datetime, *, limit: int = 500) -> list[RequestDTO]:
        """Open requests past a deadline: no first answer in time, or not resolved in time
        (a request waiting for the client is paused and not late on resolution)."""
        rows = await self._session.scalars(
            select(Request)
            .where(
                IS_OPEN,
                or_(
                    (Request.first_response_at.is_(None)) & (Request.first_response_due < now),
                    (Request.paused_at.is_(None)) & (Request.resolution_due < now),
                ),
            )
            .order_by(Request.resolution_due, Request.id)
            .limit(limit)
        )
        return [to_dto(row) for row in rows]

    async def with_status(self, status: RequestStatus, *, limit: int = 500) -> list[RequestDTO]:
        rows = await self._session.scalars(
            select(Request).where(Request.status == status.value).order_by(Request.id).limit(limit)
        )
        return [to_dto(row) for row in rows]

    async def nps_due(
        self, first_resolved_before: datetime, asked_before: datetime, *, limit: int
    ) -> list[int]:
        """Clients with consent whose first resolved request was resolved before
        `first_resolved_before` and who were not asked for NPS since `asked_before`."""
        first = func.min(Request.resolved_at)
        rows = await self._session.scalars(
            select(Request.client_id)
            .join(User, User.id == Request.client_id)
            .where(
                Request.resolved_at.is_not(None),
                User.consent_given_at.is_not(None),
                User.consent_withdrawn_at.is_(None),
                or_(User.nps_asked_at.is_(None), User.nps_asked_at < asked_before),
            )
            .group_by(Request.client_id)
            .having(first < first_resolved_before)
            .limit(limit)
        )
        return [client_id for client_id in rows if client_id is not None]

    async def least_loaded(self, role: Role, now: datetime) -> int | None:
        """The member of this role with the fewest open requests; on a tie, the one who
        got a request least recently (round robin), then the longest-serving. Someone away
        (an absence in force) gets none."""
        away = select(Absence.id).where(Absence.user_id == User.id, *Absence.in_force(now))
        open_count = (
            select(func.count())
            .where(Request.assignee_id == User.id, IS_OPEN)
            .correlate(User)
            .scalar_subquery()
        )
        last_assigned = (
            select(func.max(Request.created_at))
            .where(Request.assignee_id == User.id)
            .correlate(User)
            .scalar_subquery()
        )
        return await self._session.scalar(
            select(User.id)
            .where(User.role == role.value, ~away.correlate(User).exists())
            .order_by(open_count, last_assigned.is_not(None), last_assigned, User.id)
            .limit(1)
        )

    async def forget_client_texts(self, client_id: int, *, now: datetime) -> int:
        """Erasure: what the client wrote goes; kind, category and dates stay for statistics."""
        result = await self._session.execute(
            update(Request)
            .where(Request.client_id == client_id)
            .values(subject=None, order_ref=None, updated_at=now)
        )
        return result.rowcount or 0

    async def ids_of_client(self, client_id: int) -> list[int]:
        return list(
            await self._session.scalars(select(Request.id).where(Request.client_id == client_id))
        )

    async def forget_event_comments(self, request_ids: list[int]) -> None:
        if request_ids:
            await self._session.execute(
                update(RequestEvent)
                .where(RequestEvent.request_id.in_(request_ids))
                .values(comment=None)
            )

    async def add_event(
        self,
        request_id: int,
        *,
        actor_id: int | None,
        action: str,
        now: datetime,
        from_status: RequestStatus | None = None,
        to_status: RequestStatus | None = None,
        comment: str | None = None,
    ) -> EventDTO:
        row = RequestEvent(
            request_id=request_id,
            actor_id=actor_id,
            action=action,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value if to_status else None,
            comment=comment,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return event_dto(row)

    async def events(self, request_id: int) -> list[EventDTO]:
        rows = await self._session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.id)
        )
        return [event_dto(row) for row in rows]

    async def marks(
        self, request_ids: Sequence[int], actions: Sequence[str]
    ) -> set[tuple[int, str, str | None]]:
        """(request id, action, comment) of these requests' events with these actions, in
        one query: what the timed jobs already did to each request."""
        if not request_ids:
            return set()
        rows = await self._session.execute(
            select(RequestEvent.request_id, RequestEvent.action, RequestEvent.comment).where(
                RequestEvent.request_id.in_(list(request_ids)),
                RequestEvent.action.in_(list(actions)),
            )
        )
        return {(request_id, action, comment) for request_id, action, comment in rows.all()}

    async def tally_of_client(self, client_id: int) -> dict[tuple[RequestKind, RequestStatus], int]:
        """How many of the client's requests there are of each kind and status (one query;
        the reliability score reads claims and requests waiting for the client from it)."""
        rows = await self._session.execute(
            select(Request.kind, Request.status, func.count())
            .where(Request.client_id == client_id)
            .group_by(Request.kind, Request.status)
        )
        return {
            (RequestKind(kind), RequestStatus(status)): count for kind, status, count in rows.all()
        }


def _stored(value: object) -> object:
    """Enums are stored as their string values."""
    return value.value if isinstance(value, Enum) else value
