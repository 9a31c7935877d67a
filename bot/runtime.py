"""Running the composed application: start-up checks, polling, webhook, graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiogram import Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Update
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot import commands
from bot.app import App
from bot.config import Settings
from bot.services import staff as staff_service
from bot.services.actors import Actor, Defaults
from bot.storage import migrate
from bot.storage.database import create_engine, ping
from bot.storage.uow import UnitOfWork
from bot.web.app import WEBHOOK_PATH, HealthCheck, build_web_app

logger = logging.getLogger(__name__)


class StartupError(Exception):
    """Start-up cannot go on; the message says why in one sentence, fit for the console."""


def allowed_updates(dispatcher: Dispatcher) -> list[str]:
    """Update types handlers use, minus aiogram-dialog's internal ones Telegram doesn't know."""
    return [kind for kind in dispatcher.resolve_used_update_types() if kind in Update.model_fields]


async def prepare(app: App) -> None:
    """Checks the token, migrates, seeds ADMIN_IDS, publishes command lists; safe to repeat."""
    try:
        me = await app.bot.me()
    except TelegramUnauthorizedError:
        raise StartupError(
            "Telegram rejected BOT_TOKEN (401 Unauthorized): check the token with @BotFather."
        ) from None
    except TelegramNetworkError as error:
        raise StartupError(
            f"Cannot reach the Bot API at TELEGRAM_API_URL={app.settings.telegram_api_url}: "
            f"{error.message}"
        ) from None
    try:
        await migrate.upgrade(app.engine)
    except (OSError, DBAPIError) as error:
        url = make_url(app.settings.database_url).render_as_string(hide_password=True)
        raise StartupError(f"Cannot open the database at DATABASE_URL={url}: {error}") from None
    defaults = Defaults(app.settings.default_locale, app.settings.default_timezone)
    async with app.sessionmaker() as session, session.begin():
        admins = await staff_service.ensure_admins(
            UnitOfWork(session), app.clock, app.settings.admin_ids, defaults
        )
        staff_members = await UnitOfWork(session).users.staff()
    await commands.publish_client_commands(app.bot, app.i18n)
    await commands.publish_descriptions(app.bot, app.i18n)
    for user in staff_members:
        actor = Actor.of(user)
        await commands.publish_staff_commands(app.bot, app.i18n, actor)
    logger.info(
        "Ready as @%s: %d admin(s) from ADMIN_IDS, %d staff",
        me.username,
        len(admins),
        len(staff_members),
    )


def health_checks(app: App) -> dict[str, HealthCheck]:
    """What the bot cannot work without: the database, and Redis when dialogs live there."""
    checks: dict[str, HealthCheck] = {"database": lambda: ping(app.engine)}
    if isinstance(app.storage, RedisStorage):
        redis = app.storage.redis
        checks["redis"] = lambda: redis.ping()
    return checks


async def _start_site(web_app: web.Application, settings: Settings) -> web.AppRunner:
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
    except OSError as error:
        await runner.cleanup()
        raise StartupError(
            f"Cannot listen on WEB_HOST:WEB_PORT={settings.web_host}:{settings.web_port}: "
            f"{error.strerror or error}"
        ) from None
    logger.info("Serving HTTP on %s:%s", settings.web_host, settings.web_port)
    return runner


async def run_polling(app: App) -> None:
    try:
        await prepare(app)
        runner = await _start_site(
            build_web_app(health_checks(app), app.metrics.registry), app.settings
        )
        try:
            await app.bot.delete_webhook(drop_pending_updates=False)
            # aiogram stops fetching on SIGTERM/SIGINT, then its shutdown hooks drain the
            # in-flight updates (see bot.app) before the FSM storage is closed.
            await app.dispatcher.start_polling(
                app.bot,
                handle_signals=True,
                close_bot_session=False,
                allowed_updates=allowed_updates(app.dispatcher),
            )
            await _confirm_handled_updates(app)
        finally:
            await runner.cleanup()
    finally:
        await app.close()
    logger.info("Stopped")


async def _confirm_handled_updates(app: App) -> None:
    """aiogram confirms a batch only with the next getUpdates; without this call a restart
    would handle the last batch a second time."""
    last = app.inflight.last_update_id
    if last is None:
        return
    try:
        await app.bot.get_updates(offset=last + 1, limit=1, timeout=0)
    except Exception:
        logger.warning("Could not confirm update %s; it may be delivered again", last)


async def run_webhook(app: App) -> None:
    settings = app.settings
    assert settings.webhook_secret is not None and settings.webhook_base_url
    secret = settings.webhook_secret.get_secret_value()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await prepare(app)
        web_app = build_web_app(
            health_checks(app),
            app.metrics.registry,
            dispatcher=app.dispatcher,
            bot=app.bot,
            webhook_secret=secret,
        )
        await app.dispatcher.emit_startup(bot=app.bot)
        runner = await _start_site(web_app, settings)
        try:
            await app.bot.set_webhook(
                url=settings.webhook_base_url + WEBHOOK_PATH,
                secret_token=secret,
                allowed_updates=allowed_updates(app.dispatcher),
            )
            await stop.wait()
            logger.info("Stopping: no new updates are taken")
        finally:
            for site in list(runner.sites):
                await site.stop()
            # Drains in-flight updates, then closes the FSM storage (see bot.app).
            await app.dispatcher.emit_shutdown(bot=app.bot)
            await runner.cleanup()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)
        await app.close()
    logger.info("Stopped")


async def run_migrations(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    logger.info("Database is at the latest revision")


async def run_scheduler(app: App) -> None:
    """Timed jobs alone, for a deployment whose bot workers run with SCHEDULER_IN_BOT=false:
    checks the token and migrates like the bot, then sends reminders until SIGTERM/SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await prepare(app)
        app.timed_jobs.start()
        logger.info("Scheduler running")
        await stop.wait()
    finally:
        await app.timed_jobs.stop()
        await app.close()
    logger.info("Stopped")
