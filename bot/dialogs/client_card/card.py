"""The card itself: every field, the reliability score, and the ways on: edit, score,
deals, a note, the timeline, a reminder about him."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Row
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common, timeline
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.note.states import Note
from bot.dialogs.reminder.states import NewReminder
from bot.render.clients import card_text
from bot.services.crm import clients
from bot.services.crm.score import reliability
from bot.services.errors import NotAllowed
from bot.texts import stale_button


async def card_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager = dialog_manager
    card = await clients.card(common.uow(manager), common.actor(manager), common.client_id(manager))
    now = common.clock(manager).now()
    score = await reliability(common.uow(manager), card.client, now)
    return {
        "card": card_text(card, score, common.reader(manager), now),
        "edit": _("✏️ Edit"),
        "score": _("📊 Score"),
        "deals": _("💼 Deals"),
        "note": _("📝 Note"),
        "timeline": _("📜 Timeline"),
        "remind": _("⏰ Remind"),
        "close": _("Close"),
    }


async def on_start(_data: Any, manager: DialogManager) -> None:
    """A card opened from a list, a search, an inline result or a request: the actor must
    work with this client; a forged or outdated id shows nothing."""
    try:
        await common.client(manager)
    except NotAllowed:
        if isinstance(manager.event, CallbackQuery | Message):
            await common.say(manager.event, stale_button())
        await manager.done()


async def on_result(_start: Any, _result: Any, manager: DialogManager) -> None:
    """Back from a note or a deal: the client may have been handed to someone else since."""
    try:
        await common.client(manager)
    except NotAllowed:
        await manager.done()


async def on_note(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    try:
        found = await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    await manager.start(Note.client, data={"client_id": found.id})


async def on_remind(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    try:
        found = await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    await manager.start(NewReminder.text, data={"client_id": found.id})


def window() -> Window:
    return Window(
        Format("{card}"),
        Row(
            common.nav("edit", "edit", ClientCard.edit),
            common.nav("score", "score", ClientCard.score),
        ),
        Row(
            common.nav("deals", "deals", ClientCard.deals),
            Button(Format("{note}"), id="note", on_click=on_note),
        ),
        Row(
            Button(Format("{timeline}"), id="timeline", on_click=timeline.on_open),
            Button(Format("{remind}"), id="remind", on_click=on_remind),
        ),
        Cancel(Format("{close}")),
        common.pass_on(),
        state=ClientCard.main,
        getter=card_getter,
    )
