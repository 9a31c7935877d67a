"""aiohttp application: the webhook endpoint (webhook mode) and the health check."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.database import ping

WEBHOOK_PATH = "/webhook"
HEALTH_PATH = "/healthz"
ENGINE_KEY = web.AppKey("engine", AsyncEngine)


async def healthz(request: web.Request) -> web.Response:
    if await ping(request.app[ENGINE_KEY]):
        return web.json_response({"status": "ok", "database": "ok"})
    return web.json_response({"status": "error", "database": "unavailable"}, status=503)


def build_web_app(
    engine: AsyncEngine,
    *,
    dispatcher: Dispatcher | None = None,
    bot: Bot | None = None,
    webhook_secret: str | None = None,
) -> web.Application:
    app = web.Application()
    app[ENGINE_KEY] = engine
    app.router.add_get(HEALTH_PATH, healthz)
    if dispatcher is not None and bot is not None:
        if not webhook_secret:
            raise ValueError("the webhook endpoint needs a secret token")
        SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=webhook_secret).register(
            app, path=WEBHOOK_PATH
        )
    return app
