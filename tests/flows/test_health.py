"""GET /healthz: 200 when the database (and Redis, when used) answer, 503 naming what fails;
GET /metrics: what the bot has handled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App, create_app
from bot.config import Settings
from bot.handlers import common
from bot.runtime import health_checks
from bot.web.app import build_web_app
from tests.e2e.bot_process import free_port
from tests.support.databases import redis_url
from tests.support.harness import Harness
from tests.support.recording_session import RecordingSession


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[App, TestClient]]:
    app = create_app(settings, bot_session=RecordingSession())
    client = TestClient(TestServer(build_web_app(health_checks(app), app.metrics.registry)))
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


async def test_metrics_count_updates_and_failures(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = harness.person(930, language_code="en")
    await person.send("/start")
    await person.send("/help")

    def broken(_actor: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(common, "help_text", broken)
    await person.send("/help")

    app = harness.app
    client = TestClient(TestServer(build_web_app(health_checks(app), app.metrics.registry)))
    await client.start_server()
    try:
        response = await client.get("/metrics")
        text = await response.text()
    finally:
        await client.close()
    assert response.status == 200
    assert 'clientdesk_updates_total{type="message"} 3.0' in text
    assert 'clientdesk_update_errors_total{type="message"} 1.0' in text
    assert "clientdesk_update_duration_seconds_count 3.0" in text
    assert "clientdesk_updates_in_flight 0.0" in text
