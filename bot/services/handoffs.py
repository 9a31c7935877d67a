"""Hand-off to a department: the department works on its part and reports back; the
specialist stays responsible and closes the request."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.services import requests
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.desk import Department, DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.services.relay import Content, Outgoing, store_department_update
from bot.storage.dto import HandoffDTO, RequestDTO, UserDTO
from bot.storage.enums import HandoffStatus
from bot.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class HandedOff:
    handoff: HandoffDTO
    department: Department
    request: RequestDTO
    client: UserDTO | None


@dataclass(frozen=True, slots=True)
class DepartmentStep:
    handoff: HandoffDTO
    department: Department
    request: RequestDTO
    assignee: UserDTO | None
    client: UserDTO | None


async def hand_off(
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    actor: Actor,
    request_id: int,
    department_key: str,
    note: str,
    due_at: datetime,
) -> HandedOff:
    request = await requests.for_staff(uow, actor, request_id)
    if not request.status.is_open:
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    department = desk.department(department_key)
    if department is None:
        raise RequestRejected(RequestProblem.NO_DEPARTMENT)
    note = requests.validate_subject(note)
    now = clock.now()
    if due_at <= now:
        raise RequestRejected(RequestProblem.PAST_DUE)
    handoff = await uow.handoffs.add(
        request_id=request.id,
        department=department.key,
        note=note,
        due_at=due_at,
        created_by=actor.user_id,
        now=now,
    )
    await uow.requests.add_event(
        request.id, actor_id=actor.user_id, action="handoff", now=now, comment=department.key
    )
    await uow.audit.add(
        actor_id=actor.user_id,
        action="request.handoff",
        entity="request",
        entity_id=request.id,
        now=now,
        details={"department": department.key},
    )
    request = await uow.requests.update(request.id, now=now)
    client = await uow.users.find(request.client_id)
    return HandedOff(handoff, department, request, client)


async def _for_department(
    uow: UnitOfWork, desk: DeskConfig, chat_id: int, handoff_id: int
) -> tuple[HandoffDTO, Department, RequestDTO]:
    """Only the department's own chat may act on its hand-offs."""
    department = desk.department_by_chat(chat_id)
    handoff = await uow.handoffs.get(handoff_id)
    if department is None or handoff is None or handoff.department != department.key:
        raise NotAllowed("handoff")
    request = await uow.requests.get(handoff.request_id)
    if request is None:
        raise NotAllowed("handoff")
    return handoff, department, request


async def department_step(
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    chat_id: int,
    handoff_id: int,
    to: HandoffStatus,
) -> DepartmentStep:
    handoff, department, request = await _for_department(uow, desk, chat_id, handoff_id)
    allowed = {
        HandoffStatus.SENT: (HandoffStatus.ACCEPTED, HandoffStatus.DONE),
        HandoffStatus.ACCEPTED: (HandoffStatus.DONE,),
        HandoffStatus.DONE: (),
    }
    if to not in allowed[handoff.status]:
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    now = clock.now()
    handoff = await uow.handoffs.set_status(handoff.id, to, now=now)
    await uow.requests.add_event(
        request.id, actor_id=None, action=f"handoff_{to.value}", now=now, comment=department.key
    )
    request = await uow.requests.update(request.id, now=now)
    return DepartmentStep(
        handoff,
        department,
        request,
        await uow.users.find(request.assignee_id),
        await uow.users.find(request.client_id),
    )


async def for_department(
    uow: UnitOfWork, desk: DeskConfig, chat_id: int, handoff_id: int
) -> HandoffDTO:
    handoff, _department, _request = await _for_department(uow, desk, chat_id, handoff_id)
    return handoff


async def department_update(
    uow: UnitOfWork,
    clock: Clock,
    desk: DeskConfig,
    chat_id: int,
    request_id: int,
    content: Content,
) -> Outgoing:
    """What the department says goes to the specialist, never straight to the client."""
    department = desk.department_by_chat(chat_id)
    if department is None:
        raise NotAllowed("handoff")
    pending = [
        h
        for h in await uow.handoffs.of_request(request_id)
        if h.department == department.key and h.status is not HandoffStatus.DONE
    ]
    if not pending:
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    _handoff, _department, request = await _for_department(uow, desk, chat_id, pending[-1].id)
    # Which department spoke goes with the message: its header names it.
    extra = {**(content.extra or {}), "department": department.key}
    return await store_department_update(uow, clock, request, replace(content, extra=extra))
