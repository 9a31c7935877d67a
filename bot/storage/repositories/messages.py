"""Messages said on requests, their delivery to the other side, and the links that tell
which request a message in someone's chat belongs to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import MessageDTO
from bot.storage.enums import Side
from bot.storage.models import RelayLink, RequestMessage
from bot.storage.repositories.rows import from_row


def to_dto(row: RequestMessage) -> MessageDTO:
    return from_row(MessageDTO, row, side=Side(row.side))


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        request_id: int,
        author_id: int | None,
        side: Side,
        content_type: str,
        now: datetime,
        relayed: bool,
        text: str | None = None,
        file_id: str | None = None,
        file_size: int | None = None,
        extra: str | None = None,
        media_group_id: str | None = None,
        source_chat_id: int | None = None,
        source_message_id: int | None = None,
    ) -> MessageDTO:
        row = RequestMessage(
            request_id=request_id,
            author_id=author_id,
            side=side.value,
            content_type=content_type,
            text=text,
            file_id=file_id,
            file_size=file_size,
            extra=extra,
            media_group_id=media_group_id,
            source_chat_id=source_chat_id,
            source_message_id=source_message_id,
            relayed=relayed,
            attempts=0,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def get(self, message_id: int) -> MessageDTO | None:
        row = await self._session.get(RequestMessage, message_id)
        return to_dto(row) if row else None

    async def of_request(self, request_id: int) -> list[MessageDTO]:
        rows = await self._session.scalars(
            select(RequestMessage)
            .where(RequestMessage.request_id == request_id)
            .order_by(RequestMessage.id)
        )
        return [to_dto(row) for row in rows]

    async def count_undelivered(self, request_id: int) -> int:
        return (
            await self._session.scalar(
                select(func.count())
                .select_from(RequestMessage)
                .where(
                    RequestMessage.request_id == request_id,
                    RequestMessage.relayed.is_(True),
                    RequestMessage.delivered_at.is_(None),
                )
            )
            or 0
        )

    async def undelivered(self, *, limit: int = 100) -> list[MessageDTO]:
        """Copies still owed to the other side, oldest first."""
        rows = await self._session.scalars(
            select(RequestMessage)
            .where(RequestMessage.relayed.is_(True), RequestMessage.delivered_at.is_(None))
            .order_by(RequestMessage.id)
            .limit(limit)
        )
        return [to_dto(row) for row in rows]

    async def mark_delivered(self, message_id: int, *, now: datetime) -> None:
        await self._session.execute(
            update(RequestMessage)
            .where(RequestMessage.id == message_id)
            .values(delivered_at=now, attempts=RequestMessage.attempts + 1, last_error=None)
        )

    async def mark_failed(self, message_id: int, *, error: str) -> None:
        await self._session.execute(
            update(RequestMessage)
            .where(RequestMessage.id == message_id)
            .values(attempts=RequestMessage.attempts + 1, last_error=error[:256])
        )

    async def delete_of_requests(self, request_ids: list[int]) -> int:
        """Erasure: both sides of a client's conversation may name him."""
        if not request_ids:
            return 0
        result = await self._session.execute(
            delete(RequestMessage).where(RequestMessage.request_id.in_(request_ids))
        )
        return result.rowcount or 0

    async def forget_links_in_chat(self, chat_id: int) -> None:
        """Erasure: a link in a client's private chat (whose id is his Telegram id) would tie
        his anonymous requests back to him."""
        await self._session.execute(delete(RelayLink).where(RelayLink.chat_id == chat_id))

    async def link(self, *, chat_id: int, message_id: int, request_id: int) -> None:
        """Remembers that this message in this chat is about this request; the same message
        linked twice (a retried send) keeps its first link."""
        dialect = self._session.bind.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await self._session.execute(
            insert(RelayLink)
            .values(chat_id=chat_id, message_id=message_id, request_id=request_id)
            .on_conflict_do_nothing()
        )

    async def linked_request(self, *, chat_id: int, message_id: int) -> int | None:
        return await self._session.scalar(
            select(RelayLink.request_id).where(
                RelayLink.chat_id == chat_id, RelayLink.message_id == message_id
            )
        )
