"""Absence cover, on both databases: while Anna is away Boris gets her requests, her clients'
new requests and her reminders, and may work on her clients; when she is back everything he
still holds goes back to her, with a count of what happened, exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services import absences, digest, reminders, requests
from bot.services.actors import Actor
from bot.services.crm import access, clients, search
from bot.services.crm.clients import LeadDraft
from bot.services.desk import load_desk_config
from bot.services.errors import AbsenceProblem, AbsenceRejected, NotAllowed
from bot.storage.dto import UserDTO
from bot.storage.enums import RequestKind, RequestStatus, Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

ZONE = ZoneInfo("Europe/Moscow")
DAYS = {"standard": 30, "key": 14, "vip": 7}


def moscow(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(moscow(2026, 11, 27, 10))  # Friday


async def person(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> UserDTO:
    return await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"Person {telegram_id}",
        consent_given_at=clock.now() if role is Role.CLIENT else None,
    )


async def as_actor(uow: UnitOfWork, clock: FakeClock, user: UserDTO) -> Actor:
    """The actor as load_actor makes him: with the colleagues he covers for right now."""
    covers = await uow.absences.covered_by(user.id, clock.now())
    return Actor(user.telegram_id, user.role, user.locale, user.timezone, user, covers)


async def open_request(uow: UnitOfWork, clock: FakeClock, client: UserDTO, assignee: UserDTO):  # type: ignore[no-untyped-def]
    return await uow.requests.add(
        kind=RequestKind.INQUIRY.value,
        category="order",
        status=RequestStatus.NEW.value,
        client_id=client.id,
        assignee_id=assignee.id,
        created_at=clock.now(),
        updated_at=clock.now(),
        first_response_due=moscow(2026, 12, 10, 12),
        resolution_due=moscow(2026, 12, 11, 12),
    )


async def away(  # type: ignore[no-untyped-def]
    uow: UnitOfWork,
    clock: FakeClock,
    who: UserDTO,
    days: tuple[date, date],
    deputy: UserDTO,
    *,
    by: UserDTO | None = None,
):
    """`who` plans his absence (or `by` plans it for him)."""
    return await absences.plan(
        uow,
        Actor.of(by or who),
        clock,
        user_id=who.id,
        first_day=days[0],
        last_day=days[1],
        deputy_id=deputy.id,
    )


NEXT_WEEK = (date(2026, 11, 30), date(2026, 12, 4))


async def plan_next_week(uow: UnitOfWork, clock: FakeClock, anna: UserDTO, boris: UserDTO):  # type: ignore[no-untyped-def]
    return await away(uow, clock, anna, NEXT_WEEK, boris)


async def test_the_deputy_takes_over_when_the_absence_begins_and_hands_back_when_it_ends(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    ivan = await person(uow, clock, 3, Role.CLIENT)
    ivan = await uow.users.update(ivan.id, now=clock.now(), owner_id=anna.id)
    waiting = await open_request(uow, clock, ivan, anna)
    petrov = await clients.create(uow, Actor.of(anna), clock, LeadDraft("Petrov Ivan"))
    call = await reminders.create(
        uow, Actor.of(anna), clock, text="Call Petrov", due_at=moscow(2026, 12, 1, 11)
    )

    planned = await plan_next_week(uow, clock, anna, boris)

    assert planned.cover is None  # next week: nothing moves yet
    assert await absences.starting(uow, clock) == []
    assert (await uow.requests.get(waiting.id)).assignee_id == anna.id  # type: ignore[union-attr]

    clock.set(moscow(2026, 11, 30, 0, 0, 30))
    (cover,) = await absences.starting(uow, clock)
    assert await absences.starting(uow, clock) == []  # taken up once
    assert (cover.user.id, cover.deputy.id, cover.requests) == (anna.id, boris.id, [waiting.id])
    moved = await uow.requests.get(waiting.id)
    assert moved is not None and (moved.assignee_id, moved.cover_id) == (boris.id, cover.absence.id)

    # Boris may work on Anna's clients now, and finds them.
    deputy = await as_actor(uow, clock, boris)
    assert deputy.covers == {anna.id}
    assert (await access.client_for(uow, deputy, petrov.id)).id == petrov.id
    found = await search.find(uow, deputy, "petrov", region="RU")
    assert [client.id for client in found] == [petrov.id]
    # Her reminder is his meanwhile: delivered to him, and his to answer.
    assert {k: v.id for k, v in (await absences.stand_ins(uow, clock, [anna.id])).items()} == {
        anna.id: boris.id
    }
    await reminders.done(uow, deputy, clock, call.id)

    # Ivan files a new request: Boris gets it, under the cover; Ivan stays Anna's client.
    filed = await requests.file(
        uow,
        clock,
        load_desk_config(),
        Actor.of(ivan),
        requests.Draft(RequestKind.INQUIRY, "order", "Where is my order?"),
    )
    assert (filed.request.assignee_id, filed.request.cover_id) == (boris.id, cover.absence.id)
    assert (await uow.users.get(ivan.id)).owner_id == anna.id  # type: ignore[union-attr]

    clock.set(moscow(2026, 12, 5, 0, 1))
    assert (await as_actor(uow, clock, boris)).covers == frozenset()
    (back,) = await absences.ending(uow, clock)
    assert await absences.ending(uow, clock) == []  # given back once
    assert back.returned == sorted([waiting.id, filed.request.id])
    assert (back.requests, back.reminders) == (2, 0)
    for request_id in back.returned:
        returned = await uow.requests.get(request_id)
        assert returned is not None and returned.assignee_id == anna.id
    with pytest.raises(NotAllowed):
        await access.client_for(uow, await as_actor(uow, clock, boris), petrov.id)


async def test_a_request_someone_else_took_meanwhile_stays_with_him(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    head = await person(uow, clock, 4, Role.HEAD)
    ivan = await person(uow, clock, 3, Role.CLIENT)
    request = await open_request(uow, clock, ivan, anna)
    today = await away(uow, clock, anna, (date(2026, 11, 27),) * 2, boris)  # on at once
    await uow.requests.update(request.id, now=clock.now(), assignee_id=head.id)

    back = await absences.end(uow, Actor.of(anna), clock, today.absence.id)

    assert back is not None and back.returned == []
    assert (await uow.requests.get(request.id)).assignee_id == head.id  # type: ignore[union-attr]


async def test_an_absence_on_today_is_taken_up_at_once_and_ends_when_she_is_back(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    ivan = await person(uow, clock, 3, Role.CLIENT)
    request = await open_request(uow, clock, ivan, anna)

    planned = await away(uow, clock, anna, (date(2026, 11, 27), date(2026, 12, 2)), boris)
    assert planned.cover is not None and planned.cover.requests == [request.id]
    assert await absences.starting(uow, clock) == []  # already taken up

    clock.advance(hours=3)
    back = await absences.end(uow, Actor.of(anna), clock, planned.absence.id)

    assert back is not None and back.returned == [request.id]
    assert await absences.ending(uow, clock) == []  # already given back
    assert (await uow.absences.get(planned.absence.id)).ends_at == clock.now()  # type: ignore[union-attr]
    with pytest.raises(NotAllowed):  # over: a second press is a stale button
        await absences.end(uow, Actor.of(anna), clock, planned.absence.id)


async def test_an_absence_still_ahead_is_called_off(uow: UnitOfWork, clock: FakeClock) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    planned = await plan_next_week(uow, clock, anna, boris)

    assert await absences.end(uow, Actor.of(anna), clock, planned.absence.id) is None

    clock.set(moscow(2026, 12, 1, 10))
    assert await absences.starting(uow, clock) == []
    assert await absences.ahead(uow, Actor.of(anna), clock, anna.id) == []


async def test_the_head_of_sales_sets_a_specialists_absence_and_a_specialist_only_his_own(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    head = await person(uow, clock, 4, Role.HEAD)

    with pytest.raises(NotAllowed):
        await away(uow, clock, anna, (date(2026, 11, 30), date(2026, 12, 4)), boris, by=boris)
    planned = await away(uow, clock, anna, (date(2026, 11, 30), date(2026, 12, 4)), boris, by=head)
    assert planned.absence.created_by == head.id
    assert [user.id for user in await absences.who_may_be_away(uow, Actor.of(anna))] == [anna.id]
    with pytest.raises(NotAllowed):
        await absences.end(uow, Actor.of(boris), clock, planned.absence.id)


@pytest.mark.parametrize(
    ("first", "last", "deputy", "problem"),
    [
        (date(2026, 11, 26), date(2026, 11, 30), "boris", AbsenceProblem.PAST_DAY),
        (date(2026, 12, 4), date(2026, 11, 30), "boris", AbsenceProblem.ENDS_BEFORE_START),
        (date(2026, 12, 1), date(2027, 3, 5), "boris", AbsenceProblem.TOO_LONG),
        (date(2026, 12, 3), date(2026, 12, 8), "boris", AbsenceProblem.OVERLAP),
        (date(2026, 12, 14), date(2026, 12, 15), "anna", AbsenceProblem.SELF_DEPUTY),
        (date(2026, 12, 20), date(2026, 12, 22), "vera", AbsenceProblem.DEPUTY_AWAY),
    ],
)
async def test_an_absence_that_cannot_be_is_refused_with_its_reason(
    uow: UnitOfWork,
    clock: FakeClock,
    first: date,
    last: date,
    deputy: str,
    problem: AbsenceProblem,
) -> None:
    people = {
        "anna": await person(uow, clock, 1, Role.SPECIALIST),
        "boris": await person(uow, clock, 2, Role.SPECIALIST),
        "vera": await person(uow, clock, 5, Role.SPECIALIST),
    }
    anna = people["anna"]
    await plan_next_week(uow, clock, anna, people["boris"])
    await away(
        uow, clock, people["vera"], (date(2026, 12, 21), date(2026, 12, 25)), people["boris"]
    )

    with pytest.raises(AbsenceRejected) as refused:
        await away(uow, clock, anna, (first, last), people[deputy])
    assert refused.value.problem is problem


async def test_someone_away_gets_no_morning_digest(uow: UnitOfWork, clock: FakeClock) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    await reminders.create(
        uow, Actor.of(anna), clock, text="Call Ivan", due_at=moscow(2026, 12, 1, 15)
    )
    await reminders.create(
        uow, Actor.of(boris), clock, text="Call Oleg", due_at=moscow(2026, 12, 1, 16)
    )
    await plan_next_week(uow, clock, anna, boris)

    clock.set(moscow(2026, 12, 1, 9, 1))
    made = await digest.due_digests(uow, clock, DAYS)

    assert [item.user.id for item in made] == [boris.id]


async def test_a_deputy_cannot_be_away_while_he_covers(uow: UnitOfWork, clock: FakeClock) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    vera = await person(uow, clock, 5, Role.SPECIALIST)
    await plan_next_week(uow, clock, anna, boris)

    with pytest.raises(AbsenceRejected) as refused:
        await away(uow, clock, boris, (date(2026, 12, 4), date(2026, 12, 8)), vera)

    assert refused.value.problem is AbsenceProblem.COVERING
    assert (
        await away(uow, clock, boris, (date(2026, 12, 5), date(2026, 12, 8)), vera)
    ).cover is None


async def test_nobody_away_is_given_a_new_clients_request(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    newcomer = await person(uow, clock, 3, Role.CLIENT)
    await away(uow, clock, anna, (date(2026, 11, 27), date(2026, 11, 30)), boris)
    await open_request(uow, clock, await person(uow, clock, 6, Role.CLIENT), boris)

    filed = await requests.file(
        uow,
        clock,
        load_desk_config(),
        Actor.of(newcomer),
        requests.Draft(RequestKind.INQUIRY, "order", "Hello"),
    )

    # Anna has fewer open requests, but she is away.
    assert (filed.request.assignee_id, filed.request.cover_id) == (boris.id, None)
