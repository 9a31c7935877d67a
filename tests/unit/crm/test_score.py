"""The reliability score: what each factor gives, claims and late payments take points off,
and the specialist's own number with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, score, timeline
from bot.services.crm.clients import LeadDraft
from bot.services.crm.score import Detail, FactorKind
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO
from bot.storage.enums import (
    ClientStatus,
    ContactKind,
    DealStage,
    PaymentHabit,
    RequestKind,
    RequestStatus,
    Role,
)
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


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


async def lead(uow: UnitOfWork, clock: FakeClock, anna: Actor, **draft: object) -> ClientDTO:
    return await clients.create(uow, anna, clock, LeadDraft("Иван Петров", **draft))  # type: ignore[arg-type]


async def computed(uow: UnitOfWork, client_id: int, clock: FakeClock) -> score.Score:
    client = await uow.clients.get(client_id)
    assert client is not None
    return await score.reliability(uow, client, clock.now())


def points(result: score.Score) -> dict[FactorKind, int]:
    return {factor.kind: factor.points for factor in result.factors}


async def add_request(
    uow: UnitOfWork, clock: FakeClock, user_id: int, kind: RequestKind, status: RequestStatus
) -> None:
    now = clock.now()
    await uow.requests.add(
        kind=kind,
        category="product",
        status=status,
        client_id=user_id,
        subject="…",
        created_at=now,
        updated_at=now,
        first_response_due=now + timedelta(hours=4),
        resolution_due=now + timedelta(days=2),
    )


async def test_a_bare_lead_has_neutral_points_where_nothing_is_known(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await lead(uow, clock, anna)

    result = await computed(uow, client.id, clock)

    assert points(result) == {
        FactorKind.DETAILS: 0,
        FactorKind.CLAIMS: 20,
        FactorKind.PAYMENT: 12,
        FactorKind.RESPONSIVENESS: 5,
        FactorKind.DEALS: 7,
    }
    assert result.computed == result.value == 44
    [details] = [f for f in result.factors if f.kind is FactorKind.DETAILS]
    assert details.missing == tuple(Detail)
    assert sum(factor.weight for factor in result.factors) == 100


async def test_a_complete_punctual_client_in_touch_with_won_deals_scores_100(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await lead(
        uow,
        clock,
        anna,
        company="Ромашка",
        position="Директор",
        phones=("+79123456789",),
        emails=("ivan@romashka.ru",),
        needs="Упаковка",
    )
    await clients.update(uow, anna, clock, client.id, payment=PaymentHabit.ON_TIME)
    await clients.touch(uow, client.id, clock.now() - timedelta(days=3))
    for stage in (DealStage.WON, DealStage.WON, DealStage.NEW):
        await uow.deals.add(
            now=clock.now(),
            client_id=client.id,
            owner_id=anna.user_id,
            title="Поставка",
            currency="RUB",
            stage=stage,
        )

    result = await computed(uow, client.id, clock)

    assert result.computed == 100
    [responsiveness] = [f for f in result.factors if f.kind is FactorKind.RESPONSIVENESS]
    assert responsiveness.days_since_contact == 3


async def test_details_count_five_points_each(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await lead(uow, clock, anna, company="Ромашка", needs="Упаковка")
    await clients.add_contact(uow, anna, clock, client.id, ContactKind.PHONE, "+79123456789")

    result = await computed(uow, client.id, clock)

    [details] = [f for f in result.factors if f.kind is FactorKind.DETAILS]
    assert details.points == 15
    assert details.missing == (Detail.POSITION, Detail.EMAIL)


@pytest.mark.parametrize(("claims", "expected"), [(0, 20), (1, 15), (2, 10), (4, 0), (6, 0)])
async def test_claims_filed_by_his_telegram_account_lower_the_score(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, claims: int, expected: int
) -> None:
    user = await uow.users.add(
        telegram_id=70, role=Role.CLIENT, locale="ru", timezone="Europe/Moscow", now=clock.now()
    )
    client = await clients.for_telegram_user(uow, clock, user)
    for _ in range(claims):
        await add_request(uow, clock, user.id, RequestKind.CLAIM, RequestStatus.RESOLVED)
    # Inquiries are not claims: they do not count.
    await add_request(uow, clock, user.id, RequestKind.INQUIRY, RequestStatus.CLOSED)

    result = await computed(uow, client.id, clock)

    [factor] = [f for f in result.factors if f.kind is FactorKind.CLAIMS]
    assert (factor.claims, factor.points) == (claims, expected)


@pytest.mark.parametrize(
    ("habit", "expected"),
    [
        (PaymentHabit.ON_TIME, 25),
        (PaymentHabit.UNKNOWN, 12),
        (PaymentHabit.SOMETIMES_LATE, 10),
        (PaymentHabit.OFTEN_LATE, 0),
    ],
)
async def test_the_payment_habit_weighs_most(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, habit: PaymentHabit, expected: int
) -> None:
    client = await lead(uow, clock, anna)
    await clients.update(uow, anna, clock, client.id, payment=habit)

    assert points(await computed(uow, client.id, clock))[FactorKind.PAYMENT] == expected


@pytest.mark.parametrize(
    ("days_ago", "waiting", "expected"),
    [(None, 0, 5), (10, 0, 15), (60, 0, 10), (200, 0, 5), (10, 1, 10), (200, 2, 0)],
)
async def test_responsiveness_is_recent_contact_and_no_request_waiting_for_him(
    uow: UnitOfWork,
    clock: FakeClock,
    anna: Actor,
    days_ago: int | None,
    waiting: int,
    expected: int,
) -> None:
    user = await uow.users.add(
        telegram_id=71, role=Role.CLIENT, locale="ru", timezone="Europe/Moscow", now=clock.now()
    )
    client = await clients.for_telegram_user(uow, clock, user)
    if days_ago is not None:
        await clients.touch(uow, client.id, clock.now() - timedelta(days=days_ago))
    for _ in range(waiting):
        await add_request(uow, clock, user.id, RequestKind.INQUIRY, RequestStatus.WAITING)

    result = await computed(uow, client.id, clock)

    [factor] = [f for f in result.factors if f.kind is FactorKind.RESPONSIVENESS]
    assert (factor.points, factor.waiting, factor.days_since_contact) == (
        expected,
        waiting,
        days_ago,
    )


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        ((), 7),
        ((DealStage.NEGOTIATION,), 7),
        ((DealStage.WON,), 15),
        ((DealStage.WON, DealStage.LOST, DealStage.LOST), 5),
        ((DealStage.LOST,), 0),
    ],
)
async def test_won_and_lost_deals(
    uow: UnitOfWork,
    clock: FakeClock,
    anna: Actor,
    stages: tuple[DealStage, ...],
    expected: int,
) -> None:
    client = await lead(uow, clock, anna)
    for stage in stages:
        await uow.deals.add(
            now=clock.now(),
            client_id=client.id,
            owner_id=anna.user_id,
            title="Поставка",
            currency="RUB",
            stage=stage,
        )

    assert points(await computed(uow, client.id, clock))[FactorKind.DEALS] == expected


async def test_the_specialist_sets_his_own_score_with_a_reason_and_goes_back(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await lead(uow, clock, anna)

    await score.override(uow, anna, clock, client.id, score.parse_score(" 85 "), "Known for years")
    result = await computed(uow, client.id, clock)
    assert (result.value, result.computed, result.overridden) == (85, 44, True)
    assert result.reason == "Known for years"

    await score.back_to_computed(uow, anna, clock, client.id)
    result = await computed(uow, client.id, clock)
    assert (result.value, result.overridden, result.reason) == (44, False, None)
    shown = await timeline.page(uow, anna, client.id, 0)
    fields = [edit.field for e in shown.entries if (edit := timeline.edit_of(e)) is not None]
    assert fields.count("score_override") == 2 and fields.count("score_reason") == 2


@pytest.mark.parametrize("typed", ["", "abc", "101", "-5", "7.5", "50%"])
def test_a_score_is_a_whole_number_from_0_to_100(typed: str) -> None:
    with pytest.raises(ClientRejected) as refused:
        score.parse_score(typed)
    assert refused.value.problem is ClientProblem.BAD_NUMBER


async def test_an_override_needs_a_reason(uow: UnitOfWork, clock: FakeClock, anna: Actor) -> None:
    client = await lead(uow, clock, anna)

    with pytest.raises(ClientRejected) as refused:
        await score.override(uow, anna, clock, client.id, 90, "   ")
    assert refused.value.problem is ClientProblem.EMPTY
    assert (await computed(uow, client.id, clock)).overridden is False


async def test_another_specialist_cannot_override(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await lead(uow, clock, anna)
    boris = Actor.of(
        await uow.users.add(
            telegram_id=2, role=Role.SPECIALIST, locale="en", timezone="UTC", now=clock.now()
        )
    )

    with pytest.raises(NotAllowed):
        await score.override(uow, boris, clock, client.id, 0, "Spite")
    with pytest.raises(NotAllowed):
        await score.back_to_computed(uow, boris, clock, client.id)
    assert (await uow.clients.get(client.id)).status is ClientStatus.LEAD  # type: ignore[union-attr]
