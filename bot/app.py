"""Composition root: the only module that knows every part and wires them together."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.middlewares.error import ErrorsMiddleware
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
)
from aiogram.fsm.storage.memory import DisabledEventIsolation, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.utils.i18n import I18n
from aiogram_dialog import setup_dialogs
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.absence_cover import AbsenceCover
from bot.config import Settings
from bot.delivery import RedeliveryLoop, redeliver_owed
from bot.dialogs.absence.dialog import dialog as absence_dialog
from bot.dialogs.beside import SparingMessageManager
from bot.dialogs.client_card.dialog import dialog as client_card_dialog
from bot.dialogs.clients.dialog import dialog as clients_dialog
from bot.dialogs.deals.dialog import dialog as deals_dialog
from bot.dialogs.feedback.dialog import dialog as feedback_dialog
from bot.dialogs.filing.dialog import dialog as filing_dialog
from bot.dialogs.intent_ids import install as install_unique_dialog_ids
from bot.dialogs.invite.dialog import dialog as invite_dialog
from bot.dialogs.lead.dialog import dialog as lead_dialog
from bot.dialogs.my_requests.dialog import dialog as my_requests_dialog
from bot.dialogs.note.dialog import dialog as note_dialog
from bot.dialogs.onboarding.dialog import dialog as onboarding_dialog
from bot.dialogs.queue.dialog import dialog as queue_dialog
from bot.dialogs.reminder.dialog import my_reminders_dialog, new_reminder_dialog
from bot.dialogs.staff_request.dialog import dialog as staff_request_dialog
from bot.dialogs.team.dialog import dialog as team_dialog
from bot.dialogs.timezone.dialog import dialog as timezone_dialog
from bot.handlers import (
    client_desk,
    common,
    crm_files,
    crm_inline,
    crm_intake,
    crm_menu,
    crm_notes,
    departments,
    errors,
    fallback,
    privacy,
    reminders,
    staff,
    staff_desk,
    start,
)
from bot.i18n import ActorLocaleMiddleware, create_i18n
from bot.middlewares.actor import ActorMiddleware
from bot.middlewares.commit_first import CommitBeforeSending
from bot.middlewares.db import DatabaseMiddleware
from bot.middlewares.event_lock import EventLockMiddleware
from bot.middlewares.flood import FloodMiddleware
from bot.middlewares.inflight import InFlightTracker
from bot.middlewares.metrics import UpdateMetrics
from bot.outbound import Limits, OutboundSender
from bot.reminding import ReminderDelivery
from bot.request_jobs import RequestJobs
from bot.scheduler import TimedJobs
from bot.services.actors import Defaults
from bot.services.clock import Clock, SystemClock
from bot.services.desk import DeskConfig, load_desk_config
from bot.services.flood import FloodGuard
from bot.sla_alerts import SlaAlerts
from bot.storage.database import create_engine, create_sessionmaker
from bot.storage.fsm import DatabaseStorage
from bot.storage.uow import UnitOfWork

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
    metrics: UpdateMetrics
    storage: BaseStorage
    events_isolation: BaseEventIsolation
    desk: DeskConfig
    timed_jobs: TimedJobs
    sender: OutboundSender
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
    session.middleware(CommitBeforeSending())
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
    desk: DeskConfig,
) -> tuple[Dispatcher, InFlightTracker, UpdateMetrics]:
    # The per-user lock is taken by EventLockMiddleware, around the transaction.
    dispatcher = Dispatcher(storage=storage, events_isolation=DisabledEventIsolation())
    dispatcher["settings"] = settings
    dispatcher["clock"] = clock
    dispatcher["desk"] = desk
    dispatcher["defaults"] = Defaults(settings.default_locale, settings.default_timezone)

    inflight = InFlightTracker()
    metrics = UpdateMetrics(CollectorRegistry(), inflight)
    _install_update_middlewares(
        dispatcher,
        inflight,
        metrics,
        EventLockMiddleware(events_isolation, dispatcher.fsm),
        DatabaseMiddleware(sessionmaker),
    )
    dispatcher.update.outer_middleware(ActorMiddleware(dispatcher["defaults"], clock))
    dispatcher.update.outer_middleware(ActorLocaleMiddleware(i18n))

    dispatcher.message.outer_middleware(
        FloodMiddleware(FloodGuard(clock, limit=settings.flood_limit_per_minute))
    )

    # Conversations with clients and staff are private; of groups, only departments' are
    # heard (their router answers there and nothing else does).
    dispatcher.message.filter(departments.is_department_chat)
    dispatcher.include_routers(
        errors.router(),
        departments.router(),
        start.router(),
        staff.router(),
        common.router(),
        privacy.router(),
        client_desk.menu_router(),
        staff_desk.router(),
        crm_menu.router(),
        crm_files.router(),
        crm_inline.router(),
        reminders.router(),
        onboarding_dialog(),
        invite_dialog(),
        team_dialog(),
        timezone_dialog(),
        filing_dialog(),
        my_requests_dialog(),
        feedback_dialog(),
        queue_dialog(),
        staff_request_dialog(),
        lead_dialog(),
        client_card_dialog(),
        clients_dialog(),
        deals_dialog(),
        note_dialog(),
        new_reminder_dialog(),
        my_reminders_dialog(),
        absence_dialog(),
        # Outside any dialog: a shared contact, a forwarded message or a .vcf from staff.
        crm_intake.router(),
        client_desk.relay_router(),
        staff_desk.reply_router(),
        # A staff member's plain text outside any flow: offered as a note on a client.
        crm_notes.router(),
        fallback.router(),
    )
    install_unique_dialog_ids()
    # The same lock for dialog stacks, so several processes on Redis never interleave them.
    setup_dialogs(
        dispatcher, events_isolation=events_isolation, message_manager=SparingMessageManager()
    )
    _drain_before_storage_closes(dispatcher, inflight, settings.shutdown_grace_seconds)
    return dispatcher, inflight, metrics


def _install_update_middlewares(
    dispatcher: Dispatcher,
    inflight: InFlightTracker,
    metrics: UpdateMetrics,
    event_lock: EventLockMiddleware,
    database: DatabaseMiddleware,
) -> None:
    """Orders ours around aiogram's own (errors, user context, FSM), outermost first:

    - the in-flight tracker wraps everything: errors are answered after inner middlewares
      return, and that still needs the bot and the storage;
    - metrics inside the errors middleware, where a handler's exception is still visible;
    - the user's event lock, then the transaction: it commits before the lock is released,
      so his next update reads what this one wrote;
    - the FSM middleware inside the transaction, so its state reads share the session.
    """
    builtin = list(dispatcher.update.outer_middleware)
    for middleware in builtin:
        dispatcher.update.outer_middleware.unregister(middleware)
    dispatcher.update.outer_middleware(inflight)
    for middleware in builtin:
        if middleware is dispatcher.fsm:
            dispatcher.update.outer_middleware(event_lock)
            dispatcher.update.outer_middleware(database)
        dispatcher.update.outer_middleware(middleware)
        if isinstance(middleware, ErrorsMiddleware):
            dispatcher.update.outer_middleware(metrics)


def _drain_before_storage_closes(
    dispatcher: Dispatcher, inflight: InFlightTracker, grace: float
) -> None:
    """On shutdown, let in-flight updates finish (bounded) before aiogram closes the FSM
    storage: a Redis connection closed under a running handler would lose its work."""

    async def drain() -> None:
        if inflight.count:
            logger.info("Waiting up to %ss for %d update(s)", grace, inflight.count)
        if not await inflight.wait_idle(grace):
            logger.warning("%d update(s) still running after %ss", inflight.count, grace)

    dispatcher.shutdown.register(drain)
    closes_storage = dispatcher.fsm.close
    dispatcher.shutdown.handlers.sort(key=lambda handler: handler.callback == closes_storage)


def create_app(
    settings: Settings,
    *,
    bot_session: BaseSession | None = None,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    desk: DeskConfig | None = None,
    sender_limits: Limits | None = None,
) -> App:
    engine = engine or create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    storage, isolation = build_storage(settings, sessionmaker)
    i18n = create_i18n(settings.default_locale)
    clock = clock or SystemClock()
    desk = desk or load_desk_config(settings.desk_config, timezone=settings.default_timezone)
    dispatcher, inflight, metrics = build_dispatcher(
        settings, sessionmaker, storage, isolation, i18n, clock, desk
    )
    bot = build_bot(settings, bot_session)
    sender = OutboundSender(
        bot, on_unreachable=marks_unreachable(sessionmaker, clock), limits=sender_limits
    )
    # Handlers hand it what they tell other people: notifications, relayed copies.
    dispatcher["sender"] = sender
    _retry_owed_copies(dispatcher, sender, i18n, sessionmaker, clock, desk, settings)
    delivery = ReminderDelivery(
        sender, i18n, sessionmaker, clock, settings.no_contact_days, settings.deal_stuck_days
    )
    sla_alerts = SlaAlerts(sender, i18n, sessionmaker, clock, desk)
    request_jobs = RequestJobs(sender, i18n, sessionmaker, clock, desk)
    timed_jobs = TimedJobs(
        sender,
        delivery,
        sla_alerts,
        request_jobs,
        AbsenceCover(sender, i18n, sessionmaker, clock),
        interval_seconds=settings.reminder_interval_seconds,
        grace_seconds=min(5.0, settings.shutdown_grace_seconds),
    )
    if settings.scheduler_in_bot:
        _run_timed_jobs_in_bot(dispatcher, timed_jobs)
    else:
        _run_sender_in_bot(dispatcher, sender, min(5.0, settings.shutdown_grace_seconds))
    return App(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        bot=bot,
        dispatcher=dispatcher,
        i18n=i18n,
        clock=clock,
        inflight=inflight,
        metrics=metrics,
        storage=storage,
        events_isolation=isolation,
        desk=desk,
        timed_jobs=timed_jobs,
        sender=sender,
    )


def _retry_owed_copies(
    dispatcher: Dispatcher,
    sender: OutboundSender,
    i18n: I18n,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    desk: DeskConfig,
    settings: Settings,
) -> None:
    """While the bot runs, copies that could not be delivered are retried in the background
    (stopped before the sender is)."""

    async def run_once() -> int:
        return await redeliver_owed(sender, i18n, sessionmaker, clock, desk)

    loop = RedeliveryLoop(settings.redelivery_interval_seconds, run_once)
    dispatcher.startup.register(loop.start)
    dispatcher.shutdown.register(loop.stop)


def marks_unreachable(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> Callable[[int | str], Awaitable[None]]:
    async def mark(chat_id: int | str) -> None:
        if isinstance(chat_id, int):
            async with sessionmaker() as session, session.begin():
                await UnitOfWork(session).users.set_unreachable(chat_id, clock.now())

    return mark


def _run_timed_jobs_in_bot(dispatcher: Dispatcher, timed_jobs: TimedJobs) -> None:
    async def start() -> None:
        timed_jobs.start()

    dispatcher.startup.register(start)
    dispatcher.shutdown.register(timed_jobs.stop)


def _run_sender_in_bot(dispatcher: Dispatcher, sender: OutboundSender, grace: float) -> None:
    """The timed jobs run elsewhere (`python -m bot scheduler`), yet handlers still send
    through the sender: it runs with the bot and stops after the updates in flight."""

    async def start() -> None:
        sender.start()

    async def stop() -> None:
        await sender.stop(timeout=grace)

    dispatcher.startup.register(start)
    dispatcher.shutdown.register(stop)
