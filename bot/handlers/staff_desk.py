"""The staff side of the desk: the queue, request card buttons, and answering a client by
replying to any message of his request."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, StartMode

from bot import delivery
from bot.dialogs.beside import start_beside
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.queue.states import Queue
from bot.dialogs.staff_request.states import StaffRequest
from bot.keyboards import requests as kb
from bot.keyboards.menu import QUEUE
from bot.notify import Ctx, refresh_card, tell_client_status
from bot.outbound import OutboundSender
from bot.render import cards
from bot.render.labels import answer_sent, problem_text
from bot.services import lifecycle, relay, requests
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access as crm_access
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.storage.dto import ClientDTO
from bot.storage.uow import UnitOfWork
from bot.texts import stale_button, unknown_command

DIALOG_START = {
    kb.CardAction.REPLY: StaffRequest.reply,
    kb.CardAction.STATUS: StaffRequest.status,
    kb.CardAction.HANDOFF: StaffRequest.department,
}


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_queue, Command("queue"))
    r.message.register(on_queue, F.text == QUEUE)
    r.callback_query.register(on_card, kb.Card.filter())
    return r


def reply_router() -> Router:
    """After the dialogs: a staff member's reply to a request's message answers it."""
    r = Router(name=f"{__name__}.reply")
    r.message.register(on_staff_reply, F.reply_to_message, _is_staff)
    return r


def _is_staff(_message: Message, actor: Actor) -> bool:
    return actor.is_registered and actor.role.is_staff


async def on_queue(message: Message, actor: Actor, dialog_manager: DialogManager) -> None:
    if not _is_staff(message, actor):
        await message.answer(unknown_command())
        return
    await dialog_manager.start(Queue.list, mode=StartMode.RESET_STACK)


async def on_card(
    callback: CallbackQuery,
    callback_data: kb.Card,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    bot: Bot,
    sender: OutboundSender,
    i18n: I18n,
    dialog_manager: DialogManager,
) -> None:
    ctx = Ctx(bot, sender, i18n, uow, clock, desk)
    action, request_id = callback_data.action, callback_data.request_id
    try:
        request = await requests.for_staff(uow, actor, request_id)
        if action in DIALOG_START:
            if action is kb.CardAction.HANDOFF and not desk.departments:
                raise RequestRejected(RequestProblem.NO_DEPARTMENT)
            await callback.answer()
            await start_beside(
                dialog_manager, callback, DIALOG_START[action], {"request_id": request.id}
            )
        elif action is kb.CardAction.TAKE:
            change = await lifecycle.take(uow, clock, desk, actor, request_id)
            await callback.answer(_("The request is yours."))
            await tell_client_status(ctx, change)
            if callback.message is not None:
                await refresh_card(ctx, actor.user, request_id, callback.message.message_id)
        elif action is kb.CardAction.HISTORY:
            view = await requests.view(uow, actor, request_id)
            await callback.answer()
            await delivery.send_to(
                ctx.to_actor,
                uow,
                actor.user,
                request_id,
                cards.history(view, desk, cards.Reader.of(actor), for_client=False),
            )
        elif action is kb.CardAction.CLIENT:
            await callback.answer()
            await _show_client(ctx, actor, request_id)
        elif action is kb.CardAction.CLIENT_CARD:
            client = await _crm_client(uow, actor, request.client_id)
            await callback.answer()
            await start_beside(dialog_manager, callback, ClientCard.main, {"client_id": client.id})
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
    except RequestRejected as error:
        await callback.answer(problem_text(error.problem, desk), show_alert=True)


async def _show_client(ctx: Ctx, actor: Actor, request_id: int) -> None:
    view = await requests.view(ctx.uow, actor, request_id)
    client = view.client
    if client is None:
        text = _("The client has deleted his data; he can't be reached.")
    else:
        total = await ctx.uow.requests.count_of_client(client.id)
        open_requests = await ctx.uow.requests.of_client(client.id, open_only=True)
        owner = await ctx.uow.users.find(client.owner_id)
        lines = [
            f"<b>{html.escape(client.display_name)}</b>",
            _("Username: {value}").format(
                value=html.escape(f"@{client.username}" if client.username else "—")
            ),
            _("Segment: {value}").format(value=html.escape(client.segment)),
            _("Owner: {name}").format(name=html.escape(owner.display_name) if owner else "—"),
            _("Requests: {total}, open: {open}").format(total=total, open=len(open_requests)),
            _("Client since {date}").format(date=cards.Reader.of(actor).when(client.created_at)),
        ]
        if client.username:
            lines.append(f"https://t.me/{html.escape(client.username)}")
        text = "\n".join(lines)
    markup = None
    if client is not None:
        try:
            await _crm_client(ctx.uow, actor, client.id)
            markup = kb.client_card(request_id)
        except NotAllowed:
            pass
    await delivery.send_to(ctx.to_actor, ctx.uow, actor.user, request_id, text, markup)


async def _crm_client(uow: UnitOfWork, actor: Actor, user_id: int | None) -> ClientDTO:
    """The CRM card of the request's client, if this staff member works with him."""
    client = await uow.clients.by_user(user_id) if user_id is not None else None
    if client is None:
        raise NotAllowed("client")
    return await crm_access.client_for(uow, actor, client.id)


async def on_staff_reply(
    message: Message,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    sender: OutboundSender,
    i18n: I18n,
) -> None:
    """A reply to a relayed message, a card or a notification answers that request."""
    assert message.reply_to_message is not None
    request_id = await relay.request_of_reply(
        uow, actor, message.chat.id, message.reply_to_message.message_id
    )
    if request_id is None:
        await message.answer(
            _("This message is not about a request I know. Open one from 📥 Requests.")
        )
        return
    content = delivery.content_of(message)
    if not relay.is_relayable(content.content_type):
        await message.answer(_("This kind of message can't be passed on to the client."))
        return
    try:
        outgoing = await relay.from_staff(uow, clock, desk, actor, request_id, content)
    except NotAllowed:
        await message.answer(stale_button())
        return
    except RequestRejected as error:
        await message.answer(problem_text(error.problem, desk))
        return
    delivered = await delivery.deliver(sender, i18n, uow, clock, desk, outgoing)
    await message.answer(answer_sent(delivered))
