"""Nudges: what the bot reminds staff of without being asked: "no contact with a client for
N days", N by his segment (VIP 7, key 14, standard 30 by default), and "a deal has been in
its stage for N days", N by the stage.

A nudge is a reminder with its own origin, so it is delivered, snoozed and answered like
one. It is made once per silence: a nudge is not repeated until the client has been in
contact again and fallen silent again. It waits for working hours (09:00–19:00 on weekdays
in the owner's zone), and a specialist gets at most MAX_A_DAY of them a day: a base
imported yesterday must not bury him in messages; the rest come on the following days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime, time, timedelta

from bot.services.clock import Clock
from bot.services.working_time import WorkingCalendar
from bot.storage.enums import Recurrence, ReminderOrigin
from bot.storage.uow import UnitOfWork

MAX_A_DAY = 5
CANDIDATES = 500  # clients looked at per pass
WORK_STARTS, WORK_ENDS = time(9, 0), time(19, 0)


async def plan_no_contact(uow: UnitOfWork, clock: Clock, days: Mapping[str, int]) -> int:
    """Makes the nudges due for silent clients; returns how many. `days`: segment → days
    without contact before his owner is nudged."""
    now = clock.now()
    silent_before = {segment: now - timedelta(days=n) for segment, n in days.items()}
    found = await uow.reminders.silent_clients(silent_before, limit=CANDIDATES)
    subjects = [(owner_id, client_id, None) for client_id, owner_id, _basis in found]
    return await _make(uow, now, ReminderOrigin.NO_CONTACT, subjects)


async def plan_stuck_deals(uow: UnitOfWork, clock: Clock, days: Mapping[str, int]) -> int:
    """Makes the nudges due for deals stuck in their stage; returns how many. `days`: stage
    → days in it before the deal's owner is nudged."""
    now = clock.now()
    stuck_before = {stage: now - timedelta(days=n) for stage, n in days.items()}
    found = await uow.reminders.stuck_deals(stuck_before, limit=CANDIDATES)
    subjects = [(owner_id, client_id, deal_id) for deal_id, client_id, owner_id in found]
    return await _make(uow, now, ReminderOrigin.DEAL_STUCK, subjects)


async def _make(
    uow: UnitOfWork,
    now: datetime,
    origin: ReminderOrigin,
    subjects: list[tuple[int, int, int | None]],
) -> int:
    """One nudge per (owner, client, deal), each owner's within MAX_A_DAY of this kind."""
    owners = await uow.users.many({owner_id for owner_id, _client, _deal in subjects})
    made: Counter[int] = Counter()
    earlier: dict[int, int] = {}  # nudges of this kind each owner got in the last day
    for owner_id, client_id, deal_id in subjects:
        owner = owners.get(owner_id)
        if owner is None or not owner.role.is_staff:
            continue
        if owner_id not in earlier:
            earlier[owner_id] = await uow.reminders.count_created_since(
                owner_id, origin, now - timedelta(days=1)
            )
        if earlier[owner_id] + made[owner_id] >= MAX_A_DAY:
            continue
        await uow.reminders.add(
            owner_id=owner_id,
            client_id=client_id,
            deal_id=deal_id,
            text="",  # written when it is sent, in the owner's language then
            due_at=working_time(now, owner.timezone),
            recurrence=Recurrence.ONCE,
            now=now,
            origin=origin,
        )
        made[owner_id] += 1
    return sum(made.values())


def working_time(now: datetime, timezone: str) -> datetime:
    """`now` if it falls in working hours in that zone, else the next start of them."""
    hours = WorkingCalendar(timezone, frozenset(range(5)), WORK_STARTS, WORK_ENDS)
    return hours.next_opening(now).astimezone(now.tzinfo)


def silent_days(basis: datetime, now: datetime) -> int:
    return max(0, (now - basis).days)
