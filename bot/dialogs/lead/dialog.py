"""PLACEHOLDER: replaced by the real dialog."""

from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.text import Const

from bot.dialogs.lead.states import Lead


def dialog() -> Dialog:
    return Dialog(Window(Const("placeholder"), state=Lead.name))
