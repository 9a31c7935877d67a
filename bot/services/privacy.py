"""A client's personal data: what is stored, a full export, and erasure on withdrawal of
consent (anonymous statistics stay: request kinds, dates, statuses and scores)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import clients as crm_clients
from bot.services.errors import NotAllowed
from bot.storage.dto import UserDTO
from bot.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Erased:
    user: UserDTO
    requests: int
    messages: int
    feedback: int


@dataclass(frozen=True, slots=True)
class Counts:
    requests: int
    feedback: int


async def counts(uow: UnitOfWork, user: UserDTO) -> Counts:
    return Counts(
        await uow.requests.count_of_client(user.id), len(await uow.feedback.of_client(user.id))
    )


def stored_data(actor: Actor) -> UserDTO:
    """Only a client with consent has a privacy page; staff data belongs to the employer."""
    if actor.user is None or actor.role.is_staff or not actor.user.has_consent:
        raise NotAllowed("privacy")
    return actor.user


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


async def export(uow: UnitOfWork, clock: Clock, actor: Actor) -> dict[str, Any]:
    """Everything stored about the client, as plain JSON-ready data."""
    user = stored_data(actor)
    requests = []
    for request in await uow.requests.of_client(user.id, limit=100_000):
        requests.append(
            {
                **asdict(request),
                "messages": [asdict(m) for m in await uow.messages.of_request(request.id)],
                "history": [asdict(e) for e in await uow.requests.events(request.id)],
                "handoffs": [asdict(h) for h in await uow.handoffs.of_request(request.id)],
            }
        )
    await uow.audit.add(
        actor_id=user.id, action="data.exported", entity="user", entity_id=user.id, now=clock.now()
    )
    return _plain(
        {
            "exported_at": clock.now(),
            "profile": asdict(user),
            "requests": requests,
            "feedback": [asdict(f) for f in await uow.feedback.of_client(user.id)],
        }
    )


async def withdraw_consent(uow: UnitOfWork, clock: Clock, actor: Actor) -> Erased:
    """Erases the client at once; the audit keeps an anonymous trace (no id, no name)."""
    user = stored_data(actor)
    now = clock.now()
    request_ids = await uow.requests.ids_of_client(user.id)
    await uow.requests.forget_client_texts(user.id, now=now)
    await uow.requests.forget_event_comments(request_ids)
    await uow.handoffs.forget_notes_of_client(request_ids)
    messages = await uow.messages.delete_of_requests(request_ids)
    await uow.messages.forget_links_in_chat(user.telegram_id)
    feedback = len(await uow.feedback.of_client(user.id))
    await uow.feedback.forget_comments_of_client(user.id)
    await uow.audit.forget_person(user.id)
    await crm_clients.forget_user(uow, user.id)
    # Requests and scores stay without him: their client_id becomes NULL.
    await uow.users.delete(user.id)
    await uow.audit.add(
        actor_id=None,
        action="consent.withdrawn",
        entity="user",
        entity_id=None,
        now=now,
        details={"source": user.source} if user.source else None,
    )
    return Erased(user, len(request_ids), messages, feedback)
