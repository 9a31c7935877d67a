"""/start: staff invites, client onboarding, acquisition sources, the main menu."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, StartMode

from bot.commands import publish_staff_commands
from bot.dialogs.onboarding.states import Onboarding
from bot.keyboards.menu import main_menu
from bot.services import onboarding, staff
from bot.services.actors import Actor, Defaults, Profile
from bot.services.clock import Clock
from bot.services.errors import InviteProblem, InviteRejected
from bot.storage.uow import UnitOfWork
from bot.texts import role_name


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(
        on_invite_link,
        CommandStart(deep_link=True, magic=F.args.startswith(staff.INVITE_PREFIX)),
    )
    r.message.register(on_start, CommandStart())
    return r


def invite_refusal(problem: InviteProblem) -> str:
    return {
        InviteProblem.UNKNOWN: _(
            "This invite link is not valid. Ask whoever invited you for a new one."
        ),
        InviteProblem.USED: _(
            "This invite link has already been used. Ask whoever invited you for a new one."
        ),
        InviteProblem.EXPIRED: _(
            "This invite link has expired. Ask whoever invited you for a new one."
        ),
        InviteProblem.REVOKED: _(
            "This invite link has been cancelled. Ask whoever invited you for a new one."
        ),
        InviteProblem.ALREADY_STAFF: _(
            "You are already on the team; this invite stays unused for someone else."
        ),
    }[problem]


async def on_invite_link(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    profile: Profile,
    defaults: Defaults,
    i18n: I18n,
    bot: Bot,
    dialog_manager: DialogManager,
) -> None:
    try:
        user = await staff.redeem_invite(
            uow, clock, profile, command.args or "", locale=actor.locale, defaults=defaults
        )
    except InviteRejected as rejected:
        await message.answer(invite_refusal(rejected.problem))
        return
    await dialog_manager.reset_stack()
    member = Actor.of(user)
    await message.answer(
        _("Welcome to the team! You are now a {role}.").format(role=role_name(user.role)),
        reply_markup=main_menu(member),
    )
    await publish_staff_commands(bot, i18n, member)


async def on_start(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    dialog_manager: DialogManager,
) -> None:
    source = onboarding.clean_source(command.args)
    if not actor.is_registered:
        await dialog_manager.start(
            Onboarding.language, mode=StartMode.RESET_STACK, data={"source": source}
        )
        return
    if not actor.role.is_staff:
        await onboarding.record_source(uow, clock, actor, source)
    await dialog_manager.reset_stack()
    name = html.escape(actor.user.full_name or "") if actor.user else ""
    greeting = _("Hello, {name}!").format(name=name) if name else _("Hello!")
    await message.answer(
        greeting + "\n" + _("Choose an action in the menu below."), reply_markup=main_menu(actor)
    )
