"""Buttons of the "add this as a note to …" offer and of a saved note."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.storage.dto import ClientDTO

BUTTON_TITLE = 40


class NoteAction(StrEnum):
    ADD = "add"  # save the offered text as a note on this client
    OTHER = "other"  # pick the client in the note flow
    NO = "no"
    OPEN = "open"  # open the client's card


class NoteOffer(CallbackData, prefix="nt"):
    """The offered text itself stays server-side: callback data holds 64 bytes at most."""

    action: NoteAction
    client_id: int = 0


def button_title(client: ClientDTO) -> str:
    """The client's title, short enough for a button on a phone."""
    title = client.title
    return title if len(title) <= BUTTON_TITLE else title[: BUTTON_TITLE - 1].rstrip() + "…"


def offer(clients: Sequence[ClientDTO]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for client in clients:
        builder.button(
            text=button_title(client),
            callback_data=NoteOffer(action=NoteAction.ADD, client_id=client.id),
        )
    builder.button(text=_("🔎 Another client…"), callback_data=NoteOffer(action=NoteAction.OTHER))
    builder.button(text=_("✖️ No"), callback_data=NoteOffer(action=NoteAction.NO))
    builder.adjust(1)
    return builder.as_markup()


def saved(client_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("👤 Open client"),
        callback_data=NoteOffer(action=NoteAction.OPEN, client_id=client_id),
    )
    return builder.as_markup()
