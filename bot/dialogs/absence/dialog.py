"""Absences: the list of someone's absences (his own; the head of sales may pick anyone's)
with End now / Call off, and planning a new one: first day → last day → deputy → confirm."""

from __future__ import annotations

from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.absence import getters, handlers
from bot.dialogs.absence.states import Absence
from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.widgets import choice, expect_buttons


def _to_list() -> SwitchTo:
    return SwitchTo(Format("{back}"), id="to_list", state=Absence.list)


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            Column(choice("end", "ahead", handlers.on_end_chosen)),
            Button(Format("{plan}"), id="plan", on_click=handlers.on_plan),
            SwitchTo(Format("{someone}"), id="someone", state=Absence.person, when="may_choose"),
            Cancel(Format("{close}")),
            expect_buttons(),
            state=Absence.list,
            getter=getters.list_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice("person", "people", handlers.on_person)),
            _to_list(),
            expect_buttons(),
            state=Absence.person,
            getter=getters.person_getter,
        ),
        Window(
            Format("{text}"),
            LocalCalendar(id="first", on_click=handlers.on_first),
            _to_list(),
            expect_buttons(),
            state=Absence.first,
            getter=getters.first_getter,
        ),
        Window(
            Format("{text}"),
            LocalCalendar(id="last", on_click=handlers.on_last),
            Button(Format("{one_day}"), id="one_day", on_click=handlers.on_one_day),
            Row(SwitchTo(Format("{back}"), id="last_back", state=Absence.first), _to_list()),
            expect_buttons(),
            state=Absence.last,
            getter=getters.last_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice("deputy", "deputies", handlers.on_deputy)),
            Row(SwitchTo(Format("{back}"), id="deputy_back", state=Absence.last), _to_list()),
            expect_buttons(),
            state=Absence.deputy,
            getter=getters.deputy_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{confirm}"), id="confirm", on_click=handlers.on_confirm),
            Row(SwitchTo(Format("{back}"), id="confirm_back", state=Absence.deputy), _to_list()),
            expect_buttons(),
            state=Absence.confirm,
            getter=getters.confirm_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{sure}"), id="end_sure", on_click=handlers.on_end, when="ok"),
            _to_list(),
            expect_buttons(),
            state=Absence.end,
            getter=getters.end_getter,
        ),
    )
