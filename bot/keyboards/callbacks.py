"""Callback data of plain (non-dialog) inline buttons."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


class PrivacyStep(StrEnum):
    EXPORT = "export"
    ASK = "ask"
    CONFIRM = "confirm"
    CANCEL = "cancel"


class PrivacyAction(CallbackData, prefix="privacy"):
    step: PrivacyStep
