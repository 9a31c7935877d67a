"""/invite: pick a role, get a single-use link. The token is shown once and never stored
in dialog state (only its hash is in the database)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Cancel, Column
from aiogram_dialog.widgets.text import Format

from bot.config import Settings
from bot.dialogs.invite.states import InviteStaff
from bot.dialogs.widgets import choice
from bot.i18n import format_datetime
from bot.services import staff
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.storage.enums import Role
from bot.texts import role_name, stale_button

ROLE_SELECT = "role"
CANCEL = "cancel"


async def role_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    return {
        "prompt": _("Whom are you inviting? The link works once and expires."),
        "roles": [(role.value, role_name(role)) for role in staff.invitable_roles(actor)],
        "cancel": _("Cancel"),
    }


async def on_role(callback: CallbackQuery, _widget: Any, manager: DialogManager, item: str) -> None:
    data = manager.middleware_data
    actor: Actor = data["actor"]
    settings: Settings = data["settings"]
    try:
        created = await staff.create_invite(
            data["uow"], data["clock"], actor, Role(item), settings.invite_ttl_days
        )
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        await manager.done()
        return
    bot: Bot = data["bot"]
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={created.payload}"
    expires = format_datetime(created.invite.expires_at, actor.locale, actor.timezone)
    await manager.done()
    if callback.message is not None:
        await callback.message.edit_text(
            _(
                "Invite for a {role}:\n{link}\n\nValid until {expires}, for one person only. "
                "Send it to the new colleague privately."
            ).format(role=role_name(created.invite.role), link=link, expires=expires),
            disable_web_page_preview=True,
        )


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{prompt}"),
            Column(choice(ROLE_SELECT, "roles", on_role)),
            Cancel(Format("{cancel}"), id=CANCEL),
            state=InviteStaff.role,
            getter=role_getter,
        ),
    )
