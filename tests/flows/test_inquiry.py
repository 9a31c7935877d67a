"""A client asks a question; his specialist is notified with the card and answers him."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.enums import Role
from bot.storage.models import Request, RequestMessage
from tests.support.harness import Harness, Person, callback_answer

# What each side reads, per language: the client and the specialist speak the same one here.
TEXT = {
    "en": {
        "anna": "Anna",
        "maria": "Maria",
        "menu": ["💬 Ask a question", "📝 File a claim", "📋 My requests", "⭐ Leave feedback"],
        "ask": "💬 Ask a question",
        "topic?": "What is your question about?",
        "payment": "Invoice and payment",
        "product": "Product",
        "attach": "Attach photos or documents",
        "send": "📨 Send",
        "registered": "Your inquiry is registered as #1.",
        # Filed on Friday 12:00 Moscow: four working hours later is 16:00 the same day.
        "answer by": "You will get an answer by Nov 27, 2026, 4:00\u202fPM.",
        "title": "Inquiry #1 · Invoice and payment",
        "client line": "Client: Maria",
        "card buttons": [
            "🙋 Take",
            "💬 Reply",
            "🔄 Status",
            "🏢 Hand off",
            "👤 Client",
            "📜 History",
        ],
        "sent": "Sent to the client.",
        "answer header": "💬 Answer on request #1:",
        "client header": "💬 Maria · request #1",
        "stale": "This button is no longer active.",
    },
    "ru": {
        "anna": "Анна",
        "maria": "Мария",
        "menu": ["💬 Задать вопрос", "📝 Подать претензию", "📋 Мои заявки", "⭐ Оставить отзыв"],
        "ask": "💬 Задать вопрос",
        "topic?": "О чём ваш вопрос?",
        "payment": "Счёт и оплата",
        "product": "Товар",
        "attach": "Если нужно, приложите фото или документы",
        "send": "📨 Отправить",
        "registered": "Ваше обращение зарегистрировано: #1.",
        "answer by": "Вы получите ответ до 27 нояб. 2026\u202fг., 16:00.",
        "title": "Обращение #1 · Счёт и оплата",
        "client line": "Клиент: Мария",
        "card buttons": [
            "🙋 Взять",
            "💬 Ответить",
            "🔄 Статус",
            "🏢 Передать в отдел",
            "👤 Клиент",
            "📜 История",
        ],
        "sent": "Отправлено клиенту.",
        "answer header": "💬 Ответ по заявке #1:",
        "client header": "💬 Мария · заявка #1",
        "stale": "Эта кнопка больше не действует.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def client(harness: Harness, user_id: int, language: str, name: str = "Maria") -> Person:
    person = harness.person(user_id, first_name=name, language_code=language)
    await person.become_client(language)
    return person


async def stored_requests(harness: Harness) -> list[Request]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(Request).order_by(Request.id)))


@LANGUAGES
async def test_client_asks_a_question_and_the_specialist_gets_the_card(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    assert maria.menu()[:4] == text["menu"]

    await maria.send(text["ask"])
    assert maria.last_text() == text["topic?"]
    await maria.press(text["payment"])
    await maria.send("Where is my <invoice> for October?")
    assert text["attach"] in maria.last_text()
    await maria.press(text["send"])

    told = maria.texts()[-1]
    assert text["registered"] in told
    assert text["answer by"] in told
    card = anna.last_text()
    assert text["title"] in card
    assert text["client line"] in card
    assert "Where is my &lt;invoice&gt; for October?" in card
    assert anna.buttons() == text["card buttons"]

    [request] = await stored_requests(harness)
    assert (request.kind, request.category, request.status) == ("inquiry", "payment", "new")
    owner = await harness.stored_user(3001)
    specialist = await harness.stored_user(2001)
    assert owner is not None and specialist is not None
    assert owner.owner_id == specialist.id == request.assignee_id


@LANGUAGES
async def test_the_specialist_replies_to_the_card_and_the_client_receives_it(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await maria.send(text["ask"])
    await maria.press(text["product"])
    await maria.send("Does it come in blue?")
    await maria.press(text["send"])

    await anna.send("Yes, <b>navy</b> blue.", reply_to=anna.last_message_id())

    assert anna.last_text() == text["sent"]
    assert maria.last_text() == text["answer header"] + "\nYes, &lt;b&gt;navy&lt;/b&gt; blue."
    [request] = await stored_requests(harness)
    assert request.status == "in_progress" and request.first_response_at is not None

    # The client answers back without any button: it goes to his open request.
    calls = await maria.send("Great, I'll take two.")
    assert anna.last_text() == text["client header"] + "\nGreat, I'll take two."
    assert any(call.method == "SetMessageReaction" for call in calls)
    async with harness.app.sessionmaker() as session:
        said = list(await session.scalars(select(RequestMessage).order_by(RequestMessage.id)))
    assert [(m.side, m.delivered_at is not None) for m in said] == [
        ("staff", True),
        ("client", True),
    ]


@LANGUAGES
async def test_another_specialist_cannot_take_or_read_the_request(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await maria.send(text["ask"])
    await maria.press(text["product"])
    await maria.send("Question")
    await maria.press(text["send"])
    boris = await harness.staff(2002, Role.SPECIALIST, "Boris", language=language)

    for action in ("take", "history", "client", "reply"):
        calls = await boris.press_data(f"rq:{action}:1", message_id=1)
        assert callback_answer(calls) == text["stale"]
    calls = await maria.press_data("rq:take:1", message_id=1)
    assert callback_answer(calls) == text["stale"]
    [request] = await stored_requests(harness)
    assert request.status == "new"
