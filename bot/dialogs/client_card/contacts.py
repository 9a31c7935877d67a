"""Phones and e-mails: the list (press one to remove it) and adding one, validated."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Column
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common
from bot.dialogs.client_card.common import typed
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.widgets import choice, expect_buttons
from bot.services.crm import clients
from bot.services.crm.contacts import parse_email, parse_phone, pretty_phone
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.enums import ContactKind
from bot.texts import stale_button

KIND = "kind"


def _kind(manager: DialogManager) -> ContactKind:
    return ContactKind(manager.dialog_data.get(KIND, ContactKind.PHONE.value))


def _shown(kind: ContactKind, value: str) -> str:
    return pretty_phone(value) if kind is ContactKind.PHONE else value


async def contacts_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    card = await clients.card(
        common.uow(dialog_manager), common.actor(dialog_manager), common.client_id(dialog_manager)
    )
    kind = _kind(dialog_manager)
    own = card.phones if kind is ContactKind.PHONE else card.emails
    if kind is ContactKind.PHONE:
        title = _("📞 Phones: {count}").format(count=len(own))
    else:
        title = _("✉️ E-mails: {count}").format(count=len(own))
    if own:
        title += "\n" + _("Press one to remove it.")
    return {
        "text": title,
        "contacts": [(str(c.id), f"❌ {_shown(kind, c.value)}") for c in own],
        "add": _("➕ Add a phone") if kind is ContactKind.PHONE else _("➕ Add an e-mail"),
        **common.labels(),
    }


async def on_remove_contact(
    callback: CallbackQuery, _w: Any, manager: DialogManager, item: str
) -> None:
    try:
        await common.client(manager)
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    try:
        await clients.remove_contact(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.client_id(manager),
            int(item),
        )
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer(_("Removed."))


async def contact_add_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    if _kind(dialog_manager) is ContactKind.PHONE:
        text = _("Type the phone number, e.g. +7 912 345-67-89.")
    else:
        text = _("Type the e-mail address.")
    return {"text": text, **common.labels()}


async def on_contact(message: Message, _w: Any, manager: DialogManager) -> None:
    kind = _kind(manager)
    settings = manager.middleware_data["settings"]
    try:
        if kind is ContactKind.PHONE:
            value = parse_phone(message.text or "", settings.default_region)
        else:
            value = parse_email(message.text or "")
        await clients.add_contact(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.client_id(manager),
            kind,
            value,
        )
    except NotAllowed:
        await common.refuse(message, manager)
        return
    except ClientRejected as error:
        await common.reject(message, error)
        return
    await message.answer(_("Added: {value}").format(value=common.escaped(_shown(kind, value))))
    await manager.switch_to(ClientCard.contacts)


def windows() -> list[Window]:
    return [
        Window(
            Format("{text}"),
            Column(choice("contact", "contacts", on_remove_contact)),
            common.nav("add", "add", ClientCard.contact_add),
            common.to_edits(),
            expect_buttons(),
            state=ClientCard.contacts,
            getter=contacts_getter,
        ),
        Window(
            Format("{text}"),
            *typed(on_contact),
            common.nav("back", "to_contacts", ClientCard.contacts),
            state=ClientCard.contact_add,
            getter=contact_add_getter,
        ),
    ]
