"""Search: the prompt, and what a typed query finds; each found client opens his card.
Typing again searches again."""

from __future__ import annotations

import html
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Cancel, Column, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.clients import common
from bot.dialogs.clients.states import Clients
from bot.dialogs.widgets import choice, expect_text
from bot.render import client_lists
from bot.services.crm import access, search
from bot.services.errors import ClientProblem, ClientRejected

QUERY, FOUND = "query", "found"


def problem_text(problem: ClientProblem) -> str:
    if problem is ClientProblem.TOO_LONG:
        return _("That is too long for a search: type at most {limit} characters.").format(
            limit=search.MAX_QUERY
        )
    return _("Type at least a letter or a digit: part of a name, company, phone, e-mail or tag.")


async def run(manager: DialogManager, query: str) -> None:
    """Searches and remembers what was found (the ids: the window reloads the clients, so
    it is current when the user comes back from a card)."""
    found = await search.find(
        common.uow(manager), common.actor(manager), query, region=common.region(manager)
    )
    manager.dialog_data[QUERY] = query.strip()
    manager.dialog_data[FOUND] = [client.id for client in found]


async def on_query(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        await run(manager, message.text or "")
    except ClientRejected as error:
        await message.answer(problem_text(error.problem))
        return
    await manager.switch_to(Clients.results)


async def prompt_getter(**_kw: Any) -> dict[str, Any]:
    return {
        "text": _("🗂 Clients\n\nType a name, company, phone, e-mail or #tag to find a client."),
        "mine": _("📋 My clients"),
        "close": _("Close"),
    }


async def results_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager = dialog_manager
    uow, actor = common.uow(manager), common.actor(manager)
    query = html.escape(manager.dialog_data.get(QUERY, ""))
    # Reloaded, and checked again: a client may have been handed to someone else meanwhile.
    found = [
        c
        for c in await uow.clients.many(manager.dialog_data.get(FOUND, []))
        if access.may_see(actor, c)
    ]
    everyone = access.sees_everyone(actor)
    contacts = await uow.clients.contacts_of([c.id for c in found])
    owners = {u.id: u for u in await uow.users.staff()} if everyone and found else {}
    now = common.clock(manager).now()
    if found:
        lines = [
            client_lists.entry(
                i,
                c,
                contacts[c.id],
                owners.get(c.owner_id or 0),
                now,
                everyone=everyone,
            )
            for i, c in enumerate(found, 1)
        ]
        text = (
            _("Found for “{query}”:").format(query=query)
            + "\n\n"
            + "\n".join(lines)
            + "\n\n"
            + _("Choose a client to open the card, or type another search.")
        )
    else:
        text = _(
            "Nobody found for “{query}”. Try part of the name or the company, a phone or an "
            "e-mail, and type it again."
        ).format(query=query)
    return {
        "text": text,
        "items": [
            (
                str(c.id),
                client_lists.button(i, c, owners.get(c.owner_id or 0), everyone=everyone),
            )
            for i, c in enumerate(found, 1)
        ],
        "mine": _("📋 My clients"),
        "close": _("Close"),
    }


def query_input() -> list[MessageInput]:
    return [MessageInput(on_query, content_types=[ContentType.TEXT]), expect_text()]


def windows() -> list[Window]:
    return [
        Window(
            Format("{text}"),
            SwitchTo(Format("{mine}"), id="mine", state=Clients.list),
            Cancel(Format("{close}")),
            *query_input(),
            state=Clients.menu,
            getter=prompt_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice("found", "items", common.open_card)),
            SwitchTo(Format("{mine}"), id="mine", state=Clients.list),
            Cancel(Format("{close}")),
            *query_input(),
            state=Clients.results,
            getter=results_getter,
        ),
    ]
