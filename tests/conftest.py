"""Fixtures shared by every layer: databases (SQLite and PostgreSQL), clock, settings."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings, load_settings
from bot.storage import migrate
from bot.storage.database import create_sessionmaker
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.support.databases import postgres_schema_engine, sqlite_engine

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawA"
ADMIN_ID = 1000


@pytest.fixture(params=["sqlite", "postgres"])
async def bare_engine(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[AsyncEngine]:
    """An empty database of each kind; the test decides what to migrate."""
    if request.param == "sqlite":
        async with sqlite_engine(str(tmp_path / "test.db")) as engine:
            yield engine
    else:
        async with postgres_schema_engine() as engine:
            yield engine


@pytest.fixture
async def engine(bare_engine: AsyncEngine) -> AsyncEngine:
    await migrate.upgrade(bare_engine)
    return bare_engine


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def uow(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[UnitOfWork]:
    async with sessionmaker() as session, session.begin():
        yield UnitOfWork(session)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return load_settings(
        bot_token=TOKEN,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        admin_ids=str(ADMIN_ID),
        telegram_api_url="http://127.0.0.1:1",
        redis_url="",
        _env_file=None,
    )
