"""What every timed job that sends messages is made of (reminders, deadline alerts, the
desk's jobs): the outbound sender, translations, the database and the clock; and how such a
job sends messages about requests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbound import OutboundSender
from bot.services import relay
from bot.services.clock import Clock
from bot.storage.uow import UnitOfWork


@dataclass
class TimedJob:
    sender: OutboundSender
    i18n: I18n
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock

    async def send_all(self, messages: Sequence[tuple[SendMessage, int | None]]) -> int:
        """Sends (message, request id or None) pairs through the sender; a delivered message
        about a request is linked to it, so a reply to it is a message on the request.
        Returns how many were delivered."""
        results = await asyncio.gather(*(self.sender.send(message) for message, _ in messages))
        async with self.sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            for (message, request_id), result in zip(messages, results, strict=True):
                if request_id is not None and result.message_id is not None:
                    await relay.link(
                        uow,
                        chat_id=int(message.chat_id),
                        message_id=result.message_id,
                        request_id=request_id,
                    )
        return sum(result.delivered for result in results)
