"""Asking a question (inquiry) or filing a claim: topic → text → (claim: what he wants,
order number) → attachments → (claim: summary with Confirm / Edit / Cancel).

Start data: {"kind": "inquiry" | "claim", "subject": optional text to start with}.
"""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot import delivery
from bot.dialogs.filing.states import Filing
from bot.dialogs.widgets import choice, expect_buttons, expect_text
from bot.notify import Ctx, announce_filed
from bot.render.cards import excerpt
from bot.render.labels import category_name, outcome_name, problem_text
from bot.services import requests
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestRejected
from bot.services.requests import Attachment, Draft
from bot.storage.enums import ClaimOutcome, RequestKind
from bot.texts import stale_button

KIND, CATEGORY, SUBJECT, WANTED, ORDER_REF = "kind", "category", "subject", "wanted", "order_ref"
FILES, EDITING, LAST_ALBUM = "files", "editing", "last_album"
FILE_TYPES = [ContentType.PHOTO, ContentType.DOCUMENT]


def _kind(manager: DialogManager) -> RequestKind:
    return RequestKind(manager.dialog_data[KIND])


def _desk(manager: DialogManager) -> DeskConfig:
    return manager.middleware_data["desk"]


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    manager.dialog_data.update(
        {KIND: data.get(KIND, RequestKind.INQUIRY.value), FILES: [], EDITING: False}
    )
    if data.get(SUBJECT):
        manager.dialog_data[SUBJECT] = data[SUBJECT]


def _attachment(message: Message) -> dict[str, Any] | None:
    """A photo or document to attach, as the relay would read it (kept in dialog data)."""
    content = delivery.content_of(message)
    if content.content_type not in FILE_TYPES or content.file_id is None:
        return None
    return {
        "content_type": content.content_type,
        "file_id": content.file_id,
        "file_size": content.file_size,
        "chat_id": content.chat_id,
        "message_id": content.message_id,
        "media_group_id": content.media_group_id,
        "caption": content.text,
    }


async def _add_file(message: Message, manager: DialogManager) -> bool:
    item = _attachment(message)
    if item is None:
        return False
    files: list[dict[str, Any]] = manager.dialog_data[FILES]
    try:
        requests.check_attachment(_desk(manager), len(files), item["file_size"])
    except RequestRejected as error:
        await message.answer(problem_text(error.problem, _desk(manager)))
        return True
    files.append(item)
    # An album arrives as several messages: show the count once, then update it in place.
    album = message.media_group_id
    if album is not None and manager.dialog_data.get(LAST_ALBUM) == album:
        manager.show_mode = ShowMode.EDIT
    manager.dialog_data[LAST_ALBUM] = album
    return True


async def _next(manager: DialogManager, after: Filing) -> None:
    if manager.dialog_data.get(EDITING):
        await manager.switch_to(Filing.summary)
        return
    claim = _kind(manager) is RequestKind.CLAIM
    order = {
        Filing.category: Filing.subject,
        Filing.subject: Filing.wanted if claim else Filing.attachments,
        Filing.wanted: Filing.order_ref,
        Filing.order_ref: Filing.attachments,
    }
    if after is Filing.category and manager.dialog_data.get(SUBJECT):
        # Started from a message sent outside any request: its text is the question.
        await manager.switch_to(Filing.wanted if claim else Filing.attachments)
        return
    await manager.switch_to(order[after])


async def on_category(callback: CallbackQuery, _w: Any, manager: DialogManager, key: str) -> None:
    if _desk(manager).category(key) is None:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[CATEGORY] = key
    await _next(manager, Filing.category)


async def on_subject(message: Message, _w: Any, manager: DialogManager) -> None:
    if message.photo or message.document:
        await _add_file(message, manager)
        if not message.caption:
            return  # the file is kept; the text is still to come
    try:
        text = requests.validate_subject(message.caption or message.text)
    except RequestRejected as error:
        await message.answer(problem_text(error.problem, _desk(manager)))
        return
    manager.dialog_data[SUBJECT] = text
    await _next(manager, Filing.subject)


async def on_wanted(callback: CallbackQuery, _w: Any, manager: DialogManager, key: str) -> None:
    manager.dialog_data[WANTED] = ClaimOutcome(key).value
    await _next(manager, Filing.wanted)


async def on_order_ref(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data[ORDER_REF] = requests.validate_order_ref(message.text)
    except RequestRejected as error:
        await message.answer(problem_text(error.problem, _desk(manager)))
        return
    await _next(manager, Filing.order_ref)


async def on_skip_order(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data[ORDER_REF] = None
    await _next(manager, Filing.order_ref)


async def on_file(message: Message, _w: Any, manager: DialogManager) -> None:
    await _add_file(message, manager)


async def on_not_a_file(message: Message, _w: Any, manager: DialogManager) -> None:
    manager.show_mode = ShowMode.SEND
    await message.answer(_("Please send a photo or a document, or use the buttons below."))


async def on_clear_files(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data[FILES] = []


async def on_files_done(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    if _kind(manager) is RequestKind.CLAIM:
        manager.dialog_data[EDITING] = False
        await manager.switch_to(Filing.summary)
        return
    await _submit(_c, manager)


async def on_confirm(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await _submit(callback, manager)


async def on_edit_field(_c: CallbackQuery, _w: Any, manager: DialogManager, target: str) -> None:
    manager.dialog_data[EDITING] = True
    await manager.switch_to(getattr(Filing, target))


async def _submit(callback: CallbackQuery, manager: DialogManager) -> None:
    data = manager.middleware_data
    dialog = manager.dialog_data
    draft = Draft(
        kind=_kind(manager),
        category=dialog.get(CATEGORY, ""),
        subject=dialog.get(SUBJECT, ""),
        wanted=ClaimOutcome(dialog[WANTED]) if dialog.get(WANTED) else None,
        order_ref=dialog.get(ORDER_REF),
        attachments=tuple(Attachment(**item) for item in dialog[FILES]),
    )
    try:
        filed = await requests.file(data["uow"], data["clock"], data["desk"], data["actor"], draft)
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        await manager.done()
        return
    except RequestRejected as error:
        await callback.answer(problem_text(error.problem, data["desk"]), show_alert=True)
        return
    await callback.answer()
    await manager.done()
    await announce_filed(Ctx.of(data), filed)


async def category_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    desk = _desk(dialog_manager)
    locale = dialog_manager.middleware_data["actor"].locale
    claim = _kind(dialog_manager) is RequestKind.CLAIM
    return {
        "text": _("What is your claim about?") if claim else _("What is your question about?"),
        "categories": [(c.key, c.label(locale)) for c in desk.categories],
        "cancel": _("Cancel"),
    }


async def subject_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    claim = _kind(dialog_manager) is RequestKind.CLAIM
    return {
        "text": _("What happened? Describe the problem in a message.")
        if claim
        else _("Write your question. You can attach a photo or a document with a caption."),
        "cancel": _("Cancel"),
    }


async def wanted_getter(**_kw: Any) -> dict[str, Any]:
    return {
        "text": _("What would you like us to do?"),
        "outcomes": [(outcome.value, outcome_name(outcome)) for outcome in ClaimOutcome],
        "cancel": _("Cancel"),
    }


async def order_getter(**_kw: Any) -> dict[str, Any]:
    return {
        "text": _("The order or contract number, if you have one."),
        "skip": _("Skip"),
        "cancel": _("Cancel"),
    }


async def files_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    desk = _desk(dialog_manager)
    count = len(dialog_manager.dialog_data[FILES])
    claim = _kind(dialog_manager) is RequestKind.CLAIM
    return {
        "text": _(
            "Attach photos or documents if they help: up to {count}, {size} MB each.\n"
            "Attached: {attached}."
        ).format(
            count=desk.max_attachments,
            size=desk.max_attachment_bytes // (1024 * 1024),
            attached=count,
        ),
        "done": _("Next ➡️") if claim else _("📨 Send"),
        "clear": _("Remove the attachments"),
        "has_files": count > 0,
        "cancel": _("Cancel"),
    }


async def summary_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    dialog = dialog_manager.dialog_data
    desk = _desk(dialog_manager)
    locale = dialog_manager.middleware_data["actor"].locale
    lines = [
        _("Please check your claim:"),
        "",
        _("Topic: {value}").format(value=category_name(desk, dialog.get(CATEGORY, ""), locale)),
        _("What happened: {value}").format(value=excerpt(dialog.get(SUBJECT), 1500)),
        _("You want: {value}").format(value=outcome_name(dialog.get(WANTED))),
        _("Order or contract: {value}").format(value=excerpt(dialog.get(ORDER_REF)) or "—"),
        _("Attachments: {count}").format(count=len(dialog[FILES])),
    ]
    return {
        "text": "\n".join(lines),
        "confirm": _("✅ Confirm"),
        "edit": _("✏️ Edit"),
        "cancel": _("Cancel"),
    }


async def edit_getter(**_kw: Any) -> dict[str, Any]:
    return {
        "text": _("What would you like to change?"),
        "fields": [
            ("category", _("Topic")),
            ("subject", _("What happened")),
            ("wanted", _("What you want")),
            ("order_ref", _("Order or contract number")),
            ("attachments", _("Attachments")),
        ],
        "back": _("Back"),
    }


def _cancel() -> Cancel:
    return Cancel(Format("{cancel}"))


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{text}"),
            Column(choice(CATEGORY, "categories", on_category)),
            _cancel(),
            expect_buttons(),
            state=Filing.category,
            getter=category_getter,
        ),
        Window(
            Format("{text}"),
            MessageInput(on_subject, content_types=[ContentType.TEXT, *FILE_TYPES]),
            expect_text(),
            _cancel(),
            state=Filing.subject,
            getter=subject_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice(WANTED, "outcomes", on_wanted)),
            _cancel(),
            expect_buttons(),
            state=Filing.wanted,
            getter=wanted_getter,
        ),
        Window(
            Format("{text}"),
            MessageInput(on_order_ref, content_types=[ContentType.TEXT]),
            expect_text(),
            Row(Button(Format("{skip}"), id="skip", on_click=on_skip_order), _cancel()),
            state=Filing.order_ref,
            getter=order_getter,
        ),
        Window(
            Format("{text}"),
            MessageInput(on_file, content_types=FILE_TYPES),
            MessageInput(on_not_a_file),
            Button(Format("{done}"), id="files_done", on_click=on_files_done),
            Button(Format("{clear}"), id="clear", on_click=on_clear_files, when="has_files"),
            _cancel(),
            state=Filing.attachments,
            getter=files_getter,
        ),
        Window(
            Format("{text}"),
            Button(Format("{confirm}"), id="confirm", on_click=on_confirm),
            Row(SwitchTo(Format("{edit}"), id="edit", state=Filing.edit), _cancel()),
            expect_buttons(),
            state=Filing.summary,
            getter=summary_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice("field", "fields", on_edit_field)),
            SwitchTo(Format("{back}"), id="back", state=Filing.summary),
            state=Filing.edit,
            getter=edit_getter,
        ),
        on_start=on_start,
    )
