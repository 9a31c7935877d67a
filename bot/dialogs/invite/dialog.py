"""/invite: pick a role, get a single-use link; see the links not opened yet and cancel one.

The token is shown once and never stored in dialog state (only its hash is in the database).
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.config import Settings
from bot.dialogs.invite.states import InviteStaff
from bot.dialogs.widgets import choice
from bot.i18n import format_datetime
from bot.services import staff
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.storage.dto import InviteDTO
from bot.storage.enums import Role
from bot.texts import role_name, stale_button

ROLE_SELECT = "role"
CANCEL = "cancel"
SHOW_OPEN = "show_open"
INVITE_SELECT = "invite"
CONFIRM_CANCEL = "confirm_cancel"
INVITE_ID = "invite_id"


def _describe(invite: InviteDTO, actor: Actor) -> str:
    expires = format_datetime(invite.expires_at, actor.locale, actor.timezone)
    return _("{role}, until {expires}").format(role=role_name(invite.role), expires=expires)


async def _open_invites(manager: DialogManager) -> list[InviteDTO]:
    data = manager.middleware_data
    return await staff.open_invites(data["uow"], data["clock"], data["actor"])


async def role_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    waiting = len(await _open_invites(dialog_manager))
    return {
        "prompt": _("Whom are you inviting? The link works once and expires."),
        "roles": [(role.value, role_name(role)) for role in staff.invitable_roles(actor)],
        "show_open": _("Links not opened yet: {count}").format(count=waiting),
        "has_open": waiting > 0,
        "cancel": _("Cancel"),
    }


async def open_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    invites = await _open_invites(dialog_manager)
    return {
        "text": _("Links not opened yet. Choose one to cancel it.")
        if invites
        else _("No links are waiting to be opened."),
        "invites": [(str(invite.id), _describe(invite, actor)) for invite in invites],
        "back": _("Back"),
    }


async def confirm_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    chosen = dialog_manager.dialog_data.get(INVITE_ID)
    invite = next((i for i in await _open_invites(dialog_manager) if i.id == chosen), None)
    described = _describe(invite, actor) if invite else "—"
    return {
        "text": _("Cancel this link ({invite})? Whoever opens it will be refused.").format(
            invite=described
        ),
        "yes": _("Yes, cancel the link"),
        "back": _("Back"),
    }


async def on_invite(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item: str
) -> None:
    if item not in {str(invite.id) for invite in await _open_invites(manager)}:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[INVITE_ID] = int(item)
    await manager.switch_to(InviteStaff.confirm_cancel)


async def on_cancel_invite(
    callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    data = manager.middleware_data
    try:
        await staff.cancel_invite(
            data["uow"], data["clock"], data["actor"], manager.dialog_data.get(INVITE_ID, 0)
        )
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
    else:
        await callback.answer(_("The link is cancelled."))
    await manager.switch_to(InviteStaff.open_invites)


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
            SwitchTo(
                Format("{show_open}"), id=SHOW_OPEN, state=InviteStaff.open_invites, when="has_open"
            ),
            Cancel(Format("{cancel}"), id=CANCEL),
            state=InviteStaff.role,
            getter=role_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice(INVITE_SELECT, "invites", on_invite)),
            SwitchTo(Format("{back}"), id="to_roles", state=InviteStaff.role),
            state=InviteStaff.open_invites,
            getter=open_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{yes}"), id=CONFIRM_CANCEL, on_click=on_cancel_invite),
            SwitchTo(Format("{back}"), id="to_open", state=InviteStaff.open_invites),
            state=InviteStaff.confirm_cancel,
            getter=confirm_getter,
        ),
    )
