"""Counts updates being handled, so shutdown can let them finish (bounded), and remembers the
newest update id, so polling can confirm it to Telegram before the process exits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject


class InFlightTracker(BaseMiddleware):
    def __init__(self) -> None:
        self._count = 0
        self.last_update_id: int | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self._count += 1
        self._idle.clear()
        update_id = getattr(event, "update_id", None)
        if update_id is not None and (self.last_update_id or 0) < update_id:
            self.last_update_id = update_id
        try:
            return await handler(event, data)
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """True when every update finished within the timeout."""
        if self._idle.is_set():
            return True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True
