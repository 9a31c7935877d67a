"""Migrations upgrade, downgrade and upgrade again on SQLite and PostgreSQL,
and the models never drift from them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import migrate
from bot.storage.models import Base

TABLES = {
    "users",
    "staff_invites",
    "audit_log",
    "fsm_state",
    "requests",
    "request_messages",
    "request_events",
    "relay_links",
    "handoffs",
    "feedback",
}


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_downgrade_upgrade(bare_engine: AsyncEngine) -> None:
    await migrate.upgrade(bare_engine)
    assert await table_names(bare_engine) >= TABLES
    head = await migrate.current_revision(bare_engine)
    assert head is not None

    await migrate.downgrade(bare_engine, "base")
    assert not TABLES & await table_names(bare_engine)
    assert await migrate.current_revision(bare_engine) is None

    await migrate.upgrade(bare_engine)
    assert await table_names(bare_engine) >= TABLES
    assert await migrate.current_revision(bare_engine) == head


async def test_models_match_the_migrations(engine: AsyncEngine) -> None:
    def diff(sync_connection) -> list:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    from sqlalchemy import text

    from tests.support.databases import sqlite_engine

    async with (
        sqlite_engine(str(tmp_path / "wal.db")) as engine,
        engine.connect() as connection,
    ):
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
    assert (journal, foreign_keys) == ("wal", 1)
