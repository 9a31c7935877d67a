"""A client's timeline: his notes and card edits with the requests and messages of his
Telegram account among them, newest first, a page at a time; attachments of his own
entries only; another specialist's client stays closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, timeline
from bot.services.crm.clients import LeadDraft
from bot.services.errors import NotAllowed
from bot.storage.dto import ClientDTO, UserDTO
from bot.storage.enums import RequestKind, RequestStatus, Role, Side, TimelineKind
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


async def staff(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"Staff {telegram_id}",
    )
    return Actor.of(user)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def maria(uow: UnitOfWork, clock: FakeClock) -> UserDTO:
    return await uow.users.add(
        telegram_id=500,
        role=Role.CLIENT,
        locale="ru",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name="Мария",
        consent_given_at=clock.now(),
    )


@pytest.fixture
async def marias_card(uow: UnitOfWork, clock: FakeClock, anna: Actor, maria: UserDTO) -> ClientDTO:
    """Maria's card in the base, made on her consent and given to Anna."""
    client = await clients.for_telegram_user(uow, clock, maria)
    await clients.adopt(uow, maria, anna.user_id or 0, clock.now())
    return client


async def note(
    uow: UnitOfWork, clock: FakeClock, author: Actor, client_id: int, text: str, **extra: str
) -> int:
    entry = await uow.timeline.add(
        client_id=client_id,
        kind=TimelineKind.NOTE,
        author_id=author.user_id,
        happened_at=clock.now(),
        now=clock.now(),
        text=text,
        **extra,
    )
    return entry.id


async def test_entries_requests_and_messages_come_newest_first_page_by_page(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, maria: UserDTO, marias_card: ClientDTO
) -> None:
    clock.advance(hours=1)
    await note(uow, clock, anna, marias_card.id, "Met at the fair")
    clock.advance(hours=1)
    now = clock.now()
    request = await uow.requests.add(
        kind=RequestKind.CLAIM,
        category="product",
        status=RequestStatus.WAITING,
        client_id=maria.id,
        subject="The box arrived broken",
        created_at=now,
        updated_at=now,
        first_response_due=now + timedelta(hours=4),
        resolution_due=now + timedelta(days=2),
    )
    clock.advance(hours=1)
    await uow.messages.add(
        request_id=request.id,
        author_id=anna.user_id,
        side=Side.STAFF,
        content_type="text",
        now=clock.now(),
        relayed=True,
        text="Please send a photo",
    )
    clock.advance(hours=1)
    await clients.update(uow, anna, clock, marias_card.id, company="Ромашка")
    clock.advance(hours=1)
    await note(uow, clock, anna, marias_card.id, "Called back")

    first = await timeline.page(uow, anna, marias_card.id, 0, page_size=3)
    second = await timeline.page(uow, anna, marias_card.id, 1, page_size=3)
    third = await timeline.page(uow, anna, marias_card.id, 2, page_size=3)

    assert [e.kind for e in first.entries] == [
        TimelineKind.NOTE,
        TimelineKind.EDIT,
        TimelineKind.MESSAGE,
    ]
    assert [e.kind for e in second.entries] == [
        TimelineKind.REQUEST,
        TimelineKind.NOTE,
        TimelineKind.EDIT,  # Anna became the owner
    ]
    assert [e.kind for e in third.entries] == [TimelineKind.CREATED]
    assert (first.has_newer, first.has_older) == (False, True)
    assert (second.has_newer, second.has_older) == (True, True)
    assert (third.has_newer, third.has_older) == (True, False)
    moments = [e.happened_at for p in (first, second, third) for e in p.entries]
    assert moments == sorted(moments, reverse=True)
    message, claim = first.entries[2], second.entries[0]
    assert (message.text, message.outcome, message.request_id) == (
        "Please send a photo",
        "staff",
        request.id,
    )
    assert (claim.file_kind, claim.outcome, claim.request_id) == ("claim", "waiting", request.id)
    assert first.author(first.entries[0]) is not None
    assert first.author(first.entries[0]).id == anna.user_id  # type: ignore[union-attr]
    assert second.author(claim) is not None and second.author(claim).id == maria.id  # type: ignore[union-attr]


async def test_a_card_without_telegram_shows_only_its_own_entries(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await clients.create(uow, anna, clock, LeadDraft("Пётр"))
    clock.advance(minutes=1)
    await note(uow, clock, anna, client.id, "First call")

    shown = await timeline.page(uow, anna, client.id, 0)

    assert [e.kind for e in shown.entries] == [TimelineKind.NOTE, TimelineKind.CREATED]
    assert (shown.has_newer, shown.has_older) == (False, False)


async def test_a_long_timeline_is_read_one_page_at_a_time(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await clients.create(uow, anna, clock, LeadDraft("Пётр"))
    for number in range(1000):
        clock.advance(minutes=1)
        await note(uow, clock, anna, client.id, f"Call {number}")

    first = await timeline.page(uow, anna, client.id, 0)
    last = await timeline.page(uow, anna, client.id, 100)

    assert [e.text for e in first.entries] == [f"Call {n}" for n in range(999, 989, -1)]
    assert first.has_older
    assert [e.kind for e in last.entries] == [TimelineKind.CREATED]
    assert not last.has_older


async def test_an_attachment_of_his_own_entry_is_given_out(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await clients.create(uow, anna, clock, LeadDraft("Пётр"))
    other = await clients.create(uow, anna, clock, LeadDraft("Павел"))
    with_voice = await note(
        uow, clock, anna, client.id, "After the meeting", file_id="voice-1", file_kind="voice"
    )
    without = await note(uow, clock, anna, client.id, "Plain")

    assert await timeline.attachment(uow, anna, client.id, with_voice) == ("voice-1", "voice")
    with pytest.raises(NotAllowed):
        await timeline.attachment(uow, anna, client.id, without)
    with pytest.raises(NotAllowed):
        await timeline.attachment(uow, anna, other.id, with_voice)


async def test_another_specialist_sees_no_timeline_and_the_head_sees_all(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await clients.create(uow, anna, clock, LeadDraft("Пётр"))
    entry = await note(uow, clock, anna, client.id, "Voice", file_id="v", file_kind="voice")
    boris = await staff(uow, clock, 2, Role.SPECIALIST)
    head = await staff(uow, clock, 3, Role.HEAD)

    with pytest.raises(NotAllowed):
        await timeline.page(uow, boris, client.id, 0)
    with pytest.raises(NotAllowed):
        await timeline.attachment(uow, boris, client.id, entry)
    assert len((await timeline.page(uow, head, client.id, 0)).entries) == 2


async def test_an_edit_entry_tells_the_field_and_both_values(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    client = await clients.create(uow, anna, clock, LeadDraft("Пётр", company="Ромашка"))
    clock.advance(minutes=1)
    await clients.update(uow, anna, clock, client.id, company="Лютик")

    [latest, created] = (await timeline.page(uow, anna, client.id, 0)).entries

    assert timeline.edit_of(latest) == timeline.Edit("company", "Ромашка", "Лютик")
    assert timeline.edit_of(created) is None
