"""One deal: what it is, and moving it on (next stage, any stage, won, lost with a reason),
editing it, opening its client's card."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Group, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.deals import common, render
from bot.dialogs.deals.states import Deals
from bot.dialogs.widgets import choice, expect_buttons, expect_text
from bot.render.crm_labels import stage_name
from bot.services.crm import deals
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.enums import DealStage
from bot.texts import stale_button

MOVE, NEXT = "move", "next"


async def _view(manager: DialogManager) -> deals.DealView:
    return await deals.view(common.uow(manager), common.actor(manager), common.deal_id(manager))


async def deal_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    actor = common.actor(dialog_manager)
    view = await _view(dialog_manager)
    stage = view.deal.stage
    return {
        "text": render.deal_card(view, actor),
        # The button carries the stage it moves to, so a double tap moves the deal once.
        "next_stage": [(s.value, _("➡️ Next stage")) for s in (deals.next_stage(stage),) if s],
        "may_win": stage is not DealStage.WON,
        "may_lose": stage is not DealStage.LOST,
        "stages": [(s.value, stage_name(s)) for s in DealStage if s is not stage],
        "move": _("🔀 Stage"),
        "won": _("🏆 Won"),
        "lost": _("❌ Lost"),
        "edit": _("✏️ Edit"),
        "client": _("👤 Client"),
        "back": _("⬅️ Back"),
        "move_q": _("Move <b>{title}</b> to which stage?").format(
            title=html.escape(view.deal.title)
        ),
        "lost_q": _(
            "Why was <b>{title}</b> lost? E.g. the price, a competitor, no budget this year."
        ).format(title=html.escape(view.deal.title)),
    }


async def _move(
    event: CallbackQuery | Message,
    manager: DialogManager,
    stage: DealStage,
    reason: str | None = None,
) -> None:
    try:
        moved = await deals.move(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.deal_id(manager),
            stage,
            reason,
        )
    except ClientRejected as error:
        await common.refuse(event, error)
        return
    except NotAllowed as error:
        await common.refuse(event, error)
        await manager.done()
        return
    if isinstance(event, CallbackQuery):
        await event.answer(_("Stage: {stage}").format(stage=stage_name(moved.stage)))
    await manager.switch_to(Deals.deal)


async def on_won(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _move(callback, manager, DealStage.WON)


async def on_stage(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        stage = DealStage(item)
    except ValueError:
        await callback.answer(stale_button(), show_alert=True)
        return
    if stage is DealStage.LOST:
        await manager.switch_to(Deals.lost)
        return
    await _move(callback, manager, stage)


async def on_reason(message: Message, _w: Any, manager: DialogManager) -> None:
    await _move(message, manager, DealStage.LOST, message.text)


async def on_client(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    try:
        view = await _view(manager)
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        return
    await manager.start(ClientCard.main, data={"client_id": view.client.id})


async def on_back(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    back = manager.dialog_data.get(common.BACK)
    if back == common.BACK_TO_STAGE:
        await manager.switch_to(Deals.stage)
    elif back == common.BACK_TO_PIPELINE:
        await manager.switch_to(Deals.pipeline)
    else:
        await manager.done()


# Edits -------------------------------------------------------------------------------


async def edit_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    actor = common.actor(dialog_manager)
    deal = (await _view(dialog_manager)).deal
    locale = actor.locale

    def now(value: str) -> str:
        return _("Now: {value}").format(value=value)

    return {
        "text": _("What should I change in <b>{title}</b>?").format(title=html.escape(deal.title)),
        "title_q": _("Type the new title.") + "\n" + now(html.escape(deal.title)),
        "amount_q": _("Type the amount, e.g. 150 000 or 2500 USD.")
        + "\n"
        + now(render.amount(deal, locale)),
        "close_q": _("Pick the expected close date or type it, e.g. 31.12.2026.")
        + "\n"
        + now(render.day(deal.expected_close, locale)),
        "probability_q": _("Type the probability of winning, from 0 to 100.")
        + "\n"
        + now(render.percent(deal.probability, locale)),
        "terms_q": _("Type the special terms or discounts.")
        + "\n"
        + now(html.escape(deal.special_terms or "—")),
        "field_title": _("Title"),
        "field_amount": _("Amount"),
        "field_close": _("Expected close"),
        "field_probability": _("Probability"),
        "field_terms": _("Special terms"),
        "field_next_step": _("Next step"),
        "clear": _("🗑 Clear"),
        "back": _("⬅️ Back"),
    }


async def _edit(event: CallbackQuery | Message, manager: DialogManager, **changes: Any) -> None:
    await common.save_edit(
        event,
        manager,
        lambda: deals.edit(
            common.uow(manager),
            common.actor(manager),
            common.clock(manager),
            common.deal_id(manager),
            **changes,
        ),
    )


async def on_title(message: Message, _w: Any, manager: DialogManager) -> None:
    await _edit(message, manager, title=message.text)


async def on_amount(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        amount = deals.parse_amount(
            message.text or "",
            common.actor(manager).locale,
            common.settings(manager).default_currency,
        )
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    await _edit(message, manager, amount=amount)


async def on_close_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    await _edit(callback, manager, expected_close=day)


async def on_close_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        day = deals.parse_date(message.text or "", common.actor(manager).locale)
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    await _edit(message, manager, expected_close=day)


async def on_probability(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        probability = deals.parse_probability(message.text or "")
    except ClientRejected as error:
        await common.refuse(message, error)
        return
    await _edit(message, manager, probability=probability)


async def on_terms(message: Message, _w: Any, manager: DialogManager) -> None:
    await _edit(message, manager, special_terms=message.text)


def _clear(field: str) -> Button:
    async def clear(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        await _edit(callback, manager, **{field: None})

    return Button(Format("{clear}"), id=f"clear_{field}", on_click=clear)


def windows() -> list[Window]:
    back_to_deal = SwitchTo(Format("{back}"), id="to_deal", state=Deals.deal)
    back_to_edit = SwitchTo(Format("{back}"), id="to_edit", state=Deals.edit)

    def editing(question: str, state: Any, handler: Any, *widgets: Any) -> Window:
        return Window(
            Format("{" + question + "}"),
            *widgets,
            MessageInput(handler, content_types=[ContentType.TEXT]),
            expect_text(),
            back_to_edit,
            state=state,
            getter=edit_getter,
        )

    return [
        Window(
            Format("{text}"),
            Row(
                choice(NEXT, "next_stage", on_stage),
                SwitchTo(Format("{move}"), id="move", state=Deals.move),
            ),
            Row(
                Button(Format("{won}"), id="won", on_click=on_won, when="may_win"),
                SwitchTo(Format("{lost}"), id="lost", state=Deals.lost, when="may_lose"),
            ),
            Row(
                SwitchTo(Format("{edit}"), id="edit", state=Deals.edit),
                Button(Format("{client}"), id="client", on_click=on_client),
            ),
            Button(Format("{back}"), id="back", on_click=on_back),
            expect_buttons(),
            state=Deals.deal,
            getter=deal_getter,
        ),
        Window(
            Format("{move_q}"),
            Group(choice(MOVE, "stages", on_stage), width=2),
            back_to_deal,
            expect_buttons(),
            state=Deals.move,
            getter=deal_getter,
        ),
        Window(
            Format("{lost_q}"),
            MessageInput(on_reason, content_types=[ContentType.TEXT]),
            expect_text(),
            back_to_deal,
            state=Deals.lost,
            getter=deal_getter,
        ),
        Window(
            Format("{text}"),
            Column(
                SwitchTo(Format("{field_title}"), id="e_title", state=Deals.edit_title),
                SwitchTo(Format("{field_amount}"), id="e_amount", state=Deals.edit_amount),
                SwitchTo(Format("{field_close}"), id="e_close", state=Deals.edit_close),
                SwitchTo(Format("{field_probability}"), id="e_prob", state=Deals.edit_probability),
                SwitchTo(Format("{field_terms}"), id="e_terms", state=Deals.edit_terms),
                SwitchTo(Format("{field_next_step}"), id="e_step", state=Deals.edit_next_step),
            ),
            back_to_deal,
            expect_buttons(),
            state=Deals.edit,
            getter=edit_getter,
        ),
        editing("title_q", Deals.edit_title, on_title),
        editing("amount_q", Deals.edit_amount, on_amount, _clear("amount")),
        editing(
            "close_q",
            Deals.edit_close,
            on_close_typed,
            LocalCalendar(id="edit_close", on_click=on_close_day),
            _clear("expected_close"),
        ),
        editing("probability_q", Deals.edit_probability, on_probability, _clear("probability")),
        editing("terms_q", Deals.edit_terms, on_terms, _clear("special_terms")),
    ]
