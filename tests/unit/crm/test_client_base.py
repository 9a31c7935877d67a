"""The client base's foundation: a captured lead, clients who come through the bot, the
desk keeping their cards current, and erasure of a client who withdraws consent."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.services import privacy, relay
from bot.services.actors import Defaults, Profile
from bot.services.crm import clients
from bot.services.crm.contacts import parse_email, parse_phone
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.services.onboarding import give_consent
from bot.storage.enums import ClientStatus, ContactKind, DealStage, Role, TimelineKind
from bot.storage.models import AuditRecord, Client, ClientWord
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.desk.helpers import desk_config, file_request, person, text, working_clock


@pytest.fixture
def clock() -> FakeClock:
    return working_clock()


async def test_a_captured_lead_is_stored_with_contacts_words_and_its_first_entries(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    draft = clients.LeadDraft(
        name="Пётр Иванов",
        company="ООО «Ромашка»",
        phones=(parse_phone("8 912 345-67-89", "RU"),),
        emails=(parse_email("Petr@Romashka.RU"),),
        source="exhibition",
        tags=("#опт", "expo"),
    )

    lead = await clients.create(uow, anna, clock, draft, note="Met at the stand")

    assert (lead.status, lead.owner_id, lead.created_by) == (
        ClientStatus.LEAD,
        anna.user_id,
        anna.user_id,
    )
    contacts = await uow.clients.contacts(lead.id)
    assert [(c.kind, c.value, c.normalized) for c in contacts] == [
        (ContactKind.PHONE, "+79123456789", "79123456789"),
        (ContactKind.EMAIL, "Petr@romashka.ru", "petr@romashka.ru"),
    ]
    assert await uow.clients.tags(lead.id) == ["expo", "опт"]
    words = set(await uow.session.scalars(select(ClientWord.word)))
    assert {"петр", "иванов", "ооо", "ромашка", "опт", "expo", "petr"} <= words
    entries = await uow.timeline.page(lead.id, None, offset=0, limit=10)
    assert sorted(e.kind for e in entries) == [TimelineKind.CREATED, TimelineKind.NOTE]


async def test_a_lead_needs_a_name_and_a_client_cannot_capture_one(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    with pytest.raises(ClientRejected) as refused:
        await clients.create(uow, anna, clock, clients.LeadDraft(name="   "))
    assert refused.value.problem is ClientProblem.EMPTY
    with pytest.raises(NotAllowed):
        await clients.create(uow, client, clock, clients.LeadDraft(name="Spy"))


async def test_every_edit_is_in_the_timeline_and_the_audit_with_old_and_new_values(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    lead = await clients.create(uow, anna, clock, clients.LeadDraft(name="Ivan"))

    await clients.update(uow, anna, clock, lead.id, company="Acme", status=ClientStatus.PROSPECT)

    entries = await uow.timeline.page(lead.id, None, offset=0, limit=10)
    changes = {
        json.loads(e.details)["field"]: (e.kind, json.loads(e.details)["to"])
        for e in entries
        if e.details
    }
    assert changes == {
        "company": (TimelineKind.EDIT, "Acme"),
        "status": (TimelineKind.STATUS, "prospect"),
    }
    audited = list(
        await uow.session.scalars(
            select(AuditRecord.details).where(AuditRecord.action == "client_edited")
        )
    )
    assert len(audited) == 2
    assert await uow.clients.ids_with_word_prefix("acm", None, 10) == [lead.id]


async def test_another_specialists_client_is_refused_like_a_missing_one(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    head = await person(uow, clock, 3, Role.HEAD)
    lead = await clients.create(uow, anna, clock, clients.LeadDraft(name="Ivan"))

    for attempt in (lead.id, lead.id + 100):
        with pytest.raises(NotAllowed):
            await clients.card(uow, boris, attempt)
    assert (await clients.card(uow, head, lead.id)).client.name == "Ivan"
    with pytest.raises(NotAllowed):
        await clients.update(uow, anna, clock, lead.id, owner_id=boris.user_id)
    moved = await clients.update(uow, head, clock, lead.id, owner_id=boris.user_id)
    assert moved.owner_id == boris.user_id


async def test_a_client_who_comes_by_a_link_is_a_lead_with_that_source(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    user = await give_consent(
        uow,
        clock,
        Profile(77, "Maria Petrova", "maria", "ru"),
        locale="ru",
        defaults=Defaults("ru", "Europe/Moscow"),
        source="expo2026",
    )

    card = await uow.clients.by_user(user.id)
    assert card is not None
    assert (card.name, card.telegram_username, card.status, card.source, card.owner_id) == (
        "Maria Petrova",
        "maria",
        ClientStatus.LEAD,
        "expo2026",
        None,
    )


async def test_the_desk_makes_the_answering_specialist_the_cards_owner_and_counts_contact(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    maria = await person(uow, clock, 10)
    desk = desk_config()

    request = await file_request(uow, clock, desk, maria)
    card = await uow.clients.by_user(maria.user_id or 0)
    assert card is not None and card.owner_id == anna.user_id
    assert card.last_contact_at is None

    clock.advance(minutes=30)
    await relay.from_staff(uow, clock, desk, anna, request.id, text(1, 500, "Hello!"))
    card = await uow.clients.by_user(maria.user_id or 0)
    assert card is not None and card.last_contact_at == clock.now()


async def test_withdrawing_consent_removes_the_card_the_bot_made_and_unlinks_a_staff_card(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    maria = await person(uow, clock, 10)
    await clients.for_telegram_user(uow, clock, maria.user)  # type: ignore[arg-type]
    olga = await person(uow, clock, 11)
    captured = await clients.create(
        uow,
        anna,
        clock,
        clients.LeadDraft(name="Olga", telegram_username="olga", user_id=olga.user_id),
    )

    await privacy.withdraw_consent(uow, clock, maria)
    await privacy.withdraw_consent(uow, clock, olga)

    remaining = list(await uow.session.scalars(select(Client)))
    assert [(c.id, c.name, c.user_id, c.telegram_username) for c in remaining] == [
        (captured.id, "Olga", None, None)
    ]


async def test_a_client_handed_over_takes_his_open_deals_to_the_new_owner(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    boris = await person(uow, clock, 2, Role.SPECIALIST)
    head = await person(uow, clock, 3, Role.HEAD)
    lead = await clients.create(uow, anna, clock, clients.LeadDraft(name="Ivan"))
    talking = await uow.deals.add(
        now=clock.now(),
        client_id=lead.id,
        owner_id=anna.user_id,
        title="Pumps",
        currency="RUB",
        stage=DealStage.NEGOTIATION,
    )
    won = await uow.deals.add(
        now=clock.now(),
        client_id=lead.id,
        owner_id=anna.user_id,
        title="Valves",
        currency="RUB",
        stage=DealStage.WON,
    )

    await clients.update(uow, head, clock, lead.id, owner_id=boris.user_id)

    owners = {deal.id: deal.owner_id for deal in await uow.deals.of_client(lead.id)}
    assert owners == {talking.id: boris.user_id, won.id: anna.user_id}
