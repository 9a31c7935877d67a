"""Composition root: the only module that knows every part and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Update
from aiogram.utils.i18n import I18n
from aiogram_dialog import setup_dialogs
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import commands
from bot.config import Settings
from bot.dialogs.invite.dialog import dialog as invite_dialog
from bot.dialogs.onboarding.dialog import dialog as onboarding_dialog
from bot.handlers import common, errors, fallback, privacy, staff, start
from bot.i18n import ActorLocaleMiddleware, create_i18n
from bot.middlewares.actor import ActorMiddleware
from bot.middlewares.db import DatabaseMiddleware
from bot.middlewares.inflight import InFlightTracker
from bot.services import staff as staff_service
from bot.services.actors import Actor, Defaults
from bot.services.clock import Clock, SystemClock
from bot.storage import migrate
from bot.storage.database import create_engine, create_sessionmaker
from bot.storage.fsm import DatabaseStorage
from bot.storage.uow import UnitOfWork
from bot.web.app import WEBHOOK_PATH, build_web_app

logger = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bot: Bot
    dispatcher: Dispatcher
    i18n: I18n
    clock: Clock
    inflight: InFlightTracker
    storage: BaseStorage
    events_isolation: BaseEventIsolation
    _closed: bool = field(default=False, repr=False)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.bot.session.close()
        await self.storage.close()
        await self.events_isolation.close()
        await self.engine.dispose()


def build_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_storage(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    # aiogram-dialog keeps its stacks under separate "destinies" of the same user key.
    key_builder = DefaultKeyBuilder(with_destiny=True)
    if settings.redis_url:
        redis_storage = RedisStorage.from_url(settings.redis_url, key_builder=key_builder)
        return redis_storage, redis_storage.create_isolation()
    return DatabaseStorage(sessionmaker, key_builder), SimpleEventIsolation()


def build_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: BaseStorage,
    events_isolation: BaseEventIsolation,
    i18n: I18n,
    clock: Clock,
) -> tuple[Dispatcher, InFlightTracker]:
    dispatcher = Dispatcher(storage=storage, events_isolation=events_isolation)
    dispatcher["settings"] = settings
    dispatcher["clock"] = clock
    dispatcher["defaults"] = Defaults(settings.default_locale, settings.default_timezone)

    inflight = InFlightTracker()
    dispatcher.update.outer_middleware(inflight)
    dispatcher.update.outer_middleware(DatabaseMiddleware(sessionmaker))
    dispatcher.update.outer_middleware(ActorMiddleware(dispatcher["defaults"], clock))
    dispatcher.update.outer_middleware(ActorLocaleMiddleware(i18n))

    # Conversations with clients and staff are private; in a group the bot stays silent.
    dispatcher.message.filter(F.chat.type == ChatType.PRIVATE)
    dispatcher.include_routers(
        errors.router(),
        start.router(),
        staff.router(),
        common.router(),
        privacy.router(),
        onboarding_dialog(),
        invite_dialog(),
        fallback.router(),
    )
    setup_dialogs(dispatcher)
    return dispatcher, inflight


def create_app(
    settings: Settings,
    *,
    bot_session: BaseSession | None = None,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
) -> App:
    engine = engine or create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    storage, isolation = build_storage(settings, sessionmaker)
    i18n = create_i18n(settings.default_locale)
    clock = clock or SystemClock()
    dispatcher, inflight = build_dispatcher(settings, sessionmaker, storage, isolation, i18n, clock)
    return App(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        bot=build_bot(settings, bot_session),
        dispatcher=dispatcher,
        i18n=i18n,
        clock=clock,
        inflight=inflight,
        storage=storage,
        events_isolation=isolation,
    )


async def prepare(app: App) -> None:
    """Migrates, seeds ADMIN_IDS and publishes command lists; safe to repeat."""
    await migrate.upgrade(app.engine)
    defaults = Defaults(app.settings.default_locale, app.settings.default_timezone)
    async with app.sessionmaker() as session, session.begin():
        admins = await staff_service.ensure_admins(
            UnitOfWork(session), app.clock, app.settings.admin_ids, defaults
        )
        staff_members = await UnitOfWork(session).users.staff()
    await commands.publish_client_commands(app.bot, app.i18n)
    for user in staff_members:
        actor = Actor(user.telegram_id, user.role, user.locale, user.timezone, user)
        await commands.publish_staff_commands(app.bot, app.i18n, actor)
    logger.info("Ready: %d admin(s) from ADMIN_IDS, %d staff", len(admins), len(staff_members))


def allowed_updates(dispatcher: Dispatcher) -> list[str]:
    """Update types handlers use, minus aiogram-dialog's internal ones Telegram doesn't know."""
    return [kind for kind in dispatcher.resolve_used_update_types() if kind in Update.model_fields]


async def _start_site(web_app: web.Application, settings: Settings) -> web.AppRunner:
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.web_host, settings.web_port).start()
    logger.info("Serving HTTP on %s:%s", settings.web_host, settings.web_port)
    return runner


async def _drain(app: App) -> None:
    grace = app.settings.shutdown_grace_seconds
    if app.inflight.count:
        logger.info("Waiting up to %ss for %d update(s)", grace, app.inflight.count)
    if not await app.inflight.wait_idle(grace):
        logger.warning("%d update(s) still running after %ss; stopping", app.inflight.count, grace)


async def run_polling(app: App) -> None:
    await prepare(app)
    runner = await _start_site(build_web_app(app.engine), app.settings)
    try:
        await app.bot.delete_webhook(drop_pending_updates=False)
        # aiogram stops fetching updates on SIGTERM/SIGINT; handler tasks then drain below.
        await app.dispatcher.start_polling(
            app.bot,
            handle_signals=True,
            close_bot_session=False,
            allowed_updates=allowed_updates(app.dispatcher),
        )
    finally:
        await _drain(app)
        await _confirm_handled_updates(app)
        await runner.cleanup()
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
    await prepare(app)
    web_app = build_web_app(
        app.engine,
        dispatcher=app.dispatcher,
        bot=app.bot,
        webhook_secret=settings.webhook_secret.get_secret_value(),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await app.dispatcher.emit_startup(bot=app.bot)
    runner = await _start_site(web_app, settings)
    try:
        await app.bot.set_webhook(
            url=settings.webhook_base_url + WEBHOOK_PATH,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=allowed_updates(app.dispatcher),
        )
        await stop.wait()
        logger.info("Stopping: no new updates are taken")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)
        for site in list(runner.sites):
            await site.stop()
        await _drain(app)
        await runner.cleanup()
        await app.dispatcher.emit_shutdown(bot=app.bot)
        await app.close()
    logger.info("Stopped")


async def run_migrations(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    logger.info("Database is at the latest revision")
