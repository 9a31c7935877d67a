"""PLACEHOLDER: replaced by the real dialog."""

from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.text import Const

from bot.dialogs.clients.states import Clients


def dialog() -> Dialog:
    return Dialog(Window(Const("placeholder"), state=Clients.menu))
