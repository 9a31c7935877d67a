"""A client's timeline: its own entries, with the requests and request messages of the
client's Telegram account read in among them (the desk's tables stay their only home)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import literal, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.bulk import insert_rows
from bot.storage.dto import TimelineDTO
from bot.storage.enums import TimelineKind
from bot.storage.models import Request, RequestMessage, TimelineEntry
from bot.storage.repositories.rows import from_row

# How many of a person's newest timeline entries "recently touched clients" come from.
RECENT_WINDOW = 200


def to_dto(row: TimelineEntry) -> TimelineDTO:
    return from_row(TimelineDTO, row, kind=TimelineKind(row.kind), request_id=None)


class TimelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        client_id: int,
        kind: TimelineKind,
        author_id: int | None,
        happened_at: datetime,
        now: datetime,
        text: str | None = None,
        outcome: str | None = None,
        next_step: str | None = None,
        next_step_at: datetime | None = None,
        file_id: str | None = None,
        file_kind: str | None = None,
        details: str | None = None,
    ) -> TimelineDTO:
        row = TimelineEntry(
            client_id=client_id,
            kind=kind.value,
            author_id=author_id,
            happened_at=happened_at,
            text=text,
            outcome=outcome,
            next_step=next_step,
            next_step_at=next_step_at,
            file_id=file_id,
            file_kind=file_kind,
            details=details,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def get(self, entry_id: int) -> TimelineDTO | None:
        row = await self._session.get(TimelineEntry, entry_id)
        return to_dto(row) if row else None

    async def move(self, from_client: int, to_client: int) -> None:
        await self._session.execute(
            update(TimelineEntry)
            .where(TimelineEntry.client_id == from_client)
            .values(client_id=to_client)
        )

    async def page(
        self, client_id: int, user_id: int | None, *, offset: int, limit: int
    ) -> list[TimelineDTO]:
        """Newest first. `user_id` is the client's Telegram account, whose requests and
        messages are part of his timeline. Read from those tables, a request entry carries
        its status in `outcome`, its kind in `file_kind` and its category in `details`; a
        message entry its side in `outcome` and its content type in `file_kind`."""
        entries = select(
            TimelineEntry.id.label("id"),
            TimelineEntry.kind.label("kind"),
            TimelineEntry.author_id.label("author_id"),
            TimelineEntry.happened_at.label("happened_at"),
            TimelineEntry.text.label("text"),
            TimelineEntry.outcome.label("outcome"),
            TimelineEntry.next_step.label("next_step"),
            TimelineEntry.next_step_at.label("next_step_at"),
            TimelineEntry.file_id.label("file_id"),
            TimelineEntry.file_kind.label("file_kind"),
            TimelineEntry.details.label("details"),
            null().label("request_id"),
        ).where(TimelineEntry.client_id == client_id)
        parts = [entries]
        if user_id is not None:
            parts.append(
                select(
                    Request.id,
                    literal(TimelineKind.REQUEST.value),
                    Request.client_id,
                    Request.created_at,
                    Request.subject,
                    Request.status,
                    null(),
                    null(),
                    null(),
                    Request.kind,
                    Request.category,
                    Request.id,
                ).where(Request.client_id == user_id)
            )
            parts.append(
                select(
                    RequestMessage.id,
                    literal(TimelineKind.MESSAGE.value),
                    RequestMessage.author_id,
                    RequestMessage.created_at,
                    RequestMessage.text,
                    RequestMessage.side,
                    null(),
                    null(),
                    RequestMessage.file_id,
                    RequestMessage.content_type,
                    null(),
                    RequestMessage.request_id,
                )
                .join(Request, Request.id == RequestMessage.request_id)
                .where(Request.client_id == user_id)
            )
        combined = union_all(*parts).subquery()
        rows = await self._session.execute(
            select(combined)
            .order_by(combined.c.happened_at.desc(), combined.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            TimelineDTO(
                id=row.id,
                client_id=client_id,
                kind=TimelineKind(row.kind),
                author_id=row.author_id,
                happened_at=row.happened_at,
                text=row.text,
                outcome=row.outcome,
                next_step=row.next_step,
                next_step_at=row.next_step_at,
                file_id=row.file_id,
                file_kind=row.file_kind,
                details=row.details,
                request_id=row.request_id,
            )
            for row in rows.all()
        ]

    async def clients_touched_by(
        self, author_id: int, *, limit: int, window: int = RECENT_WINDOW
    ) -> list[int]:
        """The clients `author_id` wrote entries on lately, the latest first: his newest
        `window` entries, walked backwards on the (author_id, id) index."""
        rows = await self._session.scalars(
            select(TimelineEntry.client_id)
            .where(TimelineEntry.author_id == author_id)
            .order_by(TimelineEntry.id.desc())
            .limit(window)
        )
        return list(dict.fromkeys(rows))[:limit]

    # Import (bot/services/crm/importing.py): one statement per batch of entries

    async def add_many(self, rows: Sequence[Mapping[str, object]], *, now: datetime) -> None:
        """Inserts entries (dicts of TimelineEntry's columns, `kind` a TimelineKind) in one
        executemany; the columns a row leaves out are empty."""
        if not rows:
            return
        # Every row has every column: one COPY or executemany takes one set of columns.
        empty = dict.fromkeys(
            ("text", "outcome", "next_step", "next_step_at", "file_id", "file_kind", "details")
        )
        await insert_rows(
            self._session,
            TimelineEntry.__table__,
            [
                {**empty, **row, "kind": TimelineKind(row["kind"]).value, "created_at": now}
                for row in rows
            ],
        )

    async def texts_of(self, client_ids: Sequence[int], kind: TimelineKind) -> set[tuple[int, str]]:
        """(client id, text) of these clients' entries of this kind: what is there already."""
        if not client_ids:
            return set()
        rows = await self._session.execute(
            select(TimelineEntry.client_id, TimelineEntry.text).where(
                TimelineEntry.client_id.in_(list(client_ids)),
                TimelineEntry.kind == kind.value,
                TimelineEntry.text.is_not(None),
            )
        )
        return {(client_id, text) for client_id, text in rows.all()}
