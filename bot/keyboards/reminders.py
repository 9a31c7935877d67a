"""Buttons of a delivered reminder: Done, Snooze and its choices, the deal, the client's
card and the note flow for his outcome."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.storage.dto import ReminderDTO
from bot.storage.enums import ReminderOrigin


class ReminderAction(StrEnum):
    DONE = "done"
    SNOOZE = "snooze"  # shows the snooze choices
    LATER = "later"  # a snooze choice: `minutes` from now, or 0 for tomorrow 9:00
    OTHER = "other"  # a snooze to a time of his choice, in the reminder dialog
    BACK = "back"  # from the snooze choices back to the reminder's buttons
    CLIENT = "client"
    DEAL = "deal"
    OUTCOME = "outcome"


class ReminderButton(CallbackData, prefix="rm"):
    action: ReminderAction
    reminder_id: int
    minutes: int = 0


TOMORROW = 0
SNOOZES = (15, 60, TOMORROW)


def reminder(item: ReminderDTO) -> InlineKeyboardMarkup:
    if item.origin is ReminderOrigin.NO_CONTACT:
        return no_contact(item)
    if item.origin is ReminderOrigin.DEAL_STUCK:
        return deal_stuck(item)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Done"), callback_data=_data(ReminderAction.DONE, item))
    builder.button(text=_("💤 Snooze"), callback_data=_data(ReminderAction.SNOOZE, item))
    if item.deal_id is not None:
        # A deal's next step: the deal is where it is done.
        builder.button(text=_("💼 Open the deal"), callback_data=_data(ReminderAction.DEAL, item))
    if item.client_id is not None:
        builder.button(text=_("📇 Open client"), callback_data=_data(ReminderAction.CLIENT, item))
        builder.button(text=_("📝 Log outcome"), callback_data=_data(ReminderAction.OUTCOME, item))
    builder.adjust(2)
    return builder.as_markup()


def no_contact(item: ReminderDTO) -> InlineKeyboardMarkup:
    """A nudge: log the contact, be reminded later, or not needed (until the next silence)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📝 Log contact"), callback_data=_data(ReminderAction.OUTCOME, item))
    builder.button(text=_("⏰ Remind me later"), callback_data=_data(ReminderAction.SNOOZE, item))
    builder.button(text=_("🚫 Not needed"), callback_data=_data(ReminderAction.DONE, item))
    builder.button(text=_("📇 Open client"), callback_data=_data(ReminderAction.CLIENT, item))
    builder.adjust(1)
    return builder.as_markup()


def deal_stuck(item: ReminderDTO) -> InlineKeyboardMarkup:
    """A stuck deal: open it, be reminded later, or not needed (until its next stage)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("💼 Open the deal"), callback_data=_data(ReminderAction.DEAL, item))
    builder.button(text=_("⏰ Remind me later"), callback_data=_data(ReminderAction.SNOOZE, item))
    builder.button(text=_("🚫 Not needed"), callback_data=_data(ReminderAction.DONE, item))
    builder.adjust(1)
    return builder.as_markup()


def snoozes(item: ReminderDTO) -> InlineKeyboardMarkup:
    names = {15: _("In 15 minutes"), 60: _("In 1 hour"), TOMORROW: _("Tomorrow 9:00")}
    builder = InlineKeyboardBuilder()
    for minutes in SNOOZES:
        builder.button(
            text=names[minutes], callback_data=_data(ReminderAction.LATER, item, minutes)
        )
    builder.button(text=_("Other time…"), callback_data=_data(ReminderAction.OTHER, item))
    builder.button(text=_("⬅️ Back"), callback_data=_data(ReminderAction.BACK, item))
    builder.adjust(1)
    return builder.as_markup()


def _data(action: ReminderAction, item: ReminderDTO, minutes: int = 0) -> str:
    return ReminderButton(action=action, reminder_id=item.id, minutes=minutes).pack()
