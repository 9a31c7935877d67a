"""A deal's next step, from its Edit menu: what (typed; Skip keeps the one set, Clear
removes it), then its day in the calendar or "No date". A day becomes the owner's reminder
at 09:00 (the service sees to it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.deals import common, render
from bot.dialogs.deals.states import Deals
from bot.dialogs.widgets import expect_buttons, expect_text
from bot.services.crm import clients, deals
from bot.services.errors import ClientRejected
from bot.storage.dto import DealDTO

STEP = "next_step"  # dialog_data: the step typed (or kept), waiting for its day


async def _deal(manager: DialogManager) -> DealDTO:
    view = await deals.view(common.uow(manager), common.actor(manager), common.deal_id(manager))
    return view.deal


async def next_step_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    actor = common.actor(dialog_manager)
    deal = await _deal(dialog_manager)
    now = render.next_step(deal, actor) or "—"
    return {
        "step_q": _("What is the next step in this deal? Type it.")
        + "\n"
        + _("Now: {value}").format(value=now),
        "day_q": _("When? Pick a day, or press “No date”."),
        "has_step": deal.next_step is not None,
        "skip": _("Skip"),
        "clear": _("🗑 Clear"),
        "no_date": _("No date"),
        "back": _("⬅️ Back"),
    }


async def on_step(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        step = clients.clean_text(message.text, deals.MAX_NEXT_STEP, required=True)
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    manager.dialog_data[STEP] = step
    await manager.switch_to(Deals.edit_next_step_day)


async def on_keep_step(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """Skip: the step stays as it is, only its day is chosen again."""
    manager.dialog_data[STEP] = (await _deal(manager)).next_step
    await manager.switch_to(Deals.edit_next_step_day)


async def on_clear(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _save(callback, manager, None, None)


async def on_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    await _dated(callback, manager, day)


async def on_no_date(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _dated(callback, manager, None)


async def _dated(callback: CallbackQuery, manager: DialogManager, day: date | None) -> None:
    """The step typed before, with its day; without one (a stale window) it is asked
    again rather than taken for "clear"."""
    step = manager.dialog_data.get(STEP)
    if not step:
        await callback.answer()
        await manager.switch_to(Deals.edit_next_step)
        return
    await _save(callback, manager, step, day)


async def _save(
    event: CallbackQuery | Message, manager: DialogManager, step: str | None, day: date | None
) -> None:
    await common.save_edit(
        event,
        manager,
        lambda: deals.set_next_step(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.deal_id(manager),
            step,
            day,
        ),
    )


def windows() -> list[Window]:
    return [
        Window(
            Format("{step_q}"),
            MessageInput(on_step, content_types=[ContentType.TEXT]),
            expect_text(),
            Row(
                Button(Format("{skip}"), id="keep_step", on_click=on_keep_step, when="has_step"),
                Button(Format("{clear}"), id="clear_step", on_click=on_clear, when="has_step"),
            ),
            SwitchTo(Format("{back}"), id="to_edit", state=Deals.edit),
            state=Deals.edit_next_step,
            getter=next_step_getter,
        ),
        Window(
            Format("{day_q}"),
            LocalCalendar(id="next_step_day", on_click=on_day),
            Row(
                Button(Format("{no_date}"), id="no_date", on_click=on_no_date),
                SwitchTo(Format("{back}"), id="to_step", state=Deals.edit_next_step),
            ),
            expect_buttons(),
            state=Deals.edit_next_step_day,
            getter=next_step_getter,
        ),
    ]
