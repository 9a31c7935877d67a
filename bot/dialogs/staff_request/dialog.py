"""A staff member's actions on one request: reply, change the status (with an optional
comment for the client), hand it off to a department with a note and a deadline.

Start data: {"request_id": int}; the window it starts in is the action.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row
from aiogram_dialog.widgets.text import Format

from bot import delivery
from bot.dialogs.calendar import LocalCalendar
from bot.dialogs.staff_request.states import StaffRequest
from bot.dialogs.widgets import choice, expect_buttons, expect_text
from bot.notify import Ctx, announce_handoff, show_card, tell_client_status
from bot.render import cards
from bot.render.labels import answer_sent, problem_text, status_action
from bot.services import handoffs, lifecycle, relay, requests
from bot.services.actors import Actor
from bot.services.errors import NotAllowed, RequestRejected
from bot.storage.enums import RequestStatus
from bot.texts import stale_button

REQUEST_ID, STATUS, DEPARTMENT, NOTE = "request_id", "status", "department", "note"
QUICK_DUE = (1, 3, 7)  # working days


def _request_id(manager: DialogManager) -> int:
    start = manager.start_data if isinstance(manager.start_data, dict) else {}
    return int(start.get(REQUEST_ID, 0))


async def _refuse(event: CallbackQuery | Message, manager: DialogManager, error: Exception) -> None:
    desk = manager.middleware_data["desk"]
    text = (
        problem_text(error.problem, desk) if isinstance(error, RequestRejected) else stale_button()
    )
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)


async def title_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    actor: Actor = data["actor"]
    request = await requests.for_staff(data["uow"], actor, _request_id(dialog_manager))
    reader = cards.Reader.of(actor)
    return {
        "title": cards.title(request, data["desk"], reader),
        "statuses": [(s.value, status_action(s)) for s in lifecycle.staff_options(request)],
        "departments": [(d.key, d.label(actor.locale)) for d in data["desk"].departments],
        "cancel": _("Cancel"),
        "skip": _("Skip"),
        "reply_text": _(
            "Write your answer to the client on {title}. Text, a photo, a document "
            "or a voice message."
        ).format(title=cards.title(request, data["desk"], reader)),
        "status_text": _("{title}\nChoose the new status:").format(
            title=cards.title(request, data["desk"], reader)
        ),
        "comment_text": _("A comment for the client (optional): write it or press Skip."),
        "department_text": _("Which department should work on {title}?").format(
            title=cards.title(request, data["desk"], reader)
        ),
        "note_text": _("What should the department do? Write a note."),
        "due_text": _("By when? Pick a quick option or a day in the calendar."),
        "quick": [(str(days), _quick_label(days)) for days in QUICK_DUE],
    }


def _quick_label(days: int) -> str:
    return {1: _("Next working day"), 3: _("In 3 working days"), 7: _("In a week")}[days]


async def on_reply(message: Message, _w: Any, manager: DialogManager) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    content = delivery.content_of(message)
    if not relay.is_relayable(content.content_type):
        await message.answer(_("This kind of message can't be passed on to the client."))
        return
    try:
        outgoing = await relay.from_staff(
            ctx.uow, ctx.clock, ctx.desk, data["actor"], _request_id(manager), content
        )
    except (NotAllowed, RequestRejected) as error:
        await _refuse(message, manager, error)
        await manager.done()
        return
    delivered = await delivery.deliver(ctx.sender, ctx.i18n, ctx.uow, ctx.clock, ctx.desk, outgoing)
    await manager.done()
    await message.answer(answer_sent(delivered))


async def on_status(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        RequestStatus(item)
    except ValueError:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[STATUS] = item
    await manager.switch_to(StaffRequest.comment)


async def _apply_status(
    event: CallbackQuery | Message, manager: DialogManager, comment: str | None
) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    try:
        change = await lifecycle.change_status(
            ctx.uow,
            ctx.clock,
            ctx.desk,
            data["actor"],
            _request_id(manager),
            RequestStatus(manager.dialog_data[STATUS]),
            comment,
        )
    except (NotAllowed, RequestRejected, KeyError) as error:
        await _refuse(event, manager, error)
        return
    if isinstance(event, CallbackQuery):
        await event.answer(_("Status changed."))
    await manager.done()
    await tell_client_status(ctx, change)
    await show_card(ctx, data["actor"].user, change.request.id)


async def on_comment(message: Message, _w: Any, manager: DialogManager) -> None:
    await _apply_status(message, manager, message.text)


async def on_skip_comment(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _apply_status(callback, manager, None)


async def on_department(
    callback: CallbackQuery, _w: Any, manager: DialogManager, item: str
) -> None:
    if manager.middleware_data["desk"].department(item) is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[DEPARTMENT] = item
    await manager.switch_to(StaffRequest.note)


async def on_note(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data[NOTE] = requests.validate_subject(message.text)
    except RequestRejected as error:
        await _refuse(message, manager, error)
        return
    await manager.switch_to(StaffRequest.due)


async def on_quick_due(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    desk = manager.middleware_data["desk"]
    clock = manager.middleware_data["clock"]
    # N working days from now, at the end of that working day.
    moment = desk.calendar.add(clock.now(), timedelta(hours=9 * int(item)))
    await _hand_off(callback, manager, moment)


async def on_due_date(
    callback: CallbackQuery, _w: Any, manager: DialogManager, chosen: date
) -> None:
    desk = manager.middleware_data["desk"]
    zone = ZoneInfo(desk.calendar.timezone)
    moment = datetime.combine(chosen, desk.calendar.end, tzinfo=zone)
    await _hand_off(callback, manager, moment)


async def _hand_off(callback: CallbackQuery, manager: DialogManager, due: datetime) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    try:
        handed = await handoffs.hand_off(
            ctx.uow,
            ctx.clock,
            ctx.desk,
            data["actor"],
            _request_id(manager),
            manager.dialog_data.get(DEPARTMENT, ""),
            manager.dialog_data.get(NOTE, ""),
            due,
        )
    except (NotAllowed, RequestRejected) as error:
        await _refuse(callback, manager, error)
        return
    await callback.answer(_("Handed off."))
    await manager.done()
    if not await announce_handoff(ctx, handed):
        await callback.bot.send_message(
            callback.from_user.id,
            _(
                "The hand-off is saved, but the department's chat could not be reached. "
                "Please make sure the bot is a member of it, and tell the department yourself."
            ),
        )
    await show_card(ctx, data["actor"].user, handed.request.id)


def _cancel() -> Cancel:
    return Cancel(Format("{cancel}"))


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{reply_text}"),
            MessageInput(on_reply),
            _cancel(),
            state=StaffRequest.reply,
            getter=title_getter,
        ),
        Window(
            Format("{status_text}"),
            Column(choice(STATUS, "statuses", on_status)),
            _cancel(),
            expect_buttons(),
            state=StaffRequest.status,
            getter=title_getter,
        ),
        Window(
            Format("{comment_text}"),
            MessageInput(on_comment, content_types=[ContentType.TEXT]),
            expect_text(),
            Row(Button(Format("{skip}"), id="skip", on_click=on_skip_comment), _cancel()),
            state=StaffRequest.comment,
            getter=title_getter,
        ),
        Window(
            Format("{department_text}"),
            Column(choice(DEPARTMENT, "departments", on_department)),
            _cancel(),
            expect_buttons(),
            state=StaffRequest.department,
            getter=title_getter,
        ),
        Window(
            Format("{note_text}"),
            MessageInput(on_note, content_types=[ContentType.TEXT]),
            expect_text(),
            _cancel(),
            state=StaffRequest.note,
            getter=title_getter,
        ),
        Window(
            Format("{due_text}"),
            Column(choice("quick", "quick", on_quick_due)),
            LocalCalendar(id="due", on_click=on_due_date),
            _cancel(),
            expect_buttons(),
            state=StaffRequest.due,
            getter=title_getter,
        ),
    )
