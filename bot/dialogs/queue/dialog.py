"""The request queue: a specialist's own open requests, the head of sales' everyone's,
the nearest deadline first; choosing one sends its card."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row
from aiogram_dialog.widgets.text import Format

from bot.dialogs.queue.states import Queue
from bot.dialogs.widgets import choice
from bot.notify import Ctx, show_card
from bot.render import cards
from bot.services import requests
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.texts import stale_button

PAGE = "page"


async def queue_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    actor: Actor = data["actor"]
    page = await requests.queue_page(data["uow"], actor, dialog_manager.dialog_data.get(PAGE, 0))
    dialog_manager.dialog_data[PAGE] = page.page
    reader = cards.Reader.of(actor)
    now = data["clock"].now()
    everyone = requests.sees_everything(actor)
    if page.items:
        text = (
            _("Open requests of the whole team, nearest deadline first:")
            if everyone
            else _("Your open requests, nearest deadline first:")
        )
    else:
        text = _("No open requests. 🎉")
    if page.pages > 1:
        text += "\n" + _("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)
    return {
        "text": text,
        "items": [
            (str(r.id), cards.list_label(r, reader, staff=True, now=now)) for r in page.items
        ],
        "has_prev": page.page > 0,
        "has_next": page.page + 1 < page.pages,
        "close": _("Close"),
    }


async def on_item(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    data = manager.middleware_data
    try:
        await requests.for_staff(data["uow"], data["actor"], int(item))
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    await show_card(Ctx.of(data), data["actor"].user, int(item))


async def on_prev(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data[PAGE] = max(0, manager.dialog_data.get(PAGE, 0) - 1)


async def on_next(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data[PAGE] = manager.dialog_data.get(PAGE, 0) + 1


def paging() -> Row:
    return Row(
        Button(Format("◀️"), id="prev", on_click=on_prev, when="has_prev"),
        Button(Format("▶️"), id="next", on_click=on_next, when="has_next"),
    )


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            Column(choice("request", "items", on_item)),
            paging(),
            Cancel(Format("{close}")),
            state=Queue.list,
            getter=queue_getter,
        ),
    )
