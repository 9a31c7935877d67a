"""What the deal windows share: which deal, client and pipeline they show, the services'
context, and refusing bad input or a stale/forged button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager

from bot.dialogs.context import actor as actor
from bot.dialogs.context import clock as clock
from bot.dialogs.context import settings as settings
from bot.dialogs.context import uow as uow
from bot.dialogs.deals.states import Deals
from bot.render.crm_labels import client_problem_text
from bot.services.errors import ClientRejected, NotAllowed
from bot.texts import stale_button

# dialog_data keys; DEAL_ID and CLIENT_ID are also the start_data keys of `deal` and `new`.
DEAL_ID = "deal_id"
CLIENT_ID = "client_id"
OWNER_ID = "owner_id"  # whose pipeline the head of sales looks at; None: the team's
STAGE = "stage"  # the pipeline stage whose deals are listed
BACK = "back"  # where the deal view's Back leads: BACK_TO_STAGE, BACK_TO_PIPELINE or done()
FOUND = "found"  # client ids a search for a new deal's client found
DRAFT = "draft"  # the new deal's answers so far

BACK_TO_STAGE = "stage"
BACK_TO_PIPELINE = "pipeline"


def _given(manager: DialogManager, key: str) -> int:
    """An id chosen in this dialog, else the one it was started with; 0 for none (no
    record has it, so the services answer NotAllowed)."""
    value: Any = manager.dialog_data.get(key)
    if value is None and isinstance(manager.start_data, dict):
        value = manager.start_data.get(key)
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def deal_id(manager: DialogManager) -> int:
    return _given(manager, DEAL_ID)


def client_id(manager: DialogManager) -> int:
    return _given(manager, CLIENT_ID)


def draft(manager: DialogManager) -> dict[str, Any]:
    return manager.dialog_data.setdefault(DRAFT, {})


async def refuse(event: CallbackQuery | Message, error: Exception) -> None:
    """Bad input gets its explanation (the window then asks again); anything else, a stale
    or forged button or another's deal, the words that reveal nothing."""
    text = client_problem_text(error.problem) if isinstance(error, ClientRejected) else None
    if isinstance(event, CallbackQuery):
        await event.answer(text or stale_button(), show_alert=True)
    else:
        await event.answer(text or stale_button())


async def save_edit(
    event: CallbackQuery | Message, manager: DialogManager, save: Callable[[], Awaitable[object]]
) -> None:
    """Runs an edit of the deal, then shows the deal; bad input is explained (the window
    asks again), a deal no longer his closes the dialog."""
    try:
        await save()
    except ClientRejected as error:
        await refuse(event, error)
        return
    except NotAllowed as error:
        await refuse(event, error)
        await manager.done()
        return
    if isinstance(event, CallbackQuery):
        await event.answer(_("Saved."))
    await manager.switch_to(Deals.deal)
