"""Widgets every dialog builds the same way."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Select
from aiogram_dialog.widgets.text import Format


def choice(widget_id: str, items: str, on_click: Any) -> Select[str]:
    """One button per (id, label) pair that the window's getter returns under `items`."""
    return Select(
        Format("{item[1]}"),
        id=widget_id,
        item_id_getter=itemgetter(0),
        items=items,
        on_click=on_click,
    )


async def _use_buttons(message: Message, _widget: Any, _manager: DialogManager) -> None:
    await message.answer(_("Please choose with the buttons above."))


async def _answer_with_text(message: Message, _widget: Any, _manager: DialogManager) -> None:
    await message.answer(_("Please answer with text."))


def expect_buttons() -> MessageInput:
    """In a window answered with buttons, a typed message gets a hint instead of silence."""
    return MessageInput(_use_buttons)


def expect_text() -> MessageInput:
    """After a text input: anything else (a sticker, a photo) gets a hint."""
    return MessageInput(_answer_with_text)
