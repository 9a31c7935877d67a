"""A new lead in seconds: name → company → phone → e-mail → source → needs, each but the
name skippable, then the duplicate check and the save.

Start data (optional): {"prefill": {LeadDraft fields}, "note": str} from a contact card or a
forwarded message: the flow opens on the summary to confirm or edit. A flow left unfinished
is offered to be continued by the next "➕ New lead" (see `progress`).
"""

from __future__ import annotations

from aiogram.enums import ContentType
from aiogram.fsm.state import State
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Group, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.lead import getters
from bot.dialogs.lead import handlers as on
from bot.dialogs.lead.intake import is_capture
from bot.dialogs.lead.states import Lead
from bot.dialogs.widgets import choice, expect_buttons, expect_text

SOURCE, FIELD, OPEN, MERGE = "source", "field", "open", "merge"


def _cancel() -> Cancel:
    return Cancel(Format("{cancel}"), on_click=on.on_cancel)


def _next_lead() -> MessageInput:
    """Once a lead is saved, a contact card, a forward or a .vcf file is the next lead, as
    outside the flow. (Before that, the lead on screen is finished first.)"""
    return MessageInput(on.on_capture, filter=is_capture)


def _close() -> Cancel:
    return Cancel(Format("{close}"))


def _step(state: State, *, contact: bool = False) -> Window:
    content = [ContentType.TEXT, ContentType.CONTACT] if contact else [ContentType.TEXT]
    sources = Group(choice(SOURCE, "sources", on.on_source), width=2)
    extra = [sources] if state is Lead.source else []
    return Window(
        Format("{text}"),
        MessageInput(on.on_answer, content_types=content),
        expect_text(),
        *extra,
        Row(
            Button(Format("{back}"), id="back", on_click=on.on_back, when="can_go_back"),
            Button(Format("{skip}"), id="skip", on_click=on.on_skip, when="can_skip"),
        ),
        _cancel(),
        state=state,
        getter=getters.step_getter,
    )


def dialog() -> Dialog:
    return Dialog(
        _step(Lead.name),
        _step(Lead.company),
        _step(Lead.phone, contact=True),
        _step(Lead.email),
        _step(Lead.source),
        _step(Lead.needs),
        Window(
            Format("{text}"),
            Button(Format("{save}"), id="save", on_click=on.on_save),
            Row(SwitchTo(Format("{edit}"), id="edit", state=Lead.edit), _cancel()),
            expect_buttons(),
            state=Lead.summary,
            getter=getters.summary_getter,
        ),
        Window(
            Format("{text}"),
            Group(choice(FIELD, "fields", on.on_edit_field), width=2),
            SwitchTo(Format("{back}"), id="back", state=Lead.summary),
            expect_buttons(),
            state=Lead.edit,
            getter=getters.edit_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice(OPEN, "to_open", on.on_open_existing)),
            Column(choice(MERGE, "to_merge", on.on_merge)),
            Button(Format("{save_anyway}"), id="save_anyway", on_click=on.on_save_anyway),
            Row(Button(Format("{back}"), id="back", on_click=on.on_back), _cancel()),
            expect_buttons(),
            state=Lead.duplicates,
            getter=getters.duplicates_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{continue}"), id="continue", on_click=on.on_continue),
            Button(Format("{start_over}"), id="start_over", on_click=on.on_start_over),
            _close(),
            expect_buttons(),
            state=Lead.resume,
            getter=getters.resume_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{open}"), id="open", on_click=on.on_open_saved),
            Row(Button(Format("{another}"), id="another", on_click=on.on_another), _close()),
            _next_lead(),
            expect_buttons(),
            state=Lead.saved,
            getter=getters.saved_getter,
        ),
        on_start=on.on_start,
    )
