"""The desk's timed jobs on both databases: NPS once after 30 days then every 90, resolved
requests closed after the reopen window, waiting ones reminded once after 2 working days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services import request_jobs
from bot.services.desk import load_desk_config
from bot.storage.dto import UserDTO
from bot.storage.enums import RequestKind, RequestStatus, Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

DESK = load_desk_config(timezone="Europe/Moscow")
FRIDAY_NOON = datetime(2026, 11, 27, 12, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY_NOON)


async def client(uow: UnitOfWork, clock: FakeClock, telegram_id: int) -> UserDTO:
    return await uow.users.add(
        telegram_id=telegram_id,
        role=Role.CLIENT,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        consent_given_at=clock.now(),
    )


async def request(
    uow: UnitOfWork, clock: FakeClock, owner: UserDTO, status: RequestStatus, **extra: object
) -> int:
    now = clock.now()
    made = await uow.requests.add(
        kind=RequestKind.INQUIRY.value,
        category="general",
        status=status.value,
        client_id=owner.id,
        assignee_id=None,
        created_at=now,
        updated_at=now,
        first_response_due=now + timedelta(hours=4),
        resolution_due=now + timedelta(days=2),
        **extra,
    )
    return made.id


async def test_nps_after_30_days_then_not_again_for_90(uow: UnitOfWork, clock: FakeClock) -> None:
    maria = await client(uow, clock, 1)
    oleg = await client(uow, clock, 2)
    await request(uow, clock, maria, RequestStatus.CLOSED, resolved_at=clock.now())
    await request(uow, clock, oleg, RequestStatus.NEW)

    clock.advance(days=30, minutes=1)
    assert [user.id for user in await request_jobs.due_nps(uow, clock)] == [maria.id]
    assert await request_jobs.due_nps(uow, clock) == []
    clock.advance(days=90, minutes=1)
    assert [user.id for user in await request_jobs.due_nps(uow, clock)] == [maria.id]


async def test_resolved_requests_close_after_the_reopen_window(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    maria = await client(uow, clock, 1)
    request_id = await request(uow, clock, maria, RequestStatus.RESOLVED, resolved_at=clock.now())

    clock.advance(days=7, minutes=1)
    (closed,) = await request_jobs.close_expired(uow, clock, DESK)

    assert (closed.id, closed.status) == (request_id, RequestStatus.CLOSED)
    assert await request_jobs.close_expired(uow, clock, DESK) == []


async def test_a_waiting_request_reminds_its_client_once(uow: UnitOfWork, clock: FakeClock) -> None:
    maria = await client(uow, clock, 1)
    await request(uow, clock, maria, RequestStatus.WAITING, paused_at=clock.now())

    clock.advance(days=3, hours=23, minutes=59)  # Tuesday 11:59
    assert await request_jobs.waiting_reminders(uow, clock, DESK) == []
    clock.advance(minutes=2)
    (reminder,) = await request_jobs.waiting_reminders(uow, clock, DESK)
    assert reminder.client.id == maria.id
    assert await request_jobs.waiting_reminders(uow, clock, DESK) == []
