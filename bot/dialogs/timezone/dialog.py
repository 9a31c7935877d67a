"""/timezone: pick a zone from the common ones, or type its IANA name."""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Cancel, Group
from aiogram_dialog.widgets.text import Format

from bot.dialogs.timezone.states import TimezoneChoice
from bot.dialogs.widgets import choice
from bot.i18n import describe_timezone
from bot.services import profile
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.texts import stale_button

ZONE_SELECT = "zone"
TYPED_ZONE = "typed_zone"


async def zone_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    now = dialog_manager.middleware_data["clock"].now()
    current = describe_timezone(actor.timezone, actor.locale, now)
    return {
        "text": _(
            "Your time zone: {zone}.\nChoose yours below or type its name, "
            "for example Europe/Samara."
        ).format(zone=current),
        "zones": [
            (name, describe_timezone(name, actor.locale, now)) for name in profile.COMMON_TIMEZONES
        ],
        "cancel": _("Cancel"),
    }


async def _save(manager: DialogManager, name: str) -> str | None:
    """Stores the zone; returns the confirmation, or None when it was refused."""
    data = manager.middleware_data
    actor = await profile.set_timezone(data["uow"], data["clock"], data["actor"], name)
    i18n: I18n = data["i18n"]
    with i18n.use_locale(actor.locale):
        zone = describe_timezone(actor.timezone, actor.locale, data["clock"].now())
        return _("Time zone saved: {zone}.").format(zone=zone)


async def on_zone(callback: CallbackQuery, _widget: Any, manager: DialogManager, item: str) -> None:
    if item not in profile.COMMON_TIMEZONES:
        await callback.answer(stale_button(), show_alert=True)
        return
    try:
        confirmation = await _save(manager, item)
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        await manager.done()
        return
    await manager.done()
    if callback.message is not None:
        await callback.message.edit_text(confirmation)


async def on_typed_zone(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    try:
        confirmation = await _save(manager, message.text or "")
    except profile.UnknownTimezone:
        await message.answer(
            _("I don't know this time zone. Type a name like Europe/Moscow or Asia/Almaty.")
        )
        return
    except NotAllowed:
        await manager.done()
        return
    await manager.done()
    await message.answer(confirmation)


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            Group(
                choice(ZONE_SELECT, "zones", on_zone),
                width=2,
            ),
            Cancel(Format("{cancel}")),
            MessageInput(on_typed_zone, content_types=ContentType.TEXT, id=TYPED_ZONE),
            state=TimezoneChoice.zone,
            getter=zone_getter,
        ),
    )
