"""/team: the staff list; admins change a member's role or revoke his access."""

from __future__ import annotations

import html
import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import (
    Back,
    Button,
    Cancel,
    Column,
    ScrollingGroup,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format

from bot import commands
from bot.config import Settings
from bot.dialogs.team.states import Team
from bot.dialogs.widgets import choice
from bot.i18n import format_datetime
from bot.keyboards.menu import main_menu
from bot.services import team
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.storage.dto import UserDTO
from bot.storage.enums import Role
from bot.texts import role_name, stale_button

logger = logging.getLogger(__name__)

MEMBER_SELECT = "member"
MEMBERS_SCROLL = "members"
ROLE_SELECT = "role"
REVOKE = "revoke"
CONFIRM_REVOKE = "confirm_revoke"
MEMBER_ID = "member_id"
PAGE_SIZE = 8


def _label(user: UserDTO) -> str:
    name = user.full_name or (f"@{user.username}" if user.username else str(user.telegram_id))
    return f"{name} · {role_name(user.role)}"


def _admin_ids(manager: DialogManager) -> tuple[int, ...]:
    settings: Settings = manager.middleware_data["settings"]
    return settings.admin_ids


async def _current_member(manager: DialogManager) -> UserDTO:
    data = manager.middleware_data
    return await team.member(data["uow"], data["actor"], manager.dialog_data[MEMBER_ID])


async def members_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    staff = await team.members(data["uow"], data["actor"])
    return {
        "title": _("Your team: {count}").format(count=len(staff)),
        "members": [(str(user.id), _label(user)) for user in staff],
        "close": _("Close"),
    }


async def member_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    user = await _current_member(dialog_manager)
    admin_ids = _admin_ids(dialog_manager)
    lines = [
        f"<b>{html.escape(user.full_name or '—')}</b>",
        _("Username: {value}").format(
            value=html.escape(f"@{user.username}" if user.username else "—")
        ),
        _("Role: {role}").format(role=role_name(user.role)),
        _("On the team since {date}").format(
            date=format_datetime(user.created_at, actor.locale, actor.timezone)
        ),
    ]
    if user.telegram_id in admin_ids:
        lines.append(_("An administrator from the ADMIN_IDS setting: this role is changed there."))
    return {
        "card": "\n".join(lines),
        "roles": [
            (role.value, _("Make {role}").format(role=role_name(role)))
            for role in team.role_options(actor, user, admin_ids)
        ],
        "can_revoke": team.can_revoke(actor, user, admin_ids),
        "revoke": _("Revoke access"),
        "back": _("Back"),
    }


async def confirm_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    user = await _current_member(dialog_manager)
    return {
        "text": _(
            "Revoke the staff access of {name}? Client data and staff commands will be "
            "closed to this person."
        ).format(name=html.escape(user.full_name or "—")),
        "yes": _("Yes, revoke"),
        "no": _("Cancel"),
    }


async def on_member(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item: str
) -> None:
    data = manager.middleware_data
    try:
        user = await team.member(data["uow"], data["actor"], int(item))
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[MEMBER_ID] = user.id
    await manager.switch_to(Team.member)


async def _tell_member(manager: DialogManager, user: UserDTO, revoked: bool) -> None:
    """The member learns of the change in his own language, with a menu that fits it."""
    bot: Bot = manager.middleware_data["bot"]
    i18n: I18n = manager.middleware_data["i18n"]
    member = Actor.of(user)
    with i18n.use_locale(user.locale):
        if revoked:
            text, markup = _("Your staff access has been revoked."), ReplyKeyboardRemove()
        else:
            text = _("Your role is now: {role}.").format(role=role_name(user.role))
            markup = main_menu(member)
    try:
        if revoked:
            await commands.withdraw_staff_commands(bot, user.telegram_id)
        else:
            await commands.publish_staff_commands(bot, i18n, member)
        await bot.send_message(user.telegram_id, text, reply_markup=markup)
    except TelegramAPIError as error:
        logger.warning("Could not tell user %s about the change: %s", user.id, error)


async def on_role(callback: CallbackQuery, _widget: Any, manager: DialogManager, item: str) -> None:
    data = manager.middleware_data
    try:
        user = await team.change_role(
            data["uow"],
            data["clock"],
            data["actor"],
            manager.dialog_data[MEMBER_ID],
            Role(item),
            _admin_ids(manager),
        )
    except (NotAllowed, ValueError, KeyError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await _tell_member(manager, user, revoked=False)
    await callback.answer(_("Role changed."))


async def on_revoke(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    try:
        user = await team.revoke(
            data["uow"],
            data["clock"],
            data["actor"],
            manager.dialog_data[MEMBER_ID],
            _admin_ids(manager),
        )
    except (NotAllowed, KeyError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await _tell_member(manager, user, revoked=True)
    await callback.answer(_("Access revoked."))
    await manager.switch_to(Team.members)


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{title}"),
            ScrollingGroup(
                choice(MEMBER_SELECT, "members", on_member),
                id=MEMBERS_SCROLL,
                width=1,
                height=PAGE_SIZE,
                hide_on_single_page=True,
            ),
            Cancel(Format("{close}")),
            state=Team.members,
            getter=members_getter,
        ),
        Window(
            Format("{card}"),
            Column(choice(ROLE_SELECT, "roles", on_role)),
            SwitchTo(Format("{revoke}"), id=REVOKE, state=Team.confirm_revoke, when="can_revoke"),
            Back(Format("{back}")),
            state=Team.member,
            getter=member_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{yes}"), id=CONFIRM_REVOKE, on_click=on_revoke),
            SwitchTo(Format("{no}"), id="keep", state=Team.member),
            state=Team.confirm_revoke,
            getter=confirm_getter,
        ),
    )
