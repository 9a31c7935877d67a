"""FSM storage in the application database, for deployments without Redis.

Writes join the update's own transaction when one is open (see `bind_session`): on SQLite
a second connection writing while the update holds the write lock would wait for itself.
State and data of one update are therefore committed, or rolled back, together with it.

Within an update, all rows of the user are read in one indexed query and cached, and unchanged
values are not written again: aiogram-dialog saves its (often empty) stack after every
message, and skipping those writes keeps read-only updates from taking SQLite's single write
lock. A row whose state and data are both empty is deleted, so finished dialogs leave nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import FsmRecord

# (state, data as JSON); None when there is no row.
Row = tuple[str | None, str | None]
EMPTY: Row = (None, None)


@dataclass
class _Binding:
    session: AsyncSession
    rows: dict[str, Row] = field(default_factory=dict)
    loaded_scopes: set[str] = field(default_factory=set)


_binding: ContextVar[_Binding | None] = ContextVar("fsm_binding", default=None)


@contextmanager
def bind_session(session: AsyncSession) -> Iterator[None]:
    token = _binding.set(_Binding(session))
    try:
        yield
    finally:
        _binding.reset(token)


def update_session() -> AsyncSession | None:
    """The session of the update being handled in this context, if any."""
    binding = _binding.get()
    return binding.session if binding is not None else None


class DatabaseStorage(BaseStorage):
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None
    ) -> None:
        self._sessionmaker = sessionmaker
        # Destiny in the key keeps aiogram-dialog stacks apart from plain FSM state.
        self._key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(data), ensure_ascii=False) if data else None
        await self._write(key, data=payload)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        payload = (await self._read(key))[1]
        return json.loads(payload) if payload else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""

    def _scope(self, key: StorageKey) -> str:
        """Shared by every key (plain state, dialog stacks and contexts) of a user and chat."""
        return self._key_builder.build(replace(key, destiny=""))

    async def _read(self, key: StorageKey) -> Row:
        built = self._key_builder.build(key)
        binding = _binding.get()
        if binding is None:
            async with self._sessionmaker() as own:
                return await self._select(own, built) or EMPTY
        scope = self._scope(key)
        if scope not in binding.loaded_scopes:
            binding.rows.update(await self._select_scope(binding.session, scope))
            binding.loaded_scopes.add(scope)
        return binding.rows.get(built) or EMPTY

    async def _write(self, key: StorageKey, **values: str | None) -> None:
        built, scope = self._key_builder.build(key), self._scope(key)
        binding = _binding.get()
        if binding is None:
            async with self._sessionmaker() as own, own.begin():
                current = await self._select(own, built) or EMPTY
                await self._store(own, built, scope, current, values)
            return
        current = await self._read(key)
        binding.rows[built] = await self._store(binding.session, built, scope, current, values)

    async def _store(
        self,
        session: AsyncSession,
        key: str,
        scope: str,
        current: Row,
        values: dict[str, str | None],
    ) -> Row:
        new = (values.get("state", current[0]), values.get("data", current[1]))
        if new == current:
            return current
        if new == EMPTY:
            await session.execute(delete(FsmRecord).where(FsmRecord.key == key))
        else:
            await session.execute(self._upsert(session, key, scope, values))
        return new

    @staticmethod
    async def _select(session: AsyncSession, key: str) -> Row | None:
        # Columns, not entities: the identity map would hide an upsert made in this session.
        query = select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key)
        row = (await session.execute(query)).first()
        return (row.state, row.data) if row else None

    @staticmethod
    async def _select_scope(session: AsyncSession, scope: str) -> dict[str, Row]:
        query = select(FsmRecord.key, FsmRecord.state, FsmRecord.data).where(
            FsmRecord.scope == scope
        )
        return {row.key: (row.state, row.data) for row in await session.execute(query)}

    @staticmethod
    def _upsert(session: AsyncSession, key: str, scope: str, values: dict[str, str | None]) -> Any:
        dialect = session.bind.dialect.name if session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        now = datetime.now(UTC)
        statement = insert(FsmRecord).values(key=key, scope=scope, updated_at=now, **values)
        return statement.on_conflict_do_update(
            index_elements=[FsmRecord.key], set_={**values, "updated_at": now}
        )
