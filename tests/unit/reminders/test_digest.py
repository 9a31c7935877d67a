"""The morning digest: made once at 09:00 on a working day in the staff member's zone, with
today's reminders, the ones not done yet, his open requests and his silent clients; nothing
is sent to someone with nothing on his plate."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services import digest, reminders
from bot.services.actors import Actor
from bot.services.crm import clients
from bot.services.crm.clients import LeadDraft
from bot.storage.enums import RequestKind, RequestStatus, Role, Segment
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

DAYS = {Segment.VIP.value: 7, Segment.KEY.value: 14, Segment.STANDARD.value: 30}


def moscow(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(moscow(2026, 11, 20, 10))  # Friday a week before


async def staff(uow: UnitOfWork, clock: FakeClock, telegram_id: int) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=Role.SPECIALIST,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"Specialist {telegram_id}",
    )
    return Actor.of(user)


async def test_monday_morning_brings_one_digest_of_the_day(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await staff(uow, clock, 1)
    await staff(uow, clock, 2)  # a colleague with nothing on his plate gets nothing
    ivan = await clients.create(uow, anna, clock, LeadDraft("Ivan Petrov"))
    await clients.update(uow, anna, clock, ivan.id, segment=Segment.VIP)
    friday = await reminders.create(
        uow, anna, clock, text="Send the offer", due_at=moscow(2026, 11, 27, 15)
    )
    today = await reminders.create(
        uow, anna, clock, text="Call Ivan", due_at=moscow(2026, 11, 30, 15), client_id=ivan.id
    )
    await reminders.create(uow, anna, clock, text="Tuesday", due_at=moscow(2026, 12, 1, 10))
    await uow.requests.add(
        kind=RequestKind.INQUIRY.value,
        category="general",
        status=RequestStatus.NEW.value,
        client_id=None,
        assignee_id=anna.user_id,
        created_at=clock.now(),
        updated_at=clock.now(),
        first_response_due=moscow(2026, 11, 30, 12),
        resolution_due=moscow(2026, 12, 1, 18),
    )
    clock.set(moscow(2026, 11, 27, 15, 0, 5))
    for due in await reminders.claim_due(uow, clock):
        await reminders.delivered(uow, clock, due, message_id=1)  # left without an answer

    clock.set(moscow(2026, 11, 30, 8, 59))
    assert await digest.due_digests(uow, clock, DAYS) == []
    clock.set(moscow(2026, 11, 30, 9, 1))
    (made,) = await digest.due_digests(uow, clock, DAYS)

    assert made.user.id == anna.user_id
    assert [(item.id, client and client.id) for item, client in made.today] == [(today.id, ivan.id)]
    assert [item.id for item, _client in made.unanswered] == [friday.id]
    assert (made.open_requests, made.late_requests) == (1, 0)
    assert made.silent_clients == 1  # Ivan, VIP, no contact for 10 days
    assert await digest.due_digests(uow, clock, DAYS) == [], "one a day"
    clock.advance(days=1)
    assert len(await digest.due_digests(uow, clock, DAYS)) == 1


async def test_no_digest_at_the_weekend(uow: UnitOfWork, clock: FakeClock) -> None:
    anna = await staff(uow, clock, 1)
    await reminders.create(uow, anna, clock, text="Sat", due_at=moscow(2026, 11, 28, 15))
    clock.set(moscow(2026, 11, 28, 9, 30))

    assert await digest.due_digests(uow, clock, DAYS) == []
