"""Department chats: Accept / Update / Done on hand-off cards, and updates written as
replies. In a department's group the bot answers nothing else."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, ForceReply, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import delivery
from bot.keyboards import requests as kb
from bot.notify import Ctx, tell_department_step
from bot.outbound import OutboundSender
from bot.render.labels import problem_text
from bot.services import handoffs, relay
from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestRejected
from bot.storage.enums import HandoffStatus
from bot.storage.uow import UnitOfWork
from bot.texts import stale_button

GROUPS = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})


def router() -> Router:
    r = Router(name=__name__)
    r.callback_query.register(on_department_button, kb.DepartmentAction.filter())
    r.message.register(on_department_reply, F.reply_to_message, _from_a_department)
    r.message.register(on_anything_else, GROUPS)
    return r


def _from_a_department(message: Message, desk: DeskConfig) -> bool:
    """A department's group, or the private chat of a department that is one person."""
    return desk.department_by_chat(message.chat.id) is not None


def is_department_chat(message: Message, desk: DeskConfig) -> bool:
    """Messages the bot takes: private chats, and the configured departments' groups."""
    return (
        message.chat.type == ChatType.PRIVATE
        or desk.department_by_chat(message.chat.id) is not None
    )


async def on_department_button(
    callback: CallbackQuery,
    callback_data: kb.DepartmentAction,
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    bot: Bot,
    sender: OutboundSender,
    i18n: I18n,
) -> None:
    if callback.message is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    chat_id = callback.message.chat.id
    try:
        if callback_data.step is None:
            handoff = await handoffs.for_department(uow, desk, chat_id, callback_data.handoff_id)
            await callback.answer()
            prompt = await bot.send_message(
                chat_id,
                _("Reply to this message with the update for request #{number}.").format(
                    number=handoff.request_id
                ),
                reply_markup=ForceReply(selective=True),
            )
            await relay.link(
                uow, chat_id=chat_id, message_id=prompt.message_id, request_id=handoff.request_id
            )
            return
        step = await handoffs.department_step(
            uow, clock, desk, chat_id, callback_data.handoff_id, callback_data.step
        )
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        return
    except RequestRejected as error:
        await callback.answer(problem_text(error.problem, desk), show_alert=True)
        return
    done = step.handoff.status is HandoffStatus.DONE
    await callback.answer(_("Marked as done.") if done else _("Accepted."))
    await bot.edit_message_reply_markup(
        chat_id=chat_id,
        message_id=callback.message.message_id,
        reply_markup=kb.department_card(step.handoff),
    )
    await tell_department_step(Ctx(bot, sender, i18n, uow, clock, desk), step)


async def on_department_reply(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    sender: OutboundSender,
    i18n: I18n,
) -> None:
    assert message.reply_to_message is not None
    request_id = await uow.messages.linked_request(
        chat_id=message.chat.id, message_id=message.reply_to_message.message_id
    )
    if request_id is None:
        if message.chat.type == ChatType.PRIVATE:
            await message.answer(_("Reply to a hand-off card or to its update prompt."))
        return  # in a group: a reply among colleagues, not to the bot
    try:
        outgoing = await handoffs.department_update(
            uow, clock, desk, message.chat.id, request_id, delivery.content_of(message)
        )
    except (NotAllowed, RequestRejected):
        await message.reply(_("This hand-off is finished; the update was not passed on."))
        return
    if await delivery.deliver(sender, i18n, uow, clock, desk, outgoing):
        await message.reply(_("Passed on to the specialist."))
    else:
        await message.reply(_("Saved; it will reach the specialist as soon as possible."))


async def on_anything_else(message: Message) -> None:
    """Colleagues talk among themselves in their group: the bot stays silent."""
