"""Sending what the relay owes: copies of messages under a short header, request cards and
notifications, each in the recipient's language. A failed copy stays owed and is retried."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import cards
from bot.render.labels import department_name
from bot.services import relay
from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.services.relay import Content, Outgoing
from bot.storage.dto import MessageDTO, UserDTO
from bot.storage.enums import Side
from bot.storage.fsm import bind_session
from bot.storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CAPTIONED = frozenset({"photo", "document", "video", "audio", "animation", "voice"})
FILE_TYPES = frozenset({*CAPTIONED, "video_note"})


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cuts a text into messages Telegram accepts, at line breaks or spaces where possible."""
    chunks = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        chunks.append(text[:cut])
        text = text[cut:].lstrip("\n ")
    if text:
        chunks.append(text)
    return chunks


async def send_long(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> list[int]:
    """Sends HTML text; an over-long one goes as several plain-text parts, never dropped."""
    if len(text) <= TEXT_LIMIT:
        sent = await bot.send_message(chat_id, text, reply_markup=reply_markup)
        return [sent.message_id]
    parts = split_text(cards.strip_tags(text), TEXT_LIMIT - 100)
    ids = []
    for index, part in enumerate(parts):
        markup = reply_markup if index == len(parts) - 1 else None
        sent = await bot.send_message(chat_id, html.escape(part), reply_markup=markup)
        ids.append(sent.message_id)
    return ids


async def send_copy(bot: Bot, chat_id: int, header: str, message: MessageDTO) -> list[int]:
    """The message under a header; returns the ids of what was sent (to link replies)."""
    if message.content_type == "text":
        return await send_long(bot, chat_id, f"{header}\n{message.text or ''}")
    assert message.source_chat_id is not None and message.source_message_id is not None
    caption = f"{header}\n{message.text}" if message.text else header
    if message.content_type in CAPTIONED and len(caption) <= CAPTION_LIMIT:
        copied = await bot.copy_message(
            chat_id, message.source_chat_id, message.source_message_id, caption=caption
        )
        return [copied.message_id]
    ids = await send_long(bot, chat_id, caption)
    copied = await bot.copy_message(
        chat_id,
        message.source_chat_id,
        message.source_message_id,
        caption="" if message.content_type in CAPTIONED else None,
    )
    return [*ids, copied.message_id]


def header_for(outgoing: Outgoing, desk: DeskConfig, locale: str) -> str:
    message = outgoing.message
    if message.side is Side.STAFF:
        return cards.relay_header(outgoing.request, outgoing.author, to_client=True)
    if message.side is Side.DEPARTMENT:
        key = json.loads(message.extra or "{}").get("department", "")
        return cards.department_header(outgoing.request, department_name(desk, key, locale))
    return cards.relay_header(outgoing.request, outgoing.author, to_client=False)


async def deliver(
    bot: Bot, i18n: I18n, uow: UnitOfWork, clock: Clock, desk: DeskConfig, outgoing: Outgoing
) -> bool:
    """Copies one stored message to its recipient; on failure it stays owed.

    The message is committed before the copy goes out (the session's commit-before-send,
    `bot.middlewares.commit_first`): if the process dies mid-way it is owed, not lost."""
    recipient = outgoing.recipient
    if recipient is None or not outgoing.message.relayed:
        return False
    with i18n.use_locale(recipient.locale):
        header = header_for(outgoing, desk, recipient.locale)
    try:
        ids = await send_copy(bot, recipient.telegram_id, header, outgoing.message)
    except TelegramAPIError as error:
        logger.warning("Message %s not delivered: %s", outgoing.message.id, error)
        await relay.failed(uow, outgoing.message.id, str(error))
        return False
    for message_id in ids:
        await relay.link(
            uow,
            chat_id=recipient.telegram_id,
            message_id=message_id,
            request_id=outgoing.request.id,
        )
    await relay.delivered(uow, clock, outgoing.message.id)
    return True


async def send_to(
    bot: Bot,
    uow: UnitOfWork,
    user: UserDTO,
    request_id: int | None,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """A notification; a reply to it is a message on the request. Failures are logged:
    the request itself shows everything the notification said."""
    try:
        ids = await send_long(bot, user.telegram_id, text, reply_markup)
    except TelegramAPIError as error:
        logger.warning("Could not notify user %s: %s", user.id, error)
        return False
    if request_id is not None:
        for message_id in ids:
            await relay.link(
                uow, chat_id=user.telegram_id, message_id=message_id, request_id=request_id
            )
    return True


async def redeliver_owed(
    bot: Bot,
    i18n: I18n,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    desk: DeskConfig,
) -> int:
    """One pass over owed copies; returns how many got through."""
    delivered = 0
    async with sessionmaker() as session:
        uow = UnitOfWork(session)
        # Bound like an update's session, so each delivery's mark is committed before the
        # next copy goes out: a crash mid-pass never sends a copy twice.
        with i18n.context(), bind_session(session):
            for outgoing in await relay.owed(uow):
                if await deliver(bot, i18n, uow, clock, desk, outgoing):
                    delivered += 1
        await session.commit()
    return delivered


class RedeliveryLoop:
    """Retries owed copies every `interval` seconds while the bot runs."""

    def __init__(self, interval: float, run_once: Callable[[], Awaitable[int]]) -> None:
        self._interval = interval
        self._run_once = run_once
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._run_once()
            except Exception:
                logger.exception("Redelivery pass failed")


def content_of(message: Message) -> Content:
    """What the relay stores of a Telegram message: its kind, HTML text and file."""
    kind = message.content_type
    content_type: str = getattr(kind, "value", kind)
    file = None
    if message.photo:
        file = message.photo[-1]
    else:
        file = getattr(message, content_type, None) if content_type in FILE_TYPES else None
    extra: dict[str, object] | None = None
    if message.location:
        extra = {"latitude": message.location.latitude, "longitude": message.location.longitude}
    elif message.contact:
        extra = {
            "phone_number": message.contact.phone_number,
            "first_name": message.contact.first_name,
            "last_name": message.contact.last_name,
        }
    if message.document and message.document.file_name:
        extra = {"file_name": message.document.file_name}
    text = message.html_text if (message.text or message.caption) else None
    return Content(
        content_type=content_type,
        chat_id=message.chat.id,
        message_id=message.message_id,
        text=text,
        file_id=getattr(file, "file_id", None),
        file_size=getattr(file, "file_size", None),
        media_group_id=message.media_group_id,
        extra=extra,
    )
