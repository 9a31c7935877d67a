"""Sending what bot/services/request_jobs.py decides as time passes: the reminder to a
client whose answer a request waits for, and the NPS question. Closing expired resolved
requests says nothing: the client was told at resolution how long he could reopen."""

from __future__ import annotations

import asyncio

from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify import nps_question
from bot.outbound import OutboundSender
from bot.services import relay, request_jobs
from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.services.request_jobs import WaitingReminder
from bot.storage.uow import UnitOfWork


class RequestJobs:
    def __init__(
        self,
        sender: OutboundSender,
        i18n: I18n,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        desk: DeskConfig,
    ) -> None:
        self._sender = sender
        self._i18n = i18n
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._desk = desk

    async def run_once(self) -> int:
        """One pass of all three; returns how many messages went out."""
        async with self._sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            await request_jobs.close_expired(uow, self._clock, self._desk)
            waiting = await request_jobs.waiting_reminders(uow, self._clock, self._desk)
            asked = await request_jobs.due_nps(uow, self._clock)
        reminders = [(item, self._waiting(item)) for item in waiting]
        results = await asyncio.gather(
            *(self._sender.send(message) for _item, message in reminders),
            *(self._sender.send(nps_question(self._i18n, client)) for client in asked),
        )
        async with self._sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            for (item, _message), result in zip(reminders, results, strict=False):
                message_id = getattr(result.value, "message_id", None)
                if result.delivered and message_id is not None:
                    # His reply to it is an answer on the request.
                    await relay.link(
                        uow,
                        chat_id=item.client.telegram_id,
                        message_id=message_id,
                        request_id=item.request.id,
                    )
        return sum(result.delivered for result in results)

    def _waiting(self, item: WaitingReminder) -> SendMessage:
        with self._i18n.context(), self._i18n.use_locale(item.client.locale):
            text = _(
                "⏳ Request {number} is waiting for your answer. Please write here: your "
                "message goes to the specialist."
            ).format(number=item.request.number)
        return SendMessage(chat_id=item.client.telegram_id, text=text)
