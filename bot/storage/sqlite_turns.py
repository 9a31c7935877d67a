"""On SQLite, one writing transaction at a time per process, queued in asyncio.

SQLite lets one writer in at a time; the others spin in its busy handler, which sleeps in
growing steps (up to 100 ms) and made a busy desk's slowest answers take over a second.
Here a transaction that is about to write first waits its turn on an asyncio lock, held
until its commit or rollback has reached the database: writers queue without sleeping,
readers never wait."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def _raw(connection: Any) -> Any:
    """The driver's connection under SQLAlchemy's wrappers (which differ between calls)."""
    return getattr(connection, "dbapi_connection", connection)


class WriteTurns:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._holder: Any = None  # the driver connection whose transaction has the turn

    def install(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._before_statement)
        # The engine's commit and rollback events fire before the database has finished:
        # the turn is handed on from the dialect's own calls, once they return.
        dialect = engine.sync_engine.dialect
        dialect.do_commit = self._then_hand_on(dialect.do_commit)  # type: ignore[method-assign]
        dialect.do_rollback = self._then_hand_on(dialect.do_rollback)  # type: ignore[method-assign]

    def _before_statement(
        self, connection: Connection, _cursor: Any, statement: str, *_args: Any
    ) -> None:
        raw = _raw(connection.connection)
        if raw is self._holder or not statement.lstrip().upper().startswith(WRITES):
            return
        await_only(self._lock.acquire())
        self._holder = raw

    def _then_hand_on(self, finish: Callable[[Any], None]) -> Callable[[Any], None]:
        def finish_and_hand_on(dbapi_connection: Any) -> None:
            try:
                finish(dbapi_connection)
            finally:
                if self._holder is not None and _raw(dbapi_connection) is self._holder:
                    self._holder = None
                    self._lock.release()

        return finish_and_hand_on
