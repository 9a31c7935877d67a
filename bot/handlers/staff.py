"""/invite and /team for admins and the head of sales; everyone else learns nothing."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_dialog import DialogManager, StartMode

from bot.dialogs.invite.states import InviteStaff
from bot.dialogs.team.states import Team
from bot.keyboards.menu import INVITE, TEAM
from bot.services.actors import Actor
from bot.services.permissions import Permission, can
from bot.services.staff import invitable_roles
from bot.texts import unknown_command


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_invite, Command("invite"))
    r.message.register(on_invite, F.text == INVITE)
    r.message.register(on_team, Command("team"))
    r.message.register(on_team, F.text == TEAM)
    return r


async def on_invite(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    if not invitable_roles(actor):
        await message.answer(unknown_command())
        return
    await dialog_manager.start(InviteStaff.role, mode=StartMode.RESET_STACK)


async def on_team(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    if not can(actor, Permission.VIEW_TEAM):
        await message.answer(unknown_command())
        return
    await dialog_manager.start(Team.members, mode=StartMode.RESET_STACK)
