"""Flood control: past the limit a user gets one polite notice per burst, and what he sends
meanwhile is not answered. Messages to an open request are still stored and relayed:
nothing a client says to his specialist is dropped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.services import requests
from bot.services.actors import Actor
from bot.services.flood import FloodGuard, FloodVerdict
from bot.storage.uow import UnitOfWork


class FloodMiddleware(BaseMiddleware):
    def __init__(self, guard: FloodGuard) -> None:
        self._guard = guard

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Message)
        if event.from_user is None:
            return await handler(event, data)
        verdict = self._guard.hit(event.from_user.id)
        if verdict is FloodVerdict.OK:
            return await handler(event, data)
        if verdict is FloodVerdict.WARN:
            await event.answer(
                _(
                    "You are sending messages very fast. Please slow down a little: I keep "
                    "everything you send to your request, but I won't answer each message."
                )
            )
        if await _writes_to_a_request(event, data):
            return await handler(event, data)
        return None


async def _writes_to_a_request(message: Message, data: dict[str, Any]) -> bool:
    actor: Actor | None = data.get("actor")
    uow: UnitOfWork | None = data.get("uow")
    if actor is None or uow is None or actor.role.is_staff or not actor.is_registered:
        return False
    if (message.text or "").startswith("/"):
        return False
    return bool(await requests.open_of_client(uow, actor))
