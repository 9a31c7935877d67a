"""What the windows of the clients dialog share: the services' context and opening a
client's card from a button."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager

from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.context import actor as actor
from bot.dialogs.context import clock as clock
from bot.dialogs.context import uow as uow
from bot.services.crm import access
from bot.services.errors import NotAllowed
from bot.texts import stale_button


def region(manager: DialogManager) -> str:
    return manager.middleware_data["settings"].default_region


async def open_card(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    """A client chosen in a list or among search results: his card, on top of this dialog
    (closing it comes back here). A client the actor may not see (a forged or outdated
    button) is answered like a dead button."""
    try:
        client = await access.client_for(uow(manager), actor(manager), int(item))
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    await manager.start(ClientCard.main, data={"client_id": client.id})
