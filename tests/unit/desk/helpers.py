"""People, requests and a desk for the client-desk service tests (not a test module)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.services import lifecycle, requests
from bot.services.actors import Actor
from bot.services.desk import Department, DeskConfig, Label, load_desk_config
from bot.services.relay import Content
from bot.storage.dto import RequestDTO
from bot.storage.enums import ClaimOutcome, RequestKind, RequestStatus, Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

MOSCOW = ZoneInfo("Europe/Moscow")
QUALITY_CHAT = -100500
LOGISTICS_CHAT = -100600
# The usual pair: the telegram ids (and so the private chats) of a specialist and his client.
SPECIALIST_CHAT = 1
CLIENT_CHAT = 10

S = RequestStatus


def msk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=MOSCOW)  # type: ignore[misc]


# Wednesday, in the middle of a working day (Mon-Fri 09:00-18:00 Moscow time).
WEDNESDAY_10 = msk(2026, 11, 25, 10, 0)


def working_clock() -> FakeClock:
    return FakeClock(WEDNESDAY_10.astimezone(UTC))


def desk_config() -> DeskConfig:
    return replace(
        load_desk_config(timezone="Europe/Moscow"),
        departments=(
            Department("quality", Label("Отдел качества", "Quality department"), QUALITY_CHAT),
            Department("logistics", Label("Логистика", "Logistics"), LOGISTICS_CHAT),
        ),
    )


async def person(
    uow: UnitOfWork,
    clock: FakeClock,
    telegram_id: int,
    role: Role = Role.CLIENT,
    *,
    consent: bool = True,
    segment: str | None = None,
) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role} {telegram_id}",
        consent_given_at=clock.now() if consent and role is Role.CLIENT else None,
    )
    if segment is not None:
        user = await uow.users.update(user.id, now=clock.now(), segment=segment)
    return Actor.of(user)


async def fresh(uow: UnitOfWork, actor: Actor) -> Actor:
    """The actor as the next update would load him (his owner may have been set meanwhile)."""
    assert actor.user_id is not None
    user = await uow.users.get(actor.user_id)
    assert user is not None
    return Actor.of(user)


def draft(
    kind: RequestKind = RequestKind.INQUIRY,
    category: str = "product",
    subject: str = "Where is my order?",
    **fields: object,
) -> requests.Draft:
    return requests.Draft(kind=kind, category=category, subject=subject, **fields)  # type: ignore[arg-type]


def claim(subject: str = "The kettle leaks", **fields: object) -> requests.Draft:
    fields.setdefault("wanted", ClaimOutcome.REFUND)
    fields.setdefault("order_ref", "A-1042")
    fields.setdefault("category", "product")
    return draft(RequestKind.CLAIM, subject=subject, **fields)


async def file_request(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    client: Actor,
    the_draft: requests.Draft | None = None,
) -> RequestDTO:
    filed = await requests.file(uow, clock, desk, await fresh(uow, client), the_draft or draft())
    return filed.request


async def move(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    staff: Actor,
    request_id: int,
    *statuses: RequestStatus,
) -> RequestDTO:
    request = None
    for status in statuses:
        request = (
            await lifecycle.change_status(uow, clock, desk, staff, request_id, status)
        ).request
    assert request is not None
    return request


def text(chat_id: int, message_id: int, body: str = "Hello") -> Content:
    return Content("text", chat_id, message_id, text=body)


async def stored(uow: UnitOfWork, request_id: int) -> RequestDTO:
    """What the database holds now, not what the session remembers."""
    uow.session.expire_all()
    request = await uow.requests.get(request_id)
    assert request is not None
    return request
