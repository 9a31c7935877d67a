"""The morning digest: at 09:00 on working days, in each staff member's time zone, what his
day holds: today's reminders, those left unanswered, his open requests by deadline and the
clients waiting for contact. Made once a day, and sent only when there is something in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.clock import Clock
from bot.storage.dto import ClientDTO, ReminderDTO, RequestDTO, UserDTO
from bot.storage.uow import UnitOfWork

STARTS = time(9, 0)
REQUESTS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Digest:
    user: UserDTO
    today: list[tuple[ReminderDTO, ClientDTO | None]]
    unanswered: list[tuple[ReminderDTO, ClientDTO | None]]
    requests: list[RequestDTO]  # the nearest deadlines first
    open_requests: int
    late_requests: int
    silent_clients: int

    @property
    def empty(self) -> bool:
        return not (self.today or self.unanswered or self.open_requests or self.silent_clients)


async def due_digests(uow: UnitOfWork, clock: Clock, days: Mapping[str, int]) -> list[Digest]:
    """The digests whose morning has come and that nobody made yet, claimed for this
    scheduler; empty ones are claimed too (nothing to say today) but not returned."""
    now = clock.now()
    made = []
    staff = await uow.users.staff()
    # Away: his digest waits, and he gets the hand-back digest on his return instead.
    away = set(await uow.absences.deputies((user.id for user in staff), now))
    for user in staff:
        local = now.astimezone(ZoneInfo(user.timezone))
        if local.weekday() >= 5 or local.time() < STARTS or user.id in away:
            continue
        if not await uow.users.claim_digest(user.id, local.date()):
            continue
        digest = await _digest(uow, user, now, days)
        if not digest.empty:
            made.append(digest)
    return made


async def _digest(uow: UnitOfWork, user: UserDTO, now: datetime, days: Mapping[str, int]) -> Digest:
    zone = ZoneInfo(user.timezone)
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
    today = await uow.reminders.due_between(user.id, now, midnight + timedelta(days=1))
    unanswered = await uow.reminders.unanswered_before(user.id, midnight)
    requests = await uow.requests.queue(user.id, limit=500)
    silent_before = {segment: now - timedelta(days=n) for segment, n in days.items()}
    return Digest(
        user=user,
        today=[(item, await _client(uow, item)) for item in today],
        unanswered=[(item, await _client(uow, item)) for item in unanswered],
        requests=requests[:REQUESTS_SHOWN],
        open_requests=len(requests),
        late_requests=sum(request.is_breached(now) for request in requests),
        silent_clients=await uow.reminders.count_silent(user.id, silent_before),
    )


async def _client(uow: UnitOfWork, item: ReminderDTO) -> ClientDTO | None:
    return await uow.clients.get(item.client_id) if item.client_id else None
