"""Texts shared by handlers and dialogs, built in the current locale."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.storage.enums import Role


def role_name(role: Role) -> str:
    names = {
        Role.CLIENT: _("client"),
        Role.SPECIALIST: _("client relations specialist"),
        Role.HEAD: _("head of sales"),
        Role.ADMIN: _("administrator"),
    }
    return names[role]


def unknown_command() -> str:
    # Also the answer to a command this role may not use: it must reveal nothing more.
    return _("I don't know this command. /help lists what I can do.")


def stale_button() -> str:
    return _("This button is no longer active.")
