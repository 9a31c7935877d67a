"""Resolves who is acting and in which language, before any handler runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from bot.i18n import supported_locale
from bot.services.actors import Defaults, Profile, load_actor
from bot.services.clock import Clock

# A visitor's language choice before consent lives in his FSM data, not in the user table.
VISITOR_LOCALE_KEY = "visitor_locale"


def profile_of(user: User) -> Profile:
    return Profile(
        telegram_id=user.id,
        full_name=user.full_name or None,
        username=user.username,
        language_code=user.language_code,
    )


class ActorMiddleware(BaseMiddleware):
    """Puts `actor` (who acts, his role and language) and `profile` into handler data."""

    def __init__(self, defaults: Defaults, clock: Clock) -> None:
        self._defaults = defaults
        self._clock = clock

    def _visitor_locale(self, user: User, data: dict[str, Any]) -> Callable[[], Awaitable[str]]:
        """Read lazily: only visitors without a stored user need their session state."""

        async def resolve() -> str:
            state: FSMContext | None = data.get("state")
            chosen = await state.get_value(VISITOR_LOCALE_KEY) if state is not None else None
            return chosen or supported_locale(user.language_code, self._defaults.locale)

        return resolve

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await handler(event, data)
        profile = profile_of(user)
        data["profile"] = profile
        data["actor"] = await load_actor(
            data["uow"], self._clock, profile, self._visitor_locale(user, data), self._defaults
        )
        return await handler(event, data)
