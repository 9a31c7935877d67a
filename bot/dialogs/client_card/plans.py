"""The budget (an amount with its currency) and the next step (what, then a day in the
calendar or no date)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Row
from aiogram_dialog.widgets.text import Format

from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.client_card import common
from bot.dialogs.client_card.common import clear_button, saved, typed
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.widgets import expect_buttons
from bot.services import reminders
from bot.services.crm import clients
from bot.services.crm.money import format_money, parse_money
from bot.services.errors import ClientRejected

NEXT_STEP = "next_step"


async def budget_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    client = await common.client(dialog_manager)
    locale = common.actor(dialog_manager).locale
    now = (
        format_money(client.budget_minor, client.budget_currency, locale)
        if client.budget_minor is not None and client.budget_currency
        else None
    )
    return {
        "text": _("Type the client's budget, e.g. 150 000 or 2500 USD.\nNow: {value}").format(
            value=common.escaped(now)
        ),
        "can_clear": client.budget_minor is not None,
        **common.labels(),
    }


async def on_budget(message: Message, _w: Any, manager: DialogManager) -> None:
    settings = manager.middleware_data["settings"]
    try:
        minor, currency = parse_money(
            message.text or "", common.actor(manager).locale, settings.default_currency
        )
    except ClientRejected as error:
        await common.reject(message, error)
        return
    await saved(message, manager, budget_minor=minor, budget_currency=currency)


async def on_clear_budget(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await saved(callback, manager, budget_minor=None, budget_currency=None)


# The next step: what, then when (a day in the calendar, or no date).


async def next_step_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    client = await common.client(dialog_manager)
    reader = common.reader(dialog_manager)
    now = client.next_step
    if client.next_step_at is not None:
        now = f"{now or ''} · {reader.when(client.next_step_at)}".strip(" ·")
    return {
        "text": _("What is the next step with the client?\nNow: {value}").format(
            value=common.escaped(now)
        ),
        "date_text": _("When? Pick a day, or press “No date”."),
        "no_date": _("No date"),
        "can_clear": bool(client.next_step or client.next_step_at),
        **common.labels(),
    }


async def on_next_step(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        step = clients.clean_text(message.text, clients.TEXT_FIELDS["next_step"], required=True)
    except ClientRejected as error:
        await common.reject(message, error)
        return
    manager.dialog_data[NEXT_STEP] = step
    await manager.switch_to(ClientCard.next_step_date)


async def on_next_step_day(
    callback: CallbackQuery, _w: Any, manager: DialogManager, day: date
) -> None:
    moment = reminders.at_local(day, reminders.MORNING, common.actor(manager).timezone)
    await saved(
        callback, manager, next_step=manager.dialog_data.get(NEXT_STEP), next_step_at=moment
    )


async def on_no_date(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await saved(callback, manager, next_step=manager.dialog_data.get(NEXT_STEP), next_step_at=None)


async def on_clear_next_step(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await saved(callback, manager, next_step=None, next_step_at=None)


def windows() -> list[Window]:
    return [
        Window(
            Format("{text}"),
            *typed(on_budget),
            clear_button(on_clear_budget),
            common.to_edits(),
            state=ClientCard.budget,
            getter=budget_getter,
        ),
        Window(
            Format("{text}"),
            *typed(on_next_step),
            clear_button(on_clear_next_step),
            common.to_edits(),
            state=ClientCard.next_step,
            getter=next_step_getter,
        ),
        Window(
            Format("{date_text}"),
            LocalCalendar(id="next_step_day", on_click=on_next_step_day),
            Row(
                Button(Format("{no_date}"), id="no_date", on_click=on_no_date),
                common.nav("back", "to_next_step", ClientCard.next_step),
            ),
            expect_buttons(),
            state=ClientCard.next_step_date,
            getter=next_step_getter,
        ),
    ]
