"""The reply-keyboard main menu; it shows only the actions that work for this actor."""

from __future__ import annotations

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import lazy_gettext as __

from bot.services.actors import Actor
from bot.services.permissions import Permission, can

HELP = __("❓ Help")
LANGUAGE = __("🌐 Language")
PRIVACY = __("🔒 My data")
INVITE = __("✉️ Invite staff")


def main_menu(actor: Actor) -> ReplyKeyboardMarkup:
    rows: list[list[KeyboardButton]] = []
    if can(actor, Permission.INVITE_STAFF):
        rows.append([KeyboardButton(text=str(INVITE))])
    bottom = [KeyboardButton(text=str(HELP)), KeyboardButton(text=str(LANGUAGE))]
    if not actor.role.is_staff:
        bottom.append(KeyboardButton(text=str(PRIVACY)))
    rows.append(bottom)
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)
