"""A new deal on a client: title → amount → stage → expected close → probability →
special terms → saved, then the deal itself. Everything after the title can be skipped;
bad input gets its explanation and the same question again."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Row
from aiogram_dialog.widgets.text import Format

from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.deals import common, render
from bot.dialogs.deals.states import Deals
from bot.dialogs.widgets import choice, expect_buttons, expect_text
from bot.render.crm_labels import stage_name
from bot.services.crm import access, deals
from bot.services.crm.deals import DealDraft
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.enums import DealStage
from bot.texts import stale_button

TITLE, AMOUNT, CURRENCY, STAGE, CLOSE, PROBABILITY = (
    "title",
    "amount_minor",
    "currency",
    "stage",
    "close",
    "probability",
)


def _stage(manager: DialogManager) -> DealStage:
    return DealStage(common.draft(manager).get(STAGE, DealStage.NEW.value))


async def new_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    uow, actor = common.uow(dialog_manager), common.actor(dialog_manager)
    client = await access.client_for(uow, actor, common.client_id(dialog_manager))
    currency = common.settings(dialog_manager).default_currency
    stage = _stage(dialog_manager)
    head = "💼 " + _("New deal for <b>{client}</b>").format(client=html.escape(client.title))
    return {
        "head": head,
        "title_q": _("What is the deal? Type a short title, e.g. “Pumps for the new plant”."),
        "amount_q": _(
            "What is the amount? E.g. 150 000 or 2500 USD (without a currency: {currency})."
        ).format(currency=currency),
        "stage_q": _("Which stage is the deal at?"),
        "close_q": _("When do you expect to close it? Pick a day or type it, e.g. 31.12.2026."),
        "probability_q": _(
            "How likely is it to be won, in percent from 0 to 100? "
            "Skip to use {percent} for the stage “{stage}”."
        ).format(
            percent=render.percent(deals.STAGE_PROBABILITY[stage], actor.locale),
            stage=stage_name(stage),
        ),
        "terms_q": _("Any special terms or discounts for this deal? Type them or press Skip."),
        "stages": [(s.value, stage_name(s)) for s in deals.CREATION_STAGES],
        "skip": _("Skip"),
        "cancel": _("Cancel"),
    }


async def on_cancel(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(common.DRAFT, None)
    if manager.dialog_data.get(common.BACK) == common.BACK_TO_PIPELINE:
        await manager.switch_to(Deals.pipeline)
    else:
        await manager.done()


async def on_title(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        common.draft(manager)[TITLE] = deals.clean_title(message.text)
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    await manager.switch_to(Deals.amount)


async def on_amount(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        minor, currency = deals.parse_amount(
            message.text or "",
            common.actor(manager).locale,
            common.settings(manager).default_currency,
        )
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    common.draft(manager).update({AMOUNT: minor, CURRENCY: currency})
    await manager.switch_to(Deals.new_stage)


async def on_stage(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if item not in {s.value for s in deals.CREATION_STAGES}:
        await callback.answer(stale_button(), show_alert=True)
        return
    common.draft(manager)[STAGE] = item
    await manager.switch_to(Deals.close)


async def _set_close(event: CallbackQuery | Message, manager: DialogManager, day: date) -> None:
    try:
        deals.check_close(day, deals.today(common.clock(manager), common.actor(manager)))
    except ClientRejected as error:
        await common.refuse(event, error)
        return
    common.draft(manager)[CLOSE] = day.isoformat()
    await manager.switch_to(Deals.probability)


async def on_close_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    await _set_close(callback, manager, day)


async def on_close_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        day = deals.parse_date(message.text or "", common.actor(manager).locale)
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    await _set_close(message, manager, day)


async def on_probability(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        common.draft(manager)[PROBABILITY] = deals.parse_probability(message.text or "")
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    await manager.switch_to(Deals.terms)


async def on_terms(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        terms = deals.clean_terms(message.text)
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    await _save(message, manager, terms)


async def on_skip_terms(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _save(callback, manager, None)


async def _save(event: CallbackQuery | Message, manager: DialogManager, terms: str | None) -> None:
    answers = common.draft(manager)
    close = answers.get(CLOSE)
    try:
        deal = await deals.create(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.client_id(manager),
            DealDraft(
                title=answers.get(TITLE, ""),
                currency=answers.get(CURRENCY) or common.settings(manager).default_currency,
                amount_minor=answers.get(AMOUNT),
                stage=_stage(manager),
                expected_close=date.fromisoformat(close) if close else None,
                probability=answers.get(PROBABILITY),
                special_terms=terms,
            ),
        )
    except ClientRejected as error:
        await common.refuse(event, error)
        return
    except NotAllowed as error:
        await common.refuse(event, error)
        await manager.done()
        return
    manager.dialog_data.pop(common.DRAFT, None)
    manager.dialog_data[common.DEAL_ID] = deal.id
    await event.answer(_("The deal is saved."))
    await manager.switch_to(Deals.deal)


def _skip_to(state: Any) -> Any:
    async def skip(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        await manager.switch_to(state)

    return skip


def _controls(on_skip: Any | None = None) -> Row:
    buttons = [Button(Format("{cancel}"), id="cancel_new", on_click=on_cancel)]
    if on_skip is not None:
        buttons.insert(0, Button(Format("{skip}"), id="skip", on_click=on_skip))
    return Row(*buttons)


def windows() -> list[Window]:
    def asking(question: str, state: Any, *widgets: Any) -> Window:
        return Window(
            Format("{head}\n\n{" + question + "}"), *widgets, state=state, getter=new_getter
        )

    return [
        asking(
            "title_q",
            Deals.new,
            MessageInput(on_title, content_types=[ContentType.TEXT]),
            expect_text(),
            _controls(),
        ),
        asking(
            "amount_q",
            Deals.amount,
            MessageInput(on_amount, content_types=[ContentType.TEXT]),
            expect_text(),
            _controls(_skip_to(Deals.new_stage)),
        ),
        asking(
            "stage_q",
            Deals.new_stage,
            Column(choice("new_stage", "stages", on_stage)),
            expect_buttons(),
            _controls(),
        ),
        asking(
            "close_q",
            Deals.close,
            LocalCalendar(id="close", on_click=on_close_day),
            MessageInput(on_close_typed, content_types=[ContentType.TEXT]),
            expect_text(),
            _controls(_skip_to(Deals.probability)),
        ),
        asking(
            "probability_q",
            Deals.probability,
            MessageInput(on_probability, content_types=[ContentType.TEXT]),
            expect_text(),
            _controls(_skip_to(Deals.terms)),
        ),
        asking(
            "terms_q",
            Deals.terms,
            MessageInput(on_terms, content_types=[ContentType.TEXT]),
            expect_text(),
            _controls(on_skip_terms),
        ),
    ]
