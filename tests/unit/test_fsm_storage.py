"""Dialog state outlives the process: in the database without Redis, in Redis with it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.fsm import DatabaseStorage, bind_session
from tests.support.databases import redis_url

KEY = StorageKey(bot_id=42, chat_id=7, user_id=7)
DIALOG_KEY = StorageKey(bot_id=42, chat_id=7, user_id=7, destiny="aiogd:stack:")


async def test_state_and_data_survive_a_new_storage_instance(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    before_restart = DatabaseStorage(sessionmaker)
    await before_restart.set_state(KEY, "Onboarding:consent")
    await before_restart.set_data(KEY, {"locale": "ru", "source": "выставка"})

    after_restart = DatabaseStorage(sessionmaker)
    assert await after_restart.get_state(KEY) == "Onboarding:consent"
    assert await after_restart.get_data(KEY) == {"locale": "ru", "source": "выставка"}


async def test_destinies_are_kept_apart(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    storage = DatabaseStorage(sessionmaker)
    await storage.set_data(KEY, {"plain": True})
    await storage.set_data(DIALOG_KEY, {"stack": [1]})
    assert await storage.get_data(KEY) == {"plain": True}
    assert await storage.get_data(DIALOG_KEY) == {"stack": [1]}


async def test_clearing_state_and_data(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    storage = DatabaseStorage(sessionmaker)
    await storage.set_state(KEY, "A:b")
    await storage.set_data(KEY, {"x": 1})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_writes_join_the_updates_transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    storage = DatabaseStorage(sessionmaker)

    class HandlerFailed(Exception):
        pass

    with pytest.raises(HandlerFailed):
        async with sessionmaker() as session, session.begin():
            with bind_session(session):
                await storage.set_state(KEY, "A:b")
                assert await storage.get_state(KEY) == "A:b"
                raise HandlerFailed

    assert await storage.get_state(KEY) is None, "rolled back with the update"


@pytest.fixture
async def redis_storage() -> AsyncIterator[RedisStorage]:
    storage = RedisStorage.from_url(
        redis_url(), key_builder=DefaultKeyBuilder(with_destiny=True, prefix="clientdesk-test")
    )
    await storage.redis.flushdb()
    yield storage
    await storage.redis.flushdb()
    await storage.close()


async def test_redis_keeps_state_across_connections(redis_storage: RedisStorage) -> None:
    await redis_storage.set_state(KEY, "Onboarding:consent")
    await redis_storage.set_data(DIALOG_KEY, {"stack": [1]})

    reconnected = RedisStorage.from_url(
        redis_url(), key_builder=DefaultKeyBuilder(with_destiny=True, prefix="clientdesk-test")
    )
    try:
        assert await reconnected.get_state(KEY) == "Onboarding:consent"
        assert await reconnected.get_data(DIALOG_KEY) == {"stack": [1]}
        isolation = reconnected.create_isolation()
        async with isolation.lock(KEY):
            pass
    finally:
        await reconnected.close()


async def test_an_update_that_changes_nothing_writes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], engine
) -> None:
    from sqlalchemy import event

    storage = DatabaseStorage(sessionmaker)
    await storage.set_data(DIALOG_KEY, {"stack": [1]})
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.split()[0])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with sessionmaker() as session, session.begin():
            with bind_session(session):
                # What aiogram-dialog does on every message: read, then save back unchanged.
                await storage.set_data(DIALOG_KEY, await storage.get_data(DIALOG_KEY))
                await storage.set_data(KEY, await storage.get_data(KEY))
                await storage.set_state(KEY, await storage.get_state(KEY))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)

    assert statements == ["SELECT"], "one read for all rows of the user, no write"


async def test_finished_dialogs_leave_no_rows(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import func, select

    from bot.storage.models import FsmRecord

    storage = DatabaseStorage(sessionmaker)
    for key in (KEY, DIALOG_KEY):
        async with sessionmaker() as session, session.begin():
            with bind_session(session):
                await storage.set_state(key, "A:b")
                await storage.set_data(key, {"x": 1})
        async with sessionmaker() as session, session.begin():
            with bind_session(session):
                await storage.set_state(key, None)
                await storage.set_data(key, {})
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(FsmRecord)) == 0
