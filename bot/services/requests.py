"""Requests: filing, routing, who may see them, and the views and queues.

A request belongs to its client; his owner (the specialist who is his single contact),
the specialist it is assigned to, the head of sales and admins may act on it. How a request
moves from status to status lives in `lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.services import sla
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import clients as crm_clients
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.storage.dto import EventDTO, FeedbackDTO, HandoffDTO, MessageDTO, RequestDTO, UserDTO
from bot.storage.enums import (
    ClaimOutcome,
    HandoffStatus,
    RequestKind,
    RequestStatus,
    Role,
    Side,
)
from bot.storage.uow import UnitOfWork

MAX_SUBJECT = 4000
MAX_ORDER_REF = 64
PAGE_SIZE = 5

# Who picks up a request when the client has no owner: specialists first, then whoever
# is left, so a request is never filed into nobody's queue while staff exist.
ROUTING_ORDER = (Role.SPECIALIST, Role.HEAD, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or document the client sent while filing; the original stays in his chat."""

    content_type: str
    file_id: str
    file_size: int | None
    chat_id: int
    message_id: int
    media_group_id: str | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    kind: RequestKind
    category: str
    subject: str
    wanted: ClaimOutcome | None = None
    order_ref: str | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Filed:
    request: RequestDTO
    client: UserDTO
    assignee: UserDTO | None
    attachments: list[MessageDTO] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RequestView:
    """Everything one may see about a request, for its card and its history."""

    request: RequestDTO
    client: UserDTO | None
    assignee: UserDTO | None
    messages: list[MessageDTO]
    events: list[EventDTO]
    handoffs: list[HandoffDTO]
    rating: FeedbackDTO | None
    # The client's owner, away: the assignee holds the request as his deputy.
    covering_for: UserDTO | None = None

    @property
    def active_handoff(self) -> HandoffDTO | None:
        pending = [h for h in self.handoffs if h.status is not HandoffStatus.DONE]
        return pending[-1] if pending else None

    @property
    def undelivered(self) -> int:
        return sum(1 for message in self.messages if message.undelivered)


@dataclass(frozen=True, slots=True)
class Page:
    items: list[RequestDTO]
    page: int
    pages: int


def validate_subject(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise RequestRejected(RequestProblem.EMPTY)
    if len(text) > MAX_SUBJECT:
        raise RequestRejected(RequestProblem.TOO_LONG)
    return text


def validate_order_ref(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise RequestRejected(RequestProblem.EMPTY)
    if len(text) > MAX_ORDER_REF or "\n" in text:
        raise RequestRejected(RequestProblem.TOO_LONG)
    return text


def check_attachment(desk: DeskConfig, count_so_far: int, file_size: int | None) -> None:
    if count_so_far >= desk.max_attachments:
        raise RequestRejected(RequestProblem.TOO_MANY_FILES)
    if file_size is not None and file_size > desk.max_attachment_bytes:
        raise RequestRejected(RequestProblem.FILE_TOO_BIG)


def require_client(actor: Actor) -> UserDTO:
    if actor.user is None or actor.role.is_staff or not actor.user.has_consent:
        raise NotAllowed("client")
    return actor.user


def require_staff(actor: Actor) -> UserDTO:
    if actor.user is None or not actor.role.is_staff:
        raise NotAllowed("staff")
    return actor.user


def sees_everything(actor: Actor) -> bool:
    return actor.role in (Role.HEAD, Role.ADMIN)


def may_work_on(actor: Actor, request: RequestDTO, client: UserDTO | None) -> bool:
    """Staff who may act on the request: its assignee, the client's owner, the head, admins."""
    if actor.user is None or not actor.role.is_staff:
        return False
    if sees_everything(actor):
        return True
    owner = client.owner_id if client else None
    return actor.user.id in (request.assignee_id, owner)


async def for_client(uow: UnitOfWork, actor: Actor, request_id: int) -> RequestDTO:
    """The client's own request, or NotAllowed (the same for missing and foreign ones)."""
    client = require_client(actor)
    request = await uow.requests.get(request_id)
    if request is None or request.client_id != client.id:
        raise NotAllowed("request")
    return request


async def for_staff(uow: UnitOfWork, actor: Actor, request_id: int) -> RequestDTO:
    request = await uow.requests.get(request_id)
    if request is None or not may_work_on(actor, request, await uow.users.find(request.client_id)):
        raise NotAllowed("request")
    return request


async def for_anyone(uow: UnitOfWork, actor: Actor, request_id: int) -> RequestDTO:
    """Whoever may see it: the client himself or the staff who may work on it."""
    if actor.role.is_staff:
        return await for_staff(uow, actor, request_id)
    return await for_client(uow, actor, request_id)


async def _route(
    uow: UnitOfWork, client: UserDTO, now: datetime
) -> tuple[UserDTO | None, int | None]:
    """Who answers the request, and the absence under which he covers for the client's
    owner (None when the owner himself does, or nobody owns the client)."""
    if client.owner_id is not None:
        owner = await uow.users.get(client.owner_id)
        if owner is not None and owner.role.is_staff:
            away = await uow.absences.current(owner.id, now)
            if away is not None:
                deputy = await uow.users.get(away.deputy_id)
                if deputy is not None and deputy.role.is_staff:
                    return deputy, away.id
            return owner, None
    for role in ROUTING_ORDER:
        chosen = await uow.requests.least_loaded(role, now)
        if chosen is not None:
            return await uow.users.get(chosen), None
    return None, None


async def file(
    uow: UnitOfWork, clock: Clock, desk: DeskConfig, actor: Actor, draft: Draft
) -> Filed:
    client = require_client(actor)
    if desk.category(draft.category) is None:
        raise RequestRejected(RequestProblem.UNKNOWN_CATEGORY)
    subject = validate_subject(draft.subject)
    # The column holds 64 characters: PostgreSQL would fail the insert, SQLite keep it all.
    order_ref = validate_order_ref(draft.order_ref) if draft.order_ref is not None else None
    if len(draft.attachments) > desk.max_attachments:
        raise RequestRejected(RequestProblem.TOO_MANY_FILES)
    now = clock.now()
    assignee, cover_id = await _route(uow, client, now)
    if (
        assignee is not None
        and cover_id is None
        and client.owner_id != assignee.id
        and assignee.role is Role.SPECIALIST
    ):
        # The specialist who answers a client's first request becomes his single contact.
        client = await uow.users.update(client.id, now=now, owner_id=assignee.id)
        await crm_clients.adopt(uow, client, assignee.id, now)
    target = desk.sla.target(draft.kind, draft.category, client.segment)
    due = sla.due_times(desk.calendar, target, now)
    request = await uow.requests.add(
        kind=draft.kind,
        category=draft.category,
        status=RequestStatus.NEW,
        client_id=client.id,
        assignee_id=assignee.id if assignee else None,
        subject=subject,
        wanted=draft.wanted,
        order_ref=order_ref,
        created_at=now,
        updated_at=now,
        first_response_due=due.first_response,
        resolution_due=due.resolution,
        cover_id=cover_id,
    )
    await uow.requests.add_event(
        request.id, actor_id=client.id, action="created", now=now, to_status=RequestStatus.NEW
    )
    attachments = [
        await uow.messages.add(
            request_id=request.id,
            author_id=client.id,
            side=Side.CLIENT,
            content_type=item.content_type,
            now=now,
            # Copied to the assignee after the card, like any relayed message (owed until
            # someone is assigned).
            relayed=True,
            text=item.caption,
            file_id=item.file_id,
            file_size=item.file_size,
            media_group_id=item.media_group_id,
            source_chat_id=item.chat_id,
            source_message_id=item.message_id,
        )
        for item in draft.attachments
    ]
    await uow.audit.add(
        actor_id=client.id,
        action=f"{draft.kind.value}.filed",
        entity="request",
        entity_id=request.id,
        now=now,
        details={"assignee": assignee.id if assignee else None},
    )
    return Filed(request, client, assignee, attachments)


async def view(uow: UnitOfWork, actor: Actor, request_id: int) -> RequestView:
    request = await for_anyone(uow, actor, request_id)
    return await _view(uow, request)


async def _view(uow: UnitOfWork, request: RequestDTO) -> RequestView:
    client = await uow.users.find(request.client_id)
    covered = (
        request.cover_id is not None
        and request.status.is_open
        and client is not None
        and client.owner_id not in (None, request.assignee_id)
    )
    return RequestView(
        request=request,
        client=client,
        assignee=await uow.users.find(request.assignee_id),
        messages=await uow.messages.of_request(request.id),
        events=await uow.requests.events(request.id),
        handoffs=await uow.handoffs.of_request(request.id),
        rating=await uow.feedback.rating_of(request.id),
        covering_for=await uow.users.find(client.owner_id) if covered and client else None,
    )


def _clamp(page: int, total: int) -> tuple[int, int]:
    """The page asked for, kept within the pages there are; and how many there are."""
    pages = max(1, -(-total // PAGE_SIZE))
    return max(0, min(page, pages - 1)), pages


async def client_page(uow: UnitOfWork, actor: Actor, page: int) -> Page:
    client = require_client(actor)
    page, pages = _clamp(page, await uow.requests.count_of_client(client.id))
    items = await uow.requests.of_client(client.id, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    return Page(items, page, pages)


async def open_of_client(uow: UnitOfWork, actor: Actor) -> list[RequestDTO]:
    """Newest activity first: the first one is where a message goes by default."""
    client = require_client(actor)
    return await uow.requests.of_client(client.id, open_only=True)


async def queue_page(uow: UnitOfWork, actor: Actor, page: int) -> Page:
    """A specialist's own open requests; the head of sales and admins see everyone's."""
    staff = require_staff(actor)
    assignee = None if sees_everything(actor) else staff.id
    page, pages = _clamp(page, await uow.requests.count_queue(assignee))
    items = await uow.requests.queue(assignee, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    return Page(items, page, pages)
