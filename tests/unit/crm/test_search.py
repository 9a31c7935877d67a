"""Search finds a client by part of his name, company, phone, e-mail or tag, whatever the
case, ё or е, and with a typo; a specialist only among his own clients."""

from __future__ import annotations

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, search
from bot.services.crm.clients import LeadDraft
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

REGION = "RU"


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
async def base(uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor) -> None:
    """Anna's clients and one of Boris's."""
    for draft in (
        LeadDraft(
            "Иван Петров",
            company="ООО «Ромашка»",
            phones=("+79123456789",),
            emails=("ivan.petrov@romashka.ru",),
            tags=("vip", "опт"),
        ),
        LeadDraft("Пётр Фёдоров", company="Ёлки-Палки", phones=("+79261112233",)),
        LeadDraft("John Smith", company="Acme Corp", emails=("john@acme.com",)),
        LeadDraft("Ivan Ivanovsky", company="Steel Works", tags=("steel",)),
        LeadDraft("Ивана Петрова", company="Петров и сыновья"),
    ):
        await clients.create(uow, anna, clock, draft)
    await clients.create(
        uow, boris, clock, LeadDraft("Иван Сидоров", company="Ромашка", phones=("+79990005544",))
    )


async def names(uow: UnitOfWork, actor: Actor, query: str) -> list[str]:
    return [c.name for c in await search.find(uow, actor, query, region=REGION)]


@pytest.mark.usefixtures("base")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("петров", ["Иван Петров", "Ивана Петрова"]),
        ("ПЕТ", ["Иван Петров", "Ивана Петрова", "Пётр Фёдоров"]),
        ("ромаш", ["Иван Петров"]),
        ("иван петр", ["Иван Петров", "Ивана Петрова"]),
        ("петр иван", ["Иван Петров", "Ивана Петрова"]),
        ("федоров", ["Пётр Фёдоров"]),
        ("Фёдоров", ["Пётр Фёдоров"]),
        ("елки", ["Пётр Фёдоров"]),
        ("acme", ["John Smith"]),
        ("SMITH", ["John Smith"]),
        ("8 912 345 67 89", ["Иван Петров"]),
        ("+7(912)345-67-89", ["Иван Петров"]),
        ("89123456789", ["Иван Петров"]),
        ("912 345", ["Иван Петров"]),
        ("6789", ["Иван Петров"]),
        ("5544", []),
        ("ivan.petrov@romashka.ru", ["Иван Петров"]),
        ("IVAN.PETROV@ROMASHKA.RU", ["Иван Петров"]),
        ("romashka", ["Иван Петров"]),
        ("john@acme", ["John Smith"]),
        ("#vip", ["Иван Петров"]),
        ("#ОПТ", ["Иван Петров"]),
        ("steel", ["Ivan Ivanovsky"]),
        ("петорв", ["Иван Петров", "Ивана Петрова"]),
        ("ivanov", ["Ivan Ivanovsky"]),
        ("petrov", ["Иван Петров", "Ивана Петрова"]),
        ("смит", ["John Smith"]),
        ("fedorov", ["Пётр Фёдоров"]),
        ("smiht", ["John Smith"]),
        ("ivonovsky", ["Ivan Ivanovsky"]),
        ("сидоров", []),
        ("nobody", []),
    ],
)
async def test_a_specialist_finds_his_clients(
    uow: UnitOfWork, anna: Actor, query: str, expected: list[str]
) -> None:
    assert await names(uow, anna, query) == expected


@pytest.mark.usefixtures("base")
async def test_an_exact_word_comes_before_a_prefix(uow: UnitOfWork, anna: Actor) -> None:
    assert await names(uow, anna, "ivan") == ["Ivan Ivanovsky", "Иван Петров", "Ивана Петрова"]
    assert (await names(uow, anna, "ивана"))[0] == "Ивана Петрова"


async def test_the_closest_guess_comes_first(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    for name in ("Арина Кунцево", "Кузнецов Иван"):
        await clients.create(uow, anna, clock, LeadDraft(name))
    assert await names(uow, anna, "кузнецво") == ["Кузнецов Иван", "Арина Кунцево"]


@pytest.mark.usefixtures("base")
async def test_another_specialists_clients_are_never_found(
    uow: UnitOfWork, anna: Actor, boris: Actor
) -> None:
    assert await names(uow, anna, "сидоров") == []
    assert await names(uow, anna, "+7 999 000-11-22") == []
    assert await names(uow, boris, "ромашка") == ["Иван Сидоров"]
    assert await names(uow, boris, "#vip") == []


@pytest.mark.usefixtures("base")
async def test_the_head_of_sales_finds_everyones(uow: UnitOfWork, head: Actor) -> None:
    assert await names(uow, head, "ромашка") == ["Иван Петров", "Иван Сидоров"]
    assert await names(uow, head, "5544") == ["Иван Сидоров"]


async def test_a_client_may_not_search(uow: UnitOfWork, clock: FakeClock) -> None:
    visitor = await staff(uow, clock, 50, Role.CLIENT)
    with pytest.raises(NotAllowed):
        await search.find(uow, visitor, "иван", region=REGION)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("", ClientProblem.EMPTY),
        ("  ,. ", ClientProblem.EMPTY),
        ("я" * 101, ClientProblem.TOO_LONG),
    ],
)
async def test_an_empty_or_overlong_query_is_explained(
    uow: UnitOfWork, anna: Actor, query: str, problem: ClientProblem
) -> None:
    with pytest.raises(ClientRejected) as caught:
        await search.find(uow, anna, query, region=REGION)
    assert caught.value.problem is problem
