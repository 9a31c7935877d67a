"""Before a lead is saved: the same phone, e-mail or Telegram account, or a close name and
company, is found in the whole base; another specialist's client only by his owner's name."""

from __future__ import annotations

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, duplicates
from bot.services.crm.clients import LeadDraft
from bot.services.crm.duplicates import MatchReason
from bot.services.errors import NotAllowed
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


async def person(
    uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role, name: str
) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=name,
    )
    return Actor.of(user)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await person(uow, clock, 1, Role.SPECIALIST, "Anna")


@pytest.fixture
async def boris(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await person(uow, clock, 2, Role.SPECIALIST, "Boris")


async def test_the_same_phone_in_another_format_is_a_duplicate(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await clients.create(
        uow, anna, clock, LeadDraft("Ivan Petrov", phones=("+79123456789",))
    )

    [match] = await duplicates.find(
        uow, anna, LeadDraft("Jean", phones=("+79123456789", "+74951234567"))
    )

    assert match.reason is MatchReason.PHONE and match.visible
    assert match.client == ivan and match.owner_name == "Anna"


async def test_the_same_email_whatever_its_case(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    await clients.create(uow, anna, clock, LeadDraft("Maria", emails=("Maria@Example.com",)))

    [match] = await duplicates.find(uow, anna, LeadDraft("M.", emails=("maria@example.COM",)))

    assert match.reason is MatchReason.EMAIL and match.client is not None
    assert match.client.name == "Maria"


async def test_the_same_telegram_username(uow: UnitOfWork, clock: FakeClock, anna: Actor) -> None:
    await clients.create(uow, anna, clock, LeadDraft("Oleg", telegram_username="oleg_k"))

    [match] = await duplicates.find(uow, anna, LeadDraft("Олег", telegram_username="@Oleg_K"))

    assert match.reason is MatchReason.TELEGRAM


async def test_the_telegram_account_a_card_is_linked_to(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await person(uow, clock, 50, Role.CLIENT, "Pavel")
    assert client.user is not None
    card = await clients.for_telegram_user(uow, clock, client.user)

    [match] = await duplicates.find(uow, anna, LeadDraft("Pavel", user_id=client.user_id))

    assert match.reason is MatchReason.TELEGRAM and match.client is None, "nobody's client yet"
    assert card.owner_id is None


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("Petrov Ivan", "ACME"),  # the words in another order, another case
        ("Ivan Petorv", "Acme"),  # a typo
        ("Ivan Petrov", None),  # the company not known yet
    ],
)
async def test_a_close_name_and_company(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, name: str, company: str | None
) -> None:
    ivan = await clients.create(uow, anna, clock, LeadDraft("Ivan Petrov", company="Acme"))

    [match] = await duplicates.find(uow, anna, LeadDraft(name, company=company))

    assert match.reason is MatchReason.NAME and match.client == ivan


async def test_other_people_are_not_duplicates(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    await clients.create(uow, anna, clock, LeadDraft("Ivan Petrov", company="Acme"))
    await clients.create(uow, anna, clock, LeadDraft("Иван Петров", phones=("+79123456789",)))

    assert await duplicates.find(uow, anna, LeadDraft("Ivan Sidorov", company="Acme")) == []
    assert await duplicates.find(uow, anna, LeadDraft("Ivan Petrov", company="Romashka")) == []
    assert await duplicates.find(uow, anna, LeadDraft("Иван Петров", phones=("+79120000000",)))


async def test_exact_matches_come_first_and_each_client_once(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    by_name = await clients.create(uow, anna, clock, LeadDraft("Ivan Petrov", company="Acme"))
    by_phone = await clients.create(
        uow,
        anna,
        clock,
        LeadDraft("I. P.", phones=("+79123456789",), emails=("ip@acme.com",)),
    )

    found = await duplicates.find(
        uow,
        anna,
        LeadDraft("Ivan Petrov", company="Acme", phones=("+79123456789",), emails=("ip@acme.com",)),
    )

    assert [(m.client, m.reason) for m in found] == [
        (by_phone, MatchReason.PHONE),
        (by_name, MatchReason.NAME),
    ]
    assert (
        await duplicates.find(
            uow, anna, LeadDraft("Ivan Petrov", company="Acme"), exclude={by_name.id}
        )
        == []
    )


async def test_another_specialists_client_shows_only_his_owner(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    await clients.create(
        uow, boris, clock, LeadDraft("Ivan Petrov", company="Acme", phones=("+79123456789",))
    )

    [match] = await duplicates.find(uow, anna, LeadDraft("Jean", phones=("+79123456789",)))

    assert not match.visible and match.client is None
    assert match.owner_name == "Boris"


async def test_the_head_of_sales_sees_every_match(
    uow: UnitOfWork, clock: FakeClock, boris: Actor
) -> None:
    head = await person(uow, clock, 3, Role.HEAD, "Helen")
    ivan = await clients.create(uow, boris, clock, LeadDraft("Ivan", phones=("+79123456789",)))

    [match] = await duplicates.find(uow, head, LeadDraft("Jean", phones=("+79123456789",)))

    assert match.client == ivan and match.owner_name == "Boris"


async def test_only_staff_check(uow: UnitOfWork, clock: FakeClock) -> None:
    client = await person(uow, clock, 60, Role.CLIENT, "Client")
    with pytest.raises(NotAllowed):
        await duplicates.find(uow, client, LeadDraft("Ivan"))


async def test_exact_lists_contact_matches_only(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await clients.create(
        uow, anna, clock, LeadDraft("Ivan Petrov", company="Acme", emails=("ivan@acme.com",))
    )

    assert await duplicates.exact(uow, LeadDraft("Ivan Petrov", company="Acme")) == []
    assert await duplicates.exact(uow, LeadDraft("X", emails=("IVAN@acme.com",))) == [
        (ivan.id, MatchReason.EMAIL)
    ]
