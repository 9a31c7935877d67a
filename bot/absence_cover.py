"""Taking absence cover up when an absence begins and giving it back when it ends (see
bot/services/absences.py), and telling the two people concerned each time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.render import absences as render
from bot.services import absences
from bot.services.absences import Cover, HandBack
from bot.storage.dto import UserDTO
from bot.storage.uow import UnitOfWork
from bot.timed import TimedJob


@dataclass
class AbsenceCover(TimedJob):
    async def run_once(self) -> int:
        """Gives back the covers whose absence is over, takes up those whose absence has
        begun; returns how many messages went out."""
        async with self.sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            ended = await absences.ending(uow, self.clock)
            begun = await absences.starting(uow, self.clock)
        messages: list[SendMessage] = []
        for back in ended:
            messages += hand_back_messages(self.i18n, back)
        for cover in begun:
            messages += self.cover_messages(cover)
        return await self.send_all([(message, None) for message in messages])

    def cover_messages(self, cover: Cover) -> list[SendMessage]:
        return [
            message_to(
                self.i18n, cover.deputy, lambda: render.cover_begins(cover, cover.deputy.locale)
            ),
            message_to(
                self.i18n, cover.user, lambda: render.absence_begins(cover, cover.user.locale)
            ),
        ]


def hand_back_messages(i18n: I18n, back: HandBack, *, to_user: bool = True) -> list[SendMessage]:
    """The deputy's "cover over", and (unless he reads it on his own screen) the returning
    one's welcome back."""
    messages = [message_to(i18n, back.deputy, lambda: render.cover_over(back))]
    if to_user:
        messages.append(
            message_to(i18n, back.user, lambda: render.welcome_back(back, back.user.locale))
        )
    return messages


def message_to(i18n: I18n, to: UserDTO, text: Callable[[], str]) -> SendMessage:
    """`text` rendered in the recipient's language."""
    with i18n.context(), i18n.use_locale(to.locale):
        return SendMessage(chat_id=to.telegram_id, text=text())
