"""What the lead flow does with each answer and button press."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode

from bot.config import Settings
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.lead import intake, progress
from bot.dialogs.lead.progress import EDITING, LEAD, LISTS, MATCHES, NOTE, SAVED, STEPS
from bot.dialogs.lead.states import Lead
from bot.render.crm_labels import client_problem_text, source_name
from bot.services.crm import duplicates, merge
from bot.services.crm import intake as crm_intake
from bot.services.crm.clients import MAX_NAME, MAX_SHORT, MAX_TEXT, clean_text
from bot.services.crm.contacts import parse_email, parse_phone
from bot.services.crm.text import fold
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO
from bot.storage.enums import LeadSource
from bot.texts import stale_button

Reader = Callable[[str, DialogManager], Any]


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    prefill = data.get("prefill")
    if isinstance(prefill, dict):
        # Captured from a contact card or a forwarded message: check it, then save.
        progress.start(manager, progress.from_prefill(prefill), data.get(NOTE))
        manager.dialog_data[EDITING] = True
        await _go(manager, Lead.summary if progress.lead(manager)["name"] else Lead.name)
        return
    progress.start(manager, progress.blank(), None)
    if await progress.recall(manager) is not None:
        await manager.switch_to(Lead.resume)


async def on_continue(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    kept = await progress.recall(manager)
    if kept is None:
        await callback.answer(stale_button(), show_alert=True)
        await manager.switch_to(Lead.name)
        return
    progress.start(manager, progress.from_prefill(kept[LEAD]), kept.get(NOTE))
    manager.dialog_data[EDITING] = bool(kept.get(EDITING))
    await manager.switch_to(progress.step_of(kept))


async def on_start_over(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await progress.forget(manager)
    progress.start(manager, progress.blank(), None)
    await manager.switch_to(Lead.name)


async def on_cancel(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    """Cancelling is a decision, unlike leaving: the lead is not offered again."""
    await progress.forget(manager)


def _region(manager: DialogManager) -> str:
    settings: Settings = manager.middleware_data["settings"]
    return settings.default_region


def _read_source(text: str, _manager: DialogManager) -> str | None:
    """A typed source that names a known one ("выставка", "Website") is stored as it."""
    source = clean_text(text, MAX_SHORT)
    for known in LeadSource:
        if source and fold(source) in (fold(known.value), fold(source_name(known.value))):
            return known.value
    return source


READERS: dict[State, tuple[str, Reader]] = {
    Lead.name: ("name", lambda text, _m: clean_text(text, MAX_NAME, required=True)),
    Lead.company: ("company", lambda text, _m: clean_text(text, MAX_NAME)),
    Lead.phone: ("phones", lambda text, m: [parse_phone(text, _region(m))]),
    Lead.email: ("emails", lambda text, _m: [parse_email(text)]),
    Lead.source: ("source", _read_source),
    Lead.needs: ("needs", lambda text, _m: clean_text(text, MAX_TEXT)),
}


async def on_answer(message: Message, _w: Any, manager: DialogManager) -> None:
    """A typed answer to the current question (a shared contact answers the phone one)."""
    state = manager.current_context().state
    field, read = READERS[state]
    text = message.contact.phone_number if message.contact else message.text or ""
    try:
        value = read(text, manager)
    except ClientRejected as error:
        # The window is shown again below the explanation: the same question.
        await message.answer(client_problem_text(error.problem))
        return
    progress.lead(manager)[field] = value
    await _after(manager, state)


async def on_source(callback: CallbackQuery, _w: Any, manager: DialogManager, key: str) -> None:
    if key not in {source.value for source in LeadSource}:
        await callback.answer(stale_button(), show_alert=True)
        return
    progress.lead(manager)["source"] = key
    await _after(manager, Lead.source)


async def on_skip(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    state = manager.current_context().state
    if state is Lead.name:  # the one answer a lead cannot do without (a forged button)
        await callback.answer(stale_button(), show_alert=True)
        return
    field, _read = READERS[state]
    progress.lead(manager)[field] = [] if field in LISTS else None
    await _after(manager, state)


async def on_back(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    state = manager.current_context().state
    if manager.dialog_data[EDITING] or state not in STEPS[1:]:
        await _go(manager, Lead.summary)
        return
    await _go(manager, STEPS[STEPS.index(state) - 1])


async def on_edit_field(callback: CallbackQuery, _w: Any, manager: DialogManager, key: str) -> None:
    step = {state.state: state for state in STEPS}.get(f"{Lead.__name__}:{key}")
    if step is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[EDITING] = True
    await _go(manager, step)


async def on_save(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _check_and_save(manager)


async def on_save_anyway(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _save(manager)


async def on_capture(message: Message, _w: Any, manager: DialogManager) -> None:
    await intake.capture(message, manager)


async def on_open_existing(
    callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: str
) -> None:
    client_id = _shown_match(manager, item_id)
    if client_id is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    # On top of the lead: closing the card comes back to the choice.
    await manager.start(ClientCard.main, data={"client_id": client_id})


async def on_merge(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    client_id = _shown_match(manager, item_id)
    data = manager.middleware_data
    try:
        if client_id is None:
            raise NotAllowed("client")
        merged = await merge.merge(
            data["uow"],
            data["actor"],
            data["clock"],
            client_id,
            progress.draft(manager),
            note=manager.dialog_data.get(NOTE),
        )
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        return
    except ClientRejected as error:
        await callback.answer(client_problem_text(error.problem), show_alert=True)
        return
    await _saved(manager, merged.client, merged=True)


async def on_open_saved(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    client_id = manager.dialog_data[SAVED]["client_id"]
    await manager.start(ClientCard.main, data={"client_id": client_id}, mode=StartMode.RESET_STACK)


async def on_another(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await manager.start(Lead.name, mode=StartMode.RESET_STACK)


def _shown_match(manager: DialogManager, item_id: str) -> int | None:
    """The match this button names, if it was one shown with its details; a forged or
    stale id is None."""
    shown = {str(m["id"]) for m in manager.dialog_data.get(MATCHES, []) if m.get("id")}
    return int(item_id) if item_id in shown else None


async def _go(manager: DialogManager, state: State) -> None:
    await manager.switch_to(state)
    await progress.remember(manager, state)


async def _after(manager: DialogManager, answered: State) -> None:
    if manager.dialog_data[EDITING]:
        await _go(manager, Lead.summary if progress.lead(manager)["name"] else Lead.name)
    elif answered is Lead.needs:
        await _check_and_save(manager)
    else:
        await _go(manager, STEPS[STEPS.index(answered) + 1])


async def _check_and_save(manager: DialogManager) -> None:
    data = manager.middleware_data
    try:
        found = await duplicates.find(data["uow"], data["actor"], progress.draft(manager))
    except NotAllowed:
        await _refuse(manager)
        return
    if not found:
        await _save(manager)
        return
    manager.dialog_data[MATCHES] = [_shown(match) for match in found]
    await _go(manager, Lead.duplicates)


def _shown(match: duplicates.Duplicate) -> dict[str, Any]:
    """What the choice shows of a match; nothing but the owner of one the actor may not see."""
    if match.client is None:
        return {"owner": match.owner_name}
    return {
        "id": match.client.id,
        "title": match.client.title,
        "reason": match.reason.value,
        "owner_id": match.client.owner_id,
        "owner": match.owner_name,
    }


async def _save(manager: DialogManager) -> None:
    data = manager.middleware_data
    try:
        client = await crm_intake.save(
            data["uow"],
            data["actor"],
            data["clock"],
            progress.draft(manager),
            note=manager.dialog_data.get(NOTE),
        )
    except NotAllowed:
        await _refuse(manager)
        return
    except ClientRejected as error:
        await _tell(manager, client_problem_text(error.problem))
        await _go(manager, Lead.summary)
        return
    await _saved(manager, client, merged=False)


async def _saved(manager: DialogManager, client: ClientDTO, *, merged: bool) -> None:
    await progress.forget(manager)
    manager.dialog_data[SAVED] = {"client_id": client.id, "title": client.title, "merged": merged}
    await manager.switch_to(Lead.saved)


async def _refuse(manager: DialogManager) -> None:
    """He is no longer staff: the flow ends without a word about the base."""
    await progress.forget(manager)
    await _tell(manager, stale_button())
    await manager.done()


async def _tell(manager: DialogManager, text: str) -> None:
    event = manager.event
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    elif isinstance(event, Message):
        await event.answer(text)
