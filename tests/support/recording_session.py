"""A Bot session that answers like Telegram would and records every call the bot makes."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict, deque
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    CopyMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import Chat, File, Message, MessageId, User

BOT_USER = User(
    id=123456789,
    is_bot=True,
    first_name="ClientDesk",
    username="clientdesk_test_bot",
    can_join_groups=True,
    can_read_all_group_messages=False,
    supports_inline_queries=True,
)


@dataclass
class Call:
    method: str
    request: TelegramMethod[Any]
    result: Any = None
    at: float = 0.0  # the event loop's time when it was made (virtual in some tests)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.request, name)


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self._message_ids = itertools.count(1000)
        self._failures: defaultdict[str, deque[Exception]] = defaultdict(deque)
        # What downloading a file yields, by its file id (see add_file).
        self.files: dict[str, bytes] = {}

    def add_file(self, file_id: str, content: bytes) -> None:
        """Downloading the file `file_id` (getFile, then its URL) yields `content`."""
        self.files[file_id] = content

    def fail_next(self, method: str, exception: Exception, *, times: int = 1) -> None:
        """The next `times` calls of `method` (e.g. "EditMessageText") raise `exception`."""
        self._failures[method].extend([exception] * times)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        call = Call(type(method).__name__, method, at=asyncio.get_running_loop().time())
        self.calls.append(call)
        if self._failures[call.method]:
            raise self._failures[call.method].popleft()
        call.result = self._answer(method)
        return call.result

    def _answer(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, GetFile):
            content = self.files.get(method.file_id, b"")
            return File(
                file_id=method.file_id,
                file_unique_id=f"u-{method.file_id}",
                file_size=len(content),
                file_path=f"documents/{method.file_id}",
            )
        if isinstance(method, SendMessage):
            return self._message(method.chat_id, method.text, method.reply_markup)
        if isinstance(method, CopyMessage):
            return MessageId(message_id=next(self._message_ids))
        if isinstance(method, SendDocument):
            return self._message(method.chat_id, None, None)
        if isinstance(method, (EditMessageText, EditMessageReplyMarkup)):
            text = getattr(method, "text", None)
            return self._message(method.chat_id, text, method.reply_markup, method.message_id)
        return True

    def _message(
        self, chat_id: Any, text: str | None, markup: Any, message_id: int | None = None
    ) -> Message:
        return Message(
            message_id=message_id or next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id or 0), type="private"),
            from_user=BOT_USER,
            text=text,
            reply_markup=markup
            if markup is not None and hasattr(markup, "inline_keyboard")
            else None,
        )

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        # The URL ends with the path getFile gave: documents/<file id>.
        content = self.files.get(url.rsplit("/", 1)[-1], b"")
        if not content:
            yield b""
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]

    async def close(self) -> None:
        """Nothing to close: no network."""

    def clear(self) -> None:
        self.calls.clear()
