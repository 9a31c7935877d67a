"""aiohttp application: the webhook endpoint (webhook mode), health and metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

WEBHOOK_PATH = "/webhook"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
CHECK_TIMEOUT_SECONDS = 3

HealthCheck = Callable[[], Awaitable[bool]]
CHECKS_KEY = web.AppKey("health_checks", dict)
REGISTRY_KEY = web.AppKey("metrics_registry", CollectorRegistry)


async def _passes(check: HealthCheck) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            return bool(await check())
    except Exception:
        return False


async def healthz(request: web.Request) -> web.Response:
    """200 when every dependency answers, 503 naming the ones that do not."""
    checks: dict[str, HealthCheck] = request.app[CHECKS_KEY]
    names = list(checks)
    results = await asyncio.gather(*(_passes(checks[name]) for name in names))
    body = {name: "ok" if ok else "unavailable" for name, ok in zip(names, results, strict=True)}
    healthy = all(results)
    return web.json_response(
        {"status": "ok" if healthy else "error", **body}, status=200 if healthy else 503
    )


async def metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[REGISTRY_KEY])
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def build_web_app(
    checks: Mapping[str, HealthCheck],
    registry: CollectorRegistry,
    *,
    dispatcher: Dispatcher | None = None,
    bot: Bot | None = None,
    webhook_secret: str | None = None,
) -> web.Application:
    app = web.Application()
    app[CHECKS_KEY] = dict(checks)
    app.router.add_get(HEALTH_PATH, healthz)
    app[REGISTRY_KEY] = registry
    app.router.add_get(METRICS_PATH, metrics)
    if dispatcher is not None and bot is not None:
        if not webhook_secret:
            raise ValueError("the webhook endpoint needs a secret token")
        SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=webhook_secret).register(
            app, path=WEBHOOK_PATH
        )
    return app
