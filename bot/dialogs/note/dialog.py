"""Logging a meeting, call, visit, online meeting or a plain note on a client:
client (recent ones first, or a search) → kind → when (now by default; a plain note is
always "now") → notes (text, a voice message or a photo) → outcome (not for a plain note)
→ next step → its day → saved, and the summary is sent with "Open client".

Start data (optional): {"client_id": int} starts at the kind; {"text": str} is the note
already written (a message sent outside any flow), so the notes question is not asked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram.enums import ContentType
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Group, Row
from aiogram_dialog.widgets.kbd.calendar_kbd import CalendarUserConfig
from aiogram_dialog.widgets.text import Format

from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.note import getters, handlers
from bot.dialogs.note.common import today_of
from bot.dialogs.note.states import Note
from bot.dialogs.widgets import choice, expect_buttons, expect_text

CLIENT, KINDS, WHEN, HOUR = "client", "kinds", "when", "hour"


class PastCalendar(LocalCalendar):
    """Days up to today: when something already happened."""

    async def _get_user_config(
        self, data: dict[str, Any], manager: DialogManager
    ) -> CalendarUserConfig:
        config = await super()._get_user_config(data, manager)
        return replace(config, min_date=None, max_date=today_of(manager))


def _cancel() -> Cancel:
    return Cancel(Format("{cancel}"))


def _skip(on_click: Any) -> Row:
    return Row(Button(Format("{skip}"), id="skip", on_click=on_click), _cancel())


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            Column(choice(CLIENT, "clients", handlers.on_client)),
            Button(Format("{recent}"), id="recent", on_click=handlers.on_recent, when="searching"),
            MessageInput(handlers.on_query, content_types=[ContentType.TEXT]),
            expect_text(),
            _cancel(),
            state=Note.client,
            getter=getters.client_getter,
        ),
        Window(
            Format("{text}"),
            Group(choice(KINDS, "kinds", handlers.on_kind), width=2),
            _cancel(),
            expect_buttons(),
            state=Note.kind,
            getter=getters.kind_getter,
        ),
        Window(
            Format("{text}"),
            Row(choice(WHEN, "when", handlers.on_when)),
            PastCalendar(id="when_day", on_click=handlers.on_when_day),
            MessageInput(handlers.on_when_typed, content_types=[ContentType.TEXT]),
            expect_buttons(),
            _cancel(),
            state=Note.when,
            getter=getters.when_getter,
        ),
        Window(
            Format("{text}"),
            Group(choice(HOUR, "hours", handlers.on_hour), width=4),
            _cancel(),
            expect_buttons(),
            state=Note.hour,
            getter=getters.hour_getter,
        ),
        Window(
            Format("{text}"),
            MessageInput(
                handlers.on_text,
                content_types=[ContentType.TEXT, ContentType.VOICE, ContentType.PHOTO],
            ),
            MessageInput(handlers.on_not_a_note),
            _cancel(),
            state=Note.text,
            getter=getters.text_getter,
        ),
        Window(
            Format("{text}"),
            MessageInput(handlers.on_outcome, content_types=[ContentType.TEXT]),
            expect_text(),
            _skip(handlers.on_skip_outcome),
            state=Note.outcome,
            getter=getters.outcome_getter,
        ),
        Window(
            Format("{text}"),
            MessageInput(handlers.on_next_step, content_types=[ContentType.TEXT]),
            expect_text(),
            _skip(handlers.on_skip_next_step),
            state=Note.next_step,
            getter=getters.next_step_getter,
        ),
        Window(
            Format("{text}"),
            LocalCalendar(id="next_day", on_click=handlers.on_next_day),
            MessageInput(handlers.on_next_day_typed, content_types=[ContentType.TEXT]),
            expect_buttons(),
            _skip(handlers.on_skip_next_day),
            state=Note.next_date,
            getter=getters.next_date_getter,
        ),
        on_start=handlers.on_start,
    )
