"""/import and /export: the client base in and out as CSV and XLSX files, for staff only
(anyone else gets the answer to an unknown command).

/import asks for a file; the next document the staff member sends outside any dialog, not
as a reply to another message (that answers a client), is imported. A document with the
caption /import is imported at once. A CSV or XLSX sent without either is not taken for an
import: staff send files to clients too.

Registered before the dialogs, so /import and /export work from inside any of them.
"""

from __future__ import annotations

import time
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, Document, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.api.internal import CONTEXT_KEY

from bot.config import Settings
from bot.render import crm_files as render
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import exporting, importing
from bot.services.crm.spreadsheet import MAX_BYTES, ImportProblem, ImportRejected
from bot.storage.uow import UnitOfWork
from bot.texts import unknown_command

# The progress message is edited at most this often (seconds): Telegram limits edits.
PROGRESS_INTERVAL = 1.0
# Documents that are another flow's, never an import (a vCard makes leads).
NOT_TABLES = (".vcf", ".vcard")
QUESTION = "import_question"  # the message that asked for the file


class ImportFile(StatesGroup):
    file = State()


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_import, Command("import"))
    r.message.register(on_file, ImportFile.file, F.document, _awaited_file)
    r.message.register(on_export, Command("export"))
    return r


def _is_staff(actor: Actor) -> bool:
    return actor.is_registered and actor.role.is_staff


async def _awaited_file(message: Message, actor: Actor, state: FSMContext, **data: Any) -> bool:
    """The file /import asked for: sent by staff outside any dialog (filters run before the
    dialog manager exists; its context is already loaded), and not as a reply to another
    message than the question (a staff member's reply answers a client)."""
    name = ((message.document and message.document.file_name) or "").casefold()
    if not _is_staff(actor) or data.get(CONTEXT_KEY) is not None or name.endswith(NOT_TABLES):
        return False
    reply = message.reply_to_message
    return reply is None or reply.message_id == (await state.get_data()).get(QUESTION)


async def on_import(
    message: Message,
    actor: Actor,
    state: FSMContext,
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    if not _is_staff(actor):
        await message.answer(unknown_command())
        return
    if message.document is not None:
        await _import(message, message.document, actor, state, uow, clock, settings, bot)
        return
    if dialog_manager.has_context():
        await dialog_manager.reset_stack()
    question = await message.answer(render.import_prompt(actor.locale))
    await _await_file(state, question.message_id)


async def on_file(
    message: Message,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    assert message.document is not None
    await _import(message, message.document, actor, state, uow, clock, settings, bot)


async def _import(
    message: Message,
    document: Document,
    actor: Actor,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    status = _Status(bot, await message.answer(render.reading_text()))
    try:
        if (document.file_size or 0) > MAX_BYTES:
            raise ImportRejected(ImportProblem.TOO_BIG)
        downloaded = await bot.download(document)
        assert downloaded is not None
        result = await importing.import_file(
            uow,
            actor,
            clock,
            downloaded.getvalue(),
            document.file_name,
            region=settings.default_region,
            locale=actor.locale,
            currency=settings.default_currency,
            progress=_Progress(status, actor.locale),
        )
    except ImportRejected as rejected:
        problem = render.import_problem_text(rejected, actor.locale)
        await status.show(f"{problem}\n\n{render.send_another()}")
        await _await_file(state, status.message_id)
        return
    await state.set_state(None)
    await state.update_data({QUESTION: None})
    await status.show(render.summary_text(result, actor.locale))
    if result.rejected:
        await message.answer_document(
            BufferedInputFile(render.rejected_file(result), filename="rejected-rows.csv"),
            caption=render.rejected_caption(),
        )


async def _await_file(state: FSMContext, question: int) -> None:
    """The next document is the file to import; a reply to `question` is too. The chat's
    data is shared with other features: only this key is ours."""
    await state.set_state(ImportFile.file)
    await state.update_data({QUESTION: question})


class _Status:
    """The one message that shows how the import goes, edited in place."""

    def __init__(self, bot: Bot, message: Message) -> None:
        self._bot = bot
        self.chat_id = message.chat.id
        self.message_id = message.message_id

    async def show(self, text: str) -> None:
        await self._bot.edit_message_text(
            text=text, chat_id=self.chat_id, message_id=self.message_id
        )


class _Progress:
    """Shows the rows done at most once per PROGRESS_INTERVAL; a failed edit (Telegram's
    flood limit) only skips that step."""

    def __init__(self, status: _Status, locale: str) -> None:
        self._status = status
        self._locale = locale
        self._last = time.monotonic()

    async def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        try:
            await self._status.show(render.progress_text(done, total, self._locale))
        except TelegramAPIError:
            return


async def on_export(message: Message, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    if not _is_staff(actor):
        await message.answer(unknown_command())
        return
    files = await exporting.export(uow, actor, clock, render.export_labels(actor))
    if not files.count:
        await message.answer(render.nothing_to_export())
        return
    day = clock.now().astimezone(ZoneInfo(actor.timezone)).date().isoformat()
    await message.answer_document(
        BufferedInputFile(files.xlsx, filename=f"clients-{day}.xlsx"),
        caption=render.export_caption(files.count, actor.locale),
    )
    await message.answer_document(
        BufferedInputFile(files.csv, filename=f"clients-{day}.csv"),
        caption=render.csv_caption(),
    )
