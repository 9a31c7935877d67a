"""One update per user at a time, with the lock held until the update's transaction commits.

aiogram's FSM middleware would release its lock when the handler returns, before the commit:
the user's next tap could then read what the previous one had not saved yet. This middleware
takes the same per-user lock one step further out, around the database middleware.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.types import TelegramObject


class EventLockMiddleware(BaseMiddleware):
    def __init__(self, isolation: BaseEventIsolation, fsm: FSMContextMiddleware) -> None:
        self._isolation = isolation
        self._fsm = fsm

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context = self._fsm.resolve_event_context(data["bot"], data)
        if context is None:
            return await handler(event, data)
        async with self._isolation.lock(key=context.key):
            return await handler(event, data)
