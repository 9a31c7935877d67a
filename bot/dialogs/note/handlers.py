"""What the note flow does with each answer: the client picked or searched for, the kind,
the day and hour, the notes (text, voice or photo), the outcome and the next step; the
last answer saves the note and sends its summary."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button

from bot.dialogs.context import say
from bot.dialogs.note.common import (
    AT,
    CLIENT_ID,
    DAY,
    FILE_ID,
    FILE_KIND,
    KIND,
    NEXT_STEP,
    NOW,
    OUTCOME,
    QUERY,
    TEXT,
    TITLE,
    TODAY,
    YESTERDAY,
    actor_of,
    kind_of,
    now_of,
    today_of,
    zone_of,
)
from bot.dialogs.note.states import Note
from bot.keyboards import notes as kb
from bot.render.cards import Reader
from bot.render.crm_labels import client_problem_text
from bot.render.notes import saved_note
from bot.services import reminders
from bot.services.actors import Actor
from bot.services.crm import access, notes, search
from bot.services.crm.clients import MAX_TEXT, clean_text
from bot.services.crm.deals import parse_date
from bot.services.crm.notes import AttachmentKind, NoteDraft
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.enums import TimelineKind
from bot.texts import stale_button


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    try:
        # Text sent outside the flow; if it cannot be a note, the question is asked.
        manager.dialog_data[TEXT] = notes.clean_notes(str(data.get(TEXT) or ""))
    except ClientRejected:
        manager.dialog_data.pop(TEXT, None)
    if data.get(CLIENT_ID):
        try:
            client = await access.client_for(
                manager.middleware_data["uow"], actor_of(manager), int(data[CLIENT_ID])
            )
        except (NotAllowed, TypeError, ValueError):
            return  # not his client (any more): he picks one
        manager.dialog_data.update({CLIENT_ID: client.id, TITLE: client.title})
        await manager.switch_to(Note.kind)


# Client


async def on_query(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data[QUERY] = search.checked(message.text or "")
    except ClientRejected as error:
        await message.answer(client_problem_text(error.problem))


async def on_recent(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(QUERY, None)


async def on_client(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        client = await access.client_for(
            manager.middleware_data["uow"], actor_of(manager), int(item)
        )
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data.pop(QUERY, None)
    manager.dialog_data.update({CLIENT_ID: client.id, TITLE: client.title})
    await manager.switch_to(Note.kind)


# Kind and time


async def on_kind(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        kind = notes.check_kind(item)
    except ClientRejected:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[KIND] = kind.value
    if kind is TimelineKind.NOTE:
        manager.dialog_data[AT] = None
        await _after_when(manager)
        return
    await manager.switch_to(Note.when)


async def on_when(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if item == NOW:
        manager.dialog_data[AT] = None
        await _after_when(manager)
        return
    back = {TODAY: 0, YESTERDAY: 1}.get(item)
    if back is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    await _pick_day(callback, manager, today_of(manager) - timedelta(days=back))


async def on_when_day(
    callback: CallbackQuery, _w: Any, manager: DialogManager, chosen: date
) -> None:
    await _pick_day(callback, manager, chosen)


async def on_when_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        chosen = parse_date(message.text or "", actor_of(manager).locale)
    except ClientRejected as error:
        await message.answer(client_problem_text(error.problem))
        return
    await _pick_day(message, manager, chosen)


async def _pick_day(event: CallbackQuery | Message, manager: DialogManager, chosen: date) -> None:
    if chosen > today_of(manager):
        await say(event, _("This day has not come yet. When did it happen?"))
        return
    manager.dialog_data[DAY] = chosen.isoformat()
    await manager.switch_to(Note.hour)


async def on_hour(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        chosen = date.fromisoformat(manager.dialog_data[DAY])
        moment = datetime.combine(chosen, time(int(item)), tzinfo=zone_of(manager))
        notes.check_when(moment, now_of(manager))
    except (KeyError, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    except ClientRejected:
        await callback.answer(_("This time has not come yet. When did it happen?"), show_alert=True)
        return
    manager.dialog_data[AT] = moment.isoformat()
    await _after_when(manager)


async def _after_when(manager: DialogManager) -> None:
    if manager.dialog_data.get(TEXT):
        await _after_text(manager)  # written before the flow began
        return
    await manager.switch_to(Note.text)


# Notes, outcome, next step


async def on_text(message: Message, _w: Any, manager: DialogManager) -> None:
    file_id, file_kind = None, None
    if message.voice:
        file_id, file_kind = message.voice.file_id, AttachmentKind.VOICE
    elif message.photo:
        file_id, file_kind = message.photo[-1].file_id, AttachmentKind.PHOTO
    try:
        text = notes.clean_notes(message.text or message.caption, has_file=file_id is not None)
    except ClientRejected as error:
        await message.answer(client_problem_text(error.problem))
        return
    manager.dialog_data.update(
        {TEXT: text, FILE_ID: file_id, FILE_KIND: file_kind.value if file_kind else None}
    )
    await _after_text(manager)


async def on_not_a_note(message: Message, _w: Any, manager: DialogManager) -> None:
    await message.answer(_("A note can be text, a voice message or a photo. Please send one."))


async def _after_text(manager: DialogManager) -> None:
    # A plain note records no conversation, so it has no outcome.
    if kind_of(manager) is TimelineKind.NOTE:
        await manager.switch_to(Note.next_step)
        return
    await manager.switch_to(Note.outcome)


async def on_outcome(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data[OUTCOME] = clean_text(message.text, MAX_TEXT, required=True)
    except ClientRejected as error:
        await message.answer(client_problem_text(error.problem))
        return
    await manager.switch_to(Note.next_step)


async def on_skip_outcome(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data[OUTCOME] = None
    await manager.switch_to(Note.next_step)


async def on_next_step(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data[NEXT_STEP] = clean_text(message.text, MAX_TEXT, required=True)
    except ClientRejected as error:
        await message.answer(client_problem_text(error.problem))
        return
    await manager.switch_to(Note.next_date)


async def on_skip_next_step(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data[NEXT_STEP] = None
    await _save(callback, manager, None)


async def on_next_day(
    callback: CallbackQuery, _w: Any, manager: DialogManager, chosen: date
) -> None:
    await _next_day(callback, manager, chosen)


async def on_next_day_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        chosen = parse_date(message.text or "", actor_of(manager).locale)
    except ClientRejected as error:
        await message.answer(client_problem_text(error.problem))
        return
    await _next_day(message, manager, chosen)


async def _next_day(event: CallbackQuery | Message, manager: DialogManager, chosen: date) -> None:
    if chosen < today_of(manager):
        await say(event, _("This day is over. Pick today or a later day."))
        return
    morning = reminders.at_local(chosen, reminders.MORNING, actor_of(manager).timezone)
    await _save(event, manager, max(morning, now_of(manager)))


async def on_skip_next_day(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _save(callback, manager, None)


async def _save(
    event: CallbackQuery | Message, manager: DialogManager, next_step_at: datetime | None
) -> None:
    data = manager.middleware_data
    dialog = manager.dialog_data
    actor: Actor = data["actor"]
    draft = NoteDraft(
        kind=kind_of(manager),
        text=dialog.get(TEXT),
        happened_at=datetime.fromisoformat(dialog[AT]) if dialog.get(AT) else None,
        file_id=dialog.get(FILE_ID),
        file_kind=AttachmentKind(dialog[FILE_KIND]) if dialog.get(FILE_KIND) else None,
        outcome=dialog.get(OUTCOME),
        next_step=dialog.get(NEXT_STEP),
        next_step_at=next_step_at,
    )
    try:
        entry = await notes.log(data["uow"], actor, data["clock"], dialog[CLIENT_ID], draft)
    except (NotAllowed, KeyError):
        await say(event, stale_button())
        await manager.done()
        return
    except ClientRejected as error:
        await say(event, client_problem_text(error.problem))
        return
    client = await access.client_for(data["uow"], actor, entry.client_id)
    await manager.done()
    await data["bot"].send_message(
        actor.telegram_id,
        saved_note(entry, client, Reader.of(actor)),
        reply_markup=kb.saved(client.id),
    )
