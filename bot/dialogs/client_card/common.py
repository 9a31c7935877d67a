"""What every window of the client card shares: which client it shows, the services'
context, refusing a stale or forged button, and navigation that checks access first."""

from __future__ import annotations

from typing import Any

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.enums import ContentType
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.context import actor, clock, say, uow
from bot.dialogs.widgets import expect_text
from bot.render.cards import Reader, excerpt
from bot.render.clients import EMPTY
from bot.render.crm_labels import client_problem_text
from bot.services.crm import access, clients
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO
from bot.texts import stale_button

CLIENT_ID = "client_id"
# How much of a long field a window quotes.
SHOWN = 1500


def client_id(manager: DialogManager) -> int:
    start = manager.start_data if isinstance(manager.start_data, dict) else {}
    try:
        return int(start.get(CLIENT_ID, 0))
    except (TypeError, ValueError):
        return 0


def reader(manager: DialogManager) -> Reader:
    return Reader.of(actor(manager))


async def client(manager: DialogManager) -> ClientDTO:
    """The card's client, if the actor may still work with him (NotAllowed otherwise)."""
    return await access.client_for(uow(manager), actor(manager), client_id(manager))


def escaped(value: str | None) -> str:
    """User content for a window's text: escaped (a long one shortened to fit a message),
    or a dash when there is none."""
    return excerpt(value, SHOWN) if value else EMPTY


async def refuse(event: CallbackQuery | Message, manager: DialogManager) -> None:
    """A client this actor may not see (any more): the same answer as for a dead button,
    and the card closes without showing anything."""
    await say(event, stale_button())
    await manager.done()


async def reject(event: CallbackQuery | Message, error: ClientRejected) -> None:
    """Refused input: the explanation; the window then asks the same question again."""
    await say(event, client_problem_text(error.problem))


def go(state: State) -> Any:
    """An on_click that opens another window of the card after checking access."""

    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        try:
            await client(manager)
        except NotAllowed:
            await refuse(callback, manager)
            return
        await manager.switch_to(state)

    return on_click


def nav(label: str, widget_id: str, state: State, when: str | None = None) -> Button:
    """A button to another window of the card; `label` is a key of the window's getter."""
    return Button(Format(f"{{{label}}}"), id=widget_id, on_click=go(state), when=when)


def to_card() -> Button:
    return nav("to_card", "to_card", ClientCard.main)


def to_edits() -> Button:
    return nav("back", "to_edits", ClientCard.edit)


def labels() -> dict[str, str]:
    """Button labels several windows share."""
    return {
        "back": _("⬅️ Back"),
        "clear": _("🧹 Clear"),
        "to_card": _("⬅️ To the card"),
    }


async def _pass_on(_message: Message, _widget: Any, _manager: DialogManager) -> None:
    raise SkipHandler


def pass_on() -> MessageInput:
    """For windows that only show something (the card, its timeline, deals, score): what
    the specialist types or sends meanwhile is not for the card (a reply to a client, a
    note, a shared contact) and goes on to the rest of the bot; the card stays open."""
    return MessageInput(_pass_on)


async def save(event: CallbackQuery | Message, manager: DialogManager, **changes: Any) -> bool:
    """Applies the change; on refusal answers and returns False (the window stays)."""
    try:
        await clients.update(
            uow(manager),
            actor(manager),
            clock(manager),
            client_id(manager),
            **changes,
        )
    except NotAllowed:
        await refuse(event, manager)
        return False
    except ClientRejected as error:
        await reject(event, error)
        return False
    return True


async def saved(event: CallbackQuery | Message, manager: DialogManager, **changes: Any) -> None:
    """Saves and shows the card with the change."""
    if await save(event, manager, **changes):
        if isinstance(event, CallbackQuery):
            await event.answer(_("Saved."))
        await manager.switch_to(ClientCard.main)


def marked(current: str, key: str, label: str) -> tuple[str, str]:
    """A choice button, the current value marked."""
    return key, f"• {label}" if key == current else label


def clear_button(on_click: Any) -> Button:
    """Empties an optional field; shown only when it has a value."""
    return Button(Format("{clear}"), id="clear", on_click=on_click, when="can_clear")


def typed(handler: Any) -> list[Any]:
    """A text answer; anything else (a sticker, a photo) gets a hint."""
    return [MessageInput(handler, content_types=[ContentType.TEXT]), expect_text()]
