"""Deals on clients: made with or without an amount, moved through the stages (every move on
the client's timeline and in the audit log), lost with a reason, won with the client made
active; the pipeline per specialist and for the head of sales; another's deal stays closed."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, deals
from bot.services.crm.clients import LeadDraft
from bot.services.crm.deals import DealDraft
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.enums import ClientStatus, DealStage, Role, TimelineKind
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

# FakeClock starts on Friday 27 November 2026, 12:00 in Moscow.
TODAY = date(2026, 11, 27)


async def staff(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role} {telegram_id}",
    )
    return Actor.of(user)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def boris(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 2, Role.SPECIALIST)


@pytest.fixture
async def head(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 3, Role.HEAD)


@pytest.fixture
async def romashka(uow: UnitOfWork, clock: FakeClock, anna: Actor) -> int:
    """Anna's lead."""
    client = await clients.create(uow, anna, clock, LeadDraft("Иван Петров", company="Ромашка"))
    return client.id


@pytest.fixture
async def acme(uow: UnitOfWork, clock: FakeClock, boris: Actor) -> int:
    """Boris's lead."""
    client = await clients.create(uow, boris, clock, LeadDraft("John Smith", company="Acme"))
    return client.id


async def deal_entries(uow: UnitOfWork, client_id: int) -> list[dict]:
    """The client's deal timeline entries, oldest first, as their details."""
    entries = await uow.timeline.page(client_id, None, offset=0, limit=100)
    return [json.loads(e.details) for e in reversed(entries) if e.kind is TimelineKind.DEAL]


def draft(title: str = "Supply of pumps", **fields: object) -> DealDraft:
    return DealDraft(title=title, currency="RUB", **fields)  # type: ignore[arg-type]


# Making a deal -------------------------------------------------------------------------


async def test_a_deal_without_an_amount_starts_new_with_the_stage_probability(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft())

    assert (deal.stage, deal.amount_minor, deal.currency) == (DealStage.NEW, None, "RUB")
    assert deal.probability == deals.STAGE_PROBABILITY[DealStage.NEW]
    assert deal.owner_id == anna.user_id
    assert await deal_entries(uow, romashka) == [
        {
            "deal_id": deal.id,
            "title": "Supply of pumps",
            "event": "created",
            "stage": "new",
            "amount_minor": None,
            "currency": "RUB",
        }
    ]
    assert [a.action for a in await uow.audit.for_entity("deal", deal.id)] == ["deal_created"]


async def test_a_deal_with_a_typed_amount_date_probability_and_terms(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    minor, currency = deals.parse_amount("150 000,50", "ru", "RUB")
    deal = await deals.create(
        uow,
        anna,
        clock,
        romashka,
        DealDraft(
            title="  Pumps  ",
            amount_minor=minor,
            currency=currency,
            stage=DealStage.PROPOSAL,
            expected_close=deals.parse_date("31.12.2026", "ru"),
            probability=deals.parse_probability("55 %"),
            special_terms="5% discount",
        ),
    )

    stored = await uow.deals.get(deal.id)
    assert stored is not None
    assert (stored.title, stored.amount_minor, stored.currency) == ("Pumps", 15_000_050, "RUB")
    assert (stored.stage, stored.expected_close, stored.probability) == (
        DealStage.PROPOSAL,
        date(2026, 12, 31),
        55,
    )
    assert stored.special_terms == "5% discount"


async def test_the_head_makes_a_deal_on_a_specialists_client_and_it_stays_the_specialists(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, head: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, head, clock, romashka, draft())

    assert deal.owner_id == anna.user_id
    assert (await deals.pipeline(uow, anna, clock)).line(DealStage.NEW).count == 1


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("title", "   ", ClientProblem.EMPTY),
        ("title", "x" * 257, ClientProblem.TOO_LONG),
        ("expected_close", TODAY - timedelta(days=1), ClientProblem.PAST_DATE),
        ("probability", 101, ClientProblem.BAD_NUMBER),
        ("stage", DealStage.LOST, ClientProblem.BAD_CHOICE),
    ],
)
async def test_a_deal_with_bad_values_is_refused_and_not_saved(
    uow: UnitOfWork,
    clock: FakeClock,
    anna: Actor,
    romashka: int,
    field: str,
    value: object,
    problem: ClientProblem,
) -> None:
    with pytest.raises(ClientRejected) as refused:
        await deals.create(uow, anna, clock, romashka, draft(**{field: value}))

    assert refused.value.problem is problem
    assert await uow.deals.of_client(romashka) == []


@pytest.mark.parametrize("typed", ["a lot", "-5", "100 XYZ", ""])
async def test_an_unreadable_amount_is_refused(typed: str) -> None:
    with pytest.raises(ClientRejected) as refused:
        deals.parse_amount(typed, "en", "RUB")
    assert refused.value.problem is ClientProblem.BAD_AMOUNT


@pytest.mark.parametrize("typed", ["101", "-1", "seventy", "50.5", ""])
async def test_a_probability_outside_0_to_100_is_refused(typed: str) -> None:
    with pytest.raises(ClientRejected) as refused:
        deals.parse_probability(typed)
    assert refused.value.problem is ClientProblem.BAD_NUMBER


@pytest.mark.parametrize(
    ("typed", "locale", "day"),
    [
        ("31.12.2026", "ru", date(2026, 12, 31)),
        ("31.12.2026", "en", date(2026, 12, 31)),
        ("31.12.26", "ru", date(2026, 12, 31)),
        ("2026-12-31", "ru", date(2026, 12, 31)),
        ("12/31/2026", "en", date(2026, 12, 31)),
        ("31/12/2026", "ru", date(2026, 12, 31)),
    ],
)
async def test_typed_dates_are_read_the_way_people_write_them(
    typed: str, locale: str, day: date
) -> None:
    assert deals.parse_date(typed, locale) == day


@pytest.mark.parametrize("typed", ["32.12.2026", "31.13.2026", "tomorrow", "12/31/2026 ru"])
async def test_an_unreadable_date_is_refused(typed: str) -> None:
    with pytest.raises(ClientRejected) as refused:
        deals.parse_date(typed, "ru")
    assert refused.value.problem is ClientProblem.BAD_DATE


# Stages --------------------------------------------------------------------------------


async def test_stage_changes_land_in_the_timeline_and_the_audit_log(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft())
    assert deals.next_stage(deal.stage) is DealStage.QUALIFIED

    clock.advance(hours=1)
    moved = await deals.move(uow, anna, clock, deal.id, DealStage.QUALIFIED)
    moved = await deals.move(uow, anna, clock, deal.id, DealStage.NEGOTIATION)

    assert moved.stage is DealStage.NEGOTIATION
    assert moved.stage_changed_at == clock.now()
    assert moved.probability == deals.STAGE_PROBABILITY[DealStage.NEGOTIATION]
    stages = [(e["from"], e["to"]) for e in await deal_entries(uow, romashka) if "to" in e]
    assert stages == [("new", "qualified"), ("qualified", "negotiation")]
    assert [a.action for a in await uow.audit.for_entity("deal", deal.id)] == [
        "deal_created",
        "deal_stage_changed",
        "deal_stage_changed",
    ]


async def test_a_probability_set_by_hand_survives_open_stage_changes(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft(probability=35))

    moved = await deals.move(uow, anna, clock, deal.id, DealStage.PROPOSAL)
    assert moved.probability == 35
    assert (await deals.move(uow, anna, clock, deal.id, DealStage.WON)).probability == 100


async def test_the_same_stage_again_changes_nothing(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft())

    await deals.move(uow, anna, clock, deal.id, DealStage.NEW)

    assert len(await deal_entries(uow, romashka)) == 1


async def test_a_lost_deal_needs_a_reason_which_the_timeline_keeps(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft())

    for reason in (None, "   "):
        with pytest.raises(ClientRejected) as refused:
            await deals.move(uow, anna, clock, deal.id, DealStage.LOST, reason)
        assert refused.value.problem is ClientProblem.EMPTY
    lost = await deals.move(uow, anna, clock, deal.id, DealStage.LOST, " Too expensive ")

    assert (lost.stage, lost.lost_reason, lost.probability) == (
        DealStage.LOST,
        "Too expensive",
        0,
    )
    entries = await uow.timeline.page(romashka, None, offset=0, limit=1)
    assert entries[0].outcome == "Too expensive"
    assert json.loads(entries[0].details or "")["reason"] == "Too expensive"

    reopened = await deals.move(uow, anna, clock, deal.id, DealStage.NEGOTIATION)
    assert (reopened.stage, reopened.lost_reason) == (DealStage.NEGOTIATION, None)


async def test_a_won_deal_makes_the_client_active_and_the_change_is_recorded(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft(stage=DealStage.CONTRACT))
    assert deals.next_stage(DealStage.CONTRACT) is DealStage.WON

    await deals.move(uow, anna, clock, deal.id, DealStage.WON)

    client = await uow.clients.get(romashka)
    assert client is not None and client.status is ClientStatus.ACTIVE
    entries = await uow.timeline.page(romashka, None, offset=0, limit=100)
    status = [json.loads(e.details or "") for e in entries if e.kind is TimelineKind.STATUS]
    assert status == [{"field": "status", "from": "lead", "to": "active"}]
    assert deals.next_stage(DealStage.WON) is None


# Edits ---------------------------------------------------------------------------------


async def test_each_edited_field_is_one_timeline_entry(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft())

    edited = await deals.edit(
        uow,
        anna,
        clock,
        deal.id,
        amount=deals.parse_amount("2500 USD", "en", "RUB"),
        expected_close=TODAY,
        probability=70,
        title="Supply of pumps",  # unchanged: not recorded
    )

    assert (edited.amount_minor, edited.currency, edited.expected_close, edited.probability) == (
        250_000,
        "USD",
        TODAY,
        70,
    )
    changes = [(e["field"], e["from"], e["to"]) for e in (await deal_entries(uow, romashka))[1:]]
    assert changes == [
        ("probability", 10, 70),
        ("expected_close", None, "2026-11-27"),
        (
            "amount",
            {"amount_minor": None, "currency": "RUB"},
            {"amount_minor": 250_000, "currency": "USD"},
        ),
    ]

    cleared = await deals.edit(uow, anna, clock, deal.id, amount=None, expected_close=None)
    assert (cleared.amount_minor, cleared.currency, cleared.expected_close) == (None, "USD", None)


async def test_an_expected_close_in_the_past_is_refused_on_edit(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft())

    with pytest.raises(ClientRejected) as refused:
        await deals.edit(uow, anna, clock, deal.id, expected_close=TODAY - timedelta(days=1))

    assert refused.value.problem is ClientProblem.PAST_DATE


# Access --------------------------------------------------------------------------------


async def test_another_specialists_deal_is_answered_like_a_missing_one(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor, romashka: int
) -> None:
    deal = await deals.create(uow, anna, clock, romashka, draft())

    for attempt in (
        deals.view(uow, boris, deal.id),
        deals.view(uow, boris, deal.id + 1000),
        deals.move(uow, boris, clock, deal.id, DealStage.WON),
        deals.edit(uow, boris, clock, deal.id, title="Mine now"),
        deals.create(uow, boris, clock, romashka, draft()),
        deals.of_client(uow, boris, romashka),
        deals.pipeline(uow, boris, clock, owner_id=anna.user_id),
        deals.specialists(uow, boris),
    ):
        with pytest.raises(NotAllowed):
            await attempt

    stored = await uow.deals.get(deal.id)
    assert stored is not None and (stored.title, stored.stage) == ("Supply of pumps", "new")


# The pipeline --------------------------------------------------------------------------


@pytest.fixture
async def book(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor, romashka: int, acme: int
) -> None:
    """Anna: two new deals in roubles (one without an amount), a proposal in dollars and in
    roubles, a deal won this month, one won last month and one lost this month.
    Boris: one new deal in roubles."""

    async def made(actor: Actor, client: int, amount: str | None, **fields: object) -> int:
        minor, currency = deals.parse_amount(amount, "en", "RUB") if amount else (None, "RUB")
        deal = await deals.create(
            uow,
            actor,
            clock,
            client,
            DealDraft(title="Deal", amount_minor=minor, currency=currency, **fields),  # type: ignore[arg-type]
        )
        return deal.id

    await made(anna, romashka, "100 000")
    await made(anna, romashka, None)
    await made(anna, romashka, "2 500 USD", stage=DealStage.PROPOSAL)
    await made(anna, romashka, "50 000", stage=DealStage.PROPOSAL)
    old = await made(anna, romashka, "1 000 000")
    clock.advance(days=-30)
    await deals.move(uow, anna, clock, old, DealStage.WON)
    clock.advance(days=30)
    await made(anna, romashka, "70 000", stage=DealStage.WON)
    lost = await made(anna, romashka, "30 000")
    await deals.move(uow, anna, clock, lost, DealStage.LOST, "Went to a competitor")
    await made(boris, acme, "10 000")


async def test_a_specialists_pipeline_counts_and_sums_his_deals_per_stage_and_currency(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, book: None
) -> None:
    seen = await deals.pipeline(uow, anna, clock)

    assert seen.owner_id == anna.user_id and seen.month == date(2026, 11, 1)
    assert [(line.stage, line.count, line.totals) for line in seen.stages] == [
        (DealStage.NEW, 2, (("RUB", 10_000_000),)),
        (DealStage.QUALIFIED, 0, ()),
        (DealStage.PROPOSAL, 2, (("RUB", 5_000_000), ("USD", 250_000))),
        (DealStage.NEGOTIATION, 0, ()),
        (DealStage.CONTRACT, 0, ()),
        (DealStage.WON, 1, (("RUB", 7_000_000),)),
        (DealStage.LOST, 1, (("RUB", 3_000_000),)),
    ]
    assert seen.open_count == 4
    assert seen.open_totals == (("RUB", 15_000_000), ("USD", 250_000))


async def test_the_head_sees_the_teams_pipeline_and_each_specialists(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor, head: Actor, book: None
) -> None:
    team = await deals.pipeline(uow, head, clock)
    only_boris = await deals.pipeline(uow, head, clock, owner_id=boris.user_id)

    assert team.owner_id is None
    assert team.line(DealStage.NEW).count == 3
    assert team.line(DealStage.NEW).totals == (("RUB", 11_000_000),)
    assert only_boris.owner is not None and only_boris.owner.id == boris.user_id
    assert [line.count for line in only_boris.stages] == [1, 0, 0, 0, 0, 0, 0]
    assert {u.id for u in await deals.specialists(uow, head)} >= {anna.user_id, boris.user_id}


async def test_a_stage_lists_its_deals_with_their_clients_page_by_page(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, romashka: int
) -> None:
    later = await deals.create(
        uow, anna, clock, romashka, draft("Later", expected_close=TODAY + timedelta(days=30))
    )
    undated = await deals.create(uow, anna, clock, romashka, draft("Undated"))
    sooner = await deals.create(
        uow, anna, clock, romashka, draft("Sooner", expected_close=TODAY + timedelta(days=3))
    )

    first = await deals.stage_deals(uow, anna, clock, DealStage.NEW, None, offset=0, limit=2)
    rest = await deals.stage_deals(uow, anna, clock, DealStage.NEW, None, offset=2, limit=2)

    assert [deal.id for deal, _client in first + rest] == [sooner.id, later.id, undated.id]
    assert {client.id for _deal, client in first} == {romashka}
