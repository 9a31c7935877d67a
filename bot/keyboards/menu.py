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
TEAM = __("👥 Team")
ASK = __("💬 Ask a question")
CLAIM = __("📝 File a claim")
MY_REQUESTS = __("📋 My requests")
FEEDBACK = __("⭐ Leave feedback")
QUEUE = __("📥 Requests")
CLIENTS = __("🗂 Clients")
NEW_LEAD = __("➕ New lead")
NOTE = __("📝 Note")
DEALS = __("💼 Deals")
REMINDERS = __("⏰ Reminders")
ABSENCE = __("🏖 Absence")


def main_menu(actor: Actor) -> ReplyKeyboardMarkup:
    rows: list[list[KeyboardButton]] = []
    if actor.role.is_staff:
        rows.append([KeyboardButton(text=str(QUEUE)), KeyboardButton(text=str(CLIENTS))])
        rows.append([KeyboardButton(text=str(NEW_LEAD)), KeyboardButton(text=str(NOTE))])
        rows.append([KeyboardButton(text=str(DEALS)), KeyboardButton(text=str(REMINDERS))])
    else:
        rows.append([KeyboardButton(text=str(ASK)), KeyboardButton(text=str(CLAIM))])
        rows.append([KeyboardButton(text=str(MY_REQUESTS)), KeyboardButton(text=str(FEEDBACK))])
    staff_row = [KeyboardButton(text=str(ABSENCE))] if actor.role.is_staff else []
    if can(actor, Permission.INVITE_STAFF):
        staff_row.append(KeyboardButton(text=str(INVITE)))
    if can(actor, Permission.VIEW_TEAM):
        staff_row.append(KeyboardButton(text=str(TEAM)))
    if staff_row:
        rows.append(staff_row)
    bottom = [KeyboardButton(text=str(HELP)), KeyboardButton(text=str(LANGUAGE))]
    if not actor.role.is_staff:
        bottom.append(KeyboardButton(text=str(PRIVACY)))
    rows.append(bottom)
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)
