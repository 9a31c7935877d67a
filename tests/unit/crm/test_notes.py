"""Meeting and call notes: a contact restarts "no contact for N days", a plain note does not;
the next step lands on the card; another specialist's client is refused; the clients a
specialist touched last come first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, notes
from bot.services.crm.clients import LeadDraft
from bot.services.crm.notes import AttachmentKind, NoteDraft
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO
from bot.storage.enums import Role, TimelineKind
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


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


async def lead(uow: UnitOfWork, clock: FakeClock, owner: Actor, name: str) -> ClientDTO:
    return await clients.create(uow, owner, clock, LeadDraft(name, company="Acme"))


async def reloaded(uow: UnitOfWork, client: ClientDTO) -> ClientDTO:
    found = await uow.clients.get(client.id)
    assert found is not None
    return found


async def test_a_call_an_hour_ago_is_the_clients_last_contact(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await lead(uow, clock, anna, "Ivan")
    an_hour_ago = clock.now() - timedelta(hours=1)

    entry = await notes.log(
        uow,
        anna,
        clock,
        ivan.id,
        NoteDraft(TimelineKind.CALL, "Wants a discount", happened_at=an_hour_ago),
    )

    assert (entry.kind, entry.text, entry.happened_at) == (
        TimelineKind.CALL,
        "Wants a discount",
        an_hour_ago,
    )
    assert entry.author_id == anna.user_id
    assert (await reloaded(uow, ivan)).last_contact_at == an_hour_ago
    [audit] = [
        a for a in await uow.audit.for_entity("client", ivan.id) if a.action == "note_logged"
    ]
    assert audit.actor_id == anna.user_id


async def test_a_note_is_not_a_contact(uow: UnitOfWork, clock: FakeClock, anna: Actor) -> None:
    ivan = await lead(uow, clock, anna, "Ivan")
    await notes.log(uow, anna, clock, ivan.id, NoteDraft(TimelineKind.NOTE, "Likes golf"))
    assert (await reloaded(uow, ivan)).last_contact_at is None


async def test_the_next_step_lands_on_the_card(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await lead(uow, clock, anna, "Ivan")
    friday = clock.now() + timedelta(days=3)

    entry = await notes.log(
        uow,
        anna,
        clock,
        ivan.id,
        NoteDraft(
            TimelineKind.MEETING,
            "Showed the catalogue",
            outcome="Interested in 20 units",
            next_step="Send the offer",
            next_step_at=friday,
        ),
    )

    assert (entry.outcome, entry.next_step, entry.next_step_at) == (
        "Interested in 20 units",
        "Send the offer",
        friday,
    )
    card = await reloaded(uow, ivan)
    assert (card.next_step, card.next_step_at) == ("Send the offer", friday)
    assert card.last_contact_at == clock.now()
    edits = [
        e
        for e in await uow.timeline.page(ivan.id, None, offset=0, limit=10)
        if e.kind.value == "edit"
    ]
    assert {e.details for e in edits} >= {
        '{"field": "next_step", "from": null, "to": "Send the offer"}'
    }


async def test_a_voice_message_is_enough_without_text(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await lead(uow, clock, anna, "Ivan")
    entry = await notes.log(
        uow,
        anna,
        clock,
        ivan.id,
        NoteDraft(TimelineKind.VISIT, file_id="voice-1", file_kind=AttachmentKind.VOICE),
    )
    assert (entry.text, entry.file_id, entry.file_kind) == (None, "voice-1", "voice")


@pytest.mark.parametrize(
    ("draft", "problem"),
    [
        (NoteDraft(TimelineKind.CALL, "  "), ClientProblem.EMPTY),
        (NoteDraft(TimelineKind.CALL, "x" * 4001), ClientProblem.TOO_LONG),
        (NoteDraft(TimelineKind.CALL, "ok", outcome="x" * 4001), ClientProblem.TOO_LONG),
        (NoteDraft(TimelineKind.EDIT, "ok"), ClientProblem.BAD_CHOICE),
        (NoteDraft(TimelineKind.CALL, "ok", file_id="f"), ClientProblem.BAD_CHOICE),
    ],
)
async def test_input_that_cannot_be_taken_saves_nothing(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, draft: NoteDraft, problem: ClientProblem
) -> None:
    ivan = await lead(uow, clock, anna, "Ivan")
    with pytest.raises(ClientRejected) as refused:
        await notes.log(uow, anna, clock, ivan.id, draft)
    assert refused.value.problem is problem
    kinds = [e.kind for e in await uow.timeline.page(ivan.id, None, offset=0, limit=10)]
    assert kinds == [TimelineKind.CREATED]


async def test_a_meeting_tomorrow_is_not_a_note_but_a_next_step(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await lead(uow, clock, anna, "Ivan")
    with pytest.raises(ClientRejected) as refused:
        await notes.log(
            uow,
            anna,
            clock,
            ivan.id,
            NoteDraft(TimelineKind.MEETING, "ok", happened_at=clock.now() + timedelta(days=1)),
        )
    assert refused.value.problem is ClientProblem.FUTURE_DATE


async def test_a_next_step_for_a_day_long_gone_is_refused(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await lead(uow, clock, anna, "Ivan")
    with pytest.raises(ClientRejected) as refused:
        await notes.log(
            uow,
            anna,
            clock,
            ivan.id,
            NoteDraft(
                TimelineKind.CALL,
                "ok",
                next_step="Call back",
                next_step_at=clock.now() - timedelta(days=3),
            ),
        )
    assert refused.value.problem is ClientProblem.PAST_DATE


async def test_another_specialists_client_is_refused(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    borises = await lead(uow, clock, boris, "Pyotr")
    with pytest.raises(NotAllowed):
        await notes.log(uow, anna, clock, borises.id, NoteDraft(TimelineKind.CALL, "Hi"))
    with pytest.raises(NotAllowed):
        await notes.log(uow, anna, clock, 999_999, NoteDraft(TimelineKind.CALL, "Hi"))
    assert (await reloaded(uow, borises)).last_contact_at is None


async def test_the_head_of_sales_logs_on_anyones_client(
    uow: UnitOfWork, clock: FakeClock, boris: Actor
) -> None:
    head = await staff(uow, clock, 3, Role.HEAD)
    pyotr = await lead(uow, clock, boris, "Pyotr")
    entry = await notes.log(uow, head, clock, pyotr.id, NoteDraft(TimelineKind.CALL, "Checked in"))
    assert entry.author_id == head.user_id


async def test_recent_clients_come_newest_first(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    first = await lead(uow, clock, anna, "First")
    second = await lead(uow, clock, anna, "Second")
    await lead(uow, clock, anna, "Third")
    borises = await lead(uow, clock, boris, "Boris's")
    clock.advance(minutes=5)
    await notes.log(uow, anna, clock, first.id, NoteDraft(TimelineKind.CALL, "a"))
    clock.advance(minutes=5)
    await notes.log(uow, boris, clock, borises.id, NoteDraft(TimelineKind.CALL, "b"))
    await notes.log(uow, anna, clock, second.id, NoteDraft(TimelineKind.NOTE, "c"))

    recent = await notes.recent_clients(uow, anna)

    assert [c.name for c in recent] == ["Second", "First", "Third"]
    assert [c.name for c in await notes.recent_clients(uow, anna, limit=2)] == ["Second", "First"]


async def test_recent_clients_include_clients_handed_over_and_not_lost_ones(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    head = await staff(uow, clock, 3, Role.HEAD)
    mine = await lead(uow, clock, anna, "Mine")
    handed = await lead(uow, clock, head, "Handed over")
    clock.advance(minutes=1)
    await clients.update(uow, head, clock, handed.id, owner_id=anna.user_id)
    taken_away = await lead(uow, clock, anna, "Taken away")
    clock.advance(minutes=1)
    await clients.update(uow, head, clock, taken_away.id, owner_id=boris.user_id)

    recent = await notes.recent_clients(uow, anna)

    assert [c.name for c in recent] == ["Mine", "Handed over"]
    assert mine.id in {c.id for c in recent}


async def test_a_client_of_the_desk_cannot_log_notes(uow: UnitOfWork, clock: FakeClock) -> None:
    client = await staff(uow, clock, 10, Role.CLIENT)
    with pytest.raises(NotAllowed):
        await notes.recent_clients(uow, client)
