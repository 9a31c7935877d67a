"""Sending what the relay owes: copies of messages under a short header, request cards and
notifications, each in the recipient's language. A failed copy stays owed and is retried.

Whatever goes to someone other than the person whose update is being handled (a relayed
copy, a card, a notification) is on the bot's own initiative and leaves through the
OutboundSender (`through`), within Telegram's limits; what answers that person goes out at
once (`directly`). A message that may have arrived (Outcome.UNCERTAIN: the connection broke
after the request left) counts as delivered and is never sent again: a copy twice is worse
than one whose replies cannot be linked to its request."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import CopyMessage, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares.commit_first import commit_before_sending
from bot.outbound import OutboundSender, Outcome, SendResult
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

# One Bot API method out, its outcome back.
Send = Callable[[TelegramMethod[Any]], Awaitable[SendResult]]


def through(sender: OutboundSender) -> Send:
    """To anyone but the person whose update is being handled. The update's transaction is
    committed first, as CommitBeforeSending does for direct calls (the sender's lanes run
    outside the update's context): what the message is about is stored before it leaves, and
    no database lock is held while it waits for its turn."""

    async def send(method: TelegramMethod[Any]) -> SendResult:
        await commit_before_sending()
        return await sender.send(method)

    return send


def directly(bot: Bot) -> Send:
    """To the person whose update is being handled, in answer to it: at once, not queued."""

    async def send(method: TelegramMethod[Any]) -> SendResult:
        try:
            return SendResult(Outcome.DELIVERED, value=await bot(method), attempts=1)
        except TelegramAPIError as error:
            return SendResult(Outcome.FAILED, error=error, attempts=1)

    return send


class NotDelivered(Exception):
    """A message (or one part of it) did not reach its chat."""

    def __init__(self, result: SendResult) -> None:
        reason = f"{result.outcome}: {result.error}" if result.error else str(result.outcome)
        super().__init__(reason)
        self.result = result


async def send_one(send: Send, method: TelegramMethod[Any]) -> int | None:
    """The id of the message Telegram made of it, None if it may have arrived (UNCERTAIN,
    counted as delivered); raises NotDelivered when it did not get through."""
    result = await send(method)
    if result.outcome is Outcome.UNCERTAIN:
        return None
    if not result.delivered:
        raise NotDelivered(result)
    return result.message_id


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
    send: Send, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> list[int]:
    """Sends HTML text; an over-long one goes as several plain-text parts, never dropped.
    The parts go one after another, and none after one that did not get through."""
    if len(text) <= TEXT_LIMIT:
        parts = [text]
    else:
        parts = [html.escape(part) for part in split_text(cards.strip_tags(text), TEXT_LIMIT - 100)]
    ids = []
    for index, part in enumerate(parts):
        markup = reply_markup if index == len(parts) - 1 else None
        sent = await send_one(send, SendMessage(chat_id=chat_id, text=part, reply_markup=markup))
        if sent is not None:
            ids.append(sent)
    return ids


async def send_copy(send: Send, chat_id: int, header: str, message: MessageDTO) -> list[int]:
    """The message under a header; returns the ids of what was sent (to link replies)."""
    if message.content_type == "text":
        return await send_long(send, chat_id, f"{header}\n{message.text or ''}")
    assert message.source_chat_id is not None and message.source_message_id is not None
    caption = f"{header}\n{message.text}" if message.text else header
    source = {"from_chat_id": message.source_chat_id, "message_id": message.source_message_id}
    if message.content_type in CAPTIONED and len(caption) <= CAPTION_LIMIT:
        copied = await send_one(send, CopyMessage(chat_id=chat_id, caption=caption, **source))
        return [copied] if copied is not None else []
    ids = await send_long(send, chat_id, caption)
    bare = "" if message.content_type in CAPTIONED else None
    copied = await send_one(send, CopyMessage(chat_id=chat_id, caption=bare, **source))
    return [*ids, copied] if copied is not None else ids


def header_for(outgoing: Outgoing, desk: DeskConfig, locale: str) -> str:
    message = outgoing.message
    if message.side is Side.STAFF:
        return cards.relay_header(outgoing.request, outgoing.author, to_client=True)
    if message.side is Side.DEPARTMENT:
        key = json.loads(message.extra or "{}").get("department", "")
        return cards.department_header(outgoing.request, department_name(desk, key, locale))
    return cards.relay_header(outgoing.request, outgoing.author, to_client=False)


async def deliver(
    sender: OutboundSender,
    i18n: I18n,
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    outgoing: Outgoing,
) -> bool:
    """Copies one stored message to its recipient through the sender; on failure it stays
    owed. A handler that calls this waits for its own copy only (the sender's lanes are per
    chat).

    The message is committed before the copy goes out (`through`): if the process dies
    mid-way it is owed, not lost. It is marked relayed only once Telegram took the copy (or
    may have: UNCERTAIN is never sent again)."""
    recipient = outgoing.recipient
    if recipient is None or not outgoing.message.relayed or _unreachable(recipient):
        return False
    with i18n.use_locale(recipient.locale):
        header = header_for(outgoing, desk, recipient.locale)
    try:
        ids = await send_copy(through(sender), recipient.telegram_id, header, outgoing.message)
    except NotDelivered as failure:
        logger.warning("Message %s not delivered: %s", outgoing.message.id, failure)
        await relay.failed(uow, outgoing.message.id, str(failure))
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
    send: Send,
    uow: UnitOfWork,
    user: UserDTO,
    request_id: int | None,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """A notification (`through` the sender) or an answer (`directly`); a reply to it is a
    message on the request. Failures are logged: the request itself shows everything the
    notification said."""
    if _unreachable(user):
        return False
    try:
        ids = await send_long(send, user.telegram_id, text, reply_markup)
    except NotDelivered as failure:
        logger.warning("Could not notify user %s: %s", user.id, failure)
        return False
    if request_id is not None:
        for message_id in ids:
            await relay.link(
                uow, chat_id=user.telegram_id, message_id=message_id, request_id=request_id
            )
    return True


def _unreachable(user: UserDTO) -> bool:
    """He blocked the bot (a 403 marked him, see bot.app.marks_unreachable): nothing is tried
    until he writes again, which clears the mark; copies for him stay owed till then."""
    return user.unreachable_at is not None


async def redeliver_owed(
    sender: OutboundSender,
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
                if await deliver(sender, i18n, uow, clock, desk, outgoing):
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
