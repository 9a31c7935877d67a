"""What people are told when something happens to a request, each in his own language and
time zone: the client, the assignee, the head of sales and departments.

Whoever is told about what someone else did is told through the outbound sender
(`Ctx.to_others`); the person whose update this is gets his answer directly (`Ctx.to_actor`),
see bot.delivery."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import delivery
from bot.keyboards import requests as kb
from bot.keyboards.menu import main_menu
from bot.outbound import OutboundSender
from bot.render import cards
from bot.render.labels import status_name
from bot.services import lifecycle, relay, requests
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.services.feedback import Given
from bot.services.handoffs import DepartmentStep, HandedOff
from bot.services.lifecycle import StatusChange
from bot.services.requests import Filed
from bot.storage.dto import UserDTO
from bot.storage.enums import HandoffStatus, RequestKind, RequestStatus
from bot.storage.uow import UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ctx:
    bot: Bot
    sender: OutboundSender
    i18n: I18n
    uow: UnitOfWork
    clock: Clock
    desk: DeskConfig

    @classmethod
    def of(cls, data: dict[str, Any]) -> Ctx:
        """From the middleware data of an update (or a dialog manager's)."""
        return cls(
            data["bot"], data["sender"], data["i18n"], data["uow"], data["clock"], data["desk"]
        )

    @property
    def to_others(self) -> delivery.Send:
        return delivery.through(self.sender)

    @property
    def to_actor(self) -> delivery.Send:
        return delivery.directly(self.bot)


async def _card(ctx: Ctx, user: UserDTO, request_id: int) -> tuple[str, InlineKeyboardMarkup]:
    view = await requests.view(ctx.uow, Actor.of(user), request_id)
    reader = cards.Reader.of(user)
    with ctx.i18n.use_locale(user.locale):
        text = cards.staff_card(view, ctx.desk, reader, ctx.clock.now())
        markup = kb.staff_card(view.request, can_hand_off=bool(ctx.desk.departments))
    return text, markup


async def send_card(ctx: Ctx, user: UserDTO, request_id: int) -> None:
    """The request card with its buttons, for a staff member told of something new."""
    text, markup = await _card(ctx, user, request_id)
    await delivery.send_to(ctx.to_others, ctx.uow, user, request_id, text, markup)


async def show_card(ctx: Ctx, user: UserDTO, request_id: int) -> None:
    """The request card with its buttons, for the staff member who asked for it."""
    text, markup = await _card(ctx, user, request_id)
    await delivery.send_to(ctx.to_actor, ctx.uow, user, request_id, text, markup)


async def refresh_card(ctx: Ctx, user: UserDTO, request_id: int, message_id: int) -> None:
    """The card he pressed a button on, brought up to date in place."""
    text, markup = await _card(ctx, user, request_id)
    await ctx.bot.edit_message_text(
        text, chat_id=user.telegram_id, message_id=message_id, reply_markup=markup
    )


async def announce_filed(ctx: Ctx, filed: Filed) -> None:
    request, client = filed.request, filed.client
    reader = cards.Reader.of(client)
    if request.kind is RequestKind.CLAIM:
        text = _("Your claim is registered as {number}.")
    else:
        text = _("Your inquiry is registered as {number}.")
    text = text.format(number=request.number)
    text += "\n" + _("You will get an answer by {when}.").format(
        when=reader.when(request.first_response_due)
    )
    text += "\n" + _("Anything you send here now goes to this request.")
    # The client who filed it is answered directly; the assignee is told through the sender.
    sent = await ctx.bot.send_message(
        client.telegram_id, text, reply_markup=main_menu(Actor.of(client))
    )
    await relay.link(
        ctx.uow, chat_id=client.telegram_id, message_id=sent.message_id, request_id=request.id
    )
    if filed.assignee is None:
        return
    await send_card(ctx, filed.assignee, request.id)
    for message in filed.attachments:
        outgoing = relay.Outgoing(message, request, filed.assignee, client)
        await delivery.deliver(ctx.sender, ctx.i18n, ctx.uow, ctx.clock, ctx.desk, outgoing)


async def tell_client_status(ctx: Ctx, change: StatusChange) -> None:
    client, request = change.client, change.request
    if client is None or change.previous is request.status:
        return
    with ctx.i18n.use_locale(client.locale):
        text = _("Request {number}: {status}.").format(
            number=request.number, status=status_name(request.status)
        )
        if change.comment:
            text += "\n" + html.escape(change.comment)
        markup = None
        if request.status is RequestStatus.WAITING:
            text += "\n" + _("Please answer here: your message goes to the specialist.")
        elif request.status is RequestStatus.RESOLVED:
            text += "\n" + _("How would you rate the answer?")
            markup = kb.rating(request.id, can_reopen=True)
        elif request.status is RequestStatus.CLOSED:
            markup = (
                kb.reopen(request.id)
                if lifecycle.can_reopen(ctx.desk, request, ctx.clock.now())
                else None
            )
    await delivery.send_to(ctx.to_others, ctx.uow, client, request.id, text, markup)


async def tell_assignee(ctx: Ctx, change: StatusChange) -> None:
    """The client closed or reopened a request: its assignee learns of it."""
    if change.assignee is None:
        return
    with ctx.i18n.use_locale(change.assignee.locale):
        if change.request.status is RequestStatus.REOPENED:
            text = _("The client reopened request {number}.")
        else:
            text = _("The client closed request {number}.")
        text = text.format(number=change.request.number)
    await delivery.send_to(ctx.to_others, ctx.uow, change.assignee, change.request.id, text)
    if change.request.status is RequestStatus.REOPENED:
        await send_card(ctx, change.assignee, change.request.id)


async def reopened_by_client(ctx: Ctx, change: StatusChange) -> None:
    """The client reopened a request: he is asked what is still wrong (directly: it is his
    update), its assignee told."""
    if change.client is not None:
        with ctx.i18n.use_locale(change.client.locale):
            text = _("Request {number} is reopened. Tell us what is still wrong.")
        await ctx.bot.send_message(
            change.client.telegram_id, text.format(number=change.request.number)
        )
    await tell_assignee(ctx, change)


async def escalate(ctx: Ctx, given: Given, *, with_card: bool = True) -> None:
    """A low score reaches the head of sales with what the client said (and the request
    card the first time; a later comment comes without it)."""
    feedback = given.feedback
    for head in given.escalate_to:
        with ctx.i18n.use_locale(head.locale):
            if given.request is not None:
                text = _("⚠️ Low rating {score} of 5 on request {number} from {client}.").format(
                    score=feedback.score,
                    number=given.request.number,
                    client=cards.person(given.client),
                )
            else:
                text = _("⚠️ A complaint rated {score} of 5 from {client}.").format(
                    score=feedback.score, client=cards.person(given.client)
                )
            if feedback.comment:
                text += "\n" + _("Comment: {comment}").format(
                    comment=cards.excerpt(feedback.comment, 1500)
                )
        request_id = given.request.id if given.request else None
        await delivery.send_to(ctx.to_others, ctx.uow, head, request_id, text)
        if request_id is not None and with_card:
            await send_card(ctx, head, request_id)


async def announce_handoff(ctx: Ctx, handed: HandedOff) -> bool:
    """Sends the department its card and tells the client; False if the department's chat
    could not be reached (the hand-off is stored either way)."""
    department, request = handed.department, handed.request
    # Departments read the company's default language: they are not our users.
    locale = ctx.i18n.default_locale
    with ctx.i18n.use_locale(locale):
        reader = cards.Reader(locale, ctx.desk.calendar.timezone)
        text = "\n".join(
            [
                f"<b>{cards.title(request, ctx.desk, reader)}</b>",
                _("From: {name}").format(
                    name=cards.person(await ctx.uow.users.find(handed.handoff.created_by))
                ),
                _("Due: {when}").format(when=reader.when(handed.handoff.due_at)),
                "",
                cards.excerpt(handed.handoff.note, 1500),
                "",
                _("Client's request:"),
                f"<blockquote>{cards.excerpt(request.subject, 1500)}</blockquote>",
            ]
        )
        markup = kb.department_card(handed.handoff)
    card = SendMessage(chat_id=department.chat_id, text=text, reply_markup=markup)
    try:
        card_id = await delivery.send_one(ctx.to_others, card)
    except delivery.NotDelivered as failure:
        logger.warning("Department %s not reachable: %s", department.key, failure)
        return False
    if card_id is not None:
        # A reply to the card is an update, like a reply to the "Update" prompt.
        await relay.link(
            ctx.uow, chat_id=department.chat_id, message_id=card_id, request_id=request.id
        )
    if handed.client is not None:
        client = handed.client
        with ctx.i18n.use_locale(client.locale):
            client_text = _("Request {number}: {where}.").format(
                number=request.number,
                where=cards.handoff_line(handed.handoff, ctx.desk, cards.Reader.of(client)),
            )
        await delivery.send_to(ctx.to_others, ctx.uow, client, request.id, client_text)
    return True


async def tell_department_step(ctx: Ctx, step: DepartmentStep) -> None:
    if step.assignee is None:
        return
    name = step.department.label(step.assignee.locale)
    with ctx.i18n.use_locale(step.assignee.locale):
        if step.handoff.status is HandoffStatus.ACCEPTED:
            text = _("{department} accepted request {number}.")
        else:
            text = _(
                "{department} finished its part of request {number}. "
                "Close it with the client when ready."
            )
        text = text.format(department=html.escape(name), number=step.request.number)
    await delivery.send_to(ctx.to_others, ctx.uow, step.assignee, step.request.id, text)


def nps_question(i18n: I18n, client: UserDTO) -> SendMessage:
    """The NPS question; when to ask it is the scheduler's decision (request_jobs)."""
    # Built by the scheduler, outside any update: set the i18n context here.
    with i18n.context(), i18n.use_locale(client.locale):
        text = _(
            "How likely are you to recommend us to a friend or colleague? "
            "0 is not at all, 10 is certainly."
        )
        markup = kb.nps()
    return SendMessage(chat_id=client.telegram_id, text=text, reply_markup=markup)
