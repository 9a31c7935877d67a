"""What Telegram shows about the bot: command lists per language and role scope
(`set_my_commands`) and the description a newcomer sees before pressing Start."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from aiogram.utils.i18n import I18n

from bot.i18n import SUPPORTED_LOCALES
from bot.services.actors import Actor
from bot.services.permissions import Permission, can
from bot.services.staff import invitable_roles


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, per locale."""
    return message


START = ("start", N_("Main menu"))
HELP = ("help", N_("What I can do"))
LANGUAGE = ("language", N_("Change the language"))
TIMEZONE = ("timezone", N_("Set your time zone"))
PRIVACY = ("privacy", N_("My data and consent"))
INVITE = ("invite", N_("Invite a staff member"))
TEAM = ("team", N_("The team: roles and access"))
ASK = ("ask", N_("Ask a question"))
CLAIM = ("claim", N_("File a claim"))
REQUESTS = ("requests", N_("My requests"))
FEEDBACK = ("feedback", N_("Leave feedback"))
QUEUE = ("queue", N_("Open requests"))
CLIENTS = ("clients", N_("Find a client, my clients"))
LEAD = ("lead", N_("Capture a new lead"))
NOTE = ("note", N_("Log a meeting or call"))
DEALS = ("deals", N_("Deals and pipeline"))
REMIND = ("remind", N_("Set a reminder: /remind tomorrow 10 call Ivan"))
REMINDERS = ("reminders", N_("My reminders"))
AWAY = ("away", N_("Absence: who covers for me, and when"))
IMPORT = ("import", N_("Import clients from CSV or Excel"))
EXPORT = ("export", N_("Export clients to Excel and CSV"))

CLIENT_COMMANDS = (START, ASK, CLAIM, REQUESTS, FEEDBACK, HELP, LANGUAGE, TIMEZONE, PRIVACY)


def _commands(i18n: I18n, locale: str, entries: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=i18n.gettext(text, locale=locale))
        for name, text in entries
    ]


def staff_entries(actor: Actor) -> tuple[tuple[str, str], ...]:
    entries: tuple[tuple[str, str], ...] = (
        START,
        QUEUE,
        CLIENTS,
        LEAD,
        NOTE,
        DEALS,
        REMIND,
        REMINDERS,
        AWAY,
        IMPORT,
        EXPORT,
        HELP,
        LANGUAGE,
        TIMEZONE,
    )
    if invitable_roles(actor):
        entries += (INVITE,)
    if can(actor, Permission.VIEW_TEAM):
        entries += (TEAM,)
    return entries


async def withdraw_staff_commands(bot: Bot, telegram_id: int) -> None:
    """Back to the client commands everyone sees."""
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=telegram_id))


async def publish_client_commands(bot: Bot, i18n: I18n) -> None:
    """Clients see these in every private chat, in their Telegram language."""
    scope = BotCommandScopeAllPrivateChats()
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(
            _commands(i18n, locale, CLIENT_COMMANDS), scope=scope, language_code=locale
        )
    await bot.set_my_commands(_commands(i18n, i18n.default_locale, CLIENT_COMMANDS), scope=scope)


async def publish_staff_commands(bot: Bot, i18n: I18n, actor: Actor) -> None:
    """A staff member's own chat gets his role's commands in his chosen language."""
    await bot.set_my_commands(
        _commands(i18n, actor.locale, staff_entries(actor)),
        scope=BotCommandScopeChat(chat_id=actor.telegram_id),
    )


DESCRIPTION = N_(
    "ClientDesk connects you with your personal client relations specialist. Press Start to "
    "choose a language and read how we treat your data."
)
SHORT_DESCRIPTION = N_("Your personal client relations specialist, in Telegram.")


async def publish_descriptions(bot: Bot, i18n: I18n) -> None:
    for locale in (*SUPPORTED_LOCALES, None):
        text_locale = locale or i18n.default_locale
        await bot.set_my_description(
            i18n.gettext(DESCRIPTION, locale=text_locale), language_code=locale
        )
        await bot.set_my_short_description(
            i18n.gettext(SHORT_DESCRIPTION, locale=text_locale), language_code=locale
        )
