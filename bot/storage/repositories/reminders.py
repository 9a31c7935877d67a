"""Reminders: stored until their time, claimed by one sender, moved on when they repeat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import ReminderDTO
from bot.storage.enums import ClientStatus, Recurrence, ReminderOrigin, ReminderStatus
from bot.storage.models import Client, Deal, Reminder
from bot.storage.repositories.rows import from_row

# Clients whose silence is worth a nudge: not the inactive or lost ones.
WORKED_ON = (ClientStatus.LEAD.value, ClientStatus.PROSPECT.value, ClientStatus.ACTIVE.value)
# Reminders a person still has ahead or has not answered yet.
ACTIVE = (ReminderStatus.PENDING.value, ReminderStatus.SENDING.value, ReminderStatus.SENT.value)


def to_dto(row: Reminder) -> ReminderDTO:
    return from_row(
        ReminderDTO,
        row,
        recurrence=Recurrence(row.recurrence),
        status=ReminderStatus(row.status),
        origin=ReminderOrigin(row.origin),
    )


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        owner_id: int,
        client_id: int | None,
        text: str,
        due_at: datetime,
        recurrence: Recurrence,
        now: datetime,
        origin: ReminderOrigin = ReminderOrigin.MANUAL,
        deal_id: int | None = None,
    ) -> ReminderDTO:
        row = Reminder(
            origin=origin.value,
            deal_id=deal_id,
            owner_id=owner_id,
            client_id=client_id,
            text=text,
            due_at=due_at,
            recurrence=recurrence.value,
            status=ReminderStatus.PENDING.value,
            late=False,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def get(self, reminder_id: int) -> ReminderDTO | None:
        row = await self._session.get(Reminder, reminder_id, populate_existing=True)
        return to_dto(row) if row else None

    async def claim_due(
        self, now: datetime, *, stale_before: datetime, limit: int
    ) -> list[ReminderDTO]:
        """Takes up to `limit` reminders whose time has come, for this sender alone: pending
        ones, and ones another sender claimed before `stale_before` and never reported on
        (it died mid-way). The guarded UPDATE is what makes the claim exclusive: a second
        sender running the same statement finds the rows no longer pending."""
        claimable = or_(
            Reminder.status == ReminderStatus.PENDING.value,
            and_(
                Reminder.status == ReminderStatus.SENDING.value,
                Reminder.claimed_at < stale_before,
            ),
        )
        candidates = (
            select(Reminder.id)
            .where(Reminder.due_at <= now, claimable)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
            .scalar_subquery()
        )
        # Plain rows, not ORM entities: a batch of hundreds is read in a fraction of the
        # time, and the event loop (with the sender on it) is not held up meanwhile.
        result = await self._session.execute(
            update(Reminder)
            .where(Reminder.id.in_(candidates), claimable)
            .values(status=ReminderStatus.SENDING.value, claimed_at=now, updated_at=now)
            .returning(*Reminder.__table__.columns)
            .execution_options(synchronize_session=False)
        )
        rows = sorted(result.all(), key=lambda row: (row.due_at, row.id))
        return [to_dto(row) for row in rows]  # type: ignore[arg-type]

    async def delivered(
        self,
        reminder_id: int,
        *,
        now: datetime,
        message_id: int | None,
        late: bool,
        next_due: datetime | None,
    ) -> None:
        """After it went out: a one-off waits for Done; a recurring one is pending again
        at `next_due`."""
        values: dict[str, object] = {
            "sent_at": now,
            "message_id": message_id,
            "late": late,
            "claimed_at": None,
            "updated_at": now,
        }
        if next_due is None:
            values["status"] = ReminderStatus.SENT.value
        else:
            values.update(status=ReminderStatus.PENDING.value, due_at=next_due)
        await self._session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def release(self, reminder_id: int, *, now: datetime) -> None:
        """A claim given back unsent (Telegram failed): the next pass tries again."""
        await self._update(reminder_id, now, status=ReminderStatus.PENDING.value, claimed_at=None)

    async def set_status(self, reminder_id: int, status: ReminderStatus, *, now: datetime) -> None:
        await self._update(reminder_id, now, status=status.value, claimed_at=None)

    async def reschedule(self, reminder_id: int, due_at: datetime, *, now: datetime) -> None:
        """Pending again at a new time (a snooze or an edit)."""
        await self._update(
            reminder_id,
            now,
            status=ReminderStatus.PENDING.value,
            due_at=due_at,
            claimed_at=None,
            late=False,
        )

    async def active_of(self, owner_id: int, *, offset: int, limit: int) -> list[ReminderDTO]:
        """His reminders still ahead or unanswered, soonest first."""
        rows = await self._session.scalars(
            select(Reminder)
            .where(Reminder.owner_id == owner_id, Reminder.status.in_(ACTIVE))
            .order_by(Reminder.due_at, Reminder.id)
            .offset(offset)
            .limit(limit)
        )
        return [to_dto(row) for row in rows]

    async def count_active(self, owner_id: int) -> int:
        return (
            await self._session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.owner_id == owner_id, Reminder.status.in_(ACTIVE))
            )
            or 0
        )

    async def of_client(self, client_id: int, owner_ids: Sequence[int]) -> list[ReminderDTO]:
        """Active reminders about a client set by these people, soonest first."""
        rows = await self._session.scalars(
            select(Reminder)
            .where(
                Reminder.client_id == client_id,
                Reminder.owner_id.in_(list(owner_ids)),
                Reminder.status.in_(ACTIVE),
            )
            .order_by(Reminder.due_at, Reminder.id)
        )
        return [to_dto(row) for row in rows]

    async def cancel_following(self, client_id: int, *, now: datetime) -> None:
        """Cancels the client's reminders that follow his card's next step (those that
        follow one of his deals' next steps are the deal's)."""
        await self._cancel_next_steps(
            now, Reminder.client_id == client_id, Reminder.deal_id.is_(None)
        )

    async def cancel_following_deal(self, deal_id: int, *, now: datetime) -> None:
        """Cancels the reminders that follow the deal's next step."""
        await self._cancel_next_steps(now, Reminder.deal_id == deal_id)

    async def _cancel_next_steps(self, now: datetime, *which: ColumnElement[bool]) -> None:
        await self._session.execute(
            update(Reminder)
            .where(
                *which,
                Reminder.origin == ReminderOrigin.NEXT_STEP.value,
                Reminder.status.in_(ACTIVE),
            )
            .values(status=ReminderStatus.CANCELLED.value, claimed_at=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )

    async def silent_clients(
        self, silent_before: dict[str, datetime], *, limit: int
    ) -> list[tuple[int, int, datetime]]:
        """(client id, owner id, contact basis) of clients still worked on (lead, prospect,
        active) with an owner, silent since before their segment's moment in `silent_before`
        (no contact yet counts from the card's creation), and not yet nudged about since
        that basis; the longest silent first."""
        basis = _contact_basis()
        nudged = (
            select(Reminder.id)
            .where(
                Reminder.client_id == Client.id,
                Reminder.origin == ReminderOrigin.NO_CONTACT.value,
                Reminder.created_at > basis,
            )
            .exists()
        )
        rows = await self._session.execute(
            select(Client.id, Client.owner_id, basis)
            .where(
                Client.owner_id.is_not(None),
                Client.status.in_(WORKED_ON),
                _silent(silent_before),
                ~nudged,
            )
            .order_by(basis, Client.id)
            .limit(limit)
        )
        return [(client_id, owner_id, at) for client_id, owner_id, at in rows.all()]

    async def due_between(self, owner_id: int, start: datetime, end: datetime) -> list[ReminderDTO]:
        """His reminders still to come between `start` and `end`, soonest first."""
        rows = await self._session.scalars(
            select(Reminder)
            .where(
                Reminder.owner_id == owner_id,
                Reminder.status == ReminderStatus.PENDING.value,
                Reminder.due_at >= start,
                Reminder.due_at < end,
            )
            .order_by(Reminder.due_at, Reminder.id)
        )
        return [to_dto(row) for row in rows]

    async def unanswered_before(self, owner_id: int, before: datetime) -> list[ReminderDTO]:
        """His reminders delivered before `before` and neither done nor snoozed."""
        rows = await self._session.scalars(
            select(Reminder)
            .where(
                Reminder.owner_id == owner_id,
                Reminder.status == ReminderStatus.SENT.value,
                Reminder.due_at < before,
            )
            .order_by(Reminder.due_at, Reminder.id)
        )
        return [to_dto(row) for row in rows]

    async def count_silent(self, owner_id: int, silent_before: dict[str, datetime]) -> int:
        """His clients still worked on and silent longer than their segment allows."""
        return (
            await self._session.scalar(
                select(func.count())
                .select_from(Client)
                .where(
                    Client.owner_id == owner_id,
                    Client.status.in_(WORKED_ON),
                    _silent(silent_before),
                )
            )
            or 0
        )

    async def stuck_deals(
        self, stuck_before: dict[str, datetime], *, limit: int
    ) -> list[tuple[int, int, int]]:
        """(deal id, client id, owner id) of open deals in a stage since before that stage's
        moment in `stuck_before`, not yet nudged about since they entered it."""
        nudged = (
            select(Reminder.id)
            .where(
                Reminder.deal_id == Deal.id,
                Reminder.origin == ReminderOrigin.DEAL_STUCK.value,
                Reminder.created_at > Deal.stage_changed_at,
            )
            .exists()
        )
        stuck = or_(
            *(
                and_(Deal.stage == stage, Deal.stage_changed_at < moment)
                for stage, moment in stuck_before.items()
            )
        )
        rows = await self._session.execute(
            select(Deal.id, Deal.client_id, Deal.owner_id)
            .where(Deal.owner_id.is_not(None), stuck, ~nudged)
            .order_by(Deal.stage_changed_at, Deal.id)
            .limit(limit)
        )
        return [(deal_id, client_id, owner_id) for deal_id, client_id, owner_id in rows.all()]

    async def count_created_since(
        self, owner_id: int, origin: ReminderOrigin, since: datetime
    ) -> int:
        return (
            await self._session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(
                    Reminder.owner_id == owner_id,
                    Reminder.origin == origin.value,
                    Reminder.created_at > since,
                )
            )
            or 0
        )

    async def _update(self, reminder_id: int, now: datetime, **values: object) -> None:
        await self._session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(**values, updated_at=now)
            .execution_options(synchronize_session=False)
        )


def _contact_basis():  # type: ignore[no-untyped-def]
    """Since when a client is silent: his last contact, or his card's creation."""
    return func.coalesce(Client.last_contact_at, Client.created_at)


def _silent(silent_before: dict[str, datetime]):  # type: ignore[no-untyped-def]
    """Clients silent since before their segment's moment in `silent_before`."""
    basis = _contact_basis()
    return or_(
        *(
            and_(Client.segment == segment, basis < moment)
            for segment, moment in silent_before.items()
        )
    )
