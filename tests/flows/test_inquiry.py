"""A client asks a question; his specialist is notified with the card and answers him."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.enums import Role
from bot.storage.models import Request, RequestMessage
from tests.support.harness import Harness, Person, callback_answer


async def client(harness: Harness, user_id: int, language: str, name: str = "Maria") -> Person:
    person = harness.person(user_id, first_name=name, language_code=language)
    await person.become_client(language)
    return person


async def stored_requests(harness: Harness) -> list[Request]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(Request).order_by(Request.id)))


async def test_client_asks_a_question_and_the_specialist_gets_the_card(harness: Harness) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "en")
    assert maria.menu()[:4] == [
        "💬 Ask a question",
        "📝 File a claim",
        "📋 My requests",
        "⭐ Leave feedback",
    ]

    await maria.send("💬 Ask a question")
    assert maria.last_text() == "What is your question about?"
    await maria.press("Invoice and payment")
    await maria.send("Where is my <invoice> for October?")
    assert "Attach photos or documents" in maria.last_text()
    await maria.press("📨 Send")

    told = maria.texts()[-1]
    assert "Your inquiry is registered as #1." in told
    # Filed on Friday 12:00 Moscow: four working hours later is 16:00 the same day.
    assert "You will get an answer by Nov 27, 2026, 4:00\u202fPM." in told
    card = anna.last_text()
    assert "Inquiry #1 · Invoice and payment" in card
    assert "Client: Maria" in card
    assert "Where is my &lt;invoice&gt; for October?" in card
    assert anna.buttons() == [
        "🙋 Take",
        "💬 Reply",
        "🔄 Status",
        "🏢 Hand off",
        "👤 Client",
        "📜 History",
    ]

    [request] = await stored_requests(harness)
    assert (request.kind, request.category, request.status) == ("inquiry", "payment", "new")
    owner = await harness.stored_user(3001)
    specialist = await harness.stored_user(2001)
    assert owner is not None and specialist is not None
    assert owner.owner_id == specialist.id == request.assignee_id


async def test_the_specialist_replies_to_the_card_and_the_client_receives_it(
    harness: Harness,
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "en")
    await maria.send("💬 Ask a question")
    await maria.press("Product")
    await maria.send("Does it come in blue?")
    await maria.press("📨 Send")

    await anna.send("Yes, <b>navy</b> blue.", reply_to=anna.last_message_id())

    assert anna.last_text() == "Sent to the client."
    assert maria.last_text() == "💬 Answer on request #1:\nYes, &lt;b&gt;navy&lt;/b&gt; blue."
    [request] = await stored_requests(harness)
    assert request.status == "in_progress" and request.first_response_at is not None

    # The client answers back without any button: it goes to his open request.
    calls = await maria.send("Great, I'll take two.")
    assert anna.last_text() == "💬 Maria · request #1\nGreat, I'll take two."
    assert any(call.method == "SetMessageReaction" for call in calls)
    async with harness.app.sessionmaker() as session:
        said = list(await session.scalars(select(RequestMessage).order_by(RequestMessage.id)))
    assert [(m.side, m.delivered_at is not None) for m in said] == [
        ("staff", True),
        ("client", True),
    ]


async def test_another_specialist_cannot_take_or_read_the_request(harness: Harness) -> None:
    await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "en")
    await maria.send("💬 Ask a question")
    await maria.press("Product")
    await maria.send("Question")
    await maria.press("📨 Send")
    boris = await harness.staff(2002, Role.SPECIALIST, "Boris")

    for action in ("take", "history", "client", "reply"):
        calls = await boris.press_data(f"rq:{action}:1", message_id=1)
        assert callback_answer(calls) == "This button is no longer active."
    calls = await maria.press_data("rq:take:1", message_id=1)
    assert callback_answer(calls) == "This button is no longer active."
    [request] = await stored_requests(harness)
    assert request.status == "new"
