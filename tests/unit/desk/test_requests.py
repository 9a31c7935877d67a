"""Requests: filing and routing, who may see them, the lifecycle, the SLA, paging, overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services import lifecycle, relay, requests
from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.storage.enums import ClaimOutcome, RequestKind, RequestStatus, Role, Side
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.desk.helpers import (
    S,
    claim,
    draft,
    file_request,
    fresh,
    move,
    msk,
    person,
    stored,
    text,
)

# --- filing and routing --------------------------------------------------------------------


async def test_a_clients_first_inquiry_goes_to_the_least_loaded_specialist_who_becomes_his_owner(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    busy = await person(uow, clock, 1, Role.SPECIALIST)
    idle = await person(uow, clock, 2, Role.SPECIALIST)
    await person(uow, clock, 3, Role.HEAD)
    earlier = await person(uow, clock, 10)
    await file_request(uow, clock, desk, earlier)  # busy (lowest id on the tie) gets it
    client = await person(uow, clock, 11)

    filed = await requests.file(uow, clock, desk, client, draft(subject="  Where is it?  "))

    request = filed.request
    assert filed.assignee is not None and filed.assignee.id == idle.user_id
    assert filed.client.owner_id == idle.user_id
    assert (await uow.users.get(client.user_id)).owner_id == idle.user_id
    assert request.kind is RequestKind.INQUIRY and request.category == "product"
    assert request.status is S.NEW and request.subject == "Where is it?"
    assert request.client_id == client.user_id and request.assignee_id == idle.user_id
    assert request.created_at == clock.now() and request.first_response_at is None
    # Inquiry: 4 working hours to answer, 16 to resolve (Wed 10:00 -> Thu 17:00).
    assert request.first_response_due == msk(2026, 11, 25, 14, 0)
    assert request.resolution_due == msk(2026, 11, 26, 17, 0)
    assert await stored(uow, request.id) == request
    assert [(e.action, e.to_status, e.actor_id) for e in await uow.requests.events(request.id)] == [
        ("created", S.NEW, client.user_id)
    ]
    assert [a.action for a in await uow.audit.for_entity("request", request.id)] == [
        "inquiry.filed"
    ]
    assert busy.user_id != idle.user_id


async def test_later_requests_go_to_the_owner_however_busy_he_is(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    owner = await person(uow, clock, 1, Role.SPECIALIST)
    await person(uow, clock, 2, Role.SPECIALIST)
    client = await person(uow, clock, 10)

    first = await file_request(uow, clock, desk, client)
    second = await file_request(uow, clock, desk, client)
    third = await file_request(uow, clock, desk, client, claim())

    assert {first.assignee_id, second.assignee_id, third.assignee_id} == {owner.user_id}


async def test_round_robin_on_ties(uow: UnitOfWork, clock: FakeClock, desk: DeskConfig) -> None:
    first = await person(uow, clock, 1, Role.SPECIALIST)
    second = await person(uow, clock, 2, Role.SPECIALIST)
    assignees = []
    for telegram_id in range(10, 16):
        clock.advance(minutes=1)
        client = await person(uow, clock, telegram_id)
        assignees.append((await file_request(uow, clock, desk, client)).assignee_id)

    a, b = first.user_id, second.user_id
    assert assignees == [a, b, a, b, a, b]


async def test_on_a_tie_the_one_who_got_a_request_least_recently_is_next(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    first = await person(uow, clock, 1, Role.SPECIALIST)
    second = await person(uow, clock, 2, Role.SPECIALIST)
    routed = []
    for telegram_id in (10, 11, 12):
        clock.advance(minutes=5)
        routed.append(await file_request(uow, clock, desk, await person(uow, clock, telegram_id)))
    assert [r.assignee_id for r in routed] == [first.user_id, second.user_id, first.user_id]
    # One open each again; the first got his last request more recently than the second.
    await move(uow, clock, desk, first, routed[0].id, S.RESOLVED)

    clock.advance(minutes=5)
    fourth = await file_request(uow, clock, desk, await person(uow, clock, 13))

    assert fourth.assignee_id == second.user_id


async def test_resolved_and_closed_requests_are_no_load(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    veteran = await person(uow, clock, 1, Role.SPECIALIST)
    for telegram_id in (10, 11):
        done = await file_request(uow, clock, desk, await person(uow, clock, telegram_id))
        assert done.assignee_id == veteran.user_id
        await move(uow, clock, desk, veteran, done.id, S.RESOLVED, S.CLOSED)
    newcomer = await person(uow, clock, 2, Role.SPECIALIST)
    clock.advance(minutes=1)
    first_of_newcomer = await file_request(uow, clock, desk, await person(uow, clock, 12))
    assert first_of_newcomer.assignee_id == newcomer.user_id

    clock.advance(minutes=1)
    next_one = await file_request(uow, clock, desk, await person(uow, clock, 13))

    assert next_one.assignee_id == veteran.user_id


async def test_without_specialists_the_head_then_an_admin_picks_it_up_without_becoming_owner(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    admin = await person(uow, clock, 1, Role.ADMIN)
    client = await person(uow, clock, 10)
    filed = await requests.file(uow, clock, desk, client, draft())
    assert filed.assignee is not None and filed.assignee.id == admin.user_id
    assert filed.client.owner_id is None

    head = await person(uow, clock, 2, Role.HEAD)
    again = await file_request(uow, clock, desk, client)
    assert again.assignee_id == head.user_id


async def test_with_no_staff_at_all_the_request_waits_unassigned(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    client = await person(uow, clock, 10)
    photo = requests.Attachment("photo", "file-1", 1000, chat_id=10, message_id=5)

    filed = await requests.file(uow, clock, desk, client, draft(attachments=(photo,)))

    assert filed.assignee is None and filed.request.assignee_id is None
    assert filed.client.owner_id is None
    # The attachment is owed to whoever takes the request; for now nobody can receive it.
    assert [m.relayed for m in filed.attachments] == [True]
    assert [o.recipient for o in await relay.owed(uow)] == [None]


async def test_an_owner_who_left_the_team_is_replaced(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    leaving = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    await file_request(uow, clock, desk, client)
    await uow.users.update(leaving.user_id, now=clock.now(), role=Role.CLIENT)
    successor = await person(uow, clock, 2, Role.SPECIALIST)

    request = await file_request(uow, clock, desk, client)

    assert request.assignee_id == successor.user_id
    assert (await uow.users.get(client.user_id)).owner_id == successor.user_id


async def test_a_claim_keeps_what_the_client_wants_and_his_order_number_and_its_own_deadlines(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)

    leak = await file_request(uow, clock, desk, client, claim(order_ref="  A-1042  "))
    payment = await file_request(
        uow, clock, desk, client, claim(category="payment", wanted=ClaimOutcome.OTHER)
    )

    assert leak.kind is RequestKind.CLAIM and leak.wanted == "refund"
    assert leak.order_ref == "A-1042"
    # Claims: 2 h to answer, 40 h to resolve; payment claims 1 h and 24 h.
    assert leak.first_response_due == msk(2026, 11, 25, 12, 0)
    assert leak.resolution_due == msk(2026, 12, 1, 14, 0)
    assert payment.wanted == "other"
    assert payment.first_response_due == msk(2026, 11, 25, 11, 0)
    assert payment.resolution_due == msk(2026, 11, 27, 16, 0)
    audit = await uow.audit.for_entity("request", leak.id)
    assert [a.action for a in audit] == ["claim.filed"]


async def test_a_vip_client_gets_half_the_time(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    await person(uow, clock, 1, Role.SPECIALIST)
    vip = await person(uow, clock, 10, segment="vip")

    request = await file_request(uow, clock, desk, vip)

    assert request.first_response_due == msk(2026, 11, 25, 12, 0)
    assert request.resolution_due == msk(2026, 11, 25, 18, 0)


async def test_a_request_filed_at_night_is_due_in_working_hours(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    clock.advance(hours=12)  # Wednesday 22:00

    request = await file_request(uow, clock, desk, client)

    assert request.first_response_due == msk(2026, 11, 26, 13, 0)
    assert request.resolution_due == msk(2026, 11, 27, 16, 0)


async def test_attachments_are_stored_as_the_clients_messages_owed_to_the_assignee(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    files = (
        requests.Attachment("photo", "p1", 2000, 10, 50, media_group_id="g", caption="front"),
        requests.Attachment("document", "d1", None, 10, 51, media_group_id="g"),
    )

    filed = await requests.file(uow, clock, desk, client, draft(attachments=files))

    stored_messages = await uow.messages.of_request(filed.request.id)
    assert stored_messages == filed.attachments
    assert [(m.content_type, m.file_id, m.text) for m in stored_messages] == [
        ("photo", "p1", "front"),
        ("document", "d1", None),
    ]
    assert all(m.side is Side.CLIENT and m.author_id == client.user_id for m in stored_messages)
    assert all(m.undelivered and m.source_chat_id == 10 for m in stored_messages)
    owed = await relay.owed(uow)
    assert [o.message.id for o in owed] == [m.id for m in stored_messages]
    assert {o.recipient.id for o in owed} == {specialist.user_id}


@pytest.mark.parametrize(
    ("the_draft", "problem"),
    [
        (draft(category="weather"), RequestProblem.UNKNOWN_CATEGORY),
        (draft(subject="   "), RequestProblem.EMPTY),
        (draft(subject="x" * 4001), RequestProblem.TOO_LONG),
        (claim(order_ref="A" * 65), RequestProblem.TOO_LONG),
        (
            draft(attachments=(requests.Attachment("photo", "p", 1, 10, 1),) * 11),
            RequestProblem.TOO_MANY_FILES,
        ),
    ],
)
async def test_a_bad_draft_is_refused_and_nothing_is_stored(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    the_draft: requests.Draft,
    problem: RequestProblem,
) -> None:
    await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)

    with pytest.raises(RequestRejected) as rejected:
        await requests.file(uow, clock, desk, client, the_draft)

    assert rejected.value.problem is problem
    assert await uow.requests.count_of_client(client.user_id) == 0
    assert (await uow.users.get(client.user_id)).owner_id is None


async def test_a_subject_of_exactly_the_limit_is_accepted(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    client = await person(uow, clock, 10)
    request = await file_request(uow, clock, desk, client, draft(subject="x" * 4000))
    assert len((await stored(uow, request.id)).subject) == 4000


def test_attachments_are_checked_one_by_one(desk: DeskConfig) -> None:
    requests.check_attachment(desk, 9, desk.max_attachment_bytes)
    requests.check_attachment(desk, 0, None)
    with pytest.raises(RequestRejected) as too_many:
        requests.check_attachment(desk, 10, 1)
    assert too_many.value.problem is RequestProblem.TOO_MANY_FILES
    with pytest.raises(RequestRejected) as too_big:
        requests.check_attachment(desk, 0, desk.max_attachment_bytes + 1)
    assert too_big.value.problem is RequestProblem.FILE_TOO_BIG


@pytest.mark.parametrize(
    ("value", "result"),
    [("  A-1  ", "A-1"), ("", RequestProblem.EMPTY), ("A\nB", RequestProblem.TOO_LONG)],
)
def test_order_numbers_are_one_short_line(value: str, result: object) -> None:
    if isinstance(result, RequestProblem):
        with pytest.raises(RequestRejected) as rejected:
            requests.validate_order_ref(value)
        assert rejected.value.problem is result
    else:
        assert requests.validate_order_ref(value) == result


async def test_staff_visitors_and_clients_without_consent_cannot_file(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    no_consent = await person(uow, clock, 10, consent=False)
    visitor = Actor(11, Role.CLIENT, "en", "UTC", None)
    for outsider in (specialist, no_consent, visitor):
        with pytest.raises(NotAllowed):
            await requests.file(uow, clock, desk, outsider, draft())
    assert await uow.requests.count_queue(None) == 0


# --- who may see and act on a request ------------------------------------------------------


@pytest.fixture
async def cast(uow: UnitOfWork, clock: FakeClock, desk: DeskConfig) -> dict[str, Actor]:
    """A client's request with everyone who might want to look at it."""
    people = {
        "other_specialist": await person(uow, clock, 2, Role.SPECIALIST),
        "owner": await person(uow, clock, 1, Role.SPECIALIST),
        "head": await person(uow, clock, 3, Role.HEAD),
        "admin": await person(uow, clock, 4, Role.ADMIN),
        "client": await person(uow, clock, 10),
        "other_client": await person(uow, clock, 11),
    }
    # The other specialist is busy with the other client, so the owner gets ours.
    await file_request(uow, clock, desk, people["other_client"])
    people["client"] = await fresh(uow, people["client"])
    return people


WHO_SEES = [
    ("client", True),
    ("other_client", False),
    ("owner", True),
    ("other_specialist", False),
    ("head", True),
    ("admin", True),
]


@pytest.mark.parametrize(("who", "sees"), WHO_SEES)
async def test_who_may_see_someone_elses_request(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    cast: dict[str, Actor],
    who: str,
    sees: bool,
) -> None:
    request = await file_request(uow, clock, desk, cast["client"])
    assert request.assignee_id == cast["owner"].user_id
    actor = cast[who]

    if sees:
        assert await requests.for_anyone(uow, actor, request.id) == request
        assert (await requests.view(uow, actor, request.id)).request == request
    else:
        with pytest.raises(NotAllowed):
            await requests.for_anyone(uow, actor, request.id)
        with pytest.raises(NotAllowed):
            await requests.view(uow, actor, request.id)


@pytest.mark.parametrize(("who", "sees"), WHO_SEES)
async def test_only_the_client_himself_acts_as_its_client(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    cast: dict[str, Actor],
    who: str,
    sees: bool,
) -> None:
    request = await file_request(uow, clock, desk, cast["client"])
    actor = cast[who]
    if who == "client":
        assert await requests.for_client(uow, actor, request.id) == request
        return
    with pytest.raises(NotAllowed):
        await requests.for_client(uow, actor, request.id)
    with pytest.raises(NotAllowed):
        await lifecycle.close_by_client(uow, clock, desk, actor, request.id)
    assert (await stored(uow, request.id)).status is S.NEW


@pytest.mark.parametrize(("who", "sees"), WHO_SEES)
async def test_only_its_staff_work_on_a_request(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    cast: dict[str, Actor],
    who: str,
    sees: bool,
) -> None:
    request = await file_request(uow, clock, desk, cast["client"])
    actor = cast[who]
    may_work = sees and actor.role.is_staff
    client = await uow.users.get(request.client_id)
    assert requests.may_work_on(actor, request, client) is may_work

    if may_work:
        assert await requests.for_staff(uow, actor, request.id) == request
        change = await lifecycle.change_status(uow, clock, desk, actor, request.id, S.IN_PROGRESS)
        assert change.request.status is S.IN_PROGRESS
        return
    for attempt in (
        requests.for_staff(uow, actor, request.id),
        lifecycle.change_status(uow, clock, desk, actor, request.id, S.IN_PROGRESS),
        lifecycle.take(uow, clock, desk, actor, request.id),
    ):
        with pytest.raises(NotAllowed):
            await attempt
    assert await stored(uow, request.id) == request
    assert [e.action for e in await uow.requests.events(request.id)] == ["created"]


async def test_another_specialist_cannot_see_the_request(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, cast: dict[str, Actor]
) -> None:
    request = await file_request(uow, clock, desk, cast["client"])
    stranger = cast["other_specialist"]

    with pytest.raises(NotAllowed):
        await requests.view(uow, stranger, request.id)
    page = await requests.queue_page(uow, stranger, 0)
    assert request.id not in [r.id for r in page.items]


async def test_the_owner_keeps_access_when_someone_else_is_assigned(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, cast: dict[str, Actor]
) -> None:
    request = await file_request(uow, clock, desk, cast["client"])
    taken = await lifecycle.take(uow, clock, desk, cast["head"], request.id)
    assert taken.request.assignee_id == cast["head"].user_id

    assert (await requests.for_staff(uow, cast["owner"], request.id)).id == request.id
    reassigned = await uow.requests.update(
        request.id, now=clock.now(), assignee_id=cast["other_specialist"].user_id
    )
    # The new assignee may work on it too, though the client is not his.
    assert await requests.for_staff(uow, cast["other_specialist"], request.id) == reassigned
    assert (await requests.for_staff(uow, cast["owner"], request.id)).id == request.id


async def test_a_forged_id_and_a_foreign_request_are_refused_alike(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, cast: dict[str, Actor]
) -> None:
    foreign = await file_request(uow, clock, desk, cast["client"])
    forged = foreign.id + 1000

    for actor in (cast["other_client"], cast["other_specialist"]):
        refusals = []
        for request_id in (foreign.id, forged):
            with pytest.raises(NotAllowed) as refused:
                await requests.for_anyone(uow, actor, request_id)
            refusals.append((type(refused.value), str(refused.value)))
        assert refusals[0] == refusals[1]
    with pytest.raises(NotAllowed):
        await requests.for_staff(uow, cast["admin"], forged)


async def test_a_client_who_withdrew_consent_no_longer_acts_on_his_requests(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, cast: dict[str, Actor]
) -> None:
    request = await file_request(uow, clock, desk, cast["client"])
    withdrawn = await uow.users.update(
        cast["client"].user_id, now=clock.now(), consent_withdrawn_at=clock.now()
    )
    with pytest.raises(NotAllowed):
        await requests.for_client(uow, Actor.of(withdrawn), request.id)


# --- the lifecycle -------------------------------------------------------------------------


async def test_staff_move_a_request_through_its_lifecycle_and_every_step_is_recorded(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    request = await file_request(uow, clock, desk, client)
    assert lifecycle.staff_options(request) == (S.IN_PROGRESS, S.WAITING, S.RESOLVED)

    clock.advance(minutes=10)
    started = await lifecycle.change_status(uow, clock, desk, specialist, request.id, S.IN_PROGRESS)
    assert (started.previous, started.request.status) == (S.NEW, S.IN_PROGRESS)
    assert started.client.id == client.user_id and started.assignee.id == specialist.user_id
    clock.advance(minutes=10)
    resolved = await lifecycle.change_status(
        uow, clock, desk, specialist, request.id, S.RESOLVED, comment="  Refunded  "
    )
    assert resolved.comment == "Refunded"
    assert resolved.request.resolved_at == clock.now() and resolved.request.closed_at is None
    clock.advance(minutes=10)
    closed = await lifecycle.change_status(uow, clock, desk, specialist, request.id, S.CLOSED)
    assert closed.request.closed_at == clock.now()
    assert lifecycle.staff_options(closed.request) == ()

    assert await stored(uow, request.id) == closed.request
    history = [
        (e.action, e.from_status, e.to_status, e.comment, e.actor_id)
        for e in await uow.requests.events(request.id)
    ]
    assert history == [
        ("created", None, S.NEW, None, client.user_id),
        ("status", S.NEW, S.IN_PROGRESS, None, specialist.user_id),
        ("status", S.IN_PROGRESS, S.RESOLVED, "Refunded", specialist.user_id),
        ("status", S.RESOLVED, S.CLOSED, None, specialist.user_id),
    ]
    audit = await uow.audit.for_entity("request", request.id)
    assert [a.action for a in audit] == ["inquiry.filed"] + ["request.status"] * 3


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), S.CLOSED),
        ((), S.REOPENED),
        ((S.IN_PROGRESS,), S.NEW),
        ((S.IN_PROGRESS,), S.IN_PROGRESS),
        ((S.WAITING,), S.WAITING),
        ((S.RESOLVED, S.CLOSED), S.REOPENED),
        ((S.RESOLVED, S.CLOSED), S.IN_PROGRESS),
    ],
)
async def test_a_step_the_lifecycle_does_not_allow_is_refused(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    path: tuple[RequestStatus, ...],
    refused: RequestStatus,
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    request = await file_request(uow, clock, desk, await person(uow, clock, 10))
    if path:
        request = await move(uow, clock, desk, specialist, request.id, *path)

    with pytest.raises(RequestRejected) as rejected:
        await lifecycle.change_status(uow, clock, desk, specialist, request.id, refused)

    assert rejected.value.problem is RequestProblem.WRONG_STATUS
    assert await stored(uow, request.id) == request


async def test_an_empty_status_comment_is_refused(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    request = await file_request(uow, clock, desk, await person(uow, clock, 10))
    with pytest.raises(RequestRejected) as rejected:
        await lifecycle.change_status(uow, clock, desk, specialist, request.id, S.WAITING, " ")
    assert rejected.value.problem is RequestProblem.EMPTY
    assert (await stored(uow, request.id)).status is S.NEW


async def test_taking_a_request_makes_it_his_and_in_progress(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    head = await person(uow, clock, 2, Role.HEAD)
    client = await person(uow, clock, 10)
    request = await file_request(uow, clock, desk, client)

    own = await lifecycle.take(uow, clock, desk, specialist, request.id)
    assert own.request.status is S.IN_PROGRESS and own.request.assignee_id == specialist.user_id
    with pytest.raises(RequestRejected) as again:
        await lifecycle.take(uow, clock, desk, specialist, request.id)
    assert again.value.problem is RequestProblem.WRONG_STATUS

    await move(uow, clock, desk, specialist, request.id, S.WAITING)
    clock.advance(minutes=30)
    taken = await lifecycle.take(uow, clock, desk, head, request.id)

    assert taken.previous is S.WAITING
    assert taken.request.status is S.IN_PROGRESS and taken.request.assignee_id == head.user_id
    assert taken.assignee.id == head.user_id
    assert (await uow.users.get(client.user_id)).owner_id == specialist.user_id, "owner stays"
    actions = [(e.action, e.actor_id) for e in await uow.requests.events(request.id)]
    assert actions == [
        ("created", client.user_id),
        ("status", specialist.user_id),
        ("status", specialist.user_id),
        ("taken", head.user_id),
        ("status", head.user_id),
    ]


async def test_clients_cannot_change_statuses_or_take_requests(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    request = await file_request(uow, clock, desk, client)
    with pytest.raises(NotAllowed):
        await lifecycle.change_status(uow, clock, desk, client, request.id, S.RESOLVED)
    with pytest.raises(NotAllowed):
        await lifecycle.take(uow, clock, desk, client, request.id)


async def test_time_waiting_for_the_client_does_not_count_against_the_sla(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    request = await file_request(uow, clock, desk, await person(uow, clock, 10))
    assert request.resolution_due == msk(2026, 11, 26, 17, 0)

    clock.advance(hours=1)  # Wednesday 11:00
    waiting = await move(uow, clock, desk, specialist, request.id, S.WAITING)
    assert waiting.paused_at == clock.now()
    assert waiting.resolution_due == request.resolution_due

    clock.advance(hours=3)  # Wednesday 14:00: three working hours waited
    resumed = await move(uow, clock, desk, specialist, request.id, S.IN_PROGRESS)

    assert resumed.paused_at is None
    assert resumed.resolution_due == msk(2026, 11, 27, 11, 0)
    assert await stored(uow, request.id) == resumed


async def test_waiting_overnight_counts_only_the_working_hours(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    request = await file_request(uow, clock, desk, await person(uow, clock, 10))

    clock.advance(hours=7)  # Wednesday 17:00
    await move(uow, clock, desk, specialist, request.id, S.WAITING)
    clock.advance(hours=17)  # Thursday 10:00: 1 + 1 working hours waited
    resolved = await move(uow, clock, desk, specialist, request.id, S.RESOLVED)

    assert resolved.resolution_due == msk(2026, 11, 27, 10, 0)
    assert resolved.resolved_at == clock.now() and resolved.paused_at is None


async def test_a_wait_over_the_weekend_only_costs_friday_and_monday_hours(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    request = await file_request(uow, clock, desk, client)

    clock.advance(days=2, hours=7)  # Friday 17:00
    await move(uow, clock, desk, specialist, request.id, S.WAITING)
    clock.advance(days=2, hours=17)  # Monday 10:00
    outgoing = await relay.from_client(
        uow, clock, desk, client, request.id, text(10, 7, "Here is the photo")
    )

    assert outgoing.resumed is not None and outgoing.resumed.previous is S.WAITING
    assert outgoing.request.status is S.IN_PROGRESS
    # Due Thursday 17:00, pushed by 2 working hours: Thursday 18:00, then Friday 10:00.
    assert outgoing.request.resolution_due == msk(2026, 11, 27, 10, 0)


async def test_the_client_closes_his_request_once(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    request = await file_request(uow, clock, desk, client)

    clock.advance(minutes=5)
    closed = await lifecycle.close_by_client(uow, clock, desk, client, request.id)

    assert closed.previous is S.NEW and closed.request.status is S.CLOSED
    assert closed.request.closed_at == clock.now()
    events = await uow.requests.events(request.id)
    assert (events[-1].action, events[-1].actor_id) == ("status", client.user_id)
    with pytest.raises(RequestRejected) as again:
        await lifecycle.close_by_client(uow, clock, desk, client, request.id)
    assert again.value.problem is RequestProblem.WRONG_STATUS


async def test_reopen_only_within_the_window(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    late = await file_request(uow, clock, desk, client)
    in_time = await file_request(uow, clock, desk, client)
    open_one = await file_request(uow, clock, desk, client)
    for request in (late, in_time):
        await move(uow, clock, desk, specialist, request.id, S.RESOLVED, S.CLOSED)
    resolved_at = clock.now()

    clock.advance(days=7)  # the last moment of the window
    assert lifecycle.can_reopen(desk, await stored(uow, in_time.id), clock.now())
    assert not lifecycle.can_reopen(desk, await stored(uow, open_one.id), clock.now())
    reopened = await lifecycle.reopen_by_client(uow, clock, desk, client, in_time.id)
    clock.advance(seconds=1)
    with pytest.raises(RequestRejected) as expired:
        await lifecycle.reopen_by_client(uow, clock, desk, client, late.id)
    with pytest.raises(RequestRejected) as not_closed:
        await lifecycle.reopen_by_client(uow, clock, desk, client, open_one.id)

    assert expired.value.problem is RequestProblem.REOPEN_EXPIRED
    assert not_closed.value.problem is not None
    assert (await stored(uow, late.id)).status is S.CLOSED
    assert reopened.previous is S.CLOSED and reopened.request.status is S.REOPENED
    assert reopened.request.resolved_at is None and reopened.request.closed_at is None
    assert resolved_at + timedelta(days=7) == reopened.request.updated_at
    # A fresh resolution target from the moment of reopening (Wed 10:00 -> Thu 17:00).
    assert reopened.request.resolution_due == msk(2026, 12, 3, 17, 0)
    assert lifecycle.staff_options(reopened.request) == (S.IN_PROGRESS, S.WAITING, S.RESOLVED)


async def test_a_request_the_client_closed_himself_may_be_reopened_within_the_window(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    kept = await file_request(uow, clock, desk, client)
    dropped = await file_request(uow, clock, desk, client)
    await lifecycle.close_by_client(uow, clock, desk, client, kept.id)
    await lifecycle.close_by_client(uow, clock, desk, client, dropped.id)

    clock.advance(days=7)
    reopened = await lifecycle.reopen_by_client(uow, clock, desk, client, kept.id)
    clock.advance(seconds=1)
    with pytest.raises(RequestRejected) as expired:
        await lifecycle.reopen_by_client(uow, clock, desk, client, dropped.id)

    assert reopened.request.status is S.REOPENED and reopened.request.closed_at is None
    assert expired.value.problem is RequestProblem.REOPEN_EXPIRED


async def test_another_client_can_neither_close_nor_reopen(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    other = await person(uow, clock, 11)
    request = await file_request(uow, clock, desk, client)
    await move(uow, clock, desk, specialist, request.id, S.RESOLVED)
    for attempt in (lifecycle.close_by_client, lifecycle.reopen_by_client):
        with pytest.raises(NotAllowed):
            await attempt(uow, clock, desk, other, request.id)
    assert (await stored(uow, request.id)).status is S.RESOLVED


async def test_staff_may_reopen_a_resolved_request_with_a_fresh_deadline(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    request = await file_request(uow, clock, desk, await person(uow, clock, 10))
    await move(uow, clock, desk, specialist, request.id, S.RESOLVED)
    clock.advance(days=1)  # Thursday 10:00

    reopened = await move(uow, clock, desk, specialist, request.id, S.REOPENED)

    assert reopened.status is S.REOPENED and reopened.resolved_at is None
    assert reopened.resolution_due == msk(2026, 11, 27, 17, 0)


# --- pages and queues ----------------------------------------------------------------------


async def test_a_clients_requests_are_paged_newest_activity_first(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    other = await person(uow, clock, 11)
    await file_request(uow, clock, desk, other)
    ids = []
    for _ in range(7):
        clock.advance(minutes=1)
        ids.append((await file_request(uow, clock, desk, client)).id)
    clock.advance(minutes=1)
    await move(uow, clock, desk, specialist, ids[0], S.RESOLVED)  # the oldest moves to the top

    first = await requests.client_page(uow, client, 0)
    second = await requests.client_page(uow, client, 1)
    beyond = await requests.client_page(uow, client, 99)
    before = await requests.client_page(uow, client, -3)

    assert (first.page, first.pages) == (0, 2)
    assert [r.id for r in first.items] == [ids[0], ids[6], ids[5], ids[4], ids[3]]
    assert (second.page, [r.id for r in second.items]) == (1, [ids[2], ids[1]])
    assert (beyond.page, beyond.items) == (1, second.items)
    assert (before.page, before.items) == (0, first.items)
    assert [r.id for r in await requests.open_of_client(uow, client)] == ids[:0:-1]


async def test_a_client_without_requests_has_one_empty_page(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    client = await person(uow, clock, 10)
    page = await requests.client_page(uow, client, 3)
    assert (page.items, page.page, page.pages) == ([], 0, 1)


async def test_a_specialist_queues_his_open_requests_and_the_head_and_admins_see_all(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    first = await person(uow, clock, 1, Role.SPECIALIST)
    second = await person(uow, clock, 2, Role.SPECIALIST)
    head = await person(uow, clock, 3, Role.HEAD)
    admin = await person(uow, clock, 4, Role.ADMIN)
    mine = []
    for telegram_id in range(10, 22):
        client = await person(uow, clock, telegram_id)
        the_draft = claim() if telegram_id % 3 == 0 else draft()
        request = await file_request(uow, clock, desk, client, the_draft)
        if request.assignee_id == first.user_id:
            mine.append(request)
    await move(uow, clock, desk, first, mine[0].id, S.RESOLVED)
    mine = sorted(mine[1:], key=lambda r: (r.resolution_due, r.id))

    own = await requests.queue_page(uow, first, 0)
    everyone = await requests.queue_page(uow, head, 0)

    assert [r.id for r in own.items] == [r.id for r in mine] and len(mine) == 5
    assert (own.page, own.pages) == (0, 1)
    assert await requests.queue_page(uow, first, 1) == own
    assert (everyone.pages, len(everyone.items)) == (3, 5)
    assert await requests.queue_page(uow, admin, 2) == await requests.queue_page(uow, head, 2)
    assert len((await requests.queue_page(uow, head, 2)).items) == 1
    dues = [r.resolution_due for r in everyone.items]
    assert dues == sorted(dues)
    second_queue = await requests.queue_page(uow, second, 0)
    assert {r.assignee_id for r in second_queue.items} == {second.user_id}


async def test_clients_have_no_queue(uow: UnitOfWork, clock: FakeClock) -> None:
    client = await person(uow, clock, 10)
    with pytest.raises(NotAllowed):
        await requests.queue_page(uow, client, 0)
    with pytest.raises(NotAllowed):
        await requests.client_page(uow, await person(uow, clock, 1, Role.SPECIALIST), 0)


# --- overdue -------------------------------------------------------------------------------


async def test_overdue_lists_requests_late_on_the_first_answer_or_the_resolution(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    answered = await file_request(uow, clock, desk, client)
    silent = await file_request(uow, clock, desk, client)
    waiting = await file_request(uow, clock, desk, client)
    done = await file_request(uow, clock, desk, client)
    for request in (answered, waiting):
        await relay.from_staff(uow, clock, desk, specialist, request.id, text(1, request.id))
    await move(uow, clock, desk, specialist, waiting.id, S.WAITING)
    await move(uow, clock, desk, specialist, done.id, S.RESOLVED)

    clock.advance(hours=4)  # Wednesday 14:00: the first answers are due, not late yet
    assert await lifecycle.overdue(uow, clock) == []
    clock.advance(minutes=1)
    assert [r.id for r in await lifecycle.overdue(uow, clock)] == [silent.id]

    clock.advance(days=1, hours=3)  # Thursday 17:01: resolution is late too
    late = await lifecycle.overdue(uow, clock)
    assert [r.id for r in late] == [answered.id, silent.id]
    assert all(r.is_breached(clock.now()) for r in late)
    paused = await stored(uow, waiting.id)
    assert not paused.is_breached(clock.now())


async def test_a_request_resolved_before_any_deadline_is_never_breached(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    request = await file_request(uow, clock, desk, await person(uow, clock, 10))
    clock.advance(minutes=30)
    resolved = await move(uow, clock, desk, specialist, request.id, S.RESOLVED)

    clock.advance(days=30)

    assert not resolved.is_breached(clock.now())


async def test_the_view_gathers_the_whole_story(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig
) -> None:
    specialist = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 10)
    request = await file_request(uow, clock, desk, client)
    await relay.from_client(uow, clock, desk, client, request.id, text(10, 1, "Any news?"))
    answer = await relay.from_staff(uow, clock, desk, specialist, request.id, text(1, 2, "Yes"))
    await relay.delivered(uow, clock, answer.message.id)

    seen = await requests.view(uow, specialist, request.id)

    assert seen.client.id == client.user_id and seen.assignee.id == specialist.user_id
    assert [m.text for m in seen.messages] == ["Any news?", "Yes"]
    assert seen.undelivered == 1
    assert [e.action for e in seen.events] == ["created", "status"]
    assert seen.handoffs == [] and seen.active_handoff is None and seen.rating is None
    assert seen.request.status is S.IN_PROGRESS
