"""Privacy: a client's full export, and erasure on withdrawal of consent that keeps only
anonymous statistics."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text as sql

from bot.services import feedback, handoffs, lifecycle, privacy, relay, requests
from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.services.errors import NotAllowed
from bot.storage.enums import FeedbackKind, RequestKind, Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.desk.helpers import (
    CLIENT_CHAT,
    SPECIALIST_CHAT,
    S,
    claim,
    file_request,
    fresh,
    move,
    msk,
    person,
    stored,
    text,
)


async def a_full_story(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> dict[str, int]:
    """A claim with a conversation, a status comment, a hand-off and a low rating with a
    comment, plus an open inquiry and an NPS answer."""
    await person(uow, clock, 2, Role.HEAD)
    photo = requests.Attachment("photo", "file-1", 100, CLIENT_CHAT, 1, caption="The leak")
    the_claim = (
        await requests.file(
            uow, clock, desk, client, claim("My kettle leaks", attachments=(photo,))
        )
    ).request
    await relay.from_client(
        uow, clock, desk, client, the_claim.id, text(CLIENT_CHAT, 2, "Call me on +7 900")
    )
    answer = await relay.from_staff(
        uow, clock, desk, specialist, the_claim.id, text(SPECIALIST_CHAT, 3, "Hello, Ivan")
    )
    await relay.link(uow, chat_id=CLIENT_CHAT, message_id=4, request_id=the_claim.id)
    await relay.delivered(uow, clock, answer.message.id)
    await handoffs.hand_off(
        uow, clock, desk, specialist, the_claim.id, "quality", "Ivan's kettle", msk(2026, 12, 1, 12)
    )
    clock.advance(hours=1)
    await lifecycle.change_status(
        uow, clock, desk, specialist, the_claim.id, S.RESOLVED, "Refund to Ivan's card"
    )
    rating = await feedback.rate(uow, clock, client, the_claim.id, 1)
    await feedback.add_comment(uow, clock, client, rating.feedback.id, "Ivan is angry")
    nps = await feedback.give(uow, clock, client, FeedbackKind.NPS, 7, "Ok")
    inquiry = await file_request(uow, clock, desk, client)
    return {
        "claim": the_claim.id,
        "inquiry": inquiry.id,
        "rating": rating.feedback.id,
        "nps": nps.feedback.id,
    }


# --- export --------------------------------------------------------------------------------


async def test_the_export_holds_everything_stored_about_the_client_as_json(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> None:
    ids = await a_full_story(uow, clock, desk, specialist, client)
    other = await person(uow, clock, 11)
    foreign = await file_request(uow, clock, desk, other)
    clock.advance(minutes=5)

    data = await privacy.export(uow, clock, await fresh(uow, client))

    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["exported_at"] == clock.now().isoformat()
    profile = data["profile"]
    assert (profile["id"], profile["telegram_id"], profile["role"]) == (
        client.user_id,
        CLIENT_CHAT,
        "client",
    )
    assert profile["owner_id"] == specialist.user_id
    by_id = {r["id"]: r for r in data["requests"]}
    assert set(by_id) == {ids["claim"], ids["inquiry"]} and foreign.id not in by_id
    exported = by_id[ids["claim"]]
    assert (exported["kind"], exported["status"], exported["subject"]) == (
        "claim",
        "resolved",
        "My kettle leaks",
    )
    assert (exported["order_ref"], exported["wanted"]) == ("A-1042", "refund")
    assert [m["text"] for m in exported["messages"]] == [
        "The leak",
        "Call me on +7 900",
        "Hello, Ivan",
    ]
    assert [m["side"] for m in exported["messages"]] == ["client", "client", "staff"]
    assert [e["action"] for e in exported["history"]] == [
        "created",
        "status",
        "handoff",
        "status",
        "rated",
    ]
    assert "Refund to Ivan's card" in [e["comment"] for e in exported["history"]]
    assert [(h["department"], h["note"]) for h in exported["handoffs"]] == [
        ("quality", "Ivan's kettle")
    ]
    assert [(f["kind"], f["score"], f["comment"]) for f in data["feedback"]] == [
        ("csat", 1, "Ivan is angry"),
        ("nps", 7, "Ok"),
    ]
    audit = await uow.audit.for_entity("user", client.user_id)
    assert [a.action for a in audit] == ["data.exported"]


async def test_a_client_without_requests_gets_his_profile_only(
    uow: UnitOfWork, clock: FakeClock, client: Actor
) -> None:
    data = await privacy.export(uow, clock, client)
    assert data["requests"] == [] and data["feedback"] == []
    assert data["profile"]["created_at"] == clock.now().isoformat()


async def test_staff_and_visitors_have_nothing_to_export_or_erase(
    uow: UnitOfWork, clock: FakeClock, specialist: Actor
) -> None:
    outsiders = [
        specialist,
        await person(uow, clock, 2, Role.ADMIN),
        await person(uow, clock, 11, consent=False),
        Actor(12, Role.CLIENT, "en", "UTC", None),
    ]
    for outsider in outsiders:
        with pytest.raises(NotAllowed):
            await privacy.export(uow, clock, outsider)
        with pytest.raises(NotAllowed):
            await privacy.withdraw_consent(uow, clock, outsider)
    assert await uow.users.get(specialist.user_id) is not None


# --- erasure -------------------------------------------------------------------------------


async def test_erasure_removes_everything_the_client_wrote_and_the_user_row(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> None:
    ids = await a_full_story(uow, clock, desk, specialist, client)

    erased = await privacy.withdraw_consent(uow, clock, client)

    assert erased.user.id == client.user_id
    assert (erased.requests, erased.messages, erased.feedback) == (2, 3, 2)
    uow.session.expire_all()
    assert await uow.users.get(client.user_id) is None
    assert await uow.users.by_telegram_id(CLIENT_CHAT) is None
    the_claim = await stored(uow, ids["claim"])
    assert the_claim.subject is None and the_claim.order_ref is None
    for request_id in (ids["claim"], ids["inquiry"]):
        assert await uow.messages.of_request(request_id) == []
        assert all(e.comment is None for e in await uow.requests.events(request_id))
    assert [h.note for h in await uow.handoffs.of_request(ids["claim"])] == [None]
    for feedback_id in (ids["rating"], ids["nps"]):
        assert (await uow.feedback.get(feedback_id)).comment is None
    assert await relay.owed(uow) == []


async def test_erasure_keeps_anonymous_statistics(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> None:
    ids = await a_full_story(uow, clock, desk, specialist, client)
    before = await stored(uow, ids["claim"])

    await privacy.withdraw_consent(uow, clock, client)

    uow.session.expire_all()
    the_claim = await stored(uow, ids["claim"])
    assert the_claim.client_id is None
    assert (the_claim.kind, the_claim.category, the_claim.status, the_claim.wanted) == (
        RequestKind.CLAIM,
        "product",
        S.RESOLVED,
        "refund",
    )
    assert the_claim.assignee_id == specialist.user_id
    for field in ("created_at", "first_response_due", "resolution_due", "first_response_at"):
        assert getattr(the_claim, field) == getattr(before, field)
    assert the_claim.resolved_at == before.resolved_at
    assert (await stored(uow, ids["inquiry"])).status is S.NEW
    rating = await uow.feedback.get(ids["rating"])
    assert (rating.kind, rating.score, rating.request_id, rating.client_id) == (
        FeedbackKind.CSAT,
        1,
        ids["claim"],
        None,
    )
    assert rating.escalated_at is not None
    assert (await uow.feedback.get(ids["nps"])).score == 7
    history = await uow.requests.events(ids["claim"])
    assert [(e.action, e.to_status) for e in history][:2] == [
        ("created", S.NEW),
        ("status", S.IN_PROGRESS),
    ]
    assert history[0].actor_id is None, "the client's own events no longer point at anyone"
    assert [h.department for h in await uow.handoffs.of_request(ids["claim"])] == ["quality"]
    # The team still sees the anonymous request in its queue.
    queue = await requests.queue_page(uow, specialist, 0)
    assert [r.id for r in queue.items] == [ids["inquiry"]]


async def test_erasure_forgets_which_chat_the_clients_messages_came_from(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> None:
    ids = await a_full_story(uow, clock, desk, specialist, client)
    assert await uow.messages.linked_request(chat_id=CLIENT_CHAT, message_id=2) == ids["claim"]

    await privacy.withdraw_consent(uow, clock, client)

    # His Telegram chat would tie the anonymous request back to him.
    for message_id in (1, 2, 4):
        linked = await uow.messages.linked_request(chat_id=CLIENT_CHAT, message_id=message_id)
        assert linked is None
    # The team's own chats still know the request a card or a copy belongs to.
    assert await uow.messages.linked_request(chat_id=SPECIALIST_CHAT, message_id=3) == ids["claim"]


async def test_erasure_leaves_only_an_anonymous_trace_in_the_audit(
    uow: UnitOfWork, clock: FakeClock, client: Actor
) -> None:
    sourced = await uow.users.update(client.user_id, now=clock.now(), source="expo2026")

    await privacy.withdraw_consent(uow, clock, Actor.of(sourced))

    trace = await uow.session.execute(
        sql("SELECT actor_id, entity_id, details FROM audit_log WHERE action = :action"),
        {"action": "consent.withdrawn"},
    )
    assert [tuple(row) for row in trace] == [(None, None, '{"source": "expo2026"}')]


async def test_erasure_takes_his_id_out_of_earlier_audit_records(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, client: Actor, specialist: Actor
) -> None:
    await file_request(uow, clock, desk, client)
    await privacy.export(uow, clock, client)

    await privacy.withdraw_consent(uow, clock, client)

    rows = await uow.session.execute(
        sql("SELECT action, actor_id, entity, entity_id FROM audit_log ORDER BY id")
    )
    assert [tuple(row) for row in rows] == [
        ("inquiry.filed", None, "request", 1),
        ("data.exported", None, "user", None),
        ("consent.withdrawn", None, "user", None),
    ]


async def test_erasure_does_not_touch_other_clients(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> None:
    other = await person(uow, clock, 11)
    theirs = await file_request(uow, clock, desk, other)
    said = await relay.from_client(uow, clock, desk, other, theirs.id, text(11, 1, "Hi"))
    await move(uow, clock, desk, specialist, theirs.id, S.RESOLVED)
    rated = await feedback.rate(uow, clock, other, theirs.id, 2)
    await feedback.add_comment(uow, clock, other, rated.feedback.id, "Slow")
    await a_full_story(uow, clock, desk, specialist, client)

    await privacy.withdraw_consent(uow, clock, client)

    uow.session.expire_all()
    kept = await stored(uow, theirs.id)
    assert kept.client_id == other.user_id and kept.subject == "Where is my order?"
    assert await uow.messages.of_request(theirs.id) == [said.message]
    assert (await uow.feedback.get(rated.feedback.id)).comment == "Slow"
    assert await uow.messages.linked_request(chat_id=11, message_id=1) == theirs.id
    assert (await uow.users.get(other.user_id)).owner_id == specialist.user_id


async def test_a_client_who_comes_back_starts_afresh(
    uow: UnitOfWork, clock: FakeClock, desk: DeskConfig, specialist: Actor, client: Actor
) -> None:
    ids = await a_full_story(uow, clock, desk, specialist, client)
    await privacy.withdraw_consent(uow, clock, client)

    returning = await person(uow, clock, CLIENT_CHAT)

    page = await requests.client_page(uow, returning, 0)
    assert page.items == [] and returning.user.owner_id is None
    with pytest.raises(NotAllowed):
        await requests.for_client(uow, returning, ids["claim"])
    assert await relay.request_of_reply(uow, returning, CLIENT_CHAT, 2) is None
    assert (await privacy.export(uow, clock, returning))["requests"] == []
