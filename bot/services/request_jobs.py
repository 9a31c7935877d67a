"""What the desk does on its own as time passes:

- a request waiting for the client's answer reminds him once, after 2 working days;
- a resolved request closes itself when its reopen window has passed;
- a client is asked how likely he is to recommend us (NPS) 30 days after his first
  resolved request, and then at most once in 90 days.

Each is recorded (an event on the request, `users.nps_asked_at`) before the message goes
out, so it happens once even with two schedulers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services import lifecycle
from bot.services.clock import Clock
from bot.services.desk import DeskConfig
from bot.storage.dto import RequestDTO, UserDTO
from bot.storage.enums import RequestStatus
from bot.storage.uow import UnitOfWork

WAITING_DAYS = 2  # working days
REMINDED = "waiting.reminded"
NPS_AFTER = timedelta(days=30)
NPS_EVERY = timedelta(days=90)
BATCH = 500


@dataclass(frozen=True, slots=True)
class WaitingReminder:
    request: RequestDTO
    client: UserDTO


async def waiting_reminders(
    uow: UnitOfWork, clock: Clock, desk: DeskConfig
) -> list[WaitingReminder]:
    """Clients to remind of a request waiting for their answer, recorded on the requests."""
    now = clock.now()
    calendar = desk.calendar
    day = datetime.combine(now.date(), calendar.end) - datetime.combine(now.date(), calendar.start)
    found = []
    waiting = await uow.requests.with_status(RequestStatus.WAITING, limit=BATCH)
    given = await uow.requests.marks([r.id for r in waiting], [REMINDED])
    for request in waiting:
        if request.paused_at is None or request.client_id is None:
            continue
        if calendar.add(request.paused_at, WAITING_DAYS * day) > now:
            continue
        pause = request.paused_at.isoformat()
        if (request.id, REMINDED, pause) in given:
            continue  # once per wait
        client = await uow.users.find(request.client_id)
        await uow.requests.add_event(
            request.id, actor_id=None, action=REMINDED, now=now, comment=pause
        )
        if client is not None and client.has_consent:
            found.append(WaitingReminder(request, client))
    return found


async def close_expired(uow: UnitOfWork, clock: Clock, desk: DeskConfig) -> list[RequestDTO]:
    """Resolved requests whose reopen window has passed, now closed."""
    now = clock.now()
    closed = []
    for request in await uow.requests.with_status(RequestStatus.RESOLVED, limit=BATCH):
        if request.resolved_at is None or now - request.resolved_at <= desk.reopen_window:
            continue
        change = await lifecycle.apply_status(
            uow, clock, desk, request, RequestStatus.CLOSED, by=None, comment=None
        )
        closed.append(change.request)
    return closed


async def due_nps(uow: UnitOfWork, clock: Clock) -> list[UserDTO]:
    """Clients to ask for NPS now, claimed (their `nps_asked_at` set)."""
    now = clock.now()
    asked_before = now - NPS_EVERY
    ids = await uow.requests.nps_due(now - NPS_AFTER, asked_before, limit=BATCH)
    asked = []
    for client_id in ids:
        if await uow.users.claim_nps(client_id, now, asked_before):
            client = await uow.users.get(client_id)
            if client is not None:
                asked.append(client)
    return asked
