"""Telling the others concerned about an absence set or ended in the dialog: the deputy, and
the absent one when the head of sales acted for him. They are not the one pressing the
button, so the messages go through the outbound sender (bot/outbound.py)."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.methods import SendMessage
from aiogram_dialog import DialogManager

from bot.absence_cover import hand_back_messages, message_to
from bot.dialogs.context import actor
from bot.middlewares.commit_first import commit_before_sending
from bot.outbound import OutboundSender
from bot.render import absences as render
from bot.services.absences import HandBack, Planned
from bot.storage.dto import AbsenceDTO, UserDTO


def _message(manager: DialogManager, to: UserDTO, text: Callable[[], str]) -> SendMessage:
    return message_to(manager.middleware_data["i18n"], to, text)


async def _send(manager: DialogManager, messages: list[SendMessage]) -> None:
    """Stored first, then handed to the sender; the dialog does not wait for other people's
    chats."""
    await commit_before_sending()
    sender: OutboundSender = manager.middleware_data["sender"]
    for message in messages:
        sender.submit(message)


async def planned(manager: DialogManager, item: Planned) -> None:
    deputy, user = item.deputy, item.user
    messages = []
    if item.cover is not None:
        messages.append(
            _message(manager, deputy, lambda: render.cover_begins(item.cover, deputy.locale))
        )  # type: ignore[arg-type]
    else:
        messages.append(_message(manager, deputy, lambda: render.deputy_asked(item, deputy.locale)))
    setter = actor(manager).user
    if setter is not None and setter.id != user.id:
        messages.append(
            _message(manager, user, lambda: render.set_for_you(item, setter, user.locale))
        )
    await _send(manager, messages)


async def handed_back(manager: DialogManager, back: HandBack) -> None:
    i18n = manager.middleware_data["i18n"]
    to_user = back.user.id != actor(manager).user_id
    await _send(manager, hand_back_messages(i18n, back, to_user=to_user))


async def called_off(manager: DialogManager, absence: AbsenceDTO) -> None:
    people = await manager.middleware_data["uow"].users.many((absence.user_id, absence.deputy_id))
    user, deputy = people[absence.user_id], people[absence.deputy_id]
    await _send(
        manager, [_message(manager, deputy, lambda: render.cancelled(absence, user, deputy.locale))]
    )
