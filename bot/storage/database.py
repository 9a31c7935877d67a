"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.storage.sqlite_turns import WriteTurns

# Writers on SQLite queue behind each other; waiting beats failing with "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _ensure_sqlite_directory(url.database)
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, **kwargs
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        WriteTurns().install(engine)
        return engine
    if url.get_driver_name() == "asyncpg":
        # asyncpg prepares every statement; after five runs PostgreSQL may switch to a
        # generic plan, blind to the parameters, and for a prefix range on a search index
        # that plan walks the whole table (search p95 went from ~10 ms to ~2 s on 100k
        # clients). Planning each run anew costs a fraction of a millisecond.
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args["server_settings"] = {
            "plan_cache_mode": "force_custom_plan",
            **connect_args.get("server_settings", {}),
        }
        kwargs["connect_args"] = connect_args
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def _ensure_sqlite_directory(database: str | None) -> None:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
