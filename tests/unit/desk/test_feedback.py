"""Feedback: ratings of finished requests, praise, suggestions, complaints and NPS; a low
score reaches the head of sales (admins when there is none)."""

from __future__ import annotations

import json

import pytest

from bot.services import feedback, lifecycle
from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.storage.dto import RequestDTO
from bot.storage.enums import FeedbackKind, RequestStatus, Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.desk.helpers import S, file_request, move, person

F = FeedbackKind


@pytest.fixture
async def resolved(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> RequestDTO:
    request = await file_request(uow, clock, desk, client)
    return await move(uow, clock, desk, specialist, request.id, S.RESOLVED)


# --- rating a request (CSAT) ---------------------------------------------------------------


async def test_a_client_rates_his_resolved_request(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    await person(uow, clock, 2, Role.HEAD)
    clock.advance(hours=1)

    given = await feedback.rate(uow, clock, client, resolved.id, 5)

    rating = given.feedback
    assert (rating.kind, rating.score, rating.request_id, rating.client_id) == (
        F.CSAT,
        5,
        resolved.id,
        client.user_id,
    )
    assert rating.created_at == clock.now() and rating.escalated_at is None
    assert given.escalate_to == [] and given.request.id == resolved.id
    assert given.client.id == client.user_id
    assert await uow.feedback.rating_of(resolved.id) == rating
    assert await uow.feedback.of_client(client.user_id) == [rating]
    events = await uow.requests.events(resolved.id)
    assert (events[-1].action, events[-1].comment, events[-1].actor_id) == (
        "rated",
        "5",
        client.user_id,
    )


async def test_a_closed_request_may_be_rated_too(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor
) -> None:
    closed = await file_request(uow, clock, desk, client)
    await lifecycle.close_by_client(uow, clock, desk, client, closed.id)

    given = await feedback.rate(uow, clock, client, closed.id, 3)

    assert given.feedback.score == 3 and given.request.status is S.CLOSED


@pytest.mark.parametrize("path", [(), (S.IN_PROGRESS,), (S.WAITING,)])
async def test_an_unfinished_request_cannot_be_rated(
    uow: UnitOfWork,
    clock: FakeClock,
    desk: DeskConfig,
    specialist: Actor,
    client: Actor,
    path: tuple[RequestStatus, ...],
) -> None:
    request = await file_request(uow, clock, desk, client)
    if path:
        await move(uow, clock, desk, specialist, request.id, *path)
    with pytest.raises(RequestRejected) as rejected:
        await feedback.rate(uow, clock, client, request.id, 5)
    assert rejected.value.problem is RequestProblem.WRONG_STATUS
    assert await uow.feedback.rating_of(request.id) is None


@pytest.mark.parametrize("score", [0, 6, -1, 10])
async def test_a_rating_is_from_1_to_5(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO, score: int
) -> None:
    with pytest.raises(RequestRejected) as rejected:
        await feedback.rate(uow, clock, client, resolved.id, score)
    assert rejected.value.problem is RequestProblem.BAD_SCORE
    assert await uow.feedback.of_client(client.user_id) == []


async def test_rating_again_replaces_the_score(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    first = await feedback.rate(uow, clock, client, resolved.id, 3)
    clock.advance(minutes=2)

    again = await feedback.rate(uow, clock, client, resolved.id, 4)

    assert again.feedback.id == first.feedback.id
    assert again.feedback.score == 4 and again.feedback.created_at == clock.now()
    assert [f.score for f in await uow.feedback.of_client(client.user_id)] == [4]
    assert (await uow.feedback.rating_of(resolved.id)).score == 4


@pytest.mark.parametrize("who", [Role.CLIENT, Role.SPECIALIST, Role.HEAD, Role.ADMIN])
async def test_only_the_client_himself_rates_his_request(
    uow: UnitOfWork, clock: FakeClock, resolved: RequestDTO, who: Role
) -> None:
    someone = await person(uow, clock, 50, who)
    with pytest.raises(NotAllowed):
        await feedback.rate(uow, clock, someone, resolved.id, 1)
    assert await uow.feedback.rating_of(resolved.id) is None


async def test_a_forged_request_id_is_refused_like_a_foreign_one(
    uow: UnitOfWork, clock: FakeClock, resolved: RequestDTO
) -> None:
    other = await person(uow, clock, 11)
    messages = []
    for request_id in (resolved.id, resolved.id + 500):
        with pytest.raises(NotAllowed) as refused:
            await feedback.rate(uow, clock, other, request_id, 5)
        messages.append(str(refused.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("score", [1, 2])
async def test_a_low_rating_is_escalated_to_the_head_of_sales(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO, score: int
) -> None:
    head = await person(uow, clock, 2, Role.HEAD)
    deputy = await person(uow, clock, 3, Role.HEAD)
    await person(uow, clock, 4, Role.ADMIN)
    clock.advance(minutes=1)

    given = await feedback.rate(uow, clock, client, resolved.id, score)

    assert [u.id for u in given.escalate_to] == [head.user_id, deputy.user_id]
    assert given.feedback.escalated_at == clock.now()
    assert (await uow.feedback.get(given.feedback.id)).escalated_at == clock.now()
    audit = await uow.audit.for_entity("feedback", given.feedback.id)
    assert [a.action for a in audit] == ["feedback.escalated"]
    assert json.loads(audit[0].details) == {"request": resolved.id, "score": score}


async def test_without_a_head_of_sales_admins_are_alerted(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    admin = await person(uow, clock, 4, Role.ADMIN)
    given = await feedback.rate(uow, clock, client, resolved.id, 1)
    assert [u.id for u in given.escalate_to] == [admin.user_id]


async def test_a_rating_of_three_or_more_is_not_escalated(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    await person(uow, clock, 2, Role.HEAD)
    for score in (3, 4, 5):
        given = await feedback.rate(uow, clock, client, resolved.id, score)
        assert given.escalate_to == [] and given.feedback.escalated_at is None
    assert await uow.audit.for_entity("feedback", given.feedback.id) == []


async def test_changing_a_good_rating_to_a_bad_one_escalates_it(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    head = await person(uow, clock, 2, Role.HEAD)
    await feedback.rate(uow, clock, client, resolved.id, 5)
    given = await feedback.rate(uow, clock, client, resolved.id, 1)
    assert [u.id for u in given.escalate_to] == [head.user_id]
    assert given.feedback.escalated_at == clock.now()


# --- praise, suggestions, complaints and NPS -----------------------------------------------


@pytest.mark.parametrize("kind", [F.PRAISE, F.SUGGESTION, F.COMPLAINT])
async def test_general_feedback_is_stored_with_its_words(
    uow: UnitOfWork, clock: FakeClock, client: Actor, kind: FeedbackKind
) -> None:
    await person(uow, clock, 2, Role.HEAD)

    given = await feedback.give(uow, clock, client, kind, None, "  Fast delivery  ")

    stored = given.feedback
    assert (stored.kind, stored.score, stored.comment, stored.request_id) == (
        kind,
        None,
        "Fast delivery",
        None,
    )
    assert stored.client_id == client.user_id and stored.created_at == clock.now()
    assert given.request is None and given.escalate_to == []
    assert await uow.feedback.of_client(client.user_id) == [stored]


async def test_a_complaint_with_a_low_score_is_escalated(
    uow: UnitOfWork, clock: FakeClock, client: Actor
) -> None:
    head = await person(uow, clock, 2, Role.HEAD)
    given = await feedback.give(uow, clock, client, F.COMPLAINT, 1, "Rude courier")
    assert [u.id for u in given.escalate_to] == [head.user_id]
    assert given.feedback.escalated_at == clock.now()
    praise = await feedback.give(uow, clock, client, F.PRAISE, 1, "Odd but fine")
    assert praise.escalate_to == [] and praise.feedback.escalated_at is None


@pytest.mark.parametrize(
    ("kind", "score", "comment", "problem"),
    [
        (F.PRAISE, None, "   ", RequestProblem.EMPTY),
        (F.SUGGESTION, None, "x" * 2001, RequestProblem.TOO_LONG),
        (F.COMPLAINT, 6, "Bad", RequestProblem.BAD_SCORE),
        (F.COMPLAINT, 0, "Bad", RequestProblem.BAD_SCORE),
        (F.CSAT, 5, None, RequestProblem.BAD_SCORE),
        (F.NPS, None, None, RequestProblem.BAD_SCORE),
        (F.NPS, 11, None, RequestProblem.BAD_SCORE),
        (F.NPS, -1, None, RequestProblem.BAD_SCORE),
    ],
)
async def test_bad_general_feedback_is_refused_and_not_stored(
    uow: UnitOfWork,
    clock: FakeClock,
    client: Actor,
    kind: FeedbackKind,
    score: int | None,
    comment: str | None,
    problem: RequestProblem,
) -> None:
    with pytest.raises(RequestRejected) as rejected:
        await feedback.give(uow, clock, client, kind, score, comment)
    assert rejected.value.problem is problem
    assert await uow.feedback.of_client(client.user_id) == []


async def test_a_comment_of_exactly_the_limit_is_kept(
    uow: UnitOfWork, clock: FakeClock, client: Actor
) -> None:
    given = await feedback.give(uow, clock, client, F.SUGGESTION, None, "y" * 2000)
    assert len((await uow.feedback.get(given.feedback.id)).comment) == 2000


@pytest.mark.parametrize("score", [0, 6, 10])
async def test_nps_is_from_0_to_10_and_never_escalated(
    uow: UnitOfWork, clock: FakeClock, client: Actor, score: int
) -> None:
    await person(uow, clock, 2, Role.HEAD)
    given = await feedback.give(uow, clock, client, F.NPS, score, None)
    assert (given.feedback.kind, given.feedback.score, given.feedback.comment) == (
        F.NPS,
        score,
        None,
    )
    assert given.escalate_to == [] and given.feedback.escalated_at is None


async def test_staff_and_visitors_give_no_client_feedback(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    for outsider in (
        await person(uow, clock, 2, Role.HEAD),
        await person(uow, clock, 11, consent=False),
        Actor(12, Role.CLIENT, "en", "UTC", None),
    ):
        with pytest.raises(NotAllowed):
            await feedback.give(uow, clock, outsider, F.PRAISE, None, "Great")


# --- the "why" after a score ---------------------------------------------------------------


async def test_the_comment_on_a_low_rating_goes_to_whoever_was_alerted(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    head = await person(uow, clock, 2, Role.HEAD)
    given = await feedback.rate(uow, clock, client, resolved.id, 2)

    commented = await feedback.add_comment(
        uow, clock, client, given.feedback.id, "  Nobody called back  "
    )

    assert commented.feedback.comment == "Nobody called back"
    assert commented.feedback.score == 2 and commented.request.id == resolved.id
    assert [u.id for u in commented.escalate_to] == [head.user_id]
    assert (await uow.feedback.get(given.feedback.id)).comment == "Nobody called back"


async def test_the_comment_on_a_good_rating_alerts_nobody(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    await person(uow, clock, 2, Role.HEAD)
    given = await feedback.rate(uow, clock, client, resolved.id, 5)
    commented = await feedback.add_comment(uow, clock, client, given.feedback.id, "Thanks!")
    assert commented.escalate_to == [] and commented.feedback.comment == "Thanks!"


async def test_a_comment_after_raising_a_low_rating_alerts_nobody(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    await person(uow, clock, 2, Role.HEAD)
    low = await feedback.rate(uow, clock, client, resolved.id, 1)
    await feedback.rate(uow, clock, client, resolved.id, 4)

    commented = await feedback.add_comment(uow, clock, client, low.feedback.id, "Sorted now")

    assert commented.escalate_to == []


async def test_a_comment_on_nps_has_no_request(
    uow: UnitOfWork, clock: FakeClock, client: Actor
) -> None:
    given = await feedback.give(uow, clock, client, F.NPS, 9, None)
    commented = await feedback.add_comment(uow, clock, client, given.feedback.id, "Good")
    assert commented.request is None and commented.feedback.comment == "Good"


async def test_nobody_comments_on_someone_elses_feedback(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    given = await feedback.rate(uow, clock, client, resolved.id, 1)
    other = await person(uow, clock, 11)
    head = await person(uow, clock, 2, Role.HEAD)
    for outsider, feedback_id in (
        (other, given.feedback.id),
        (other, given.feedback.id + 100),
        (head, given.feedback.id),
    ):
        with pytest.raises(NotAllowed):
            await feedback.add_comment(uow, clock, outsider, feedback_id, "Fake")
    assert (await uow.feedback.get(given.feedback.id)).comment is None


async def test_an_empty_comment_is_refused(
    uow: UnitOfWork, clock: FakeClock, client: Actor, resolved: RequestDTO
) -> None:
    given = await feedback.rate(uow, clock, client, resolved.id, 4)
    with pytest.raises(RequestRejected) as rejected:
        await feedback.add_comment(uow, clock, client, given.feedback.id, " \n ")
    assert rejected.value.problem is RequestProblem.EMPTY
