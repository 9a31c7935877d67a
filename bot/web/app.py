"""aiohttp application: the webhook endpoint (webhook mode) and the health check."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

WEBHOOK_PATH = "/webhook"
HEALTH_PATH = "/healthz"
CHECK_TIMEOUT_SECONDS = 3

HealthCheck = Callable[[], Awaitable[bool]]
CHECKS_KEY = web.AppKey("health_checks", dict)


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


def build_web_app(
    checks: Mapping[str, HealthCheck],
    *,
    dispatcher: Dispatcher | None = None,
    bot: Bot | None = None,
    webhook_secret: str | None = None,
) -> web.Application:
    app = web.Application()
    app[CHECKS_KEY] = dict(checks)
    app.router.add_get(HEALTH_PATH, healthz)
    if dispatcher is not None and bot is not None:
        if not webhook_secret:
            raise ValueError("the webhook endpoint needs a secret token")
        SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=webhook_secret).register(
            app, path=WEBHOOK_PATH
        )
    return app
