"""One person, one card: a new lead merged into his card, and two cards merged into one,
without doubled contacts and with the merge in the timeline and the audit log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.services.actors import Actor
from bot.services.crm import clients, merge
from bot.services.crm.clients import LeadDraft
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.enums import DealStage, PaymentHabit, Role, TimelineKind
from bot.storage.models import ClientWord, TimelineEntry
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


async def person(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role} {telegram_id}",
        consent_given_at=clock.now() if role is Role.CLIENT else None,
    )
    return Actor.of(user)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await person(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def boris(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await person(uow, clock, 2, Role.SPECIALIST)


async def entries(uow: UnitOfWork, client_id: int) -> list[TimelineEntry]:
    return list(
        await uow.session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.client_id == client_id)
            .order_by(TimelineEntry.id)
        )
    )


async def words(uow: UnitOfWork, client_id: int) -> set[str]:
    rows = await uow.session.scalars(
        select(ClientWord.word).where(ClientWord.client_id == client_id)
    )
    return set(rows)


async def test_a_new_lead_fills_the_empty_fields_of_his_card(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await clients.create(
        uow,
        anna,
        clock,
        LeadDraft("Ivan Petrov", source="exhibition", phones=("+79123456789",), tags=("vip",)),
    )
    clock.advance(minutes=5)

    merged = await merge.merge(
        uow,
        anna,
        clock,
        ivan.id,
        LeadDraft(
            "Ivan P.",
            company="Romashka",
            source="website",
            needs="Forklifts",
            phones=("+79123456789", "+74951234567"),
            emails=("ivan@romashka.ru",),
            tags=("VIP", "forklifts"),
        ),
        note="Met him at the stand",
    )

    kept = merged.client
    assert (kept.name, kept.company, kept.source, kept.needs) == (
        "Ivan Petrov",
        "Romashka",
        "exhibition",
        "Forklifts",
    ), "what the card says wins; empty fields are filled"
    assert set(merged.filled) == {"company", "needs"}
    assert merged.added_contacts == ("+74951234567", "ivan@romashka.ru")
    contacts = await uow.clients.contacts(ivan.id)
    assert [c.value for c in contacts] == ["+79123456789", "+74951234567", "ivan@romashka.ru"]
    assert await uow.clients.tags(ivan.id) == ["forklifts", "vip"]
    assert {"romashka", "ivan"} <= await words(uow, ivan.id), "search finds the new company"

    created, merged_entry, note = await entries(uow, ivan.id)
    assert (created.kind, merged_entry.kind, note.kind) == ("created", "merge", "note")
    assert json.loads(merged_entry.details or "{}")["lead"] == "Ivan P."
    assert merged_entry.author_id == anna.user_id and note.text == "Met him at the stand"
    audits = await uow.audit.for_entity("client", ivan.id)
    [audit] = [a for a in audits if a.action != "client_created"]
    assert audit.action == "client_merged" and audit.actor_id == anna.user_id


async def test_a_lead_brings_the_telegram_link_only_to_a_card_without_one(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    pavel = await person(uow, clock, 50, Role.CLIENT)
    ivan = await clients.create(uow, anna, clock, LeadDraft("Pavel"))

    merged = await merge.merge(uow, anna, clock, ivan.id, LeadDraft("P", user_id=pavel.user_id))
    assert merged.client.user_id == pavel.user_id

    other = await clients.create(uow, anna, clock, LeadDraft("Pavel again"))
    merged = await merge.merge(uow, anna, clock, other.id, LeadDraft("P", user_id=pavel.user_id))
    assert merged.client.user_id is None, "his account already has a card"


async def test_a_lead_is_merged_only_into_a_card_one_may_see(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    borises = await clients.create(uow, boris, clock, LeadDraft("Ivan", company=None))

    with pytest.raises(NotAllowed):
        await merge.merge(uow, anna, clock, borises.id, LeadDraft("Ivan", company="Acme"))
    assert (await uow.clients.get(borises.id)).company is None  # type: ignore[union-attr]


async def test_two_cards_become_one(uow: UnitOfWork, clock: FakeClock, anna: Actor) -> None:
    pavel = await person(uow, clock, 50, Role.CLIENT)
    keep = await clients.create(
        uow,
        anna,
        clock,
        LeadDraft("Pavel Ivanov", phones=("+79123456789",), tags=("key",)),
    )
    drop = await clients.create(
        uow,
        anna,
        clock,
        LeadDraft(
            "P. Ivanov",
            company="Acme",
            needs="Trucks",
            phones=("+79123456789", "+74951234567"),
            emails=("p@acme.com",),
            tags=("trucks", "key"),
            user_id=pavel.user_id,
        ),
        note="First call",
    )
    contacted = clock.now()
    await uow.clients.update(
        drop.id,
        now=clock.now(),
        budget_minor=500_000,
        budget_currency="USD",
        payment=PaymentHabit.ON_TIME,
        last_contact_at=clock.now(),
    )
    deal = await uow.deals.add(
        now=clock.now(),
        client_id=drop.id,
        owner_id=anna.user_id,
        title="Trucks",
        currency="USD",
        stage=DealStage.NEW,
    )
    clock.advance(minutes=1)

    merged = await merge.merge_clients(uow, anna, clock, keep.id, drop.id)

    kept = merged.client
    assert await uow.clients.get(drop.id) is None
    assert (kept.name, kept.company, kept.needs, kept.user_id) == (
        "Pavel Ivanov",
        "Acme",
        "Trucks",
        pavel.user_id,
    )
    assert (kept.budget_minor, kept.budget_currency, kept.payment) == (
        500_000,
        "USD",
        PaymentHabit.ON_TIME,
    )
    assert kept.last_contact_at == contacted
    contacts = await uow.clients.contacts(keep.id)
    assert sorted(c.value for c in contacts) == ["+74951234567", "+79123456789", "p@acme.com"]
    assert await uow.clients.tags(keep.id) == ["key", "trucks"]
    assert (await uow.deals.get(deal.id)).client_id == keep.id  # type: ignore[union-attr]
    kinds = [entry.kind for entry in await entries(uow, keep.id)]
    assert kinds.count("created") == 2 and "note" in kinds and kinds[-1] == "merge"
    last = (await entries(uow, keep.id))[-1]
    assert json.loads(last.details or "{}")["merged"] == "P. Ivanov · Acme"
    assert "acme" in await words(uow, keep.id)
    actions = [a.action for a in await uow.audit.for_entity("client", keep.id)]
    assert "client_merged" in actions


async def test_the_kept_card_keeps_its_own_values(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    keep = await clients.create(uow, anna, clock, LeadDraft("Ivan", company="Acme", needs="A"))
    drop = await clients.create(uow, anna, clock, LeadDraft("Ivan", company="Other", needs="B"))

    merged = await merge.merge_clients(uow, anna, clock, keep.id, drop.id)

    assert (merged.client.company, merged.client.needs) == ("Acme", "A")
    assert merged.filled == ()


async def test_a_card_is_not_merged_with_itself(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await clients.create(uow, anna, clock, LeadDraft("Ivan"))
    with pytest.raises(ClientRejected) as refused:
        await merge.merge_clients(uow, anna, clock, ivan.id, ivan.id)
    assert refused.value.problem is ClientProblem.SAME_CLIENT


async def test_both_cards_must_be_ones_own(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    mine = await clients.create(uow, anna, clock, LeadDraft("Ivan"))
    his = await clients.create(uow, boris, clock, LeadDraft("Ivan"))

    for keep, drop in ((mine.id, his.id), (his.id, mine.id)):
        with pytest.raises(NotAllowed):
            await merge.merge_clients(uow, anna, clock, keep, drop)
    assert await uow.clients.get(his.id) is not None
    assert await uow.clients.get(mine.id) is not None


async def test_the_head_of_sales_merges_cards_of_two_specialists(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    head = await person(uow, clock, 3, Role.HEAD)
    annas = await clients.create(uow, anna, clock, LeadDraft("Ivan", phones=("+79123456789",)))
    boriss = await clients.create(uow, boris, clock, LeadDraft("Ivan", emails=("i@x.ru",)))

    merged = await merge.merge_clients(uow, head, clock, annas.id, boriss.id)

    assert merged.client.owner_id == anna.user_id
    assert merged.added_contacts == ("i@x.ru",)
    assert TimelineKind.MERGE.value in [e.kind for e in await entries(uow, annas.id)]
