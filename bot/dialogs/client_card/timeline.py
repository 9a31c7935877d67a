"""The client's timeline, a page at a time, newest first; a voice message or photo
attached to a note is sent on request."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Row
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.widgets import choice
from bot.render.clients import attachment_label, timeline_text
from bot.services.crm import timeline
from bot.services.errors import NotAllowed
from bot.texts import stale_button

PAGE = "timeline_page"


async def timeline_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    reader = common.reader(dialog_manager)
    shown = await timeline.page(
        common.uow(dialog_manager),
        common.actor(dialog_manager),
        common.client_id(dialog_manager),
        dialog_manager.dialog_data.get(PAGE, 0),
    )
    return {
        "text": timeline_text(shown, reader),
        "files": [
            (str(entry.id), attachment_label(entry, reader))
            for entry in shown.entries
            if entry.file_id and entry.request_id is None
        ],
        "has_newer": shown.has_newer,
        "has_older": shown.has_older,
        "newer": _("◀️ Newer"),
        "older": _("Older ▶️"),
        **common.labels(),
    }


def _turn(step: int) -> Any:
    async def on_click(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        try:
            await common.client(manager)
        except NotAllowed:
            await common.refuse(callback, manager)
            return
        manager.dialog_data[PAGE] = max(0, manager.dialog_data.get(PAGE, 0) + step)

    return on_click


async def on_file(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    try:
        file_id, kind = await timeline.attachment(
            common.uow(manager), common.actor(manager), common.client_id(manager), int(item)
        )
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    await send_file(manager.middleware_data["bot"], callback.from_user.id, file_id, kind)
    # The timeline follows the file, so its buttons stay at the bottom of the chat.
    manager.show_mode = ShowMode.SEND


async def send_file(bot: Bot, chat_id: int, file_id: str, kind: str | None) -> None:
    if kind == "voice":
        await bot.send_voice(chat_id, file_id)
    elif kind == "photo":
        await bot.send_photo(chat_id, file_id)
    elif kind == "audio":
        await bot.send_audio(chat_id, file_id)
    elif kind == "video":
        await bot.send_video(chat_id, file_id)
    elif kind == "video_note":
        await bot.send_video_note(chat_id, file_id)
    else:
        await bot.send_document(chat_id, file_id)


async def on_open(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """The timeline always opens at its newest page."""
    try:
        await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    manager.dialog_data[PAGE] = 0
    await manager.switch_to(ClientCard.timeline)


def window() -> Window:
    return Window(
        Format("{text}"),
        Column(choice("file", "files", on_file)),
        Row(
            Button(Format("{newer}"), id="newer", on_click=_turn(-1), when="has_newer"),
            Button(Format("{older}"), id="older", on_click=_turn(1), when="has_older"),
        ),
        common.to_card(),
        common.pass_on(),
        state=ClientCard.timeline,
        getter=timeline_getter,
    )
