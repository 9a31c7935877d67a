"""Fields typed as text: name, company, position, needs, special terms, competitors; the
source (a usual one by a button, or typed); the tags. Refused input is explained and the
same question asked again."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Group
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common
from bot.dialogs.client_card.common import clear_button, saved, typed
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.widgets import choice
from bot.render.clients import field_name
from bot.render.crm_labels import source_name
from bot.services.crm import clients
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.enums import LeadSource
from bot.texts import stale_button

FIELD = "field"
# Plain text fields edited in the one text window; `name` is the only required one.
TEXT_WINDOW_FIELDS = ("name", "company", "position", "needs", "special_terms", "competitors")
REQUIRED = frozenset({"name"})


def _field(manager: DialogManager) -> str:
    field = manager.dialog_data.get(FIELD, "")
    return field if field in TEXT_WINDOW_FIELDS else "name"


async def text_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    client = await common.client(dialog_manager)
    field = _field(dialog_manager)
    current = getattr(client, field)
    return {
        "text": _("Type the new value of “{field}”.\nNow: {value}").format(
            field=field_name(field), value=common.escaped(current)
        ),
        "can_clear": field not in REQUIRED and bool(current),
        **common.labels(),
    }


async def on_text(message: Message, _w: Any, manager: DialogManager) -> None:
    field = _field(manager)
    try:
        value = clients.clean_text(message.text, clients.TEXT_FIELDS[field], required=True)
    except ClientRejected as error:
        await common.reject(message, error)
        return
    await saved(message, manager, **{field: value})


async def on_clear_text(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    field = _field(manager)
    if field in REQUIRED:
        await callback.answer(stale_button(), show_alert=True)
        return
    await saved(callback, manager, **{field: None})


# The source: a usual one by a button, any other typed.


async def source_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    client = await common.client(dialog_manager)
    return {
        "text": _("Where did the client come from? Choose or type it.\nNow: {value}").format(
            value=common.escaped(source_name(client.source) if client.source else None)
        ),
        "sources": [(source.value, source_name(source.value)) for source in LeadSource],
        "can_clear": client.source is not None,
        **common.labels(),
    }


async def on_source(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if item not in set(LeadSource):
        await callback.answer(stale_button(), show_alert=True)
        return
    await saved(callback, manager, source=item)


async def on_typed_source(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        value = clients.clean_text(message.text, clients.TEXT_FIELDS["source"], required=True)
    except ClientRejected as error:
        await common.reject(message, error)
        return
    await saved(message, manager, source=value)


async def on_clear_source(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await saved(callback, manager, source=None)


# Tags.


async def tags_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    card = await clients.card(
        common.uow(dialog_manager), common.actor(dialog_manager), common.client_id(dialog_manager)
    )
    now = " ".join(f"#{tag}" for tag in card.tags) or None
    return {
        "text": _(
            "Type the tags separated by spaces or commas, e.g. wholesale, moscow. "
            "They replace the current ones.\nNow: {value}"
        ).format(value=common.escaped(now)),
        "can_clear": bool(card.tags),
        **common.labels(),
    }


async def _set_tags(event: CallbackQuery | Message, manager: DialogManager, text: str) -> None:
    try:
        await clients.set_tags(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.client_id(manager),
            [text],
        )
    except NotAllowed:
        await common.refuse(event, manager)
        return
    except ClientRejected as error:
        await common.reject(event, error)
        return
    if isinstance(event, CallbackQuery):
        await event.answer(_("Saved."))
    await manager.switch_to(ClientCard.main)


async def on_tags(message: Message, _w: Any, manager: DialogManager) -> None:
    await _set_tags(message, manager, message.text or "")


async def on_clear_tags(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _set_tags(callback, manager, "")


def windows() -> list[Window]:
    return [
        Window(
            Format("{text}"),
            *typed(on_text),
            clear_button(on_clear_text),
            common.to_edits(),
            state=ClientCard.text,
            getter=text_getter,
        ),
        Window(
            Format("{text}"),
            Group(choice("source", "sources", on_source), width=2),
            *typed(on_typed_source),
            clear_button(on_clear_source),
            common.to_edits(),
            state=ClientCard.source,
            getter=source_getter,
        ),
        Window(
            Format("{text}"),
            *typed(on_tags),
            clear_button(on_clear_tags),
            common.to_edits(),
            state=ClientCard.tags,
            getter=tags_getter,
        ),
    ]
