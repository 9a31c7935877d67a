"""/remind, and the buttons of a delivered reminder: Done, Snooze (15 minutes, an hour,
tomorrow 9:00), the client's card and the note flow for what came of it.

Every press is checked in the service: another's reminder, or a client no longer his,
is answered like a stale button."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, StartMode

from bot.dialogs.beside import start_beside
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.deals.states import Deals
from bot.dialogs.note.states import Note
from bot.dialogs.reminder.states import NewReminder
from bot.keyboards import reminders as kb
from bot.keyboards.reminders import ReminderAction, ReminderButton
from bot.render import reminders as render
from bot.render.cards import Reader
from bot.services import reminders
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access
from bot.services.errors import NotAllowed, ReminderRejected
from bot.storage.dto import ClientDTO, ReminderDTO
from bot.storage.uow import UnitOfWork
from bot.texts import stale_button, unknown_command


def router() -> Router:
    r = Router(name=__name__)
    r.callback_query.register(on_button, ReminderButton.filter())
    r.message.register(on_remind, Command("remind"))
    return r


async def on_button(
    callback: CallbackQuery,
    callback_data: ReminderButton,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    bot: Bot,
    dialog_manager: DialogManager,
) -> None:
    message = callback.message
    try:
        item = await reminders.mine(uow, actor, callback_data.reminder_id)
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        return
    if message is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    client = await _client(uow, actor, item)
    action = callback_data.action
    if action is ReminderAction.CLIENT or action is ReminderAction.OUTCOME:
        if client is None:
            await callback.answer(stale_button(), show_alert=True)
            return
        await callback.answer()
        state = ClientCard.main if action is ReminderAction.CLIENT else Note.client
        await start_beside(dialog_manager, callback, state, {"client_id": client.id})
        return
    if action is ReminderAction.DEAL:
        if item.deal_id is None or client is None:
            await callback.answer(stale_button(), show_alert=True)
            return
        await callback.answer()
        await start_beside(dialog_manager, callback, Deals.deal, {"deal_id": item.deal_id})
        return
    if action is ReminderAction.OTHER:
        await callback.answer()
        data = {"text": item.text, "client_id": item.client_id, "snooze_of": item.id}
        await start_beside(dialog_manager, callback, NewReminder.text, data)
        return
    chat_id, message_id = message.chat.id, message.message_id
    if action is ReminderAction.SNOOZE or action is ReminderAction.BACK:
        markup = kb.snoozes(item) if action is ReminderAction.SNOOZE else kb.reminder(item)
        await callback.answer()
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
        return
    if action is ReminderAction.DONE:
        finished = await reminders.done(uow, actor, clock, item.id)
        await callback.answer(_("Done."))
        await bot.edit_message_text(
            render.done(finished, client), chat_id=chat_id, message_id=message_id
        )
        return
    now = clock.now()
    if callback_data.minutes == kb.TOMORROW:
        until = reminders.tomorrow_morning(now, actor.timezone)
    elif callback_data.minutes in kb.SNOOZES:
        until = now + timedelta(minutes=callback_data.minutes)
    else:
        await callback.answer(stale_button(), show_alert=True)
        return
    try:
        later = await reminders.snooze(uow, actor, clock, item.id, until)
    except ReminderRejected as error:
        await callback.answer(render.problem_text(error.problem), show_alert=True)
        return
    await callback.answer(_("Snoozed."))
    await bot.edit_message_text(
        render.snoozed(later, client, Reader.of(actor)), chat_id=chat_id, message_id=message_id
    )


async def _client(uow: UnitOfWork, actor: Actor, item: ReminderDTO) -> ClientDTO | None:
    """The reminder's client while he is still this actor's: one handed over to another
    specialist is not shown, but the reminder itself can still be done or snoozed."""
    if item.client_id is None:
        return None
    try:
        return await access.client_for(uow, actor, item.client_id)
    except NotAllowed:
        return None


async def on_remind(
    message: Message,
    command: CommandObject,
    actor: Actor,
    clock: Clock,
    dialog_manager: DialogManager,
) -> None:
    """/remind, /remind call Ivan, or /remind tomorrow at 10 call Ivan: the dialog starts at
    the first thing the line does not answer."""
    if not (actor.is_registered and actor.role.is_staff):
        await message.answer(unknown_command())
        return
    line = (command.args or "").strip()
    due_at, text = reminders.split_when(
        line, now=clock.now(), tz=actor.timezone, locale=actor.locale
    )
    data: dict[str, object] = {"text": text} if text else {}
    if due_at is not None and text:
        data["at"] = due_at.isoformat()
    await dialog_manager.start(NewReminder.text, data=data, mode=StartMode.RESET_STACK)
