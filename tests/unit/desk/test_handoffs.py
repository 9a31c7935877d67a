"""Hand-offs: a request passed to a department, which only its own chat may act on; what the
department says goes to the specialist, never to the client."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services import handoffs, relay, requests
from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.storage.dto import RequestDTO
from bot.storage.enums import HandoffStatus, RequestStatus, Role, Side
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.desk.helpers import (
    CLIENT_CHAT,
    LOGISTICS_CHAT,
    QUALITY_CHAT,
    file_request,
    move,
    msk,
    person,
    stored,
    text,
)

H = HandoffStatus
TOMORROW_NOON = msk(2026, 11, 26, 12, 0)


@pytest.fixture
async def request_(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> RequestDTO:
    return await file_request(uow, clock, desk, client)


async def hand_to_quality(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, actor: Actor, request_id: int
) -> handoffs.HandedOff:
    return await handoffs.hand_off(
        uow, clock, desk, actor, request_id, "quality", "Check the batch", TOMORROW_NOON
    )


async def test_a_specialist_hands_a_request_off_to_a_department(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    clock.advance(minutes=15)
    handed = await handoffs.hand_off(
        uow, clock, desk, specialist, request_.id, "quality", "  Check the batch  ", TOMORROW_NOON
    )

    handoff = handed.handoff
    assert handed.department.key == "quality" and handed.department.chat_id == QUALITY_CHAT
    assert (handoff.request_id, handoff.department, handoff.note) == (
        request_.id,
        "quality",
        "Check the batch",
    )
    assert handoff.status is H.SENT and handoff.due_at == TOMORROW_NOON
    assert handoff.created_by == specialist.user_id and handoff.created_at == clock.now()
    assert handed.client.id == client.user_id
    assert handed.request.updated_at == clock.now()
    assert handed.request.status is RequestStatus.NEW, "the specialist stays responsible"
    assert await uow.handoffs.of_request(request_.id) == [handoff]
    events = await uow.requests.events(request_.id)
    assert (events[-1].action, events[-1].comment, events[-1].actor_id) == (
        "handoff",
        "quality",
        specialist.user_id,
    )
    audit = await uow.audit.for_entity("request", request_.id)
    assert audit[-1].action == "request.handoff" and "quality" in audit[-1].details
    seen = await requests.view(uow, specialist, request_.id)
    assert seen.active_handoff == handoff


@pytest.mark.parametrize(
    ("department", "note", "due_in", "problem"),
    [
        ("warehouse", "Check", timedelta(hours=1), RequestProblem.NO_DEPARTMENT),
        ("quality", "   ", timedelta(hours=1), RequestProblem.EMPTY),
        ("quality", "x" * 4001, timedelta(hours=1), RequestProblem.TOO_LONG),
        ("quality", "Check", timedelta(0), RequestProblem.PAST_DUE),
        ("quality", "Check", timedelta(hours=-1), RequestProblem.PAST_DUE),
    ],
)
async def test_a_handoff_needs_a_known_department_a_note_and_a_future_deadline(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    request_: RequestDTO,
    department: str,
    note: str,
    due_in: timedelta,
    problem: RequestProblem,
) -> None:
    with pytest.raises(RequestRejected) as rejected:
        await handoffs.hand_off(
            uow, clock, desk, specialist, request_.id, department, note, clock.now() + due_in
        )
    assert rejected.value.problem is problem
    assert await uow.handoffs.of_request(request_.id) == []


async def test_a_finished_request_cannot_be_handed_off(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    request_: RequestDTO,
) -> None:
    await move(uow, clock, desk, specialist, request_.id, RequestStatus.RESOLVED)
    with pytest.raises(RequestRejected) as rejected:
        await hand_to_quality(uow, clock, desk, specialist, request_.id)
    assert rejected.value.problem is RequestProblem.WRONG_STATUS


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.CLIENT, False), (Role.SPECIALIST, False), (Role.HEAD, True), (Role.ADMIN, True)],
)
async def test_only_staff_working_on_the_request_may_hand_it_off(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    request_: RequestDTO,
    role: Role,
    allowed: bool,
) -> None:
    someone = await person(uow, clock, 50, role)
    if allowed:
        handed = await hand_to_quality(uow, clock, desk, someone, request_.id)
        assert handed.handoff.created_by == someone.user_id
        return
    with pytest.raises(NotAllowed):
        await hand_to_quality(uow, clock, desk, someone, request_.id)
    assert await uow.handoffs.of_request(request_.id) == []


async def test_the_client_himself_cannot_hand_off_his_request(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor, request_: RequestDTO
) -> None:
    with pytest.raises(NotAllowed):
        await hand_to_quality(uow, clock, desk, client, request_.id)


@pytest.mark.parametrize("chat_id", [LOGISTICS_CHAT, CLIENT_CHAT, 1, -100999])
async def test_only_the_departments_chat_may_accept_its_handoff(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    request_: RequestDTO,
    chat_id: int,
) -> None:
    handed = await hand_to_quality(uow, clock, desk, specialist, request_.id)

    for to in (H.ACCEPTED, H.DONE):
        with pytest.raises(NotAllowed):
            await handoffs.department_step(uow, clock, desk, chat_id, handed.handoff.id, to)
    with pytest.raises(NotAllowed):
        await handoffs.for_department(uow, desk, chat_id, handed.handoff.id)
    # Another department has nothing pending on this request; other chats are no department.
    with pytest.raises((NotAllowed, RequestRejected)):
        await handoffs.department_update(uow, clock, desk, chat_id, request_.id, text(chat_id, 1))

    assert await uow.handoffs.of_request(request_.id) == [handed.handoff]
    assert await uow.messages.of_request(request_.id) == []


async def test_the_department_accepts_then_finishes_and_the_specialist_is_told(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    handed = await hand_to_quality(uow, clock, desk, specialist, request_.id)

    clock.advance(minutes=30)
    accepted = await handoffs.department_step(
        uow, clock, desk, QUALITY_CHAT, handed.handoff.id, H.ACCEPTED
    )
    assert accepted.handoff.status is H.ACCEPTED and accepted.handoff.updated_at == clock.now()
    assert accepted.assignee.id == specialist.user_id and accepted.client.id == client.user_id
    assert accepted.department.key == "quality"
    clock.advance(hours=2)
    done = await handoffs.department_step(uow, clock, desk, QUALITY_CHAT, handed.handoff.id, H.DONE)

    assert done.handoff.status is H.DONE
    assert await uow.handoffs.of_request(request_.id) == [done.handoff]
    events = [(e.action, e.actor_id) for e in await uow.requests.events(request_.id)]
    assert events[-2:] == [("handoff_accepted", None), ("handoff_done", None)]
    assert (await stored(uow, request_.id)).status is RequestStatus.NEW
    seen = await requests.view(uow, specialist, request_.id)
    assert seen.active_handoff is None and seen.handoffs == [done.handoff]


@pytest.mark.parametrize(
    ("path", "refused"),
    [((), H.SENT), ((H.ACCEPTED,), H.ACCEPTED), ((H.DONE,), H.ACCEPTED), ((H.DONE,), H.DONE)],
)
async def test_a_handoff_only_moves_forward(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    request_: RequestDTO,
    path: tuple[HandoffStatus, ...],
    refused: HandoffStatus,
) -> None:
    handoff_id = (await hand_to_quality(uow, clock, desk, specialist, request_.id)).handoff.id
    for to in path:
        await handoffs.department_step(uow, clock, desk, QUALITY_CHAT, handoff_id, to)

    with pytest.raises(RequestRejected) as rejected:
        await handoffs.department_step(uow, clock, desk, QUALITY_CHAT, handoff_id, refused)

    assert rejected.value.problem is RequestProblem.WRONG_STATUS
    assert (await uow.handoffs.get(handoff_id)).status is (path[-1] if path else H.SENT)


async def test_a_department_may_finish_without_accepting_first(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, request_: RequestDTO
) -> None:
    handoff_id = (await hand_to_quality(uow, clock, desk, specialist, request_.id)).handoff.id
    done = await handoffs.department_step(uow, clock, desk, QUALITY_CHAT, handoff_id, H.DONE)
    assert done.handoff.status is H.DONE


async def test_a_forged_handoff_id_is_refused_like_a_foreign_one(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, request_: RequestDTO
) -> None:
    handed = await hand_to_quality(uow, clock, desk, specialist, request_.id)
    refusals = []
    for chat_id, handoff_id in ((LOGISTICS_CHAT, handed.handoff.id), (QUALITY_CHAT, 99_999)):
        with pytest.raises(NotAllowed) as refused:
            await handoffs.department_step(uow, clock, desk, chat_id, handoff_id, H.ACCEPTED)
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1]


async def test_what_the_department_says_goes_to_the_specialist_not_the_client(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    request_: RequestDTO,
) -> None:
    handed = await hand_to_quality(uow, clock, desk, specialist, request_.id)
    clock.advance(minutes=40)

    assert await handoffs.for_department(uow, desk, QUALITY_CHAT, handed.handoff.id) == (
        handed.handoff
    )

    out = await handoffs.department_update(
        uow, clock, desk, QUALITY_CHAT, request_.id, text(QUALITY_CHAT, 300, "Batch 7 bad")
    )

    assert out.message.side is Side.DEPARTMENT and out.message.author_id is None
    assert out.message.relayed and out.message.text == "Batch 7 bad"
    assert out.recipient.id == specialist.user_id and out.author is None
    assert out.request.updated_at == clock.now()
    owed = await relay.owed(uow)
    assert [(o.message.id, o.recipient.id) for o in owed] == [(out.message.id, specialist.user_id)]
    assert client.user_id not in {o.recipient.id for o in owed}
    # A reply to that message in the department's chat is about the same request.
    assert await uow.messages.linked_request(chat_id=QUALITY_CHAT, message_id=300) == request_.id


async def test_a_finished_handoff_takes_no_more_updates(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, request_: RequestDTO
) -> None:
    handoff_id = (await hand_to_quality(uow, clock, desk, specialist, request_.id)).handoff.id
    await handoffs.department_step(uow, clock, desk, QUALITY_CHAT, handoff_id, H.DONE)

    with pytest.raises(RequestRejected) as rejected:
        await handoffs.department_update(
            uow, clock, desk, QUALITY_CHAT, request_.id, text(QUALITY_CHAT, 1)
        )

    assert rejected.value.problem is RequestProblem.WRONG_STATUS
    assert await uow.messages.of_request(request_.id) == []


async def test_two_departments_work_on_one_request_each_on_its_own_handoff(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, request_: RequestDTO
) -> None:
    quality = await hand_to_quality(uow, clock, desk, specialist, request_.id)
    clock.advance(minutes=1)
    logistics = await handoffs.hand_off(
        uow, clock, desk, specialist, request_.id, "logistics", "Where is it?", TOMORROW_NOON
    )

    with pytest.raises(NotAllowed):
        await handoffs.department_step(
            uow, clock, desk, QUALITY_CHAT, logistics.handoff.id, H.ACCEPTED
        )
    await handoffs.department_step(uow, clock, desk, QUALITY_CHAT, quality.handoff.id, H.DONE)

    seen = await requests.view(uow, specialist, request_.id)
    assert seen.active_handoff.id == logistics.handoff.id
    assert [h.department for h in seen.handoffs] == ["quality", "logistics"]
