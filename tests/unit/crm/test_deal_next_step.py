"""A deal's next step: set with a day it becomes one reminder for the deal's owner at 09:00
of that day, changed it is replaced, cleared or the deal won or lost it is gone; it lives
beside the client card's own next step; another specialist's deal stays closed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.services import reminders
from bot.services.actors import Actor
from bot.services.crm import clients, deals
from bot.services.crm.clients import LeadDraft
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.dto import ReminderDTO
from bot.storage.enums import DealStage, ReminderOrigin, ReminderStatus, Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.crm.test_deals import deal_entries, draft, staff

# FakeClock starts on Friday 27 November 2026, 12:00 in Moscow (UTC+3).
MONDAY = date(2026, 11, 30)
MONDAY_NINE = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
TUESDAY = date(2026, 12, 1)
TUESDAY_NINE = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def pumps(uow: UnitOfWork, clock: FakeClock, anna: Actor) -> int:
    """Anna's deal with her lead Ivan."""
    ivan = await clients.create(uow, anna, clock, LeadDraft("Иван Петров", company="Ромашка"))
    return (await deals.create(uow, anna, clock, ivan.id, draft("Pumps"))).id


async def active(uow: UnitOfWork, actor: Actor) -> list[ReminderDTO]:
    return await uow.reminders.active_of(actor.user_id or 0, offset=0, limit=50)


async def status_of(uow: UnitOfWork, reminder: ReminderDTO) -> ReminderStatus:
    stored = await uow.reminders.get(reminder.id)
    assert stored is not None
    return stored.status


async def test_a_next_step_with_a_day_is_the_owners_reminder_at_nine_that_day(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int
) -> None:
    deal = await deals.set_next_step(uow, anna, clock, pumps, "  Send the offer  ", MONDAY)

    assert (deal.next_step, deal.next_step_at) == ("Send the offer", MONDAY_NINE)
    (reminder,) = await active(uow, anna)
    assert (
        reminder.origin,
        reminder.deal_id,
        reminder.client_id,
        reminder.text,
        reminder.due_at,
        reminder.status,
    ) == (
        ReminderOrigin.NEXT_STEP,
        pumps,
        deal.client_id,
        "Send the offer",
        MONDAY_NINE,
        ReminderStatus.PENDING,
    )
    edits = [e for e in await deal_entries(uow, deal.client_id) if e["event"] == "edited"]
    assert [(e["field"], e["from"], e["to"]) for e in edits] == [
        ("next_step", None, "Send the offer"),
        ("next_step_at", None, MONDAY_NINE.isoformat()),
    ]
    audit = [a.action for a in await uow.audit.for_entity("deal", pumps)]
    assert audit == ["deal_created", "deal_edited", "deal_edited"]


async def test_a_changed_next_step_replaces_its_reminder_and_a_cleared_one_cancels_it(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int
) -> None:
    await deals.set_next_step(uow, anna, clock, pumps, "Send the offer", MONDAY)
    (first,) = await active(uow, anna)

    await deals.set_next_step(uow, anna, clock, pumps, "Call about the offer", TUESDAY)

    (second,) = await active(uow, anna)
    assert (second.text, second.due_at, second.deal_id) == (
        "Call about the offer",
        TUESDAY_NINE,
        pumps,
    )
    assert await status_of(uow, first) is ReminderStatus.CANCELLED

    cleared = await deals.set_next_step(uow, anna, clock, pumps, None)

    assert (cleared.next_step, cleared.next_step_at) == (None, None)
    assert await active(uow, anna) == []
    assert await status_of(uow, second) is ReminderStatus.CANCELLED


async def test_a_next_step_without_a_day_or_set_again_unchanged_makes_no_reminder(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int
) -> None:
    await deals.set_next_step(uow, anna, clock, pumps, "Send the offer", MONDAY)
    (kept,) = await active(uow, anna)
    await deals.set_next_step(uow, anna, clock, pumps, "Send the offer", MONDAY)
    assert await active(uow, anna) == [kept]

    undated = await deals.set_next_step(uow, anna, clock, pumps, "Send the offer")

    assert (undated.next_step, undated.next_step_at) == ("Send the offer", None)
    assert await active(uow, anna) == []


@pytest.mark.parametrize("stage", [DealStage.WON, DealStage.LOST])
async def test_winning_or_losing_the_deal_cancels_its_reminder(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int, stage: DealStage
) -> None:
    await deals.set_next_step(uow, anna, clock, pumps, "Send the offer", MONDAY)
    await deals.move(uow, anna, clock, pumps, DealStage.PROPOSAL)
    (reminder,) = await active(uow, anna)  # a move between open stages keeps it

    await deals.move(uow, anna, clock, pumps, stage, reason="Too expensive")

    assert await active(uow, anna) == []
    assert await status_of(uow, reminder) is ReminderStatus.CANCELLED
    await deals.move(uow, anna, clock, pumps, DealStage.NEGOTIATION)  # reopened
    (back,) = await active(uow, anna)
    assert (back.deal_id, back.due_at) == (pumps, MONDAY_NINE)


async def test_another_specialists_deal_is_not_his_to_plan(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int
) -> None:
    boris = await staff(uow, clock, 2, Role.SPECIALIST)
    with pytest.raises(NotAllowed):
        await deals.set_next_step(uow, boris, clock, pumps, "Steal the deal", MONDAY)

    stored = await uow.deals.get(pumps)
    assert stored is not None and stored.next_step is None
    assert await active(uow, anna) == [] and await active(uow, boris) == []


@pytest.mark.parametrize(
    ("step", "day", "problem"),
    [
        ("Send the offer", date(2026, 11, 26), ClientProblem.PAST_DATE),
        ("x" * (deals.MAX_NEXT_STEP + 1), MONDAY, ClientProblem.TOO_LONG),
    ],
    ids=["a day gone by", "too long"],
)
async def test_a_next_step_that_cannot_be_kept_is_refused(
    uow: UnitOfWork,
    clock: FakeClock,
    anna: Actor,
    pumps: int,
    step: str,
    day: date,
    problem: ClientProblem,
) -> None:
    with pytest.raises(ClientRejected) as refused:
        await deals.set_next_step(uow, anna, clock, pumps, step, day)

    assert refused.value.problem is problem
    assert await active(uow, anna) == []


async def test_the_clients_own_next_step_and_the_deals_live_side_by_side(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int
) -> None:
    deal = await deals.set_next_step(uow, anna, clock, pumps, "Send the offer", MONDAY)

    await clients.update(
        uow, anna, clock, deal.client_id, next_step="Call Ivan", next_step_at=TUESDAY_NINE
    )
    await clients.update(uow, anna, clock, deal.client_id, next_step=None, next_step_at=None)

    (reminder,) = await active(uow, anna)
    assert (reminder.deal_id, reminder.text) == (pumps, "Send the offer")


async def test_a_client_handed_over_takes_his_deals_reminder_to_the_new_owner(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int
) -> None:
    boris = await staff(uow, clock, 2, Role.SPECIALIST)
    head = await staff(uow, clock, 3, Role.HEAD)
    deal = await deals.set_next_step(uow, anna, clock, pumps, "Send the offer", MONDAY)

    await clients.update(uow, head, clock, deal.client_id, owner_id=boris.user_id)

    assert await active(uow, anna) == []
    (reminder,) = await active(uow, boris)
    assert (reminder.deal_id, reminder.due_at) == (pumps, MONDAY_NINE)


async def test_the_reminder_comes_with_its_deal_and_not_once_the_deal_is_closed(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, pumps: int
) -> None:
    deal = await deals.set_next_step(uow, anna, clock, pumps, "Send the offer", MONDAY)
    other = await deals.create(uow, anna, clock, deal.client_id, draft("Valves"))
    await deals.set_next_step(uow, anna, clock, other.id, "Send the contract", MONDAY)
    # Closed behind the service's back (as by a script): the reminder is not sent.
    await uow.deals.update(other.id, now=clock.now(), stage=DealStage.WON)
    clock.set(MONDAY_NINE)

    (due,) = await reminders.claim_due(uow, clock)

    assert due.deal is not None and due.deal.id == pumps
    assert due.client is not None and due.client.id == deal.client_id
    assert await active(uow, anna) == [await uow.reminders.get(due.reminder.id)]
