"""Who may see and change which clients.

A specialist works with the clients he owns, and with those of colleagues he covers for while
they are away; the head of sales and admins with everyone's.
Clients are never shown to clients. A client someone may not see is answered exactly like
a missing one (NotAllowed), so a forged button or inline query reveals nothing.
"""

from __future__ import annotations

from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.storage.dto import ClientDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork

SEES_EVERYONE = frozenset({Role.HEAD, Role.ADMIN})


def require_staff(actor: Actor) -> int:
    """The acting staff member's user id; anyone else is refused."""
    if not actor.is_registered or not actor.role.is_staff or actor.user_id is None:
        raise NotAllowed("crm")
    return actor.user_id


def sees_everyone(actor: Actor) -> bool:
    return actor.role in SEES_EVERYONE


def owner_scope(actor: Actor) -> int | None:
    """Whose clients his lists cover: the specialist's own, or None for all."""
    user_id = require_staff(actor)
    return None if sees_everyone(actor) else user_id


def search_scopes(actor: Actor) -> list[int | None]:
    """Whose clients his searches cover, one owner at a time: his own first, then those of
    the colleagues he covers for; [None] for all."""
    own = owner_scope(actor)
    return [own] if own is None else [own, *sorted(actor.covers)]


def may_see(actor: Actor, client: ClientDTO) -> bool:
    if not actor.is_registered or not actor.role.is_staff:
        return False
    return sees_everyone(actor) or (
        client.owner_id is not None
        and (client.owner_id == actor.user_id or client.owner_id in actor.covers)
    )


async def client_for(uow: UnitOfWork, actor: Actor, client_id: int) -> ClientDTO:
    """The client, if this actor may work with him; NotAllowed otherwise, missing or not."""
    require_staff(actor)
    client = await uow.clients.get(client_id)
    if client is None or not may_see(actor, client):
        raise NotAllowed("client")
    return client
