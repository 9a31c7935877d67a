"""The client's deals from his card: each opens in the deals dialog, and a new one starts
there with the client already chosen."""

from __future__ import annotations

import html
from typing import Any

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, ScrollingGroup
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.deals.states import Deals
from bot.dialogs.widgets import choice
from bot.render.crm_labels import stage_name
from bot.services.crm import deals
from bot.services.crm.money import format_money
from bot.services.errors import NotAllowed
from bot.storage.dto import DealDTO
from bot.texts import stale_button

DEALS_ON_PAGE = 8


def deal_label(deal: DealDTO, locale: str) -> str:
    """One deal on a button (plain text): title, stage, amount."""
    parts = [deal.title, stage_name(deal.stage)]
    if deal.amount_minor is not None:
        parts.append(format_money(deal.amount_minor, deal.currency, locale))
    return " · ".join(parts)


async def deals_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager = dialog_manager
    client = await common.client(manager)
    found = await deals.of_client(common.uow(manager), common.actor(manager), client.id)
    locale = common.actor(manager).locale
    text = _("💼 Deals of {name}: {count}").format(name=html.escape(client.title), count=len(found))
    if not found:
        text += "\n" + _("No deals yet.")
    return {
        "text": text,
        "deals": [(str(deal.id), deal_label(deal, locale)) for deal in found],
        "new_deal": _("➕ New deal"),
        **common.labels(),
    }


async def on_deal(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        client = await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    own = {
        deal.id
        for deal in await deals.of_client(common.uow(manager), common.actor(manager), client.id)
    }
    if not item.isdigit() or int(item) not in own:
        await callback.answer(stale_button(), show_alert=True)
        return
    await manager.start(Deals.deal, data={"deal_id": int(item)})


async def on_new_deal(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    try:
        client = await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    await manager.start(Deals.new, data={"client_id": client.id})


def window() -> Window:
    return Window(
        Format("{text}"),
        ScrollingGroup(
            choice("deal", "deals", on_deal),
            id="client_deals",
            width=1,
            height=DEALS_ON_PAGE,
            hide_on_single_page=True,
        ),
        Button(Format("{new_deal}"), id="new_deal", on_click=on_new_deal),
        common.to_card(),
        common.pass_on(),
        state=ClientCard.deals,
        getter=deals_getter,
    )
