"""Clients: search by any part of a name, company, phone, e-mail or tag, and "My clients"
with filters; a found or listed client opens his card. Start data (optional):
{"query": str} searches at once (/clients ivanov)."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import Dialog, DialogManager

from bot.dialogs.clients import lists, search
from bot.dialogs.clients.states import Clients
from bot.services.errors import ClientRejected


async def on_start(start_data: Any, manager: DialogManager) -> None:
    query = start_data.get("query") if isinstance(start_data, dict) else None
    if not isinstance(query, str) or not query.strip():
        return
    try:
        await search.run(manager, query)
    except ClientRejected:
        # The prompt explains what to type.
        return
    await manager.switch_to(Clients.results)


def dialog() -> Dialog:
    return Dialog(*search.windows(), *lists.windows(), on_start=on_start)
