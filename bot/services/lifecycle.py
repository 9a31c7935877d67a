"""The request lifecycle: the status machine, who may move a request along it, and the SLA
bookkeeping each move brings (pausing while waiting, new deadlines on reopening).

Kept apart from `requests`, whose access checks and validation it builds on; nothing there
depends on this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import sla
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.services.errors import RequestProblem, RequestRejected
from bot.services.requests import (
    for_client,
    for_staff,
    require_staff,
    validate_subject,
)
from bot.storage.dto import RequestDTO, UserDTO
from bot.storage.enums import RequestStatus
from bot.storage.uow import UnitOfWork

S = RequestStatus
STAFF_TRANSITIONS: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    S.NEW: (S.IN_PROGRESS, S.WAITING, S.RESOLVED),
    S.IN_PROGRESS: (S.WAITING, S.RESOLVED),
    S.WAITING: (S.IN_PROGRESS, S.RESOLVED),
    S.REOPENED: (S.IN_PROGRESS, S.WAITING, S.RESOLVED),
    S.RESOLVED: (S.CLOSED, S.REOPENED),
    S.CLOSED: (),
}


@dataclass(frozen=True, slots=True)
class StatusChange:
    request: RequestDTO
    previous: RequestStatus
    client: UserDTO | None
    assignee: UserDTO | None
    comment: str | None


def staff_options(request: RequestDTO) -> tuple[RequestStatus, ...]:
    return STAFF_TRANSITIONS[request.status]


def can_reopen(desk: DeskConfig, request: RequestDTO, now: datetime) -> bool:
    # The window runs from the resolution, or from closing when the client closed it himself
    # before it was resolved.
    since = request.resolved_at or request.closed_at
    return (
        request.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
        and since is not None
        and now - since <= desk.reopen_window
    )


async def apply_status(
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    request: RequestDTO,
    to: RequestStatus,
    *,
    by: int | None,
    comment: str | None,
) -> StatusChange:
    now = clock.now()
    fields: dict[str, object] = {"status": to}
    if request.status is RequestStatus.WAITING and request.paused_at is not None:
        # Time spent waiting for the client does not count against the team.
        fields["resolution_due"] = sla.extend_for_pause(
            desk.calendar, request.resolution_due, request.paused_at, now
        )
        fields["paused_at"] = None
    if to is RequestStatus.WAITING:
        fields["paused_at"] = now
    elif to is RequestStatus.RESOLVED:
        fields["resolved_at"] = now
    elif to is RequestStatus.CLOSED:
        fields["closed_at"] = now
    elif to is RequestStatus.REOPENED:
        client = await uow.users.find(request.client_id)
        target = desk.sla.target(request.kind, request.category, client and client.segment)
        due = sla.due_times(desk.calendar, target, now)
        fields["resolution_due"] = due.resolution
        if request.first_response_at is None:
            # Never answered: the first answer is due anew from the reopening.
            fields["first_response_due"] = due.first_response
        fields |= {"resolved_at": None, "closed_at": None, "paused_at": None}
    updated = await uow.requests.update(request.id, now=now, **fields)
    await uow.requests.add_event(
        request.id,
        actor_id=by,
        action="status",
        now=now,
        from_status=request.status,
        to_status=to,
        comment=comment,
    )
    await uow.audit.add(
        actor_id=by,
        action="request.status",
        entity="request",
        entity_id=request.id,
        now=now,
        details={"from": request.status.value, "to": to.value},
    )
    return StatusChange(
        updated,
        request.status,
        await uow.users.find(updated.client_id),
        await uow.users.find(updated.assignee_id),
        comment,
    )


async def change_status(
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    actor: Actor,
    request_id: int,
    to: RequestStatus,
    comment: str | None = None,
) -> StatusChange:
    """A staff member moves the request along its lifecycle."""
    request = await for_staff(uow, actor, request_id)
    if to not in staff_options(request):
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    if comment is not None:
        comment = validate_subject(comment)
    return await apply_status(uow, clock, desk, request, to, by=actor.user_id, comment=comment)


async def take(
    uow: UnitOfWork, clock: Clock, desk: DeskConfig, actor: Actor, request_id: int
) -> StatusChange:
    """ "I'm on it": the request is his and in progress."""
    request = await for_staff(uow, actor, request_id)
    staff = require_staff(actor)
    if request.status not in (RequestStatus.NEW, RequestStatus.REOPENED, RequestStatus.WAITING):
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    if request.assignee_id != staff.id:
        now = clock.now()
        request = await uow.requests.update(request.id, now=now, assignee_id=staff.id)
        await uow.requests.add_event(request.id, actor_id=staff.id, action="taken", now=now)
    return await apply_status(
        uow, clock, desk, request, RequestStatus.IN_PROGRESS, by=staff.id, comment=None
    )


async def close_by_client(
    uow: UnitOfWork, clock: Clock, desk: DeskConfig, actor: Actor, request_id: int
) -> StatusChange:
    request = await for_client(uow, actor, request_id)
    if request.status is RequestStatus.CLOSED:
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    return await apply_status(
        uow, clock, desk, request, RequestStatus.CLOSED, by=actor.user_id, comment=None
    )


async def reopen_by_client(
    uow: UnitOfWork, clock: Clock, desk: DeskConfig, actor: Actor, request_id: int
) -> StatusChange:
    request = await for_client(uow, actor, request_id)
    if request.status.is_open:
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    if not can_reopen(desk, request, clock.now()):
        raise RequestRejected(RequestProblem.REOPEN_EXPIRED)
    return await apply_status(
        uow, clock, desk, request, RequestStatus.REOPENED, by=actor.user_id, comment=None
    )


async def overdue(uow: UnitOfWork, clock: Clock) -> list[RequestDTO]:
    """Open requests past a deadline, for the nudges of the scheduling issue and reports."""
    return await uow.requests.overdue(clock.now())
