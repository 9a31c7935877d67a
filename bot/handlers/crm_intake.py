"""Leads a staff member sends the bot outside any flow: a Telegram contact card, a message
forwarded from a person, or a .vcf file of contacts (see bot/dialogs/lead/intake.py).

Registered after the dialogs, so an answer a flow waits for (a contact for its phone
question) is the flow's. A client's contact card or forward is not caught here: it goes
to his specialist through the relay. Nor is a staff member's reply to a request's
message, which answers that request.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message
from aiogram_dialog import DialogManager

from bot.dialogs.lead.intake import capture, is_capture
from bot.services.actors import Actor


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_capture, is_capture, _from_staff)
    return r


def _from_staff(message: Message, actor: Actor) -> bool:
    return actor.is_registered and actor.role.is_staff and message.reply_to_message is None


async def on_capture(message: Message, dialog_manager: DialogManager) -> None:
    await capture(message, dialog_manager)
