"""The relay: a message is stored first, then its copy is owed to the other side until it
is delivered; replies in a chat find their request."""

from __future__ import annotations

import json

import pytest

from bot.services import lifecycle, privacy, relay
from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.services.relay import Content
from bot.storage.dto import RequestDTO
from bot.storage.enums import RequestStatus, Role, Side
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.desk.helpers import (
    CLIENT_CHAT,
    SPECIALIST_CHAT,
    S,
    file_request,
    move,
    msk,
    person,
    stored,
    text,
)


@pytest.fixture
async def request_(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> RequestDTO:
    request = await file_request(uow, clock, desk, client)
    assert request.assignee_id == specialist.user_id
    return request


async def test_a_clients_message_is_stored_then_owed_to_the_assignee(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    clock.advance(minutes=3)
    out = await relay.from_client(
        uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 77, "<b>Any news?</b>")
    )

    message = out.message
    assert (message.side, message.author_id, message.text) == (
        Side.CLIENT,
        client.user_id,
        "<b>Any news?</b>",
    )
    assert (message.source_chat_id, message.source_message_id) == (CLIENT_CHAT, 77)
    assert message.relayed and message.undelivered and message.attempts == 0
    assert out.recipient.id == specialist.user_id and out.author.id == client.user_id
    assert out.resumed is None
    assert out.request.status is S.NEW and out.request.updated_at == clock.now()
    assert await uow.messages.of_request(request_.id) == [message]
    owed = await relay.owed(uow)
    assert [(o.message, o.recipient.id, o.author.id) for o in owed] == [
        (message, specialist.user_id, client.user_id)
    ]


async def test_a_delivered_copy_is_no_longer_owed(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor, request_: RequestDTO
) -> None:
    out = await relay.from_client(uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 1))
    clock.advance(seconds=2)

    await relay.delivered(uow, clock, out.message.id)

    assert await relay.owed(uow) == []
    uow.session.expire_all()
    message = await uow.messages.get(out.message.id)
    assert message.delivered_at == clock.now() and message.attempts == 1
    assert not message.undelivered
    assert await uow.messages.count_undelivered(request_.id) == 0


async def test_a_failed_copy_stays_owed_and_counts_its_attempts(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor, request_: RequestDTO
) -> None:
    out = await relay.from_client(uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 1))

    await relay.failed(uow, out.message.id, "Too Many Requests: retry after 5")
    await relay.failed(uow, out.message.id, "x" * 1000)

    owed = await relay.owed(uow)
    assert [o.message.id for o in owed] == [out.message.id]
    uow.session.expire_all()
    message = await uow.messages.get(out.message.id)
    assert message.attempts == 2 and message.last_error == "x" * 256
    assert message.undelivered

    await relay.delivered(uow, clock, out.message.id)
    uow.session.expire_all()
    message = await uow.messages.get(out.message.id)
    assert (message.attempts, message.last_error) == (3, None)
    assert await relay.owed(uow) == []


async def test_owed_copies_come_oldest_first_and_up_to_the_limit(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    said = []
    for number in range(3):
        clock.advance(minutes=1)
        said.append(
            await relay.from_client(
                uow, clock, desk, client, request_.id, text(CLIENT_CHAT, number)
            )
        )
        said.append(
            await relay.from_staff(
                uow, clock, desk, specialist, request_.id, text(SPECIALIST_CHAT, number)
            )
        )

    owed = await relay.owed(uow, limit=4)

    assert [o.message.id for o in owed] == [out.message.id for out in said[:4]]
    assert [o.recipient.id for o in owed] == [specialist.user_id, client.user_id] * 2


async def test_a_staff_answer_goes_to_the_client_and_is_the_first_response(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    clock.advance(minutes=20)
    answered_at = clock.now()
    out = await relay.from_staff(
        uow, clock, desk, specialist, request_.id, text(SPECIALIST_CHAT, 5, "On it")
    )

    assert out.message.side is Side.STAFF and out.message.relayed
    assert out.recipient.id == client.user_id and out.author.id == specialist.user_id
    assert out.resumed is not None and out.resumed.previous is S.NEW
    assert out.request.status is S.IN_PROGRESS
    assert out.request.first_response_at == answered_at
    assert [o.recipient.id for o in await relay.owed(uow)] == [client.user_id]

    clock.advance(minutes=20)
    later = await relay.from_staff(
        uow, clock, desk, specialist, request_.id, text(SPECIALIST_CHAT, 6, "Done soon")
    )

    assert later.resumed is None and later.request.status is S.IN_PROGRESS
    assert later.request.first_response_at == answered_at
    assert await stored(uow, request_.id) == later.request
    assert [e.to_status for e in await uow.requests.events(request_.id)] == [S.NEW, S.IN_PROGRESS]


async def test_answering_a_reopened_request_puts_it_back_in_progress(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    await move(uow, clock, desk, specialist, request_.id, S.RESOLVED)
    await lifecycle.reopen_by_client(uow, clock, desk, client, request_.id)

    out = await relay.from_staff(uow, clock, desk, specialist, request_.id, text(1, 9))

    assert out.resumed is not None and out.resumed.previous is S.REOPENED
    assert out.request.status is S.IN_PROGRESS


async def test_the_clients_answer_resumes_a_waiting_request_and_its_sla(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    await relay.from_staff(uow, clock, desk, specialist, request_.id, text(1, 1, "Photo?"))
    clock.advance(hours=1)
    await move(uow, clock, desk, specialist, request_.id, S.WAITING)
    clock.advance(hours=2)
    # The team adding a word while waiting does not end the wait.
    still = await relay.from_staff(uow, clock, desk, specialist, request_.id, text(1, 2, "?"))
    assert still.resumed is None and still.request.status is S.WAITING
    clock.advance(hours=1)  # Wednesday 14:00, three working hours after the pause

    out = await relay.from_client(uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 3))

    assert out.resumed is not None and out.resumed.previous is S.WAITING
    assert out.request.status is S.IN_PROGRESS and out.request.paused_at is None
    assert out.request.resolution_due == msk(2026, 11, 27, 11, 0)
    events = await uow.requests.events(request_.id)
    assert (events[-1].from_status, events[-1].to_status, events[-1].actor_id) == (
        S.WAITING,
        S.IN_PROGRESS,
        client.user_id,
    )


@pytest.mark.parametrize("path", [(S.RESOLVED,), (S.RESOLVED, S.CLOSED)])
async def test_a_finished_request_takes_no_more_client_messages(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
    path: tuple[RequestStatus, ...],
) -> None:
    await move(uow, clock, desk, specialist, request_.id, *path)
    with pytest.raises(RequestRejected) as rejected:
        await relay.from_client(uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 1))
    assert rejected.value.problem is RequestProblem.WRONG_STATUS
    assert await uow.messages.of_request(request_.id) == []


@pytest.mark.parametrize("kind", ["sticker", "poll", "dice", "game"])
async def test_what_the_relay_cannot_carry_is_refused_and_not_stored(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
    kind: str,
) -> None:
    assert not relay.is_relayable(kind)
    content = Content(kind, CLIENT_CHAT, 3, file_id="f")
    with pytest.raises(RequestRejected):
        await relay.from_client(uow, clock, desk, client, request_.id, content)
    with pytest.raises(RequestRejected):
        await relay.from_staff(uow, clock, desk, specialist, request_.id, content)
    assert await uow.messages.of_request(request_.id) == []
    assert await uow.messages.linked_request(chat_id=CLIENT_CHAT, message_id=3) is None


async def test_media_and_locations_are_carried_with_their_details(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor, request_: RequestDTO
) -> None:
    photo = Content("photo", CLIENT_CHAT, 1, "caption", "file-1", 5000, "album-1")
    place = Content("location", CLIENT_CHAT, 2, extra={"latitude": 55.75, "longitude": 37.61})

    first = await relay.from_client(uow, clock, desk, client, request_.id, photo)
    second = await relay.from_client(uow, clock, desk, client, request_.id, place)

    assert (first.message.file_id, first.message.file_size, first.message.media_group_id) == (
        "file-1",
        5000,
        "album-1",
    )
    assert json.loads(second.message.extra) == {"latitude": 55.75, "longitude": 37.61}
    assert await uow.messages.of_request(request_.id) == [first.message, second.message]


@pytest.mark.parametrize("who", ["other_client", "other_specialist"])
async def test_strangers_cannot_write_on_the_request(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    request_: RequestDTO,
    who: str,
) -> None:
    role = Role.CLIENT if who == "other_client" else Role.SPECIALIST
    stranger = await person(uow, clock, 50, role)
    for send in (relay.from_client, relay.from_staff):
        with pytest.raises(NotAllowed):
            await send(uow, clock, desk, stranger, request_.id, text(50, 1))
    assert await uow.messages.of_request(request_.id) == []


async def test_the_client_cannot_write_as_staff_nor_staff_as_the_client(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    with pytest.raises(NotAllowed):
        await relay.from_staff(uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 1))
    with pytest.raises(NotAllowed):
        await relay.from_client(uow, clock, desk, specialist, request_.id, text(1, 1))


async def test_head_and_admins_may_answer_any_client(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor, request_: RequestDTO
) -> None:
    for telegram_id, role in ((2, Role.HEAD), (3, Role.ADMIN)):
        boss = await person(uow, clock, telegram_id, role)
        out = await relay.from_staff(uow, clock, desk, boss, request_.id, text(telegram_id, 1))
        assert out.recipient.id == client.user_id and out.author.id == boss.user_id


async def test_owed_copies_follow_a_reassigned_request(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    client: Actor,
    request_: RequestDTO,
) -> None:
    head = await person(uow, clock, 2, Role.HEAD)
    out = await relay.from_client(uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 1))

    await lifecycle.take(uow, clock, desk, head, request_.id)

    owed = await relay.owed(uow)
    assert [(o.message.id, o.recipient.id) for o in owed] == [(out.message.id, head.user_id)]


async def test_without_an_assignee_a_message_is_kept_and_owed_to_whoever_takes_it(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor
) -> None:
    request = await file_request(uow, clock, desk, client)
    assert request.assignee_id is None

    out = await relay.from_client(uow, clock, desk, client, request.id, text(CLIENT_CHAT, 1))

    assert out.recipient is None and out.message.relayed
    assert await uow.messages.of_request(request.id) == [out.message]
    assert [(o.message.id, o.recipient) for o in await relay.owed(uow)] == [(out.message.id, None)]


async def test_a_reply_to_a_relayed_message_means_its_request_for_whoever_may_see_it(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    other_client = await person(uow, clock, 11)
    other_specialist = await person(uow, clock, 2, Role.SPECIALIST)
    await relay.from_client(uow, clock, desk, client, request_.id, text(CLIENT_CHAT, 40))
    # The copy the specialist got in his chat.
    await relay.link(uow, chat_id=SPECIALIST_CHAT, message_id=900, request_id=request_.id)

    assert await relay.request_of_reply(uow, client, CLIENT_CHAT, 40) == request_.id
    assert await relay.request_of_reply(uow, specialist, SPECIALIST_CHAT, 900) == request_.id
    assert await relay.request_of_reply(uow, other_client, CLIENT_CHAT, 40) is None
    assert await relay.request_of_reply(uow, other_specialist, SPECIALIST_CHAT, 900) is None
    assert await relay.request_of_reply(uow, client, CLIENT_CHAT, 41) is None
    assert await relay.request_of_reply(uow, client, 999, 40) is None


async def test_a_message_linked_twice_keeps_its_first_request(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor, request_: RequestDTO
) -> None:
    other = await file_request(uow, clock, desk, client)

    await relay.link(uow, chat_id=CLIENT_CHAT, message_id=5, request_id=request_.id)
    await relay.link(uow, chat_id=CLIENT_CHAT, message_id=5, request_id=other.id)
    await relay.link(uow, chat_id=CLIENT_CHAT, message_id=6, request_id=other.id)

    assert await uow.messages.linked_request(chat_id=CLIENT_CHAT, message_id=5) == request_.id
    assert await uow.messages.linked_request(chat_id=CLIENT_CHAT, message_id=6) == other.id


async def test_staff_cannot_write_to_a_client_who_was_erased(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    await privacy.withdraw_consent(uow, clock, client)
    uow.session.expire_all()

    with pytest.raises(RequestRejected) as rejected:
        await relay.from_staff(uow, clock, desk, specialist, request_.id, text(1, 1))

    assert rejected.value.problem is RequestProblem.CLIENT_GONE
    assert await uow.messages.of_request(request_.id) == []
