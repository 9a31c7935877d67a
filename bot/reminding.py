"""Delivering reminders whose time has come: claimed in the database, rendered in the
owner's language and time zone, sent through the outbound sender, then marked.

Each claim is committed before its message is queued, and each outcome in its own small
transaction right after the message went out: a reminder is sent once, and a process that
dies mid-way leaves only the claims in flight, which the next pass takes over after a lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from aiogram.methods import SendMessage

from bot.keyboards import reminders as kb
from bot.outbound import Outcome
from bot.render import absences as render_absence
from bot.render import digest as render_digest
from bot.render import reminders as render
from bot.render.cards import Reader
from bot.services import absences, digest, nudges, reminders
from bot.services.reminders import Due
from bot.storage.dto import UserDTO
from bot.storage.uow import UnitOfWork
from bot.timed import TimedJob

logger = logging.getLogger(__name__)

BATCH = 500  # reminders claimed at a time
LOW_WATER = 150  # unsent ones left when the next batch is claimed
RENDER_SLICE = 10  # messages rendered between two turns of the event loop


@dataclass
class ReminderDelivery(TimedJob):
    """Reminders, and the nudges and digests that travel the same way."""

    no_contact_days: Mapping[str, int]
    deal_stuck_days: Mapping[str, int]
    _closed: bool = field(default=False, init=False)
    _passes: set[asyncio.Task[int]] = field(default_factory=set, init=False)

    async def run_once(self) -> int:
        """Sends every reminder due now; returns how many were delivered."""
        if self._closed:
            return 0
        task = asyncio.ensure_future(self._pass())
        self._passes.add(task)
        task.add_done_callback(self._passes.discard)
        try:
            # Shielded: a scheduler shutting down cancels its running job, and the pass
            # must still mark what it sent. close() waits for it instead.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if self._closed:
                return 0
            raise

    async def plan_nudges(self) -> int:
        """Makes the nudges due now (silent clients, stuck deals); the next pass sends them."""
        if self._closed:
            return 0
        async with self.sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            made = await nudges.plan_no_contact(uow, self.clock, self.no_contact_days)
            return made + await nudges.plan_stuck_deals(uow, self.clock, self.deal_stuck_days)

    async def send_digests(self) -> int:
        """Sends the morning digests whose time has come; returns how many went out."""
        if self._closed:
            return 0
        async with self.sessionmaker() as session, session.begin():
            due = await digest.due_digests(UnitOfWork(session), self.clock, self.no_contact_days)
        results = await asyncio.gather(*(self.sender.send(self._digest(item)) for item in due))
        return sum(result.delivered for result in results)

    def _digest(self, item: digest.Digest) -> SendMessage:
        user = item.user
        with self.i18n.context(), self.i18n.use_locale(user.locale):
            text = render_digest.digest(item, Reader.of(user), self.clock.now())
        return SendMessage(chat_id=user.telegram_id, text=text)

    async def close(self, timeout: float) -> None:
        """No new passes; the one running may finish within `timeout` (its sends still go
        through the sender, which stops after this). What it leaves is owed, not lost."""
        self._closed = True
        if self._passes:
            await asyncio.wait(set(self._passes), timeout=timeout)

    async def _pass(self) -> int:
        """Claims due reminders a batch at a time and hands each to the sender as its own
        task. The next batch is claimed while the sender still has LOW_WATER of this one to
        send, so it never stands idle between batches (a fan-out of thousands due in one
        minute goes out at the full rate); at most BATCH + LOW_WATER are claimed and unsent,
        far less than the lease's worth of sending."""
        delivered = 0
        sending: set[asyncio.Task[bool]] = set()
        try:
            while not self._closed:
                async with self.sessionmaker() as session, session.begin():
                    uow = UnitOfWork(session)
                    due = await reminders.claim_due(uow, self.clock, limit=BATCH)
                    # Someone away: his deputy gets them, marked as covering for him.
                    owners = {item.owner.id for item in due}
                    deputies = await absences.stand_ins(uow, self.clock, owners)
                for index, item in enumerate(due, start=1):
                    sending.add(
                        asyncio.ensure_future(self._deliver(item, deputies.get(item.owner.id)))
                    )
                    if index % RENDER_SLICE == 0:
                        # Each task renders its message as it starts: a batch's worth at
                        # once would hold the event loop, and the sender on it, for a
                        # quarter of a second. A slice at a time lets the sender in between.
                        await asyncio.sleep(0)
                if len(due) < BATCH:
                    break
                while len(sending) > LOW_WATER:
                    done, sending = await asyncio.wait(sending, return_when=asyncio.FIRST_COMPLETED)
                    delivered += sum(task.result() for task in done)
        finally:
            if sending:
                delivered += sum(await asyncio.gather(*sending))
        return delivered

    async def _deliver(self, due: Due, deputy: UserDTO | None) -> bool:
        if (deputy or due.owner).unreachable_at is not None:
            # He blocked the bot: it stays in his list, and he sees it when he is back.
            async with self.sessionmaker() as session, session.begin():
                await reminders.delivered(UnitOfWork(session), self.clock, due, None)
            return False
        result = await self.sender.send(self._message(due, deputy))
        async with self.sessionmaker() as session, session.begin():
            uow = UnitOfWork(session)
            if result.outcome is Outcome.NOT_SENT:
                # It never reached Telegram: pending again for the next pass.
                await reminders.undelivered(uow, self.clock, due, unreachable=False)
                return False
            if not result.delivered:
                # Refused by Telegram, or perhaps delivered (UNCERTAIN): never sent twice.
                logger.warning("Reminder %s: %s", due.reminder.id, result.outcome)
            await reminders.delivered(uow, self.clock, due, result.message_id)
        return result.delivered

    def _message(self, due: Due, deputy: UserDTO | None) -> SendMessage:
        reader = deputy or due.owner
        with self.i18n.context(), self.i18n.use_locale(reader.locale):
            text = render.reminder(due, Reader.of(reader), now=self.clock.now())
            if deputy is not None:
                text = render_absence.covering_for(due.owner) + "\n" + text
            markup = kb.reminder(due.reminder)
        return SendMessage(chat_id=reader.telegram_id, text=text, reply_markup=markup)
