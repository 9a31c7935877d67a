"""The lead being captured. It lives in the dialog's data while the flow runs, and a copy in
the person's FSM data: another menu button resets the dialog stack, and the next
"➕ New lead" offers to continue where he left off."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram_dialog import DialogManager

from bot.dialogs.lead.states import Lead
from bot.services.crm.clients import LeadDraft

LEAD, NOTE, EDITING = "lead", "note", "editing"
# The duplicates shown (what the choice may act on) and the card the lead ended in.
MATCHES, SAVED = "matches", "saved"
# FSM data of its own destiny: it outlives a reset dialog stack, and no other flow's
# set_data() on the person's plain FSM data can wipe it.
DESTINY = "crm_lead"
KEPT = "unfinished_lead"
STEPS = (Lead.name, Lead.company, Lead.phone, Lead.email, Lead.source, Lead.needs)
FIELDS = (
    "name",
    "company",
    "position",
    "phones",
    "emails",
    "source",
    "needs",
    "telegram_username",
    "tags",
    "user_id",
)
LISTS = ("phones", "emails", "tags")


def blank() -> dict[str, Any]:
    return {key: ([] if key in LISTS else None) for key in FIELDS}


def from_prefill(prefill: dict[str, Any]) -> dict[str, Any]:
    """Start data (JSON) as the dialog keeps a lead; unknown keys are ignored."""
    lead = blank()
    for key in FIELDS:
        value = prefill.get(key)
        if value:
            lead[key] = list(value) if key in LISTS else value
    return lead


def lead(manager: DialogManager) -> dict[str, Any]:
    return manager.dialog_data[LEAD]


def draft(manager: DialogManager) -> LeadDraft:
    fields = lead(manager)
    values = {key: tuple(fields[key]) if key in LISTS else fields[key] for key in FIELDS}
    values["name"] = values["name"] or ""
    return LeadDraft(**values)


def start(manager: DialogManager, fields: dict[str, Any], note: str | None) -> None:
    manager.dialog_data.update({LEAD: fields, NOTE: note, EDITING: False})


def _fsm(manager: DialogManager) -> FSMContext:
    state: FSMContext = manager.middleware_data["state"]
    return FSMContext(state.storage, replace(state.key, destiny=DESTINY))


async def remember(manager: DialogManager, step: State) -> None:
    """Keeps the lead and the step he is at; a lead without a name is not worth keeping."""
    if not lead(manager)["name"]:
        return
    kept = {
        LEAD: lead(manager),
        NOTE: manager.dialog_data.get(NOTE),
        EDITING: manager.dialog_data.get(EDITING, False),
        "step": step.state,
    }
    await _fsm(manager).update_data({KEPT: kept})


async def recall(manager: DialogManager) -> dict[str, Any] | None:
    """The lead left unfinished, if any."""
    kept = (await _fsm(manager).get_data()).get(KEPT)
    return kept if isinstance(kept, dict) and kept.get(LEAD) else None


async def forget(manager: DialogManager) -> None:
    await _fsm(manager).set_data({})


def step_of(kept: dict[str, Any]) -> State:
    """The window to continue at; the summary for steps past the questions."""
    by_name = {state.state: state for state in STEPS}
    return by_name.get(kept.get("step"), Lead.summary)
