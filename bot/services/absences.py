"""Absence cover: a staff member away for some days, a deputy covering his clients.

Set by the specialist himself or by the head of sales (or an admin) for him. While it is on:
- his open requests, and the new ones his clients file, are the deputy's (`requests.cover_id`
  marks them), so their messages, deadline alerts and buttons reach the deputy;
- his reminders and nudges are delivered to the deputy, marked "covering for …";
- the deputy may open and work on his clients (`Actor.covers`, see crm/access.py);
- his morning digest waits: he is away.
When it ends (its last day is over, or he says he is back) the requests the deputy still holds
go back to him and he gets a digest of what happened meanwhile. Taking the cover up and giving
it back are each claimed once in the database, so two schedulers never do either twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.errors import AbsenceProblem, AbsenceRejected, NotAllowed
from bot.services.reminders import at_local
from bot.storage.dto import AbsenceDTO, UserDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork

MAX_DAYS = 92  # a quarter: anything longer is a change of owner, not an absence
MIDNIGHT = time(0, 0)
BATCH = 100
MANAGES_OTHERS = frozenset({Role.HEAD, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Cover:
    """An absence whose cover was taken up: the requests the deputy took over."""

    absence: AbsenceDTO
    user: UserDTO
    deputy: UserDTO
    requests: list[int]


@dataclass(frozen=True, slots=True)
class HandBack:
    """An absence over: what happened meanwhile, and the requests given back."""

    absence: AbsenceDTO
    user: UserDTO
    deputy: UserDTO
    returned: list[int]
    requests: int  # held by the deputy under the absence, in all
    messages: int  # from clients on those requests
    reminders: int  # his reminders and nudges, delivered to the deputy
    entries: int  # notes, calls and changes the deputy made on his clients

    @property
    def quiet(self) -> bool:
        return not (self.returned or self.requests or self.messages or self.reminders)


@dataclass(frozen=True, slots=True)
class Planned:
    """An absence just set: its people, and the cover if it is on already."""

    absence: AbsenceDTO
    user: UserDTO
    deputy: UserDTO
    cover: Cover | None


def _staff(actor: Actor) -> UserDTO:
    if actor.user is None or not actor.role.is_staff:
        raise NotAllowed("absence")
    return actor.user


def manages_others(actor: Actor) -> bool:
    return actor.role in MANAGES_OTHERS


async def who_may_be_away(uow: UnitOfWork, actor: Actor) -> list[UserDTO]:
    """Whose absence this actor may set: his own; the head of sales and admins, anyone's on
    the team."""
    me = _staff(actor)
    if not manages_others(actor):
        return [me]
    return [user for user in await uow.users.staff() if user.role is not Role.ADMIN or user == me]


async def deputies_for(uow: UnitOfWork, actor: Actor, user_id: int) -> list[UserDTO]:
    """Who may cover for him: the rest of the team (specialists and heads of sales)."""
    user = await person(uow, actor, user_id)
    return [
        other
        for other in await uow.users.staff()
        if other.id != user.id and other.role in (Role.SPECIALIST, Role.HEAD)
    ]


async def person(uow: UnitOfWork, actor: Actor, user_id: int) -> UserDTO:
    """The one to be away, if this actor may set his absence; NotAllowed otherwise."""
    me = _staff(actor)
    if user_id == me.id:
        return me
    user = await uow.users.get(user_id)
    if user is None or not user.role.is_staff or not manages_others(actor):
        raise NotAllowed("absence")
    return user


def today(now: datetime, user: UserDTO) -> date:
    return now.astimezone(ZoneInfo(user.timezone)).date()


def check_days(first: date, last: date, today_: date) -> None:
    if first < today_:
        raise AbsenceRejected(AbsenceProblem.PAST_DAY)
    if last < first:
        raise AbsenceRejected(AbsenceProblem.ENDS_BEFORE_START)
    if (last - first).days + 1 > MAX_DAYS:
        raise AbsenceRejected(AbsenceProblem.TOO_LONG)


async def plan(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    *,
    user_id: int,
    first_day: date,
    last_day: date,
    deputy_id: int,
) -> Planned:
    """Sets his absence from the start of `first_day` to the end of `last_day` in his time
    zone. One that has begun already (from today) is taken up at once."""
    user = await person(uow, actor, user_id)
    now = clock.now()
    check_days(first_day, last_day, today(now, user))
    if deputy_id == user.id:
        raise AbsenceRejected(AbsenceProblem.SELF_DEPUTY)
    deputy = await uow.users.get(deputy_id)
    if deputy is None or deputy.role not in (Role.SPECIALIST, Role.HEAD):
        raise NotAllowed("deputy")
    starts_at = at_local(first_day, MIDNIGHT, user.timezone)
    ends_at = at_local(last_day + timedelta(days=1), MIDNIGHT, user.timezone)
    if await uow.absences.overlapping(user.id, starts_at, ends_at):
        raise AbsenceRejected(AbsenceProblem.OVERLAP)
    if await uow.absences.overlapping(deputy.id, starts_at, ends_at):
        raise AbsenceRejected(AbsenceProblem.DEPUTY_AWAY)
    if await uow.absences.overlapping(user.id, starts_at, ends_at, as_deputy=True):
        # His colleague's clients would reach nobody: the cover goes one step, not two.
        raise AbsenceRejected(AbsenceProblem.COVERING)
    on = starts_at <= now
    absence = await uow.absences.add(
        user_id=user.id,
        deputy_id=deputy.id,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=_staff(actor).id,
        created_at=now,
        started_at=now if on else None,
    )
    await _audit(uow, actor, "absence.set", absence, now)
    cover = await _take_up(uow, absence, user, deputy, now) if on else None
    return Planned(absence, user, deputy, cover)


async def ahead(uow: UnitOfWork, actor: Actor, clock: Clock, user_id: int) -> list[AbsenceDTO]:
    """His absences on now or still to come."""
    user = await person(uow, actor, user_id)
    return await uow.absences.ahead_of(user.id, clock.now())


async def end(uow: UnitOfWork, actor: Actor, clock: Clock, absence_id: int) -> HandBack | None:
    """He is back early, or the absence will not happen: one still ahead is cancelled (None);
    one on now ends at once and its cover is given back (the hand-back)."""
    absence = await uow.absences.get(absence_id)
    if absence is None:
        raise NotAllowed("absence")
    await person(uow, actor, absence.user_id)  # he may end it
    now = clock.now()
    if absence.cancelled_at is not None or absence.ends_at <= now:
        raise NotAllowed("absence")  # over already: the button is stale
    await _audit(uow, actor, "absence.ended", absence, now)
    if absence.starts_at > now:
        await uow.absences.set(absence.id, cancelled_at=now)
        return None
    absence = await uow.absences.set(
        absence.id, ends_at=now, started_at=absence.started_at or now, handed_back_at=now
    )
    user, deputy = await _people(uow, absence)
    return await _give_back(uow, absence, user, deputy, now)


async def starting(uow: UnitOfWork, clock: Clock) -> list[Cover]:
    """The absences whose first day has come: their cover taken up, once."""
    now = clock.now()
    covers = []
    for absence in await uow.absences.claim_starts(now, BATCH):
        user, deputy = await _people(uow, absence)
        covers.append(await _take_up(uow, absence, user, deputy, now))
    return covers


async def ending(uow: UnitOfWork, clock: Clock) -> list[HandBack]:
    """The absences whose last day is over: their cover given back, once."""
    now = clock.now()
    hand_backs = []
    for absence in await uow.absences.claim_ends(now, BATCH):
        user, deputy = await _people(uow, absence)
        hand_backs.append(await _give_back(uow, absence, user, deputy, now))
    return hand_backs


async def stand_ins(uow: UnitOfWork, clock: Clock, user_ids: Iterable[int]) -> dict[int, UserDTO]:
    """For each of `user_ids` away right now, the deputy who gets what was meant for him."""
    deputies = await uow.absences.deputies(user_ids, clock.now())
    people = await uow.users.many(deputies.values())
    return {user_id: people[deputy] for user_id, deputy in deputies.items() if deputy in people}


async def _people(uow: UnitOfWork, absence: AbsenceDTO) -> tuple[UserDTO, UserDTO]:
    people = await uow.users.many((absence.user_id, absence.deputy_id))
    return people[absence.user_id], people[absence.deputy_id]


async def _take_up(
    uow: UnitOfWork, absence: AbsenceDTO, user: UserDTO, deputy: UserDTO, now: datetime
) -> Cover:
    moved = await uow.absences.take_over(absence)
    for request_id in moved:
        await uow.requests.add_event(request_id, actor_id=None, action="cover.taken", now=now)
    return Cover(absence, user, deputy, moved)


async def _give_back(
    uow: UnitOfWork, absence: AbsenceDTO, user: UserDTO, deputy: UserDTO, now: datetime
) -> HandBack:
    returned = await uow.absences.hand_back(absence)
    for request_id in returned:
        await uow.requests.add_event(request_id, actor_id=None, action="cover.returned", now=now)
    since, until = absence.starts_at, absence.ends_at
    return HandBack(
        absence,
        user,
        deputy,
        returned,
        requests=await uow.absences.covered_requests(absence.id),
        messages=await uow.absences.client_messages(absence.id, since, until),
        reminders=await uow.absences.reminders_sent(user.id, since, until),
        entries=await uow.absences.entries_by(deputy.id, user.id, since, until),
    )


async def _audit(
    uow: UnitOfWork, actor: Actor, action: str, absence: AbsenceDTO, now: datetime
) -> None:
    await uow.audit.add(
        actor_id=actor.user_id,
        action=action,
        entity="absence",
        entity_id=absence.id,
        now=now,
        details={"user": absence.user_id, "deputy": absence.deputy_id},
    )
