"""Fixtures shared by every layer: databases (SQLite and PostgreSQL), clock, settings."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings, load_settings
from bot.storage import migrate
from bot.storage.database import create_engine, create_sessionmaker
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


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the head once per run: tests start from copies of it (all
    the migrations, SQLite's table rebuilds included, cost a fifth of a second a test)."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()  # the last connection out folds the WAL into the file

    asyncio.run(build())
    return path


def from_template(template: Path, path: Path) -> None:
    shutil.copyfile(template, path)


@pytest.fixture
async def engine(bare_engine: AsyncEngine, migrated_sqlite: Path) -> AsyncEngine:
    if bare_engine.dialect.name == "sqlite" and bare_engine.url.database:
        from_template(migrated_sqlite, Path(bare_engine.url.database))
    await migrate.upgrade(bare_engine)  # at the head already: only checked
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
def settings(tmp_path: Path, migrated_sqlite: Path) -> Settings:
    from_template(migrated_sqlite, tmp_path / "bot.db")
    return load_settings(
        bot_token=TOKEN,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        admin_ids=str(ADMIN_ID),
        telegram_api_url="http://127.0.0.1:1",
        redis_url="",
        _env_file=None,
    )
