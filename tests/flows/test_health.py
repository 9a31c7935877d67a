"""GET /healthz: 200 when the database (and Redis, when used) answer, 503 naming what fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp.test_utils import TestClient, TestServer

from bot.app import App, create_app
from bot.config import Settings
from bot.runtime import health_checks
from bot.web.app import build_web_app
from tests.e2e.bot_process import free_port
from tests.support.databases import redis_url
from tests.support.recording_session import RecordingSession


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[App, TestClient]]:
    app = create_app(settings, bot_session=RecordingSession())
    client = TestClient(TestServer(build_web_app(health_checks(app))))
    await client.start_server()
    try:
        yield app, client
    finally:
        await client.close()
        await app.close()


async def test_healthy_on_sqlite(settings: Settings) -> None:
    async with running(settings) as (_app, client):
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok"}


async def test_an_unreachable_database_is_reported(settings: Settings) -> None:
    broken = settings.model_copy(
        update={"database_url": f"postgresql+asyncpg://x@127.0.0.1:{free_port()}/db"}
    )
    async with running(broken) as (_app, client):
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"status": "error", "database": "unavailable"}


async def test_redis_is_checked_when_dialogs_live_there(settings: Settings) -> None:
    with_redis = settings.model_copy(update={"redis_url": redis_url()})
    async with running(with_redis) as (_app, client):
        response = await client.get("/healthz")
        assert await response.json() == {"status": "ok", "database": "ok", "redis": "ok"}

    gone = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    async with running(gone) as (_app, client):
        response = await client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["redis"] == "unavailable"
