"""A staff member's plain text sent outside any flow: "Add this as a note to …" with the
clients he worked on last, another client, or no.

The text waits in his session storage under the offer's message id (callback data holds
64 bytes, and a note is longer), so a button pressed after the text was used or forgotten
is answered as stale. A client's text never gets here: the relay takes it first.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.dialogs.beside import start_beside
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.note.states import Note
from bot.keyboards import notes as kb
from bot.render.cards import Reader
from bot.render.crm_labels import client_problem_text
from bot.render.notes import saved_note
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access, notes
from bot.services.crm.notes import NoteDraft
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO
from bot.storage.enums import TimelineKind
from bot.storage.uow import UnitOfWork
from bot.texts import stale_button

OFFERS = "note_offers"  # {offer message id: the text offered}
# Offers answered after this many newer ones are forgotten (a chat scrolls them away too).
KEPT_OFFERS = 5


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_text, F.text, ~F.text.startswith("/"), _with_recent_clients)
    r.callback_query.register(on_offer, kb.NoteOffer.filter())
    return r


def _is_staff(actor: Actor) -> bool:
    return actor.is_registered and actor.role.is_staff


async def _with_recent_clients(
    _message: Message, actor: Actor, uow: UnitOfWork
) -> dict[str, Any] | bool:
    """Staff with clients to offer; anyone else goes on to the fallback's menu."""
    if not _is_staff(actor):
        return False
    recent = await notes.recent_clients(uow, actor)
    return {"recent": recent} if recent else False


async def on_text(message: Message, state: FSMContext, recent: list[ClientDTO]) -> None:
    sent = await message.reply(
        _("📝 Add this as a note to a client?"), reply_markup=kb.offer(recent)
    )
    offers: dict[str, str] = dict(await state.get_value(OFFERS) or {})
    offers[str(sent.message_id)] = message.text or ""
    newest = sorted(offers, key=int)[-KEPT_OFFERS:]
    await state.update_data({OFFERS: {key: offers[key] for key in newest}})


async def on_offer(
    callback: CallbackQuery,
    callback_data: kb.NoteOffer,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    bot: Bot,
    state: FSMContext,
    dialog_manager: DialogManager,
) -> None:
    if not _is_staff(actor) or callback.message is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    if callback_data.action is kb.NoteAction.OPEN:
        await _open_client(callback, callback_data.client_id, actor, uow, dialog_manager)
        return
    chat_id, message_id = callback.message.chat.id, callback.message.message_id
    offers: dict[str, str] = dict(await state.get_value(OFFERS) or {})
    text = offers.pop(str(message_id), None)
    if text is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    if callback_data.action is kb.NoteAction.ADD:
        try:
            entry = await notes.log(
                uow, actor, clock, callback_data.client_id, NoteDraft(TimelineKind.NOTE, text)
            )
        except NotAllowed:
            await callback.answer(stale_button(), show_alert=True)
            return
        except ClientRejected as error:
            await callback.answer(client_problem_text(error.problem), show_alert=True)
            return
        await state.update_data({OFFERS: offers})
        client = await access.client_for(uow, actor, entry.client_id)
        await callback.answer(_("Saved."))
        await bot.edit_message_text(
            saved_note(entry, client, Reader.of(actor)),
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=kb.saved(client.id),
        )
        return
    await state.update_data({OFFERS: offers})
    await callback.answer()
    if callback_data.action is kb.NoteAction.OTHER:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
        await dialog_manager.start(
            Note.client, data={"text": text}, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
        )
        return
    await bot.edit_message_text(_("OK, not saved."), chat_id=chat_id, message_id=message_id)


async def _open_client(
    callback: CallbackQuery,
    client_id: int,
    actor: Actor,
    uow: UnitOfWork,
    dialog_manager: DialogManager,
) -> None:
    try:
        client = await access.client_for(uow, actor, client_id)
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    await start_beside(dialog_manager, callback, ClientCard.main, {"client_id": client.id})
