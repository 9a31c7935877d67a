"""A client's personal data: what is stored and erasure on withdrawal of consent."""

from __future__ import annotations

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.errors import NotAllowed
from bot.storage.dto import UserDTO
from bot.storage.uow import UnitOfWork


def stored_data(actor: Actor) -> UserDTO:
    """Only a client with consent has a privacy page; staff data belongs to the employer."""
    if actor.user is None or actor.role.is_staff or not actor.user.has_consent:
        raise NotAllowed("privacy")
    return actor.user


async def withdraw_consent(uow: UnitOfWork, clock: Clock, actor: Actor) -> UserDTO:
    """Erases the client at once; the audit keeps an anonymous trace (no id, no name)."""
    user = stored_data(actor)
    await uow.users.delete(user.id)
    await uow.audit.add(
        actor_id=None,
        action="consent.withdrawn",
        entity="user",
        entity_id=None,
        now=clock.now(),
        details={"source": user.source} if user.source else None,
    )
    return user
