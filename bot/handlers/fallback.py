"""Whatever no other handler took: unknown commands, stray text, stale buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.keyboards.menu import main_menu
from bot.services.actors import Actor
from bot.texts import stale_button, unknown_command


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_unknown_command, F.text.startswith("/"))
    r.message.register(on_text, F.text)
    r.message.register(on_unsupported)
    r.callback_query.register(on_stale_callback)
    return r


async def on_unknown_command(message: Message) -> None:
    await message.answer(unknown_command())


async def on_text(message: Message, actor: Actor) -> None:
    if not actor.is_registered:
        await message.answer(_("Send /start to begin."))
        return
    await message.answer(_("Choose an action in the menu below."), reply_markup=main_menu(actor))


async def on_unsupported(message: Message) -> None:
    await message.answer(_("I can't handle this kind of message here. Please use text."))


async def on_stale_callback(callback: CallbackQuery) -> None:
    await callback.answer(stale_button(), show_alert=True)
