"""My clients: a page of the actor's clients (the head of sales and admins: everyone's,
with the owner's name), the longest without contact first, narrowed by status, segment,
tag and days without contact; the filters combine and are shown above the list."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.clients import common
from bot.dialogs.clients.search import query_input
from bot.dialogs.clients.states import Clients
from bot.dialogs.queue.dialog import paging
from bot.dialogs.widgets import choice, expect_buttons
from bot.render import client_lists
from bot.render.crm_labels import client_status_name, segment_name
from bot.services.crm import lists
from bot.services.errors import ClientRejected
from bot.storage.enums import ClientStatus, Segment
from bot.texts import stale_button

PAGE, FILTER, EDITING = "page", "filter", "editing"
ANY = "-"
# The filters a list has, in the order of their buttons.
FILTERS = ("status", "segment", "tag", "silent_days")


def current(manager: DialogManager) -> lists.ClientFilter:
    return lists.ClientFilter.parse(**manager.dialog_data.get(FILTER, {}))


async def list_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager = dialog_manager
    uow, actor = common.uow(manager), common.actor(manager)
    chosen = current(manager)
    now = common.clock(manager).now()
    page = await lists.page(uow, actor, chosen, manager.dialog_data.get(PAGE, 0), now)
    manager.dialog_data[PAGE] = page.page
    contacts = await uow.clients.contacts_of([c.id for c in page.items])
    first = page.page * lists.PAGE_SIZE + 1
    text = _("Clients of the whole team") if page.everyone else _("Your clients")
    text = f"<b>{text}</b>\n" + client_lists.filter_summary(chosen)
    if page.items:
        text += "\n\n" + "\n".join(
            client_lists.entry(
                first + i,
                c,
                contacts[c.id],
                page.owners.get(c.owner_id or 0),
                now,
                everyone=page.everyone,
            )
            for i, c in enumerate(page.items)
        )
        text += "\n\n" + _("Clients: {count}").format(count=page.total)
        if page.pages > 1:
            text += " · " + _("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)
    elif chosen.is_empty:
        text += "\n\n" + _("No clients yet.")
    else:
        text += "\n\n" + _("No clients match these filters.")
    return {
        "text": text,
        "items": [
            (
                str(c.id),
                client_lists.button(
                    first + i, c, page.owners.get(c.owner_id or 0), everyone=page.everyone
                ),
            )
            for i, c in enumerate(page.items)
        ],
        "has_prev": page.page > 0,
        "has_next": page.page + 1 < page.pages,
        "filtered": not chosen.is_empty,
        "f_status": _mark(_("Status"), chosen.status is not None),
        "f_segment": _mark(_("Segment"), chosen.segment is not None),
        "f_tag": _mark(_("Tag"), chosen.tag is not None),
        "f_silent_days": _mark(_("No contact"), chosen.silent_days is not None),
        "clear": _("✖️ Clear filters"),
        "search": _("🔍 Search"),
        "close": _("Close"),
    }


def _upper_first(name: str) -> str:
    """ "lead" on a button is "Lead"; "VIP" stays "VIP"."""
    return name[:1].upper() + name[1:]


def _mark(label: str, chosen: bool) -> str:
    return f"✅ {label}" if chosen else label


async def filter_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager = dialog_manager
    editing = manager.dialog_data.get(EDITING)
    options: list[tuple[str, str]]
    if editing == "status":
        text = _("Show clients with the status:")
        options = [(s.value, _upper_first(client_status_name(s))) for s in ClientStatus]
    elif editing == "segment":
        text = _("Show clients of the segment:")
        options = [(s.value, _upper_first(segment_name(s.value))) for s in Segment]
    elif editing == "tag":
        tags = await lists.tags(common.uow(manager), common.actor(manager))
        text = _("Show clients with the tag:") if tags else _("Your clients have no tags yet.")
        options = [(tag, f"#{tag}") for tag in tags]
    else:
        text = _("Show clients nobody has been in touch with for:")
        options = [(str(days), client_lists.silent_name(days)) for days in lists.SILENT_DAYS]
    return {
        "text": text,
        "options": [*options, (ANY, _("Any"))],
        "back": _("Back"),
    }


def edit(key: str) -> Any:
    async def on_click(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        manager.dialog_data[EDITING] = key
        await manager.switch_to(Clients.filter)

    return on_click


async def on_option(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    key = manager.dialog_data.get(EDITING)
    stored = dict(manager.dialog_data.get(FILTER, {}))
    if key not in FILTERS:
        await callback.answer(stale_button(), show_alert=True)
        return
    stored[key] = None if item == ANY else item
    try:
        chosen = lists.ClientFilter.parse(**stored)
    except ClientRejected:
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    manager.dialog_data[FILTER] = chosen.stored()
    manager.dialog_data[PAGE] = 0
    await manager.switch_to(Clients.list)


async def on_clear(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await callback.answer()
    manager.dialog_data[FILTER] = {}
    manager.dialog_data[PAGE] = 0


def windows() -> list[Window]:
    return [
        Window(
            Format("{text}"),
            Column(choice("client", "items", common.open_card)),
            paging(),
            Row(
                Button(Format("{f_status}"), id="f_status", on_click=edit("status")),
                Button(Format("{f_segment}"), id="f_segment", on_click=edit("segment")),
            ),
            Row(
                Button(Format("{f_tag}"), id="f_tag", on_click=edit("tag")),
                Button(Format("{f_silent_days}"), id="f_silent", on_click=edit("silent_days")),
            ),
            Button(Format("{clear}"), id="clear", on_click=on_clear, when="filtered"),
            Row(
                SwitchTo(Format("{search}"), id="search", state=Clients.menu),
                Cancel(Format("{close}")),
            ),
            *query_input(),
            state=Clients.list,
            getter=list_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice("option", "options", on_option)),
            SwitchTo(Format("{back}"), id="back", state=Clients.list),
            expect_buttons(),
            state=Clients.filter,
            getter=filter_getter,
        ),
    ]
