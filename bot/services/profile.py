"""A person's own settings: language and time zone."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.errors import NotAllowed
from bot.storage.uow import UnitOfWork

# Offered as buttons: the zones of Russia, Belarus and Central Asia, west to east, and UTC.
COMMON_TIMEZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Minsk",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Almaty",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "UTC",
)


class UnknownTimezone(ValueError):
    """The text names no time zone."""


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def find_timezone(text: str) -> str:
    """An IANA name as typed by a person: any case, spaces for underscores."""
    candidate = text.strip().replace(" ", "_").lower()
    name = _zones_by_lower_name().get(candidate)
    if name is None:
        raise UnknownTimezone(text)
    ZoneInfo(name)
    return name


async def set_timezone(uow: UnitOfWork, clock: Clock, actor: Actor, name: str) -> Actor:
    """Only people we keep data about have a stored time zone."""
    if actor.user is None or not actor.is_registered:
        raise NotAllowed("timezone")
    zone = find_timezone(name)
    user = await uow.users.update(actor.user.id, now=clock.now(), timezone=zone)
    return Actor.of(user)
