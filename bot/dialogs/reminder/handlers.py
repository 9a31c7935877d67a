"""What the reminder dialogs do with each answer. Every change goes through the reminders
service, which checks that the reminder and its client are this actor's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button

from bot.dialogs.context import actor, clock, say, uow
from bot.dialogs.reminder.common import (
    AT,
    CLIENT_ID,
    DAY,
    ITEM,
    PAGE,
    REPEAT,
    SNOOZE_OF,
    TEXT,
    TITLE,
    quick_times,
)
from bot.dialogs.reminder.states import MyReminders, NewReminder
from bot.render.cards import Reader
from bot.render.reminders import problem_text
from bot.services import reminders
from bot.services.crm import access
from bot.services.errors import NotAllowed, ReminderProblem, ReminderRejected
from bot.services.when import parse_when
from bot.storage.dto import ReminderDTO
from bot.storage.enums import Recurrence
from bot.texts import stale_button


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    if data.get(CLIENT_ID):
        try:
            client = await access.client_for(uow(manager), actor(manager), int(data[CLIENT_ID]))
        except (NotAllowed, TypeError, ValueError):
            client = None
        if client is not None:
            manager.dialog_data.update({CLIENT_ID: client.id, TITLE: client.title})
    if data.get(SNOOZE_OF):
        manager.dialog_data[SNOOZE_OF] = int(data[SNOOZE_OF])
    text = str(data.get(TEXT) or "").strip()
    if not text:
        return
    manager.dialog_data[TEXT] = text[: reminders.MAX_TEXT]
    if data.get(AT):
        manager.dialog_data[AT] = str(data[AT])
        await manager.switch_to(NewReminder.confirm)
    else:
        await manager.switch_to(NewReminder.when)


async def on_text(message: Message, _w: Any, manager: DialogManager) -> None:
    text = (message.text or "").strip()
    if not text:
        await message.answer(problem_text(ReminderProblem.EMPTY))
        return
    if len(text) > reminders.MAX_TEXT:
        await message.answer(problem_text(ReminderProblem.TOO_LONG))
        return
    manager.dialog_data[TEXT] = text
    await manager.switch_to(NewReminder.when)


async def on_when_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    who = actor(manager)
    moment = parse_when(
        message.text or "", now=clock(manager).now(), tz=who.timezone, locale=who.locale
    )
    if moment is None:
        await message.answer(
            _(
                "I could not understand this time. Try “tomorrow at 10” or “in 2 hours”, "
                "or choose below."
            )
        )
        return
    await _set_time(message, manager, moment)


async def on_quick(event: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    moment = quick_times(manager).get(item)
    if moment is None:
        await event.answer(stale_button(), show_alert=True)
        return
    await _set_time(event, manager, moment)


async def on_pick_day(_event: CallbackQuery, _w: Button, manager: DialogManager) -> None:
    await manager.switch_to(NewReminder.day)


async def on_day(_event: CallbackQuery, _w: Any, manager: DialogManager, chosen: date) -> None:
    manager.dialog_data[DAY] = chosen.isoformat()
    await manager.switch_to(NewReminder.hour)


async def on_hour(event: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        chosen = date.fromisoformat(manager.dialog_data[DAY])
        zone = ZoneInfo(actor(manager).timezone)
        moment = datetime.combine(chosen, time(int(item)), tzinfo=zone)
    except (KeyError, ValueError):
        await event.answer(stale_button(), show_alert=True)
        return
    await _set_time(event, manager, moment)


async def _set_time(
    event: CallbackQuery | Message, manager: DialogManager, moment: datetime
) -> None:
    try:
        reminders.check_time(moment, clock(manager).now())
    except ReminderRejected as error:
        await say(event, problem_text(error.problem))
        return
    manager.dialog_data[AT] = moment.isoformat()
    await manager.switch_to(NewReminder.confirm)


async def on_repeat(event: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        manager.dialog_data[REPEAT] = Recurrence(item).value
    except ValueError:
        await event.answer(stale_button(), show_alert=True)
        return
    await manager.switch_to(NewReminder.confirm)


async def on_confirm(event: CallbackQuery, _w: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    who = actor(manager)
    if data.get(SNOOZE_OF):
        await _settle(
            event,
            manager,
            lambda: reminders.snooze(
                uow(manager),
                who,
                clock(manager),
                int(data[SNOOZE_OF]),
                datetime.fromisoformat(data[AT]),
            ),
            _("Snoozed."),
            _("💤 I will remind you {when}."),
        )
        return
    await _settle(
        event,
        manager,
        lambda: reminders.create(
            uow(manager),
            who,
            clock(manager),
            text=data.get(TEXT, ""),
            due_at=datetime.fromisoformat(data[AT]),
            client_id=data.get(CLIENT_ID),
            recurrence=Recurrence(data.get(REPEAT, Recurrence.ONCE.value)),
        ),
        _("Saved."),
        _("✅ I will remind you {when}."),
    )


async def _settle(
    event: CallbackQuery,
    manager: DialogManager,
    change: Callable[[], Awaitable[ReminderDTO]],
    answer: str,
    confirmation: str,
) -> None:
    """Makes the change (a new reminder, or one snoozed); the dialog closes and the chat
    keeps a line saying when it comes. A stale or forged draft closes it with the usual
    answer; a time that no longer fits keeps it open for another."""
    who = actor(manager)
    try:
        item = await change()
    except (NotAllowed, KeyError, ValueError):
        await event.answer(stale_button(), show_alert=True)
        await manager.done()
        return
    except ReminderRejected as error:
        await event.answer(problem_text(error.problem), show_alert=True)
        return
    await event.answer(answer)
    await manager.done()
    await manager.middleware_data["bot"].send_message(
        who.telegram_id, confirmation.format(when=Reader.of(who).when(item.due_at))
    )


# The list of his reminders


async def on_item(_event: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data[ITEM] = item
    await manager.switch_to(MyReminders.item)


async def on_new(_event: CallbackQuery, _w: Button, manager: DialogManager) -> None:
    await manager.start(NewReminder.text)


async def on_page(_event: CallbackQuery, widget: Button, manager: DialogManager) -> None:
    page = int(manager.dialog_data.get(PAGE, 0))
    manager.dialog_data[PAGE] = max(0, page + (1 if widget.widget_id == "older" else -1))


async def on_done(event: CallbackQuery, _w: Button, manager: DialogManager) -> None:
    await _change(event, manager, reminders.done, _("Done."))


async def on_delete(event: CallbackQuery, _w: Button, manager: DialogManager) -> None:
    await _change(event, manager, reminders.cancel, _("Deleted."))


async def _change(event: CallbackQuery, manager: DialogManager, change: Any, said: str) -> None:
    try:
        await change(uow(manager), actor(manager), clock(manager), int(manager.dialog_data[ITEM]))
    except (NotAllowed, KeyError, ValueError):
        await event.answer(stale_button(), show_alert=True)
    else:
        await event.answer(said)
    await manager.switch_to(MyReminders.list)
