"""What a dialog's getters and handlers read from the update's middleware data."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager

from bot.config import Settings
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.storage.uow import UnitOfWork


def uow(manager: DialogManager) -> UnitOfWork:
    return manager.middleware_data["uow"]


def actor(manager: DialogManager) -> Actor:
    return manager.middleware_data["actor"]


def clock(manager: DialogManager) -> Clock:
    return manager.middleware_data["clock"]


def settings(manager: DialogManager) -> Settings:
    return manager.middleware_data["settings"]


async def say(event: CallbackQuery | Message, text: str) -> None:
    """A short answer to a press (an alert) or to a typed message (a reply)."""
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)
