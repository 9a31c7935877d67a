"""My requests: the client's requests, newest activity first; one opens with its history
and what he can do with it: write to it, close, reopen, rate."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.conversation import write_to
from bot.dialogs.feedback.states import FeedbackFlow
from bot.dialogs.my_requests.states import MyRequests
from bot.dialogs.queue.dialog import paging
from bot.dialogs.widgets import choice
from bot.notify import Ctx, escalate, tell_assignee
from bot.render import cards
from bot.render.labels import problem_text
from bot.services import feedback, lifecycle, requests
from bot.services.actors import Actor
from bot.services.errors import NotAllowed, RequestRejected
from bot.storage.enums import RequestStatus
from bot.texts import stale_button

PAGE, REQUEST_ID = "page", "request_id"


async def list_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    actor: Actor = data["actor"]
    page = await requests.client_page(data["uow"], actor, dialog_manager.dialog_data.get(PAGE, 0))
    dialog_manager.dialog_data[PAGE] = page.page
    reader = cards.Reader.of(actor)
    now = data["clock"].now()
    text = _("Your requests:") if page.items else _("You have no requests yet.")
    entries = [cards.list_entry(r, reader, staff=False, now=now) for r in page.items]
    if entries:
        text += "\n\n" + "\n".join(entries) + "\n\n" + _("Choose one to see its history.")
    if page.pages > 1:
        text += "\n" + _("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)
    return {
        "text": text,
        "items": [
            (str(r.id), cards.list_label(r, reader, staff=False, now=now)) for r in page.items
        ],
        "has_prev": page.page > 0,
        "has_next": page.page + 1 < page.pages,
        "close": _("Close"),
    }


async def detail_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    actor: Actor = data["actor"]
    desk = data["desk"]
    view = await requests.view(data["uow"], actor, dialog_manager.dialog_data[REQUEST_ID])
    request = view.request
    reader = cards.Reader.of(actor)
    now = data["clock"].now()
    text = cards.client_summary(request, desk, reader, now, view.active_handoff)
    text += "\n\n" + cards.history(view, desk, reader, for_client=True)
    done = request.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
    return {
        "text": text,
        "can_write": request.status.is_open,
        "can_close": request.status is not RequestStatus.CLOSED,
        "can_reopen": lifecycle.can_reopen(desk, request, now),
        "can_rate": done,
        "write": _("✍️ Add a message"),
        "close_request": _("🔒 Close the request"),
        "reopen": _("↩️ Reopen"),
        "scores": [(str(score), f"{score} ⭐") for score in range(1, 6)],
        "back": _("Back"),
    }


async def confirm_getter(**_kw: Any) -> dict[str, Any]:
    return {
        "text": _("Close this request? You can reopen it within the reopen period."),
        "yes": _("Yes, close it"),
        "back": _("Back"),
    }


async def on_item(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    data = manager.middleware_data
    try:
        request = await requests.for_client(data["uow"], data["actor"], int(item))
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[REQUEST_ID] = request.id
    await manager.switch_to(MyRequests.detail)


async def on_write(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    state: FSMContext = data["state"]
    request = await requests.for_client(data["uow"], data["actor"], manager.dialog_data[REQUEST_ID])
    # He has just been told where his messages go: the relay need not say it again.
    await write_to(state, request.id, told=True)
    await callback.answer()
    await manager.done()
    await callback.bot.send_message(
        callback.from_user.id,
        _("Write your message: it goes to request {number}.").format(number=request.number),
    )


async def _lifecycle(callback: CallbackQuery, manager: DialogManager, reopen: bool) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    action = lifecycle.reopen_by_client if reopen else lifecycle.close_by_client
    try:
        change = await action(
            ctx.uow, ctx.clock, ctx.desk, data["actor"], manager.dialog_data[REQUEST_ID]
        )
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        return
    except RequestRejected as error:
        await callback.answer(problem_text(error.problem, ctx.desk), show_alert=True)
        return
    await callback.answer(_("Request reopened.") if reopen else _("Request closed."))
    await tell_assignee(ctx, change)
    await manager.switch_to(MyRequests.detail)


async def on_close(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _lifecycle(callback, manager, reopen=False)


async def on_reopen(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _lifecycle(callback, manager, reopen=True)


async def on_score(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    try:
        given = await feedback.rate(
            ctx.uow, ctx.clock, data["actor"], manager.dialog_data[REQUEST_ID], int(item)
        )
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    except RequestRejected as error:
        await callback.answer(problem_text(error.problem, ctx.desk), show_alert=True)
        return
    await callback.answer(_("Thank you for your rating!"))
    await escalate(ctx, given)
    await manager.start(
        FeedbackFlow.comment,
        data={"feedback_id": given.feedback.id, "low": bool(given.escalate_to)},
        mode=StartMode.NORMAL,
    )


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            Column(choice("request", "items", on_item)),
            paging(),
            Cancel(Format("{close}")),
            state=MyRequests.list,
            getter=list_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{write}"), id="write", on_click=on_write, when="can_write"),
            Row(choice("score", "scores", on_score), when="can_rate"),
            Button(Format("{reopen}"), id="reopen", on_click=on_reopen, when="can_reopen"),
            SwitchTo(
                Format("{close_request}"),
                id="close",
                state=MyRequests.confirm_close,
                when="can_close",
            ),
            Back(Format("{back}")),
            state=MyRequests.detail,
            getter=detail_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{yes}"), id="yes", on_click=on_close),
            SwitchTo(Format("{back}"), id="back", state=MyRequests.detail),
            state=MyRequests.confirm_close,
            getter=confirm_getter,
        ),
    )
