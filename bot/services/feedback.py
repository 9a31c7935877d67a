"""Feedback: ratings of resolved requests (CSAT), praise, suggestions, complaints and NPS.
Low scores reach the head of sales."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import requests
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.errors import NotAllowed, RequestProblem, RequestRejected
from bot.storage.dto import FeedbackDTO, RequestDTO, UserDTO
from bot.storage.enums import FeedbackKind, RequestStatus, Role
from bot.storage.uow import UnitOfWork

LOW_SCORE = 2  # 1 and 2 of 5 are escalated
MAX_COMMENT = 2000
SCORE_RANGE = {FeedbackKind.NPS: range(11)}
DEFAULT_RANGE = range(1, 6)
GENERAL_KINDS = (FeedbackKind.PRAISE, FeedbackKind.SUGGESTION, FeedbackKind.COMPLAINT)


@dataclass(frozen=True, slots=True)
class Given:
    feedback: FeedbackDTO
    client: UserDTO
    request: RequestDTO | None
    # Whom to alert: the heads of sales (admins when there is none); empty when all is well.
    escalate_to: list[UserDTO]


def _check_score(kind: FeedbackKind, score: int | None) -> None:
    if score is None and kind in (FeedbackKind.CSAT, FeedbackKind.NPS):
        raise RequestRejected(RequestProblem.BAD_SCORE)
    if score is not None and score not in SCORE_RANGE.get(kind, DEFAULT_RANGE):
        raise RequestRejected(RequestProblem.BAD_SCORE)


async def _escalation_recipients(uow: UnitOfWork) -> list[UserDTO]:
    return await uow.users.with_role(Role.HEAD) or await uow.users.with_role(Role.ADMIN)


def _needs_escalation(kind: FeedbackKind, score: int | None) -> bool:
    return (
        kind in (FeedbackKind.CSAT, FeedbackKind.COMPLAINT)
        and score is not None
        and score <= LOW_SCORE
    )


async def rate(uow: UnitOfWork, clock: Clock, actor: Actor, request_id: int, score: int) -> Given:
    """The client rates a resolved request; rating it again replaces the score."""
    request = await requests.for_client(uow, actor, request_id)
    client = requests.require_client(actor)
    if request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
        raise RequestRejected(RequestProblem.WRONG_STATUS)
    _check_score(FeedbackKind.CSAT, score)
    now = clock.now()
    existing = await uow.feedback.rating_of(request.id)
    if existing is not None:
        feedback = await uow.feedback.update(existing.id, score=score, created_at=now)
    else:
        feedback = await uow.feedback.add(
            client_id=client.id,
            kind=FeedbackKind.CSAT,
            score=score,
            request_id=request.id,
            now=now,
        )
    await uow.requests.add_event(
        request.id, actor_id=client.id, action="rated", now=now, comment=str(score)
    )
    return await _escalate_if_low(uow, clock, feedback, client, request)


async def give(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    kind: FeedbackKind,
    score: int | None,
    comment: str | None,
) -> Given:
    """Praise, a suggestion or a complaint from the menu, or an NPS answer."""
    client = requests.require_client(actor)
    if kind not in (*GENERAL_KINDS, FeedbackKind.NPS):
        raise RequestRejected(RequestProblem.BAD_SCORE)
    _check_score(kind, score)
    feedback = await uow.feedback.add(
        client_id=client.id,
        kind=kind,
        score=score,
        comment=_clean(comment),
        now=clock.now(),
    )
    return await _escalate_if_low(uow, clock, feedback, client, None)


async def add_comment(
    uow: UnitOfWork, clock: Clock, actor: Actor, feedback_id: int, comment: str
) -> Given:
    """The "why" after a score; a low score's comment goes to whoever was alerted."""
    client = requests.require_client(actor)
    feedback = await uow.feedback.get(feedback_id)
    if feedback is None or feedback.client_id != client.id:
        raise NotAllowed("feedback")
    feedback = await uow.feedback.update(feedback.id, comment=_clean(comment))
    request = await uow.requests.get(feedback.request_id) if feedback.request_id else None
    # Only while the score is still low: a client who raised it has nothing to complain of.
    still_low = feedback.escalated_at is not None and _needs_escalation(
        feedback.kind, feedback.score
    )
    escalate = await _escalation_recipients(uow) if still_low else []
    return Given(feedback, client, request, escalate)


async def _escalate_if_low(
    uow: UnitOfWork,
    clock: Clock,
    feedback: FeedbackDTO,
    client: UserDTO,
    request: RequestDTO | None,
) -> Given:
    if not _needs_escalation(feedback.kind, feedback.score):
        return Given(feedback, client, request, [])
    now = clock.now()
    feedback = await uow.feedback.update(feedback.id, escalated_at=now)
    await uow.audit.add(
        actor_id=client.id,
        action="feedback.escalated",
        entity="feedback",
        entity_id=feedback.id,
        now=now,
        details={"score": feedback.score, "request": request.id if request else None},
    )
    return Given(feedback, client, request, await _escalation_recipients(uow))


def _clean(comment: str | None) -> str | None:
    if comment is None:
        return None
    comment = comment.strip()
    if not comment:
        raise RequestRejected(RequestProblem.EMPTY)
    if len(comment) > MAX_COMMENT:
        raise RequestRejected(RequestProblem.TOO_LONG)
    return comment
