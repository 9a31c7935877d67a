"""Whatever the bot tells someone is stored first: before each Bot API call made while an
update is handled (or a redelivery pass runs), its transaction is committed.

Without this a quick reader could act on a message before its transaction commits (an
invite link opened, a rating pressed) and find nothing; and on SQLite the write lock would
be held while Telegram answers. Work after the call continues in a new transaction, which
the database middleware commits (or rolls back) at the end of the update. Messages handed to
the outbound sender leave from its own tasks, outside this context: whoever hands one over
calls `commit_before_sending()` himself (bot.delivery.through)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.storage.fsm import update_session


class CommitBeforeSending(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not isinstance(method, GetUpdates):
            await commit_before_sending()
        return await make_request(bot, method)


async def commit_before_sending() -> None:
    """Commits the transaction of the update (or redelivery pass) of this context, if open."""
    session = update_session()
    if session is not None and session.in_transaction():
        await session.commit()
