"""Feedback: praise, a suggestion or a complaint with a score; the optional comment after
rating a request (a low score also offers to reopen it); the "why" after an NPS score.

Start data for `comment`: {"feedback_id": int, "low": bool}; for `nps_why`: {"feedback_id"}.
"""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row
from aiogram_dialog.widgets.text import Format

from bot.dialogs.feedback.states import FeedbackFlow
from bot.dialogs.widgets import choice, expect_text
from bot.notify import Ctx, escalate, reopened_by_client
from bot.render.labels import feedback_kind_name, problem_text
from bot.services import feedback, lifecycle
from bot.services.errors import NotAllowed, RequestRejected
from bot.storage.enums import FeedbackKind
from bot.texts import stale_button

KIND, SCORE = "kind", "score"


def _start(manager: DialogManager) -> dict[str, Any]:
    return manager.start_data if isinstance(manager.start_data, dict) else {}


async def getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    start = _start(dialog_manager)
    return {
        "kind_text": _("What would you like to tell us?"),
        "kinds": [(k.value, feedback_kind_name(k)) for k in feedback.GENERAL_KINDS],
        "score_text": _("How do you rate us overall? 1 is very bad, 5 is excellent."),
        "scores": [(str(score), f"{score} ⭐") for score in range(1, 6)],
        "text_text": _("Tell us in your own words, or press Skip."),
        "comment_text": _("Would you like to add a comment? Write it, or press Skip.")
        if not start.get("low")
        else _(
            "We are sorry it did not go well. The head of sales will look into it. "
            "Tell us what went wrong, or press Skip."
        ),
        "nps_text": _("Thank you! Why this score? Write a few words, or press Skip."),
        "low": bool(start.get("low")),
        "reopen": _("↩️ Reopen the request"),
        "skip": _("Skip"),
        "cancel": _("Cancel"),
    }


async def on_kind(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data[KIND] = FeedbackKind(item).value
    await manager.switch_to(FeedbackFlow.score)


async def on_score(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data[SCORE] = int(item)
    await manager.switch_to(FeedbackFlow.text)


async def _give(event: CallbackQuery | Message, manager: DialogManager, text: str | None) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    try:
        given = await feedback.give(
            ctx.uow,
            ctx.clock,
            data["actor"],
            FeedbackKind(manager.dialog_data[KIND]),
            manager.dialog_data.get(SCORE),
            text,
        )
    except (NotAllowed, KeyError):
        await _answer(event, stale_button())
        await manager.done()
        return
    except RequestRejected as error:
        await _answer(event, problem_text(error.problem, ctx.desk))
        return
    await manager.done()
    await _thank(event)
    await escalate(ctx, given)


async def _answer(event: CallbackQuery | Message, text: str) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)


async def _thank(event: CallbackQuery | Message) -> None:
    text = _("Thank you! Your feedback has been saved.")
    if isinstance(event, CallbackQuery):
        await event.answer()
        await event.bot.send_message(event.from_user.id, text)
    else:
        await event.answer(text)


async def on_text(message: Message, _w: Any, manager: DialogManager) -> None:
    await _give(message, manager, message.text)


async def on_skip_text(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _give(callback, manager, None)


async def _comment(
    event: CallbackQuery | Message, manager: DialogManager, text: str | None
) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    if text is not None:
        try:
            given = await feedback.add_comment(
                ctx.uow, ctx.clock, data["actor"], int(_start(manager)["feedback_id"]), text
            )
        except (NotAllowed, KeyError, ValueError):
            await _answer(event, stale_button())
            await manager.done()
            return
        except RequestRejected as error:
            await _answer(event, problem_text(error.problem, ctx.desk))
            return
        await escalate(ctx, given, with_card=False)
    await manager.done()
    await _thank(event)


async def on_comment(message: Message, _w: Any, manager: DialogManager) -> None:
    await _comment(message, manager, message.text)


async def on_skip_comment(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _comment(callback, manager, None)


async def on_reopen(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    ctx = Ctx.of(data)
    try:
        rated = await ctx.uow.feedback.get(int(_start(manager)["feedback_id"]))
        if rated is None or rated.request_id is None:
            raise NotAllowed("feedback")
        change = await lifecycle.reopen_by_client(
            ctx.uow, ctx.clock, ctx.desk, data["actor"], rated.request_id
        )
    except (NotAllowed, KeyError, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    except RequestRejected as error:
        await callback.answer(problem_text(error.problem, ctx.desk), show_alert=True)
        return
    await callback.answer()
    await manager.done()
    await reopened_by_client(ctx, change)


def dialog() -> Dialog:
    skip = Button(Format("{skip}"), id="skip", on_click=on_skip_text)
    return Dialog(
        Window(
            Format("{kind_text}"),
            Column(choice(KIND, "kinds", on_kind)),
            Cancel(Format("{cancel}")),
            state=FeedbackFlow.kind,
            getter=getter,
        ),
        Window(
            Format("{score_text}"),
            Row(choice(SCORE, "scores", on_score)),
            Cancel(Format("{cancel}")),
            state=FeedbackFlow.score,
            getter=getter,
        ),
        Window(
            Format("{text_text}"),
            MessageInput(on_text, content_types=[ContentType.TEXT]),
            expect_text(),
            Row(skip, Cancel(Format("{cancel}"))),
            state=FeedbackFlow.text,
            getter=getter,
        ),
        Window(
            Format("{comment_text}"),
            MessageInput(on_comment, content_types=[ContentType.TEXT]),
            expect_text(),
            Button(Format("{reopen}"), id="reopen", on_click=on_reopen, when="low"),
            Button(Format("{skip}"), id="skip_comment", on_click=on_skip_comment),
            state=FeedbackFlow.comment,
            getter=getter,
        ),
        Window(
            Format("{nps_text}"),
            MessageInput(on_comment, content_types=[ContentType.TEXT]),
            expect_text(),
            Button(Format("{skip}"), id="skip_why", on_click=on_skip_comment),
            state=FeedbackFlow.nps_why,
            getter=getter,
        ),
    )
