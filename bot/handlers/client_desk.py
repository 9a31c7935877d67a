"""The client's side of the desk: the menu actions, the chat relay to his specialist,
choosing which request his messages go to, rating and reopening."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message, ReactionTypeEmoji
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot import delivery
from bot.conversation import ACTIVE_REQUEST, CONFIRMED_REQUEST, PENDING_TEXT, write_to
from bot.dialogs.feedback.states import FeedbackFlow
from bot.dialogs.filing.states import Filing
from bot.dialogs.my_requests.states import MyRequests
from bot.keyboards import requests as kb
from bot.keyboards.menu import ASK, CLAIM, FEEDBACK, MY_REQUESTS
from bot.notify import Ctx, escalate, reopened_by_client
from bot.outbound import OutboundSender
from bot.render import cards
from bot.render.labels import problem_text
from bot.services import feedback, lifecycle, relay, requests
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.storage.enums import FeedbackKind, RequestKind
from bot.storage.uow import UnitOfWork
from bot.texts import stale_button


def is_client(actor: Actor) -> bool:
    return actor.is_registered and not actor.role.is_staff


def menu_router() -> Router:
    """Menu actions and buttons; before the dialogs, so a menu tap leaves any dialog."""
    r = Router(name=f"{__name__}.menu")
    r.message.register(on_ask, Command("ask"))
    r.message.register(on_ask, F.text == ASK)
    r.message.register(on_claim, Command("claim"))
    r.message.register(on_claim, F.text == CLAIM)
    r.message.register(on_my_requests, Command("requests"))
    r.message.register(on_my_requests, F.text == MY_REQUESTS)
    r.message.register(on_feedback, Command("feedback"))
    r.message.register(on_feedback, F.text == FEEDBACK)
    r.callback_query.register(on_offer, kb.Offer.filter())
    r.callback_query.register(on_mine, kb.Mine.filter())
    r.callback_query.register(on_nps, kb.NpsScore.filter())
    return r


def relay_router() -> Router:
    """A client's plain messages, after the dialogs took theirs: the chat relay
    (commands fall through to the fallback)."""
    r = Router(name=f"{__name__}.relay")
    r.message.register(on_client_message, _is_relay_candidate)
    return r


def _is_relay_candidate(message: Message, actor: Actor) -> bool:
    return is_client(actor) and not (message.text or "").startswith("/")


async def _start_for_client(
    message: Message,
    actor: Actor,
    manager: DialogManager,
    state: State,
    data: dict[str, Any] | None = None,
) -> None:
    """A menu action of clients; anyone else is pointed to /start."""
    if not is_client(actor):
        await message.answer(_("Send /start to begin."))
        return
    await manager.start(state, data=data, mode=StartMode.RESET_STACK)


async def on_ask(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    await _start_for_client(
        message, actor, dialog_manager, Filing.category, {"kind": RequestKind.INQUIRY.value}
    )


async def on_claim(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    await _start_for_client(
        message, actor, dialog_manager, Filing.category, {"kind": RequestKind.CLAIM.value}
    )


async def on_my_requests(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    await _start_for_client(message, actor, dialog_manager, MyRequests.list)


async def on_feedback(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    await _start_for_client(message, actor, dialog_manager, FeedbackFlow.kind)


async def on_offer(
    callback: CallbackQuery,
    callback_data: kb.Offer,
    actor: Actor,
    state: FSMContext,
    dialog_manager: DialogManager,
) -> None:
    if not is_client(actor):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    pending = await state.get_value(PENDING_TEXT)
    await state.update_data({PENDING_TEXT: None})
    await dialog_manager.start(
        Filing.category,
        data={"kind": callback_data.kind.value, "subject": pending},
        mode=StartMode.RESET_STACK,
    )


async def _target(
    message: Message, actor: Actor, uow: UnitOfWork, state: FSMContext
) -> tuple[int | None, int]:
    """Which open request this message is for, and how many he has open."""
    open_requests = await requests.open_of_client(uow, actor)
    ids = [request.id for request in open_requests]
    if message.reply_to_message is not None:
        replied = await relay.request_of_reply(
            uow, actor, message.chat.id, message.reply_to_message.message_id
        )
        if replied in ids:
            return replied, len(ids)
    chosen = await state.get_value(ACTIVE_REQUEST)
    if chosen in ids:
        return chosen, len(ids)
    return (ids[0] if ids else None), len(ids)


async def on_client_message(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    bot: Bot,
    sender: OutboundSender,
    i18n: I18n,
    state: FSMContext,
) -> None:
    content = delivery.content_of(message)
    if not relay.is_relayable(content.content_type):
        await message.answer(
            _(
                "I can't pass this kind of message on. Text, photos, documents, voice and "
                "video messages, locations and contacts are fine."
            )
        )
        return
    request_id, open_count = await _target(message, actor, uow, state)
    if request_id is None:
        if message.text:
            await state.update_data({PENDING_TEXT: message.text[: requests.MAX_SUBJECT]})
        await message.answer(
            _("You have no open requests. Shall I open one with this message?"),
            reply_markup=kb.offer(),
        )
        return
    try:
        outgoing = await relay.from_client(uow, clock, desk, actor, request_id, content)
    except (NotAllowed, RequestRejected):
        await message.answer(_("Please try again: this request has just changed."))
        return
    delivered = await delivery.deliver(sender, i18n, uow, clock, desk, outgoing)
    number = outgoing.request.number
    if delivered:
        await bot.set_message_reaction(
            message.chat.id, message.message_id, reaction=[ReactionTypeEmoji(emoji="👌")]
        )
    else:
        await message.answer(
            _(
                "Saved on request {number}. It will reach your specialist as soon as possible."
            ).format(number=number)
        )
    if open_count > 1 and await state.get_value(CONFIRMED_REQUEST) != request_id:
        await state.update_data({CONFIRMED_REQUEST: request_id})
        await message.answer(
            _("Your messages go to request {number}.").format(number=number),
            reply_markup=kb.switch(request_id),
        )


async def on_mine(
    callback: CallbackQuery,
    callback_data: kb.Mine,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    bot: Bot,
    sender: OutboundSender,
    i18n: I18n,
    state: FSMContext,
    dialog_manager: DialogManager,
) -> None:
    ctx = Ctx(bot, sender, i18n, uow, clock, desk)
    action = callback_data.action
    try:
        if action is kb.ClientAction.SWITCH:
            await _offer_switch(callback, actor, uow, clock)
        elif action is kb.ClientAction.WRITE:
            request = await requests.for_client(uow, actor, callback_data.request_id)
            if not request.status.is_open:
                raise RequestRejected(RequestProblem.WRONG_STATUS)
            await write_to(state, request.id, told=True)
            await callback.answer()
            await bot.send_message(
                callback.from_user.id,
                _("Your messages now go to request {number}. Write here.").format(
                    number=request.number
                ),
            )
        elif action is kb.ClientAction.RATE:
            given = await feedback.rate(
                uow, clock, actor, callback_data.request_id, callback_data.score
            )
            await callback.answer(_("Thank you for your rating!"))
            await _drop_buttons(callback)
            await escalate(ctx, given)
            await dialog_manager.start(
                FeedbackFlow.comment,
                data={"feedback_id": given.feedback.id, "low": bool(given.escalate_to)},
                mode=StartMode.RESET_STACK,
                show_mode=ShowMode.SEND,
            )
        elif action is kb.ClientAction.REOPEN:
            change = await lifecycle.reopen_by_client(
                uow, clock, desk, actor, callback_data.request_id
            )
            await write_to(state, change.request.id, told=False)
            await callback.answer()
            await reopened_by_client(ctx, change)
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
    except RequestRejected as error:
        await callback.answer(problem_text(error.problem, desk), show_alert=True)


async def _offer_switch(
    callback: CallbackQuery, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    open_requests = await requests.open_of_client(uow, actor)
    if not open_requests:
        await callback.answer(_("You have no open requests."), show_alert=True)
        return
    reader = cards.Reader.of(actor)
    options = [
        (r.id, cards.list_label(r, reader, staff=False, now=clock.now())) for r in open_requests
    ]
    await callback.answer()
    await callback.bot.send_message(
        callback.from_user.id,
        _("Which request should your messages go to?"),
        reply_markup=kb.choose_request(options),
    )


async def on_nps(
    callback: CallbackQuery,
    callback_data: kb.NpsScore,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    dialog_manager: DialogManager,
) -> None:
    try:
        given = await feedback.give(
            uow, clock, actor, FeedbackKind.NPS, callback_data.score, comment=None
        )
    except (NotAllowed, RequestRejected):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer(_("Thank you!"))
    await _drop_buttons(callback)
    await dialog_manager.start(
        FeedbackFlow.nps_why,
        data={"feedback_id": given.feedback.id},
        mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )


async def _drop_buttons(callback: CallbackQuery) -> None:
    """A question answered once: its buttons go, so they are not pressed again by mistake."""
    if callback.message is not None and callback.bot is not None:
        await callback.bot.edit_message_reply_markup(
            chat_id=callback.from_user.id, message_id=callback.message.message_id
        )
