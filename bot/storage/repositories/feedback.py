"""Department hand-offs and client feedback (ratings, praise, complaints, NPS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import FeedbackDTO, HandoffDTO
from bot.storage.enums import FeedbackKind, HandoffStatus
from bot.storage.models import Feedback, Handoff
from bot.storage.repositories.rows import from_row


def handoff_dto(row: Handoff) -> HandoffDTO:
    return from_row(HandoffDTO, row, status=HandoffStatus(row.status))


def feedback_dto(row: Feedback) -> FeedbackDTO:
    return from_row(FeedbackDTO, row, kind=FeedbackKind(row.kind))


class HandoffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        request_id: int,
        department: str,
        note: str | None,
        due_at: datetime,
        created_by: int | None,
        now: datetime,
    ) -> HandoffDTO:
        row = Handoff(
            request_id=request_id,
            department=department,
            note=note,
            due_at=due_at,
            status=HandoffStatus.SENT.value,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return handoff_dto(row)

    async def get(self, handoff_id: int) -> HandoffDTO | None:
        row = await self._session.get(Handoff, handoff_id)
        return handoff_dto(row) if row else None

    async def set_status(
        self, handoff_id: int, status: HandoffStatus, *, now: datetime
    ) -> HandoffDTO:
        await self._session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id)
            .values(status=status.value, updated_at=now)
        )
        row = await self._session.get(Handoff, handoff_id, populate_existing=True)
        assert row is not None
        return handoff_dto(row)

    async def of_request(self, request_id: int) -> list[HandoffDTO]:
        rows = await self._session.scalars(
            select(Handoff).where(Handoff.request_id == request_id).order_by(Handoff.id)
        )
        return [handoff_dto(row) for row in rows]

    async def forget_notes_of_client(self, request_ids: list[int]) -> None:
        """Erasure: a note may quote the client; the department and dates stay."""
        if request_ids:
            await self._session.execute(
                update(Handoff).where(Handoff.request_id.in_(request_ids)).values(note=None)
            )


class FeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        client_id: int,
        kind: FeedbackKind,
        now: datetime,
        score: int | None = None,
        request_id: int | None = None,
        comment: str | None = None,
    ) -> FeedbackDTO:
        row = Feedback(
            client_id=client_id,
            request_id=request_id,
            kind=kind.value,
            score=score,
            comment=comment,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return feedback_dto(row)

    async def get(self, feedback_id: int) -> FeedbackDTO | None:
        row = await self._session.get(Feedback, feedback_id)
        return feedback_dto(row) if row else None

    async def update(self, feedback_id: int, **columns: object) -> FeedbackDTO:
        await self._session.execute(
            update(Feedback).where(Feedback.id == feedback_id).values(**columns)
        )
        row = await self._session.get(Feedback, feedback_id, populate_existing=True)
        assert row is not None
        return feedback_dto(row)

    async def of_client(self, client_id: int) -> list[FeedbackDTO]:
        rows = await self._session.scalars(
            select(Feedback).where(Feedback.client_id == client_id).order_by(Feedback.id)
        )
        return [feedback_dto(row) for row in rows]

    async def rating_of(self, request_id: int) -> FeedbackDTO | None:
        return next(
            (
                feedback_dto(row)
                for row in await self._session.scalars(
                    select(Feedback)
                    .where(
                        Feedback.request_id == request_id,
                        Feedback.kind == FeedbackKind.CSAT.value,
                    )
                    .order_by(Feedback.id.desc())
                    .limit(1)
                )
            ),
            None,
        )

    async def forget_comments_of_client(self, client_id: int) -> None:
        """Erasure keeps the scores (anonymous statistics) and drops the words."""
        await self._session.execute(
            update(Feedback).where(Feedback.client_id == client_id).values(comment=None)
        )
