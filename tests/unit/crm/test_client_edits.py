"""Editing a client's card: every change lands in his timeline and in the audit log; only
the head of sales hands a client over; a specialist works with his own clients only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, score, timeline
from bot.services.crm.clients import LeadDraft
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.enums import ClientStatus, ContactKind, PaymentHabit, Role, Segment, TimelineKind
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


async def staff(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role.value} {telegram_id}",
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
async def ivan(uow: UnitOfWork, clock: FakeClock, anna: Actor) -> int:
    """Anna's lead, met at an exhibition."""
    client = await clients.create(
        uow,
        anna,
        clock,
        LeadDraft("Иван Петров", company="Ромашка", phones=("+79123456789",), source="exhibition"),
    )
    clock.advance(minutes=5)
    return client.id


async def edits(uow: UnitOfWork, actor: Actor, client_id: int) -> list[tuple[str, object, object]]:
    """The card edits on the timeline, oldest first, as (field, old, new)."""
    shown = await timeline.page(uow, actor, client_id, 0, page_size=100)
    found = [timeline.edit_of(entry) for entry in reversed(shown.entries)]
    return [(edit.field, edit.old, edit.new) for edit in found if edit is not None]


async def audited(uow: UnitOfWork, client_id: int) -> list[tuple[str, object, object]]:
    records = await uow.audit.for_entity("client", client_id)
    changes = []
    for record in records:
        if record.action == "client_edited":
            details = json.loads(record.details or "{}")
            changes.append((details["field"], details["from"], details["to"]))
    return changes


async def test_every_edit_of_the_card_lands_in_the_timeline_and_the_audit_log(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, ivan: int
) -> None:
    await clients.update(uow, anna, clock, ivan, company="Ромашка и партнёры", position="CEO")
    await clients.update(uow, anna, clock, ivan, status=ClientStatus.PROSPECT)
    await clients.update(uow, anna, clock, ivan, segment=Segment.VIP.value)
    await clients.update(uow, anna, clock, ivan, budget_minor=15_000_000, budget_currency="RUB")
    await clients.update(uow, anna, clock, ivan, payment=PaymentHabit.ON_TIME)
    await clients.set_tags(uow, anna, clock, ivan, ["опт, Москва"])
    email = await clients.add_contact(uow, anna, clock, ivan, ContactKind.EMAIL, "ivan@romashka.ru")
    await clients.remove_contact(uow, anna, clock, ivan, email.id)
    await score.override(uow, anna, clock, ivan, 80, "Paid the first order in advance")

    expected = [
        ("company", "Ромашка", "Ромашка и партнёры"),
        ("position", None, "CEO"),
        ("status", "lead", "prospect"),
        ("segment", "standard", "vip"),
        ("budget_minor", None, 15_000_000),
        ("budget_currency", None, "RUB"),
        ("payment", "unknown", "on_time"),
        ("tags", "", "опт москва"),
        ("email", None, "ivan@romashka.ru"),
        ("email", "ivan@romashka.ru", None),
        ("score_override", None, 80),
        ("score_reason", None, "Paid the first order in advance"),
    ]
    assert await edits(uow, anna, ivan) == expected
    assert await audited(uow, ivan) == expected
    shown = await timeline.page(uow, anna, ivan, 0, page_size=100)
    status_entries = [e for e in shown.entries if e.kind is TimelineKind.STATUS]
    assert len(status_entries) == 1 and status_entries[0].author_id == anna.user_id


async def test_an_unchanged_value_writes_nothing(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, ivan: int
) -> None:
    await clients.update(uow, anna, clock, ivan, company="Ромашка", status=ClientStatus.LEAD)
    await clients.set_tags(uow, anna, clock, ivan, [])

    assert await edits(uow, anna, ivan) == []


async def test_a_specialist_cannot_hand_his_client_over(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor, ivan: int
) -> None:
    with pytest.raises(NotAllowed):
        await clients.update(uow, anna, clock, ivan, owner_id=boris.user_id)

    card = await clients.card(uow, anna, ivan)
    assert card.client.owner_id == anna.user_id
    assert await edits(uow, anna, ivan) == []


async def test_the_head_of_sales_hands_the_client_to_another_specialist(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor, head: Actor, ivan: int
) -> None:
    await clients.update(uow, head, clock, ivan, owner_id=boris.user_id)

    card = await clients.card(uow, boris, ivan)
    assert card.owner is not None and card.owner.id == boris.user_id
    assert await edits(uow, head, ivan) == [("owner_id", anna.user_id, boris.user_id)]
    shown = await timeline.page(uow, head, ivan, 0)
    # The page names both owners, so the entry reads "Owner: Anna → Boris".
    assert {anna.user_id, boris.user_id, head.user_id} <= set(shown.people)
    with pytest.raises(NotAllowed):
        await clients.card(uow, anna, ivan)


async def test_a_client_is_handed_only_to_staff(
    uow: UnitOfWork, clock: FakeClock, head: Actor, ivan: int
) -> None:
    client_user = await uow.users.add(
        telegram_id=50, role=Role.CLIENT, locale="ru", timezone="Europe/Moscow", now=clock.now()
    )

    with pytest.raises(ClientRejected) as refused:
        await clients.update(uow, head, clock, ivan, owner_id=client_user.id)
    assert refused.value.problem is ClientProblem.NOT_STAFF_OWNER


async def test_another_specialists_client_is_not_there_for_him(
    uow: UnitOfWork, clock: FakeClock, boris: Actor, ivan: int
) -> None:
    with pytest.raises(NotAllowed):
        await clients.card(uow, boris, ivan)
    with pytest.raises(NotAllowed):
        await clients.update(uow, boris, clock, ivan, company="Hijacked")
    with pytest.raises(NotAllowed):
        await clients.set_tags(uow, boris, clock, ivan, ["mine"])
    with pytest.raises(NotAllowed):
        await timeline.page(uow, boris, ivan, 0)
    with pytest.raises(NotAllowed):
        await score.override(uow, boris, clock, ivan, 10, "no reason")
    # A client that does not exist is answered the same way.
    with pytest.raises(NotAllowed):
        await clients.card(uow, boris, ivan + 1000)


async def test_the_head_of_sales_sees_and_edits_every_client(
    uow: UnitOfWork, clock: FakeClock, head: Actor, ivan: int
) -> None:
    card = await clients.card(uow, head, ivan)
    await clients.update(uow, head, clock, ivan, needs="Packaging for 3 plants")

    assert card.client.name == "Иван Петров"
    assert await edits(uow, head, ivan) == [("needs", None, "Packaging for 3 plants")]


async def test_the_segment_is_copied_to_the_clients_telegram_account(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    user = await uow.users.add(
        telegram_id=77,
        role=Role.CLIENT,
        locale="ru",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name="Мария",
        consent_given_at=clock.now(),
    )
    client = await clients.for_telegram_user(uow, clock, user)
    await clients.adopt(uow, user, anna.user_id or 0, clock.now())
    clock.advance(minutes=1)

    await clients.update(uow, anna, clock, client.id, segment=Segment.KEY.value)

    stored = await uow.users.get(user.id)
    assert stored is not None and stored.segment == "key"


async def test_the_next_step_is_kept_with_its_date(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, ivan: int
) -> None:
    when = clock.now() + timedelta(days=3)

    await clients.update(uow, anna, clock, ivan, next_step="Send the offer", next_step_at=when)

    card = await clients.card(uow, anna, ivan)
    assert (card.client.next_step, card.client.next_step_at) == ("Send the offer", when)
    assert [field for field, _old, _new in await edits(uow, anna, ivan)] == [
        "next_step",
        "next_step_at",
    ]
