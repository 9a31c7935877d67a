"""/help, /language and /timezone, for every role."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, StartMode

from bot.commands import publish_staff_commands
from bot.dialogs.timezone.states import TimezoneChoice
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES
from bot.keyboards import inline
from bot.keyboards.callbacks import LanguageChoice
from bot.keyboards.menu import HELP, LANGUAGE, main_menu
from bot.middlewares.actor import VISITOR_LOCALE_KEY
from bot.services import onboarding
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.permissions import Permission, can
from bot.services.staff import invitable_roles
from bot.storage.uow import UnitOfWork
from bot.texts import role_name, stale_button


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_help, Command("help"))
    r.message.register(on_help, F.text == HELP)
    r.message.register(on_language, Command("language"))
    r.message.register(on_language, F.text == LANGUAGE)
    r.callback_query.register(on_language_chosen, LanguageChoice.filter())
    r.message.register(on_timezone, Command("timezone"))
    return r


def help_text(actor: Actor) -> str:
    if not actor.is_registered:
        return _(
            "I am ClientDesk, the desk of your client relations specialist.\n"
            "Send /start to begin: choose a language and read how we treat your data."
        )
    lines = [_("You are signed in as a {role}.").format(role=role_name(actor.role)), ""]
    if invitable_roles(actor):
        lines.append(_("/invite: create a single-use invite link for a new staff member"))
    if can(actor, Permission.MANAGE_TEAM):
        lines.append(_("/team: the staff list; change roles, revoke access"))
    elif can(actor, Permission.VIEW_TEAM):
        lines.append(_("/team: the staff list"))
    if actor.role.is_staff:
        lines.append(_("/queue: open requests, the nearest deadline first"))
        lines.append(_("Reply to a client's message or a request card to answer the client."))
        lines.append(_("/clients: find a client by name, company, phone, e-mail or tag"))
        lines.append(
            _("/lead: capture a new lead; or send me a contact, a .vcf file or a forwarded message")
        )
        lines.append(_("/note: log a meeting or call; any text you send can become a note"))
        lines.append(_("/deals: your deals and pipeline"))
        lines.append(
            _("/remind: set a reminder, e.g. /remind tomorrow at 10 call Ivan; /reminders: yours")
        )
        lines.append(_("/away: plan an absence and who covers for you meanwhile"))
        lines.append(_("/import and /export: clients from and to CSV or Excel"))
        lines.append(_("In any chat, type my @username and a name to share a client's card."))
    else:
        lines.append(_("/ask: ask a question"))
        lines.append(_("/claim: file a claim"))
        lines.append(_("/requests: your requests, their status and history"))
        lines.append(_("/feedback: praise, a suggestion or a complaint"))
        lines.append(_("Anything you write here goes to your open request."))
        lines.append(_("/privacy: see what is stored about you, export it, withdraw consent"))
    lines.append(_("/language: change the language"))
    lines.append(_("/timezone: set your time zone for dates and times"))
    lines.append(_("/start: show the main menu"))
    return "\n".join(lines)


async def on_help(message: Message, actor: Actor) -> None:
    markup = main_menu(actor) if actor.is_registered else None
    await message.answer(help_text(actor), reply_markup=markup)


async def on_language(message: Message, actor: Actor) -> None:
    await message.answer(
        _("Choose your language:"), reply_markup=inline.languages(current=actor.locale)
    )


async def on_language_chosen(
    callback: CallbackQuery,
    callback_data: LanguageChoice,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    state: FSMContext,
    i18n: I18n,
    bot: Bot,
) -> None:
    if callback_data.code not in SUPPORTED_LOCALES:
        await callback.answer(stale_button(), show_alert=True)
        return
    actor = await onboarding.set_locale(uow, clock, actor, callback_data.code)
    if not actor.is_registered:
        await state.update_data({VISITOR_LOCALE_KEY: actor.locale})
    i18n.current_locale = actor.locale
    await callback.answer()
    text = _("Language: {language}").format(language=LANGUAGE_NAMES[actor.locale])
    if callback.message is not None:
        await bot.edit_message_text(
            text, chat_id=callback.from_user.id, message_id=callback.message.message_id
        )
    if actor.is_registered:
        # The reply keyboard carries translated labels, so it is sent again.
        await bot.send_message(
            callback.from_user.id, _("Menu updated."), reply_markup=main_menu(actor)
        )
    if actor.role.is_staff:
        await publish_staff_commands(bot, i18n, actor)


async def on_timezone(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    if not actor.is_registered:
        await message.answer(_("Send /start to begin."))
        return
    await dialog_manager.start(TimezoneChoice.zone, mode=StartMode.RESET_STACK)
