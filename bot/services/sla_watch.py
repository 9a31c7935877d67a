"""Watching requests' deadlines: at 80 % of the working time to a first answer or to a
resolution, the assignee is told; when a deadline passes, the heads of sales are. Each
alert is recorded as an event on the request (its history shows it), and an event already
there means the alert was given: one of each per deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.services.sla import used_fraction
from bot.storage.dto import RequestDTO, UserDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork

WARN_AT = 0.8
WATCHED = 1000  # open requests looked at per pass, the nearest deadline first


class Deadline(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class Level(StrEnum):
    WARNING = "sla.warning"  # 80 % used: the assignee
    BREACH = "sla.breach"  # passed: the heads of sales


@dataclass(frozen=True, slots=True)
class Alert:
    level: Level
    deadline: Deadline
    request: RequestDTO
    due: datetime
    assignee: UserDTO | None
    recipients: list[UserDTO]


async def due_alerts(uow: UnitOfWork, clock: Clock, desk: DeskConfig) -> list[Alert]:
    """The alerts to give now, recorded on their requests."""
    now = clock.now()
    alerts = []
    heads = await uow.users.with_role(Role.HEAD)
    watched = await uow.requests.queue(None, limit=WATCHED)
    given = await uow.requests.marks([r.id for r in watched], [level.value for level in Level])
    for request in watched:
        for deadline, due in _deadlines(request):
            level = _level(desk, request, due, now)
            if level is None or (request.id, level.value, deadline.value) in given:
                continue
            assignee = await uow.users.find(request.assignee_id)
            recipients = heads if level is Level.BREACH else [assignee] if assignee else []
            await uow.requests.add_event(
                request.id, actor_id=None, action=level.value, now=now, comment=deadline.value
            )
            if recipients:
                alerts.append(Alert(level, deadline, request, due, assignee, list(recipients)))
    return alerts


def _deadlines(request: RequestDTO) -> list[tuple[Deadline, datetime]]:
    found = []
    if request.first_response_at is None:
        found.append((Deadline.FIRST_RESPONSE, request.first_response_due))
    if request.paused_at is None:
        # A request waiting for the client is paused: its resolution clock stands still.
        found.append((Deadline.RESOLUTION, request.resolution_due))
    return found


def _level(desk: DeskConfig, request: RequestDTO, due: datetime, now: datetime) -> Level | None:
    if now > due:
        return Level.BREACH
    if used_fraction(desk.calendar, request.created_at, due, now) >= WARN_AT:
        return Level.WARNING
    return None
