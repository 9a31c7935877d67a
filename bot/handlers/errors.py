"""Errors: outdated dialog buttons get a hint; anything else is logged and apologised for."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import Chat, ErrorEvent
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent

from bot.services.errors import NotAllowed
from bot.texts import stale_button

logger = logging.getLogger(__name__)


def router() -> Router:
    r = Router(name=__name__)
    r.errors.register(on_outdated_dialog, ExceptionTypeFilter(UnknownIntent, OutdatedIntent))
    r.errors.register(on_not_allowed, ExceptionTypeFilter(NotAllowed))
    r.errors.register(on_error)
    return r


def _locale(data: dict[str, Any], i18n: I18n) -> str:
    actor = data.get("actor")
    return actor.locale if actor is not None else i18n.default_locale


async def on_outdated_dialog(event: ErrorEvent, i18n: I18n, **data: Any) -> None:
    callback = event.update.callback_query
    if callback is None:
        return
    with i18n.context(), i18n.use_locale(_locale(data, i18n)):
        text = stale_button()
    await callback.answer(text, show_alert=True)


async def on_not_allowed(event: ErrorEvent, bot: Bot, i18n: I18n, **data: Any) -> None:
    """A refusal that reached no handler's own answer (e.g. raised while a dialog window
    was rendered): the same words as for a stale button, revealing nothing."""
    with i18n.context(), i18n.use_locale(_locale(data, i18n)):
        text = stale_button()
    callback = event.update.callback_query
    if callback is not None:
        await callback.answer(text, show_alert=True)
        return
    chat: Chat | None = data.get("event_chat")
    if chat is not None:
        await bot.send_message(chat.id, text)


# Telegram's answers to a double tap or a late tap: nothing went wrong for the user.
HARMLESS_BAD_REQUESTS = ("message is not modified", "query is too old")


def _is_harmless(exception: Exception) -> bool:
    return isinstance(exception, TelegramBadRequest) and any(
        text in exception.message.lower() for text in HARMLESS_BAD_REQUESTS
    )


async def on_error(event: ErrorEvent, bot: Bot, i18n: I18n, **data: Any) -> None:
    if _is_harmless(event.exception):
        logger.debug("Update %s: %s", event.update.update_id, event.exception)
        return
    logger.error(
        "Update %s failed: %r",
        event.update.update_id,
        event.exception,
        exc_info=event.exception,
        extra={"update_id": event.update.update_id},
    )
    chat: Chat | None = data.get("event_chat")
    if chat is None:
        return
    with i18n.context(), i18n.use_locale(_locale(data, i18n)):
        text = _("Sorry, something went wrong on our side. Please try again.")
    try:
        await bot.send_message(chat.id, text)
    except Exception:
        logger.warning("Could not send the apology for update %s", event.update.update_id)
