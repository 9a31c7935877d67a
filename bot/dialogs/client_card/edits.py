"""Editing the card: the menu of its fields. Each kind of field has its window (see
`fields`, `contacts`, `choices`, `plans`); every change goes through the clients service,
which writes the timeline and the audit log."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Group
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common
from bot.dialogs.client_card.contacts import KIND
from bot.dialogs.client_card.fields import FIELD, TEXT_WINDOW_FIELDS
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.widgets import choice, expect_buttons
from bot.render.clients import field_name
from bot.services.crm import access
from bot.services.errors import NotAllowed
from bot.texts import stale_button

# Where each entry of the edit menu leads.
MENU: dict[str, Any] = {
    **dict.fromkeys(TEXT_WINDOW_FIELDS, ClientCard.text),
    "phone": ClientCard.contacts,
    "email": ClientCard.contacts,
    "tags": ClientCard.tags,
    "status": ClientCard.status,
    "segment": ClientCard.segment,
    "owner_id": ClientCard.owner,
    "source": ClientCard.source,
    "budget": ClientCard.budget,
    "payment": ClientCard.payment,
    "next_step": ClientCard.next_step,
}
MENU_ORDER = (
    "name",
    "company",
    "position",
    "phone",
    "email",
    "tags",
    "status",
    "segment",
    "owner_id",
    "source",
    "needs",
    "budget",
    "special_terms",
    "competitors",
    "payment",
    "next_step",
)


def _menu_label(key: str) -> str:
    special = {
        "phone": _("📞 Phones"),
        "email": _("✉️ E-mails"),
        "tags": _("🏷 Tags"),
        "budget": _("Budget"),
    }
    return special.get(key) or field_name(key)


async def menu_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    may_hand_over = access.sees_everyone(common.actor(dialog_manager))
    keys = [key for key in MENU_ORDER if key != "owner_id" or may_hand_over]
    return {
        "text": _("✏️ What would you like to change?"),
        "fields": [(key, _menu_label(key)) for key in keys],
        **common.labels(),
    }


async def on_field(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if item not in MENU or (item == "owner_id" and not access.sees_everyone(common.actor(manager))):
        await callback.answer(stale_button(), show_alert=True)
        return
    try:
        await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    manager.dialog_data[FIELD] = item
    if item in ("phone", "email"):
        manager.dialog_data[KIND] = item
    await manager.switch_to(MENU[item])


def windows() -> list[Window]:
    return [
        Window(
            Format("{text}"),
            Group(choice("field", "fields", on_field), width=2),
            common.to_card(),
            expect_buttons(),
            state=ClientCard.edit,
            getter=menu_getter,
        ),
    ]
