"""A client's first steps: language, consent, acquisition source."""

from __future__ import annotations

import re

from bot.services.actors import Actor, Defaults, Profile
from bot.services.clock import Clock
from bot.services.crm import clients as crm_clients
from bot.storage.dto import UserDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork

# Deep-link payloads are at most 64 chars of A-Z a-z 0-9 _ - (Telegram's own rule).
SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def clean_source(payload: str | None) -> str | None:
    """The acquisition source from `/start <payload>`, or None when it is not a valid tag."""
    if payload and SOURCE_PATTERN.match(payload):
        return payload.lower()
    return None


async def give_consent(
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    *,
    locale: str,
    defaults: Defaults,
    source: str | None,
) -> UserDTO:
    """Stores the client only now: nothing personal is kept before consent."""
    now = clock.now()
    user = await uow.users.by_telegram_id(profile.telegram_id)
    if user is None:
        user = await uow.users.add(
            telegram_id=profile.telegram_id,
            role=Role.CLIENT,
            locale=locale,
            timezone=defaults.timezone,
            now=now,
            full_name=profile.full_name,
            username=profile.username,
            consent_given_at=now,
            source=source,
        )
    else:
        user = await uow.users.update(
            user.id,
            now=now,
            locale=locale,
            consent_given_at=now,
            consent_withdrawn_at=None,
            source=user.source or source,
        )
    await uow.audit.add(
        actor_id=user.id,
        action="consent.given",
        entity="user",
        entity_id=user.id,
        now=now,
        details={"source": source} if source else None,
    )
    # He is a lead in the CRM base from now on, with the source of the link he came by.
    await crm_clients.for_telegram_user(uow, clock, user, source=user.source)
    return user


async def record_source(uow: UnitOfWork, clock: Clock, actor: Actor, source: str | None) -> None:
    """First touch wins: a known client keeps the source he first came from."""
    if source is None or actor.user is None or actor.user.source is not None:
        return
    await uow.users.update(actor.user.id, now=clock.now(), source=source)


async def set_locale(uow: UnitOfWork, clock: Clock, actor: Actor, locale: str) -> Actor:
    if actor.user is None:
        return Actor(actor.telegram_id, actor.role, locale, actor.timezone, None)
    user = await uow.users.update(actor.user.id, now=clock.now(), locale=locale)
    return Actor.of(user)
