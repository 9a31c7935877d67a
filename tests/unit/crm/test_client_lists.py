""" "My clients": the actor's clients page by page, the longest without contact first,
narrowed by status, segment, tag and days without contact; the head of sales lists
everyone's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, lists
from bot.services.crm.clients import LeadDraft
from bot.services.crm.lists import ClientFilter
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.enums import ClientStatus, Role, Segment
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.crm.test_search import staff


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def boris(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 2, Role.SPECIALIST)


@pytest.fixture
async def base(uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor) -> None:
    """Anna: a lead never contacted, an active VIP tagged "опт" called 40 days ago, a
    prospect called 10 days ago, a lost one called 100 days ago. Boris: one lead."""
    now = clock.now()

    async def add(actor: Actor, name: str, tags: tuple[str, ...] = (), **changes: object) -> None:
        client = await clients.create(uow, actor, clock, LeadDraft(name, tags=tags))
        if changes:
            await uow.clients.update(client.id, now=now, **changes)

    await add(anna, "Never Called")
    await add(
        anna,
        "Vip Active",
        ("опт",),
        status=ClientStatus.ACTIVE,
        segment=Segment.VIP,
        last_contact_at=now - timedelta(days=40),
    )
    await add(
        anna, "Prospect", status=ClientStatus.PROSPECT, last_contact_at=now - timedelta(days=10)
    )
    await add(
        anna,
        "Long Lost",
        ("опт", "старый"),
        status=ClientStatus.LOST,
        last_contact_at=now - timedelta(days=100),
    )
    await add(boris, "Boris Lead")


async def names(uow: UnitOfWork, actor: Actor, clock: FakeClock, **chosen: object) -> list[str]:
    page = await lists.page(uow, actor, ClientFilter(**chosen), 0, clock.now())  # type: ignore[arg-type]
    return [client.name for client in page.items]


@pytest.mark.usefixtures("base")
async def test_the_longest_without_contact_come_first(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    assert await names(uow, anna, clock) == ["Never Called", "Long Lost", "Vip Active", "Prospect"]


@pytest.mark.usefixtures("base")
@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({"status": ClientStatus.ACTIVE}, ["Vip Active"]),
        ({"status": ClientStatus.LEAD}, ["Never Called"]),
        ({"segment": Segment.VIP}, ["Vip Active"]),
        ({"segment": Segment.STANDARD}, ["Never Called", "Long Lost", "Prospect"]),
        ({"tag": "опт"}, ["Long Lost", "Vip Active"]),
        ({"tag": "нет такого"}, []),
        ({"silent_days": 7}, ["Never Called", "Long Lost", "Vip Active", "Prospect"]),
        ({"silent_days": 30}, ["Never Called", "Long Lost", "Vip Active"]),
        ({"silent_days": 90}, ["Never Called", "Long Lost"]),
        ({"tag": "опт", "silent_days": 60}, ["Long Lost"]),
        ({"tag": "опт", "status": ClientStatus.ACTIVE, "segment": Segment.VIP}, ["Vip Active"]),
        ({"status": ClientStatus.ACTIVE, "silent_days": 60}, []),
    ],
)
async def test_filters_combine(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, chosen: dict[str, object], expected: list[str]
) -> None:
    assert await names(uow, anna, clock, **chosen) == expected


@pytest.mark.usefixtures("base")
async def test_pages_and_a_page_past_the_end(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    first = await lists.page(uow, anna, ClientFilter(), 0, clock.now(), size=3)
    assert (first.page, first.pages, first.total) == (0, 2, 4)
    assert [c.name for c in first.items] == ["Never Called", "Long Lost", "Vip Active"]
    last = await lists.page(uow, anna, ClientFilter(), 7, clock.now(), size=3)
    assert (last.page, [c.name for c in last.items]) == (1, ["Prospect"])
    assert not last.everyone


@pytest.mark.usefixtures("base")
async def test_the_head_lists_everyones_with_the_owners(
    uow: UnitOfWork, clock: FakeClock, boris: Actor
) -> None:
    head = await staff(uow, clock, 3, Role.HEAD)
    page = await lists.page(uow, head, ClientFilter(status=ClientStatus.LEAD), 0, clock.now())
    assert [c.name for c in page.items] == ["Never Called", "Boris Lead"]
    assert page.everyone
    assert page.owners[page.items[1].owner_id or 0].id == boris.user_id  # type: ignore[union-attr]
    assert await names(uow, boris, clock) == ["Boris Lead"]


@pytest.mark.usefixtures("base")
async def test_tags_to_filter_by_are_the_actors(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    assert await lists.tags(uow, anna) == ["опт", "старый"]
    assert await lists.tags(uow, boris) == []


async def test_a_client_may_not_list(uow: UnitOfWork, clock: FakeClock) -> None:
    visitor = await staff(uow, clock, 50, Role.CLIENT)
    with pytest.raises(NotAllowed):
        await lists.page(uow, visitor, ClientFilter(), 0, clock.now())


@pytest.mark.parametrize(
    "values",
    [{"status": "bogus"}, {"segment": "gold"}, {"silent_days": 5}, {"silent_days": "x"}],
)
def test_a_forged_filter_is_refused(values: dict[str, object]) -> None:
    with pytest.raises(ClientRejected) as caught:
        ClientFilter.parse(**values)  # type: ignore[arg-type]
    assert caught.value.problem is ClientProblem.BAD_CHOICE


def test_a_filter_survives_its_stored_form() -> None:
    chosen = ClientFilter(ClientStatus.ACTIVE, Segment.KEY, "опт", 30)
    assert ClientFilter.parse(**chosen.stored()) == chosen  # type: ignore[arg-type]
    assert ClientFilter.parse().is_empty
