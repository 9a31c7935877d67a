"""Sending the deadline alerts of bot/services/sla_watch.py: each recipient gets the alert
in his language above the request's card, with the card's buttons (take, reply, status…),
through the outbound sender. A reply to it is a message on the request, as on any card."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.methods import SendMessage
from aiogram.utils.i18n import gettext as _

from bot.keyboards import requests as kb
from bot.render import cards
from bot.render.cards import Reader
from bot.services import requests, sla_watch
from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed
from bot.services.sla_watch import Alert, Deadline, Level
from bot.storage.dto import UserDTO
from bot.storage.uow import UnitOfWork
from bot.timed import TimedJob


@dataclass
class SlaAlerts(TimedJob):
    desk: DeskConfig

    async def run_once(self) -> int:
        """Gives the alerts due now; returns how many messages went out."""
        async with self.sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            outgoing = []
            for alert in await sla_watch.due_alerts(uow, self.clock, self.desk):
                for user in alert.recipients:
                    message = await self._message(uow, alert, user)
                    if message is not None:
                        outgoing.append((message, alert.request.id))
        return await self.send_all(outgoing)

    async def _message(self, uow: UnitOfWork, alert: Alert, user: UserDTO) -> SendMessage | None:
        try:
            view = await requests.view(uow, Actor.of(user), alert.request.id)
        except NotAllowed:
            return None
        reader = Reader.of(user)
        now = self.clock.now()
        with self.i18n.context(), self.i18n.use_locale(user.locale):
            text = (
                _headline(alert, reader) + "\n\n" + cards.staff_card(view, self.desk, reader, now)
            )
            markup = kb.staff_card(view.request, can_hand_off=bool(self.desk.departments))
        return SendMessage(chat_id=user.telegram_id, text=text, reply_markup=markup)


def _headline(alert: Alert, reader: Reader) -> str:
    when = reader.when(alert.due)
    number = alert.request.number
    if alert.level is Level.WARNING:
        if alert.deadline is Deadline.FIRST_RESPONSE:
            text = _("⏳ Request {number}: most of the time to answer is used. Answer by {when}.")
        else:
            text = _("⏳ Request {number}: most of the time to resolve it is used. Due {when}.")
        return text.format(number=number, when=when)
    assignee = cards.person(alert.assignee) if alert.assignee else _("nobody")
    if alert.deadline is Deadline.FIRST_RESPONSE:
        text = _("🚨 Request {number} has had no answer in time (due {when}). Assignee: {who}.")
    else:
        text = _("🚨 Request {number} was not resolved in time (due {when}). Assignee: {who}.")
    return text.format(number=number, when=when, who=assignee)
