"""Sending what bot/services/request_jobs.py decides as time passes: the reminder to a
client whose answer a request waits for, and the NPS question. Closing expired resolved
requests says nothing: the client was told at resolution how long he could reopen."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiogram.methods import SendMessage
from aiogram.utils.i18n import gettext as _

from bot.notify import nps_question
from bot.services import relay, request_jobs
from bot.services.desk import DeskConfig
from bot.services.request_jobs import WaitingReminder
from bot.storage.uow import UnitOfWork
from bot.timed import TimedJob


@dataclass
class RequestJobs(TimedJob):
    desk: DeskConfig

    async def run_once(self) -> int:
        """One pass of all three; returns how many messages went out."""
        async with self.sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            await request_jobs.close_expired(uow, self.clock, self.desk)
            waiting = await request_jobs.waiting_reminders(uow, self.clock, self.desk)
            asked = await request_jobs.due_nps(uow, self.clock)
        reminders = [(item, self._waiting(item)) for item in waiting]
        results = await asyncio.gather(
            *(self.sender.send(message) for _item, message in reminders),
            *(self.sender.send(nps_question(self.i18n, client)) for client in asked),
        )
        async with self.sessionmaker() as session, session.begin():
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
        with self.i18n.context(), self.i18n.use_locale(item.client.locale):
            text = _(
                "⏳ Request {number} is waiting for your answer. Please write here: your "
                "message goes to the specialist."
            ).format(number=item.request.number)
        return SendMessage(chat_id=item.client.telegram_id, text=text)
