"""On SQLite, writers take turns in asyncio instead of sleeping in SQLite's busy handler;
readers never wait for a writer."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import migrate
from tests.support.databases import sqlite_engine

INSERT = text(
    "INSERT INTO audit_log (action, entity, created_at) VALUES (:action, 'test', '2026-11-27')"
)


def without_busy_waiting(engine: AsyncEngine) -> None:
    """SQLite's own busy handler off: a writer meeting a locked database fails at once, so
    only the turns can make the second writer wait."""

    def no_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    event.listen(engine.sync_engine, "connect", no_busy_timeout)


async def test_a_second_writer_waits_for_the_first_to_commit(tmp_path) -> None:
    async with sqlite_engine(str(tmp_path / "turns.db")) as engine:
        await migrate.upgrade(engine)
        await engine.dispose()  # new connections, with the busy handler off
        without_busy_waiting(engine)
        order: list[str] = []
        first_wrote = asyncio.Event()
        release_first = asyncio.Event()

        async def first() -> None:
            async with engine.begin() as connection:
                await connection.execute(INSERT, {"action": "first"})
                first_wrote.set()
                await release_first.wait()
                order.append("first commits")

        async def second() -> None:
            await first_wrote.wait()
            async with engine.begin() as connection:
                await connection.execute(INSERT, {"action": "second"})
                order.append("second wrote")

        async def reader() -> int:
            await first_wrote.wait()
            async with engine.connect() as connection:
                count = (await connection.execute(text("SELECT count(*) FROM audit_log"))).scalar()
            order.append("reader read")
            return int(count or 0)

        tasks = [asyncio.create_task(job()) for job in (first, second)]
        seen = await reader()
        await asyncio.sleep(0)  # let the second writer reach its turn and wait there
        release_first.set()
        await asyncio.gather(*tasks)

        assert seen == 0, "the reader sees the state before the first writer commits"
        assert order == ["reader read", "first commits", "second wrote"]
        async with engine.connect() as connection:
            actions = (await connection.execute(text("SELECT action FROM audit_log"))).scalars()
            assert sorted(actions) == ["first", "second"]


async def test_a_rolled_back_writer_gives_up_its_turn(tmp_path) -> None:
    async with sqlite_engine(str(tmp_path / "turns.db")) as engine:
        await migrate.upgrade(engine)
        try:
            async with engine.begin() as connection:
                await connection.execute(INSERT, {"action": "doomed"})
                raise RuntimeError("the handler failed")
        except RuntimeError:
            pass
        async with engine.begin() as connection:
            await asyncio.wait_for(connection.execute(INSERT, {"action": "next"}), timeout=5)
        async with engine.connect() as connection:
            actions = (await connection.execute(text("SELECT action FROM audit_log"))).scalars()
            assert list(actions) == ["next"]
