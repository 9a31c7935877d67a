"""Sending what bot/services/request_jobs.py decides as time passes: the reminder to a
client whose answer a request waits for, and the NPS question. Closing expired resolved
requests says nothing: the client was told at resolution how long he could reopen."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.methods import SendMessage
from aiogram.utils.i18n import gettext as _

from bot.notify import nps_question
from bot.services import request_jobs
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
        return await self.send_all(
            [(self._waiting(item), item.request.id) for item in waiting]
            + [(nps_question(self.i18n, client), None) for client in asked]
        )

    def _waiting(self, item: WaitingReminder) -> SendMessage:
        with self.i18n.context(), self.i18n.use_locale(item.client.locale):
            text = _(
                "⏳ Request {number} is waiting for your answer. Please write here: your "
                "message goes to the specialist."
            ).format(number=item.request.number)
        return SendMessage(chat_id=item.client.telegram_id, text=text)
