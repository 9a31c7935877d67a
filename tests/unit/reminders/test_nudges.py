""" "No contact for N days" nudges: the owner of a client silent longer than his segment
allows is nudged once per silence, in working hours, at most five times a day; a contact
in between withdraws the nudge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services import nudges, reminders
from bot.services.actors import Actor
from bot.services.crm import clients, deals
from bot.services.crm.clients import LeadDraft
from bot.services.crm.deals import DealDraft
from bot.storage.dto import ClientDTO
from bot.storage.enums import (
    ClientStatus,
    DealStage,
    ReminderOrigin,
    ReminderStatus,
    Role,
    Segment,
)
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

DAYS = {Segment.VIP.value: 7, Segment.KEY.value: 14, Segment.STANDARD.value: 30}
# Monday 30 November 2026, 10:00 in Moscow: working hours.
MONDAY_TEN = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def moscow(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_TEN)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    user = await uow.users.add(
        telegram_id=1,
        role=Role.SPECIALIST,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name="Anna",
    )
    return Actor.of(user)


async def client(
    uow: UnitOfWork, clock: FakeClock, owner: Actor, name: str, segment: Segment
) -> ClientDTO:
    made = await clients.create(uow, owner, clock, LeadDraft(name))
    if segment is not Segment.STANDARD:
        made = await clients.update(uow, owner, clock, made.id, segment=segment)
    return made


async def nudged(uow: UnitOfWork, owner: Actor) -> list[int]:
    items = await uow.reminders.active_of(owner.user_id or 0, offset=0, limit=100)
    return [item.client_id or 0 for item in items if item.origin is ReminderOrigin.NO_CONTACT]


async def test_a_client_silent_longer_than_his_segment_allows_is_nudged_once(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    vip = await client(uow, clock, anna, "Vera VIP", Segment.VIP)
    standard = await client(uow, clock, anna, "Stan Standard", Segment.STANDARD)

    clock.advance(days=7, minutes=1)
    assert await nudges.plan_no_contact(uow, clock, DAYS) == 1
    assert await nudged(uow, anna) == [vip.id]
    assert await nudges.plan_no_contact(uow, clock, DAYS) == 0, "once per silence"

    clock.advance(days=23)
    assert await nudges.plan_no_contact(uow, clock, DAYS) == 1
    assert sorted(await nudged(uow, anna)) == sorted([vip.id, standard.id])


async def test_after_a_contact_the_next_silence_is_nudged_again(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    vip = await client(uow, clock, anna, "Vera VIP", Segment.VIP)
    clock.advance(days=8)
    await nudges.plan_no_contact(uow, clock, DAYS)
    (due,) = await reminders.claim_due(uow, clock)
    await reminders.delivered(uow, clock, due, message_id=1)

    clock.advance(hours=2)  # she calls Vera
    await clients.touch(uow, vip.id, clock.now())
    clock.advance(days=7, minutes=1)

    assert await nudges.plan_no_contact(uow, clock, DAYS) == 1


async def test_lost_inactive_and_unowned_clients_are_not_nudged(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    lost = await client(uow, clock, anna, "Lost", Segment.VIP)
    await clients.update(uow, anna, clock, lost.id, status=ClientStatus.LOST)
    inactive = await client(uow, clock, anna, "Inactive", Segment.VIP)
    await clients.update(uow, anna, clock, inactive.id, status=ClientStatus.INACTIVE)
    clock.advance(days=60)

    assert await nudges.plan_no_contact(uow, clock, DAYS) == 0


async def test_at_most_five_nudges_a_day_the_rest_on_the_next_days(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    for number in range(7):
        await client(uow, clock, anna, f"Client {number}", Segment.VIP)
    clock.advance(days=8)

    assert await nudges.plan_no_contact(uow, clock, DAYS) == 5
    assert await nudges.plan_no_contact(uow, clock, DAYS) == 0
    clock.advance(days=1)
    assert await nudges.plan_no_contact(uow, clock, DAYS) == 2


async def test_a_contact_before_the_nudge_goes_out_withdraws_it(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    vip = await client(uow, clock, anna, "Vera VIP", Segment.VIP)
    clock.advance(days=8)
    await nudges.plan_no_contact(uow, clock, DAYS)
    clock.advance(minutes=1)
    await clients.touch(uow, vip.id, clock.now())

    assert await reminders.claim_due(uow, clock) == []
    items = await uow.reminders.of_client(vip.id, [anna.user_id or 0])
    assert items == []


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (moscow(2026, 11, 30, 10), moscow(2026, 11, 30, 10)),
        (moscow(2026, 11, 30, 7), moscow(2026, 11, 30, 9)),
        (moscow(2026, 11, 27, 20), moscow(2026, 11, 30, 9)),
        (moscow(2026, 11, 28, 12), moscow(2026, 11, 30, 9)),
    ],
    ids=["in working hours", "before work", "friday evening", "saturday"],
)
def test_nudges_wait_for_working_hours(now: datetime, expected: datetime) -> None:
    assert nudges.working_time(now, "Europe/Moscow") == expected


async def test_a_nudge_made_at_night_waits_for_the_morning(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    await client(uow, clock, anna, "Vera VIP", Segment.VIP)
    clock.advance(days=7, hours=12)  # Monday 22:00 in Moscow

    await nudges.plan_no_contact(uow, clock, DAYS)

    (item,) = await uow.reminders.active_of(anna.user_id or 0, offset=0, limit=10)
    assert (item.status, item.due_at) == (ReminderStatus.PENDING, moscow(2026, 12, 8, 9))
    assert await reminders.claim_due(uow, clock) == []
    assert item.due_at - clock.now() == timedelta(hours=11)


STAGE_DAYS = {"new": 7, "qualified": 14, "proposal": 14, "negotiation": 21, "contract": 14}


async def test_a_deal_stuck_in_its_stage_nudges_its_owner_once_per_stage(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await client(uow, clock, anna, "Ivan", Segment.STANDARD)
    pumps = await deals.create(uow, anna, clock, ivan.id, DealDraft("Pumps", currency="RUB"))

    clock.advance(days=6)
    assert await nudges.plan_stuck_deals(uow, clock, STAGE_DAYS) == 0
    clock.advance(days=1, minutes=1)
    assert await nudges.plan_stuck_deals(uow, clock, STAGE_DAYS) == 1
    assert await nudges.plan_stuck_deals(uow, clock, STAGE_DAYS) == 0, "once per stage"
    (due,) = await reminders.claim_due(uow, clock)
    assert (due.deal and due.deal.id, due.client and due.client.id) == (pumps.id, ivan.id)
    await reminders.delivered(uow, clock, due, message_id=1)

    await deals.move(uow, anna, clock, pumps.id, DealStage.QUALIFIED)
    clock.advance(days=14, minutes=1)
    assert await nudges.plan_stuck_deals(uow, clock, STAGE_DAYS) == 1, "a new stage, anew"


async def test_a_deal_moved_on_before_the_nudge_goes_out_withdraws_it(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await client(uow, clock, anna, "Ivan", Segment.STANDARD)
    pumps = await deals.create(uow, anna, clock, ivan.id, DealDraft("Pumps", currency="RUB"))
    clock.advance(days=8)
    await nudges.plan_stuck_deals(uow, clock, STAGE_DAYS)
    clock.advance(minutes=1)
    await deals.move(uow, anna, clock, pumps.id, DealStage.WON)

    assert await reminders.claim_due(uow, clock) == []
