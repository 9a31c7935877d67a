"""Inline keyboards for language choice and privacy."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES
from bot.keyboards.callbacks import LanguageChoice, PrivacyAction, PrivacyStep


def languages(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:
        mark = "✓ " if code == current else ""
        builder.button(text=mark + LANGUAGE_NAMES[code], callback_data=LanguageChoice(code=code))
    return builder.as_markup()


def privacy() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("📦 Export my data"), callback_data=PrivacyAction(step=PrivacyStep.EXPORT)
    )
    builder.button(
        text=_("Withdraw consent and delete my data"),
        callback_data=PrivacyAction(step=PrivacyStep.ASK),
    )
    builder.adjust(1)
    return builder.as_markup()


def privacy_confirm() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, delete"), callback_data=PrivacyAction(step=PrivacyStep.CONFIRM))
    builder.button(text=_("Cancel"), callback_data=PrivacyAction(step=PrivacyStep.CANCEL))
    return builder.as_markup()
