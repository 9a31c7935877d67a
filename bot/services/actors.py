"""Who is acting: the stored user, or a visitor who has not given consent yet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.services.clock import Clock
from bot.storage.dto import UserDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Profile:
    """What Telegram tells about the person on every update."""

    telegram_id: int
    full_name: str | None
    username: str | None
    language_code: str | None


@dataclass(frozen=True, slots=True)
class Defaults:
    locale: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Actor:
    telegram_id: int
    role: Role
    locale: str
    timezone: str
    user: UserDTO | None
    # Staff he covers for right now (their absence): he may work on their clients too.
    covers: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user: UserDTO) -> Actor:
        """The stored user as the one acting."""
        return cls(user.telegram_id, user.role, user.locale, user.timezone, user)

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def is_registered(self) -> bool:
        """Staff, or a client who gave consent: someone we keep data about."""
        return self.user is not None and (self.role.is_staff or self.user.has_consent)


async def load_actor(
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    visitor_locale: Callable[[], Awaitable[str]],
    defaults: Defaults,
) -> Actor:
    """Loads the actor; keeps a known user's name and username current.

    `visitor_locale` is asked only when needed: it may cost a read of session state.
    """
    user = await uow.users.by_telegram_id(profile.telegram_id)
    if user is None:
        return Actor(
            profile.telegram_id, Role.CLIENT, await visitor_locale(), defaults.timezone, None
        )
    if user.full_name is None:
        # Seeded from ADMIN_IDS and seen for the first time: adopt his Telegram language.
        user = await uow.users.update(
            user.id,
            now=clock.now(),
            full_name=profile.full_name,
            username=profile.username,
            locale=await visitor_locale(),
        )
    elif (user.full_name, user.username) != (profile.full_name, profile.username):
        user = await uow.users.update(
            user.id, now=clock.now(), full_name=profile.full_name, username=profile.username
        )
    if user.unreachable_at is not None:
        # He writes again, so he has unblocked the bot: messages may go to him again.
        user = await uow.users.update(user.id, now=clock.now(), unreachable_at=None)
    if user.role.is_staff:
        covers = await uow.absences.covered_by(user.id, clock.now())
        return Actor(user.telegram_id, user.role, user.locale, user.timezone, user, covers)
    return Actor.of(user)
