"""Starting a dialog from a button on a message that must stay as it is (a request card,
a notification): the dialog opens in a new message below, and the card keeps its buttons.

aiogram-dialog treats the pressed message as the dialog's previous one and strips its
keyboard when sending a new message; the message manager here spares the one marked."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.entities import OldMessage
from aiogram_dialog.manager.message_manager import MessageManager

_spared: ContextVar[tuple[int, int] | None] = ContextVar("spared_message", default=None)


class SparingMessageManager(MessageManager):
    async def remove_inline_kbd(self, bot: Bot, old_message: OldMessage | None) -> Message | None:
        if old_message is not None and _spared.get() == (
            old_message.chat.id,
            old_message.message_id,
        ):
            return None
        return await super().remove_inline_kbd(bot, old_message)


async def start_beside(
    manager: DialogManager, callback: CallbackQuery, state: State, data: dict[str, Any]
) -> None:
    message = callback.message
    token = _spared.set((message.chat.id, message.message_id) if message else None)
    try:
        await manager.start(state, data=data, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
    finally:
        _spared.reset(token)
