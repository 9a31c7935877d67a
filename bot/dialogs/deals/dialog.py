"""Deals and the pipeline (see the modules for each part):
- `pipeline`: stages with counts and amounts, a stage's deals, a new deal for a found client;
- `new`: a new deal on a client, question by question;
- `deal`: one deal, its moves and edits;
- `next_step`: the deal's next step and its day, from the deal's Edit menu.

Entry states and their start data: Deals.pipeline (none), Deals.new ({"client_id"}),
Deals.deal ({"deal_id"}); started from a client's card, Back and Cancel return to it."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager

from bot.dialogs.deals import common, deal, new, next_step, pipeline
from bot.dialogs.deals.states import Deals
from bot.services.crm import access, deals
from bot.services.errors import NotAllowed

NEW_DEAL_STATES = frozenset(
    {Deals.new, Deals.amount, Deals.new_stage, Deals.close, Deals.probability, Deals.terms}
)
DEAL_STATES = frozenset(
    {
        Deals.deal,
        Deals.move,
        Deals.lost,
        Deals.edit,
        Deals.edit_title,
        Deals.edit_amount,
        Deals.edit_close,
        Deals.edit_probability,
        Deals.edit_terms,
        Deals.edit_next_step,
        Deals.edit_next_step_day,
    }
)


async def _check(_data: Any, _result: Any, manager: DialogManager) -> None:
    """On start and on coming back from the client's card: the deal or client shown must
    still be this actor's (a forged start, or a client handed to someone else meanwhile);
    otherwise the dialog closes and says only that the button is no longer active."""
    state = manager.current_context().state
    uow, actor = common.uow(manager), common.actor(manager)
    try:
        if state in DEAL_STATES:
            await deals.view(uow, actor, common.deal_id(manager))
        elif state in NEW_DEAL_STATES:
            await access.client_for(uow, actor, common.client_id(manager))
    except NotAllowed as error:
        if isinstance(manager.event, CallbackQuery | Message):
            await common.refuse(manager.event, error)
        await manager.done()


async def _on_start(data: Any, manager: DialogManager) -> None:
    await _check(data, None, manager)


def dialog() -> Dialog:
    return Dialog(
        *pipeline.windows(),
        *new.windows(),
        *deal.windows(),
        *next_step.windows(),
        on_start=_on_start,
        on_process_result=_check,
    )
