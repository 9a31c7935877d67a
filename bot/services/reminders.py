"""Reminders a staff member sets for himself, maybe about a client: when they are due, who
gets them, and what happens after (Done, Snooze, the next time of a repeating one).

Times are stored in UTC and computed in the owner's time zone, so "every day at 09:00"
stays at 09:00 across a change of daylight saving time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access
from bot.services.errors import NotAllowed, ReminderProblem, ReminderRejected
from bot.services.when import parse_when
from bot.storage.dto import ClientDTO, DealDTO, ReminderDTO, UserDTO
from bot.storage.enums import Recurrence, ReminderOrigin, ReminderStatus
from bot.storage.uow import UnitOfWork

MAX_TEXT = 1000
MAX_AHEAD = timedelta(days=366 * 2)
# A time a minute ago is still "now": the person was typing while the clock moved on.
GRACE = timedelta(minutes=1)
# A claim not reported on for this long belongs to a sender that died; another takes over.
LEASE = timedelta(minutes=2)
# Delivered this much after its time, a reminder says it is late (the bot was down).
LATE_AFTER = timedelta(minutes=1)
MORNING = time(9, 0)
PAGE = 10
# A time said in words takes at most this many: "в следующий понедельник в 9 утра".
MAX_WHEN_WORDS = 6


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder claimed for delivery, with whom it goes to and the client it is about."""

    reminder: ReminderDTO
    owner: UserDTO
    client: ClientDTO | None
    late: bool
    deal: DealDTO | None = None


async def create(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    *,
    text: str,
    due_at: datetime,
    client_id: int | None = None,
    recurrence: Recurrence = Recurrence.ONCE,
) -> ReminderDTO:
    """A new reminder of the actor's; the client, if any, must be one he may see."""
    owner_id = access.require_staff(actor)
    text = text.strip()
    if not text:
        raise ReminderRejected(ReminderProblem.EMPTY)
    if len(text) > MAX_TEXT:
        raise ReminderRejected(ReminderProblem.TOO_LONG)
    check_time(due_at, clock.now())
    if client_id is not None:
        await access.client_for(uow, actor, client_id)
    return await uow.reminders.add(
        owner_id=owner_id,
        client_id=client_id,
        text=text,
        due_at=due_at,
        recurrence=recurrence,
        now=clock.now(),
    )


def check_time(due_at: datetime, now: datetime) -> None:
    """Refuses a time already past or absurdly far ahead."""
    if due_at < now - GRACE:
        raise ReminderRejected(ReminderProblem.PAST_TIME)
    if due_at > now + MAX_AHEAD:
        raise ReminderRejected(ReminderProblem.TOO_FAR)


async def follow_next_step(uow: UnitOfWork, clock: Clock, client: ClientDTO) -> None:
    """Keeps one reminder on the client's next step: at its day and time, for the client's
    owner. A changed next step replaces it, a removed one or one whose time is already past
    leaves none (the card still shows it)."""
    now = clock.now()
    await uow.reminders.cancel_following(client.id, now=now)
    await _follow(uow, now, client.owner_id, client.id, client.next_step, client.next_step_at)


async def follow_deal_next_step(uow: UnitOfWork, clock: Clock, deal: DealDTO) -> None:
    """Keeps one reminder on an open deal's next step, for the deal's owner, as for a
    client's next step. A won or lost deal has none: there is no next step to remind of
    (reopening the deal brings it back while its time is still ahead)."""
    now = clock.now()
    await uow.reminders.cancel_following_deal(deal.id, now=now)
    if deal.stage.is_open:
        await _follow(
            uow, now, deal.owner_id, deal.client_id, deal.next_step, deal.next_step_at, deal.id
        )


async def follow_deals_of(uow: UnitOfWork, clock: Clock, client_id: int) -> None:
    """The client's open deals went to another owner: their next steps' reminders follow."""
    for deal in await uow.deals.of_client(client_id):
        if deal.stage.is_open:
            await follow_deal_next_step(uow, clock, deal)


async def _follow(
    uow: UnitOfWork,
    now: datetime,
    owner_id: int | None,
    client_id: int,
    step: str | None,
    due_at: datetime | None,
    deal_id: int | None = None,
) -> None:
    """The reminder of a next step, unless it has no owner, no text, no time, or a time
    already past or absurdly far ahead."""
    text = (step or "").strip()
    if owner_id is None or due_at is None or not text or due_at <= now:
        return
    if due_at > now + MAX_AHEAD:
        return
    await uow.reminders.add(
        owner_id=owner_id,
        client_id=client_id,
        text=text[:MAX_TEXT],
        due_at=due_at,
        recurrence=Recurrence.ONCE,
        now=now,
        origin=ReminderOrigin.NEXT_STEP,
        deal_id=deal_id,
    )


def split_when(text: str, *, now: datetime, tz: str, locale: str) -> tuple[datetime | None, str]:
    """A "/remind" line read as a time and what to remind of: "завтра в 10 позвонить Ивану"
    or "call Ivan tomorrow 3pm". The longest run of leading (or else trailing) words that
    reads as a time wins; (None, the whole text) when none does."""
    words = text.split()
    for size in range(min(len(words) - 1, MAX_WHEN_WORDS), 0, -1):
        for when, rest in (
            (words[:size], words[size:]),
            (words[-size:], words[:-size]),
        ):
            moment = parse_when(" ".join(when), now=now, tz=tz, locale=locale)
            if moment is not None:
                return moment, " ".join(rest)
    return None, " ".join(words)


async def mine(uow: UnitOfWork, actor: Actor, reminder_id: int) -> ReminderDTO:
    """His reminder, or one of a colleague he covers for; anyone else's, or a missing one,
    is NotAllowed alike."""
    owner_id = access.require_staff(actor)
    reminder = await uow.reminders.get(reminder_id)
    if reminder is None or (
        reminder.owner_id != owner_id and reminder.owner_id not in actor.covers
    ):
        raise NotAllowed("reminder")
    return reminder


async def done(uow: UnitOfWork, actor: Actor, clock: Clock, reminder_id: int) -> ReminderDTO:
    """Marks it done; a repeating one only skips to its next time (it was moved on at
    delivery), so Done on it leaves the series alone."""
    reminder = await mine(uow, actor, reminder_id)
    if reminder.recurrence is Recurrence.ONCE and reminder.status is not ReminderStatus.DONE:
        await uow.reminders.set_status(reminder.id, ReminderStatus.DONE, now=clock.now())
    return await _fresh(uow, reminder.id)


async def cancel(uow: UnitOfWork, actor: Actor, clock: Clock, reminder_id: int) -> ReminderDTO:
    """Deletes it from his list, the whole series for a repeating one."""
    reminder = await mine(uow, actor, reminder_id)
    await uow.reminders.set_status(reminder.id, ReminderStatus.CANCELLED, now=clock.now())
    return await _fresh(uow, reminder.id)


async def snooze(
    uow: UnitOfWork, actor: Actor, clock: Clock, reminder_id: int, until: datetime
) -> ReminderDTO:
    """Brings it back at `until`. A repeating one gets a one-off copy at `until` and keeps
    its series; a one-off moves."""
    reminder = await mine(uow, actor, reminder_id)
    now = clock.now()
    check_time(until, now)
    if reminder.recurrence is Recurrence.ONCE:
        await uow.reminders.reschedule(reminder.id, until, now=now)
        return await _fresh(uow, reminder.id)
    return await uow.reminders.add(
        owner_id=reminder.owner_id,
        client_id=reminder.client_id,
        text=reminder.text,
        due_at=until,
        recurrence=Recurrence.ONCE,
        now=now,
    )


async def active(uow: UnitOfWork, actor: Actor, page: int) -> tuple[list[ReminderDTO], int]:
    """A page of his reminders still ahead or unanswered, soonest first, and their count."""
    owner_id = access.require_staff(actor)
    items = await uow.reminders.active_of(owner_id, offset=page * PAGE, limit=PAGE)
    return items, await uow.reminders.count_active(owner_id)


async def claim_due(uow: UnitOfWork, clock: Clock, *, limit: int = 100) -> list[Due]:
    """Reminders whose time has come, claimed for this sender, with their recipients.

    The claim is committed before anything is sent: a reminder goes out once even when
    several schedulers run. One whose sender died mid-way is claimed again after LEASE."""
    now = clock.now()
    claimed = await uow.reminders.claim_due(now, stale_before=now - LEASE, limit=limit)
    # Their owners and clients in two queries: a big batch must not stall the event loop
    # (and with it the sender) with one query per reminder.
    owners = await uow.users.many(reminder.owner_id for reminder in claimed)
    about = {
        client.id: client
        for client in await uow.clients.many(r.client_id for r in claimed if r.client_id)
    }
    due = []
    for reminder in claimed:
        owner = owners.get(reminder.owner_id)
        if owner is None or not owner.role.is_staff:
            # He left the team: nobody is left to remind.
            await uow.reminders.set_status(reminder.id, ReminderStatus.CANCELLED, now=now)
            continue
        client = about.get(reminder.client_id) if reminder.client_id else None
        deal = await uow.deals.get(reminder.deal_id) if reminder.deal_id else None
        if not _still_holds(reminder, client, deal):
            await uow.reminders.set_status(reminder.id, ReminderStatus.CANCELLED, now=now)
            continue
        late = now - reminder.due_at > LATE_AFTER
        due.append(Due(reminder, owner, client, late, deal))
    return due


async def delivered(uow: UnitOfWork, clock: Clock, due: Due, message_id: int | None) -> None:
    """It went out: a one-off waits for Done, a repeating one is set to its next time."""
    now = clock.now()
    reminder = due.reminder
    following = next_time(reminder.due_at, reminder.recurrence, due.owner.timezone, after=now)
    await uow.reminders.delivered(
        reminder.id, now=now, message_id=message_id, late=due.late, next_due=following
    )


async def undelivered(uow: UnitOfWork, clock: Clock, due: Due, *, unreachable: bool) -> None:
    """It could not go out. To someone who blocked the bot it is treated as delivered (it
    stays in his list, and a repeating one moves on) instead of being retried for ever;
    otherwise it is pending again for the next pass."""
    if unreachable:
        await delivered(uow, clock, due, None)
    else:
        await uow.reminders.release(due.reminder.id, now=clock.now())


def _still_holds(reminder: ReminderDTO, client: ClientDTO | None, deal: DealDTO | None) -> bool:
    """Whether a nudge still says something true when its time comes."""
    if reminder.origin is ReminderOrigin.NO_CONTACT:
        return _still_silent(reminder, client)
    if reminder.origin is ReminderOrigin.DEAL_STUCK:
        return _still_stuck(reminder, deal)
    if reminder.origin is ReminderOrigin.NEXT_STEP and reminder.deal_id is not None:
        # A deal's next step is cancelled when it is won or lost; this catches any other way.
        return deal is not None and deal.stage.is_open
    return True


def _still_silent(reminder: ReminderDTO, client: ClientDTO | None) -> bool:
    """A "no contact" nudge still holds: the client is his owner's and nobody has been in
    contact with him since the nudge was made."""
    if client is None or client.owner_id != reminder.owner_id:
        return False
    return client.last_contact_at is None or client.last_contact_at < reminder.created_at


def _still_stuck(reminder: ReminderDTO, deal: DealDTO | None) -> bool:
    """A "stuck deal" nudge still holds: the deal is open, his, and in the same stage."""
    if deal is None or not deal.stage.is_open or deal.owner_id != reminder.owner_id:
        return False
    return deal.stage_changed_at < reminder.created_at


def next_time(
    due_at: datetime, recurrence: Recurrence, timezone: str, *, after: datetime
) -> datetime | None:
    """The first time of the series after `after`, at the same local time of day; None for
    a one-off. Times missed while the bot was down are skipped, not delivered in a burst."""
    if recurrence is Recurrence.ONCE:
        return None
    zone = ZoneInfo(timezone)
    local = due_at.astimezone(zone)
    day, at = local.date(), local.timetz().replace(tzinfo=None)
    anchor = day.day
    while True:
        day = _step(day, recurrence, anchor)
        moment = datetime.combine(day, at, tzinfo=zone).astimezone(due_at.tzinfo)
        if moment > after:
            return moment


def _step(day: date, recurrence: Recurrence, anchor: int) -> date:
    if recurrence is Recurrence.DAILY:
        return day + timedelta(days=1)
    if recurrence is Recurrence.WEEKLY:
        return day + timedelta(days=7)
    if recurrence is Recurrence.WORKDAYS:
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day
    # Monthly on the same day, or the month's last day when it is shorter (31 → 30 → 31).
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(anchor, calendar.monthrange(year, month)[1]))


def at_local(day: date, at: time, timezone: str) -> datetime:
    """That day and time in the person's zone, as an aware datetime in UTC."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))


def tomorrow_morning(now: datetime, timezone: str) -> datetime:
    today = now.astimezone(ZoneInfo(timezone)).date()
    return at_local(today + timedelta(days=1), MORNING, timezone)


def next_monday_morning(now: datetime, timezone: str) -> datetime:
    today = now.astimezone(ZoneInfo(timezone)).date()
    return at_local(today + timedelta(days=7 - today.weekday()), MORNING, timezone)


async def _fresh(uow: UnitOfWork, reminder_id: int) -> ReminderDTO:
    reminder = await uow.reminders.get(reminder_id)
    assert reminder is not None
    return reminder
