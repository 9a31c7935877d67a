"""The specialist's CRM entry points: menu buttons and commands that open its dialogs."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram_dialog import DialogManager, StartMode

from bot.dialogs.absence.states import Absence
from bot.dialogs.clients.states import Clients
from bot.dialogs.deals.states import Deals
from bot.dialogs.lead.states import Lead
from bot.dialogs.note.states import Note
from bot.dialogs.reminder.states import MyReminders
from bot.keyboards.menu import ABSENCE, CLIENTS, DEALS, NEW_LEAD, NOTE, REMINDERS
from bot.services.actors import Actor
from bot.texts import unknown_command


def router() -> Router:
    r = Router(name=__name__)
    for command, label, state in (
        ("clients", CLIENTS, Clients.menu),
        ("lead", NEW_LEAD, Lead.name),
        ("note", NOTE, Note.client),
        ("deals", DEALS, Deals.pipeline),
        ("reminders", REMINDERS, MyReminders.list),
        ("away", ABSENCE, Absence.list),
    ):
        r.message.register(_opener(state), Command(command))
        r.message.register(_opener(state), F.text == label)
    return r


def _opener(state: State):  # type: ignore[no-untyped-def]
    async def open_dialog(
        message: Message,
        actor: Actor,
        dialog_manager: DialogManager,
        command: CommandObject | None = None,
    ) -> None:
        if not (actor.is_registered and actor.role.is_staff):
            await message.answer(unknown_command())
            return
        data = (
            {"query": command.args} if command and command.args and state == Clients.menu else None
        )
        await dialog_manager.start(state, data=data, mode=StartMode.RESET_STACK)

    return open_dialog
