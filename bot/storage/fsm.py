"""FSM storage in the application database, for deployments without Redis.

Writes join the update's own transaction when one is open (see `bind_session`): on SQLite
a second connection writing while the update holds the write lock would wait for itself.
State and data of one update are therefore committed, or rolled back, together with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from sqlalchemy import Row, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import FsmRecord

_current_session: ContextVar[AsyncSession | None] = ContextVar("fsm_session", default=None)


@contextmanager
def bind_session(session: AsyncSession) -> Iterator[None]:
    token = _current_session.set(session)
    try:
        yield
    finally:
        _current_session.reset(token)


class DatabaseStorage(BaseStorage):
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None
    ) -> None:
        self._sessionmaker = sessionmaker
        # Destiny in the key keeps aiogram-dialog stacks apart from plain FSM state.
        self._key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(self._key_builder.build(key), {"state": value})

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._get(self._key_builder.build(key))
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(data), ensure_ascii=False) if data else None
        await self._upsert(self._key_builder.build(key), {"data": payload})

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._get(self._key_builder.build(key))
        if record is None or not record.data:
            return {}
        return json.loads(record.data)

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""

    async def _get(self, key: str) -> Row[Any] | None:
        # Columns, not entities: the identity map would hide an upsert made in this session.
        query = select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key)
        session = _current_session.get()
        if session is not None:
            return (await session.execute(query)).first()
        async with self._sessionmaker() as own:
            return (await own.execute(query)).first()

    async def _upsert(self, key: str, values: dict[str, Any]) -> None:
        session = _current_session.get()
        if session is not None:
            await session.execute(self._upsert_statement(session, key, values))
            return
        async with self._sessionmaker() as own, own.begin():
            await own.execute(self._upsert_statement(own, key, values))

    @staticmethod
    def _upsert_statement(session: AsyncSession, key: str, values: dict[str, Any]) -> Any:
        dialect = session.bind.dialect.name if session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        now = datetime.now(UTC)
        statement = insert(FsmRecord).values(key=key, updated_at=now, **values)
        return statement.on_conflict_do_update(
            index_elements=[FsmRecord.key], set_={**values, "updated_at": now}
        )
