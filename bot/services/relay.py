"""The chat relay: what the client and staff say on a request is stored first, then copied
to the other side; a copy that fails stays owed and is retried."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.services import requests
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import clients as crm_clients
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.services.lifecycle import StatusChange, apply_status
from bot.storage.dto import MessageDTO, RequestDTO, UserDTO
from bot.storage.enums import RequestStatus, Side
from bot.storage.uow import UnitOfWork

# What the relay carries; anything else (stickers, polls, dice...) gets an explanation.
RELAYABLE = frozenset(
    {
        "text",
        "photo",
        "document",
        "voice",
        "video",
        "audio",
        "video_note",
        "animation",
        "location",
        "contact",
    }
)


@dataclass(frozen=True, slots=True)
class Content:
    """One message as the relay sees it; `text` is the text or caption as HTML."""

    content_type: str
    chat_id: int
    message_id: int
    text: str | None = None
    file_id: str | None = None
    file_size: int | None = None
    media_group_id: str | None = None
    extra: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A stored message and whom its copy is for (None: nobody yet, e.g. no assignee)."""

    message: MessageDTO
    request: RequestDTO
    recipient: UserDTO | None
    author: UserDTO | None
    resumed: StatusChange | None = None


def is_relayable(content_type: str) -> bool:
    return content_type in RELAYABLE


async def _store(
    uow: UnitOfWork,
    clock: Clock,
    request: RequestDTO,
    author: UserDTO | None,
    side: Side,
    content: Content,
    *,
    relayed: bool,
) -> MessageDTO:
    if not is_relayable(content.content_type):
        raise RequestRejected(RequestProblem.UNSUPPORTED)
    message = await uow.messages.add(
        request_id=request.id,
        author_id=author.id if author else None,
        side=side,
        content_type=content.content_type,
        now=clock.now(),
        relayed=relayed,
        text=content.text,
        file_id=content.file_id,
        file_size=content.file_size,
        extra=json.dumps(content.extra, ensure_ascii=False) if content.extra else None,
        media_group_id=content.media_group_id,
        source_chat_id=content.chat_id,
        source_message_id=content.message_id,
    )
    # A reply to his own message in his chat also means this request.
    await uow.messages.link(
        chat_id=content.chat_id, message_id=content.message_id, request_id=request.id
    )
    return message


async def from_client(
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    actor: Actor,
    request_id: int,
    content: Content,
) -> Outgoing:
    request = await requests.for_client(uow, actor, request_id)
    if not request.status.is_open:
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    client = requests.require_client(actor)
    assignee = await uow.users.find(request.assignee_id)
    # Owed even with nobody assigned yet: whoever takes the request receives it.
    message = await _store(uow, clock, request, client, Side.CLIENT, content, relayed=True)
    resumed = None
    if request.status is RequestStatus.WAITING:
        # The answer the team was waiting for: the request is back in progress.
        resumed = await apply_status(
            uow, clock, desk, request, RequestStatus.IN_PROGRESS, by=client.id, comment=None
        )
        request = resumed.request
    else:
        request = await uow.requests.update(request.id, now=clock.now())
    return Outgoing(message, request, assignee, client, resumed)


async def from_staff(
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    actor: Actor,
    request_id: int,
    content: Content,
) -> Outgoing:
    request = await requests.for_staff(uow, actor, request_id)
    staff = requests.require_staff(actor)
    client = await uow.users.find(request.client_id)
    if client is None:
        raise RequestRejected(RequestProblem.CLIENT_GONE)
    message = await _store(uow, clock, request, staff, Side.STAFF, content, relayed=True)
    now = clock.now()
    if request.first_response_at is None:
        request = await uow.requests.update(request.id, now=now, first_response_at=now)
    resumed = None
    if request.status in (RequestStatus.NEW, RequestStatus.REOPENED):
        # Answering is working on it: no separate "take" needed.
        resumed = await apply_status(
            uow, clock, desk, request, RequestStatus.IN_PROGRESS, by=staff.id, comment=None
        )
        request = resumed.request
    else:
        request = await uow.requests.update(request.id, now=now)
    # An answer to the client is contact with him: "no contact for N days" restarts.
    await crm_clients.touch_user(uow, client.id, now)
    return Outgoing(message, request, client, staff, resumed)


async def store_department_update(
    uow: UnitOfWork,
    clock: Clock,
    request: RequestDTO,
    content: Content,
) -> Outgoing:
    assignee = await uow.users.find(request.assignee_id)
    message = await _store(uow, clock, request, None, Side.DEPARTMENT, content, relayed=True)
    request = await uow.requests.update(request.id, now=clock.now())
    return Outgoing(message, request, assignee, None)


async def request_of_reply(
    uow: UnitOfWork, actor: Actor, chat_id: int, message_id: int
) -> int | None:
    """The request a message in this chat belongs to, if this actor may see it."""
    request_id = await uow.messages.linked_request(chat_id=chat_id, message_id=message_id)
    if request_id is None:
        return None
    try:
        await requests.for_anyone(uow, actor, request_id)
    except NotAllowed:
        return None
    return request_id


async def link(uow: UnitOfWork, *, chat_id: int, message_id: int, request_id: int) -> None:
    await uow.messages.link(chat_id=chat_id, message_id=message_id, request_id=request_id)


async def delivered(uow: UnitOfWork, clock: Clock, message_id: int) -> None:
    await uow.messages.mark_delivered(message_id, now=clock.now())


async def failed(uow: UnitOfWork, message_id: int, error: str) -> None:
    await uow.messages.mark_failed(message_id, error=error)


async def owed(uow: UnitOfWork, *, limit: int = 100) -> list[Outgoing]:
    """Copies not delivered yet, oldest first, with whom they are for now (a request
    reassigned meanwhile goes to its new assignee)."""
    result = []
    for message in await uow.messages.undelivered(limit=limit):
        request = await uow.requests.get(message.request_id)
        if request is None:
            continue
        staff_wrote = message.side is Side.STAFF
        recipient_id = request.client_id if staff_wrote else request.assignee_id
        recipient = await uow.users.find(recipient_id)
        author = await uow.users.find(message.author_id)
        result.append(Outgoing(message, request, recipient, author))
    return result
