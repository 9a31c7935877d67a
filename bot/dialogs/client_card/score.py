"""The reliability score with its factors; the specialist may set his own number with a
reason, and go back to the computed one."""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.widgets import expect_text
from bot.render.clients import score_text
from bot.services.crm import score
from bot.services.errors import ClientRejected, NotAllowed

VALUE = "score_value"


async def score_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    client = await common.client(dialog_manager)
    computed = await score.reliability(
        common.uow(dialog_manager), client, common.clock(dialog_manager).now()
    )
    return {
        "text": score_text(computed),
        "overridden": computed.overridden,
        "override": _("✍️ Set my own score"),
        "computed": _("🔄 Back to the computed score"),
        "value_text": _("Type your score: a whole number from 0 to 100."),
        "reason_text": _("Why this score? The reason is kept with it on the card."),
        **common.labels(),
    }


async def on_value(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data[VALUE] = score.parse_score(message.text)
    except ClientRejected as error:
        await common.reject(message, error)
        return
    await manager.switch_to(ClientCard.score_reason)


async def on_reason(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        await score.override(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.client_id(manager),
            int(manager.dialog_data.get(VALUE, -1)),
            message.text,
        )
    except NotAllowed:
        await common.refuse(message, manager)
        return
    except ClientRejected as error:
        await common.reject(message, error)
        return
    await manager.switch_to(ClientCard.score)


async def on_computed(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    try:
        await score.back_to_computed(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.client_id(manager),
        )
    except NotAllowed:
        await common.refuse(callback, manager)
        return
    await callback.answer(_("Saved."))


def windows() -> list[Window]:
    return [
        Window(
            Format("{text}"),
            common.nav("override", "override", ClientCard.score_value),
            Button(Format("{computed}"), id="computed", on_click=on_computed, when="overridden"),
            common.to_card(),
            common.pass_on(),
            state=ClientCard.score,
            getter=score_getter,
        ),
        Window(
            Format("{value_text}"),
            MessageInput(on_value, content_types=[ContentType.TEXT]),
            expect_text(),
            common.nav("back", "to_score", ClientCard.score),
            state=ClientCard.score_value,
            getter=score_getter,
        ),
        Window(
            Format("{reason_text}"),
            MessageInput(on_reason, content_types=[ContentType.TEXT]),
            expect_text(),
            common.nav("back", "to_value", ClientCard.score_value),
            state=ClientCard.score_reason,
            getter=score_getter,
        ),
    ]
