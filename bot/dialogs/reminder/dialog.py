"""Setting a reminder: what → when (typed in words, one of the quick times, or a day on the
calendar and an hour) → the understood time shown back with Confirm, the quick times again,
another time and how often it repeats. And the list of his reminders, each with Done and
Delete."""

from __future__ import annotations

from aiogram.enums import ContentType
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Group, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.reminder import getters, handlers
from bot.dialogs.reminder.states import MyReminders, NewReminder
from bot.dialogs.widgets import choice, expect_buttons, expect_text


def _cancel() -> Cancel:
    return Cancel(Format("{cancel}"))


def new_reminder_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            MessageInput(handlers.on_text, content_types=[ContentType.TEXT]),
            expect_text(),
            _cancel(),
            state=NewReminder.text,
            getter=getters.text_getter,
        ),
        Window(
            Format("{text}"),
            Group(choice("quick", "quick", handlers.on_quick), width=3),
            Button(Format("{pick_day}"), id="pick_day", on_click=handlers.on_pick_day),
            MessageInput(handlers.on_when_typed, content_types=[ContentType.TEXT]),
            expect_text(),
            _cancel(),
            state=NewReminder.when,
            getter=getters.when_getter,
        ),
        Window(
            Format("{text}"),
            LocalCalendar(id="day", on_click=handlers.on_day),
            MessageInput(handlers.on_when_typed, content_types=[ContentType.TEXT]),
            expect_buttons(),
            Row(SwitchTo(Format("{back}"), id="day_back", state=NewReminder.when), _cancel()),
            state=NewReminder.day,
            getter=getters.day_getter,
        ),
        Window(
            Format("{text}"),
            Group(choice("hour", "hours", handlers.on_hour), width=4),
            expect_buttons(),
            Row(Back(Format("{back}")), _cancel()),
            state=NewReminder.hour,
            getter=getters.hour_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{confirm}"), id="confirm", on_click=handlers.on_confirm),
            Group(choice("again", "quick", handlers.on_quick), width=3),
            Row(
                SwitchTo(Format("{other}"), id="other", state=NewReminder.day),
                SwitchTo(
                    Format("{repeat_button}"),
                    id="repeat",
                    state=NewReminder.repeat,
                    when="may_repeat",
                ),
            ),
            MessageInput(handlers.on_when_typed, content_types=[ContentType.TEXT]),
            expect_buttons(),
            _cancel(),
            state=NewReminder.confirm,
            getter=getters.confirm_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice("repeats", "repeats", handlers.on_repeat)),
            expect_buttons(),
            SwitchTo(Format("{back}"), id="repeat_back", state=NewReminder.confirm),
            state=NewReminder.repeat,
            getter=getters.repeat_getter,
        ),
        on_start=handlers.on_start,
    )


def my_reminders_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            Column(choice("items", "items", handlers.on_item)),
            Row(
                Button(Format("{newer}"), id="newer", on_click=handlers.on_page, when="has_newer"),
                Button(Format("{older}"), id="older", on_click=handlers.on_page, when="has_older"),
            ),
            Button(Format("{new}"), id="new", on_click=handlers.on_new),
            expect_buttons(),
            Cancel(Format("{close}")),
            state=MyReminders.list,
            getter=getters.list_getter,
        ),
        Window(
            Format("{text}"),
            Row(
                Button(Format("{done}"), id="done", on_click=handlers.on_done, when="sent"),
                Button(Format("{delete}"), id="delete", on_click=handlers.on_delete, when="exists"),
            ),
            expect_buttons(),
            SwitchTo(Format("{back}"), id="item_back", state=MyReminders.list),
            state=MyReminders.item,
            getter=getters.item_getter,
        ),
    )
