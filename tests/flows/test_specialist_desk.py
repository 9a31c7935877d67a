"""The specialist's side: taking a request, answering with the Reply button, changing its
status with a comment the client reads in his language, and the queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.enums import Role
from bot.storage.models import Request, RequestEvent
from bot.storage.uow import UnitOfWork
from tests.support.harness import Harness, Person, callback_answer

LABELS = {
    "en": {"product": "Product", "send": "📨 Send"},
    "ru": {"product": "Товар", "send": "📨 Отправить"},
}


# What the specialist reads, per language; the clients keep their own language.
STAFF = {
    "en": {
        "take": "🙋 Take",
        "yours": "The request is yours.",
        "in progress": "Status: in progress",
        "reply": "💬 Reply",
        "write your answer": "Write your answer to the client on Inquiry #1 · Product.",
        "sent": "Sent to the client.",
        "status": "🔄 Status",
        "choose status": "Inquiry #1 · Product\nChoose the new status:",
        "wait": "⏸ Wait for the client",
        "comment?": "A comment for the client",
        "paused": "Deadline paused while waiting for the client",
        "resolved": "✅ Resolved",
        "skip": "Skip",
        "wrong status": "This can't be done with the request in its current status.",
        "requests": "📥 Requests",
        "own queue": "Your open requests, nearest deadline first:",
        "whole team": "whole team",
        "title": "Inquiry #1 · Product",
        "unrelated": "not about a request I know",
        "stale": "This button is no longer active.",
    },
    "ru": {
        "take": "🙋 Взять",
        "yours": "Теперь это ваша заявка.",
        "in progress": "Статус: в работе",
        "reply": "💬 Ответить",
        "write your answer": "Напишите ответ клиенту (Обращение #1 · Товар).",
        "sent": "Отправлено клиенту.",
        "status": "🔄 Статус",
        "choose status": "Обращение #1 · Товар\nВыберите новый статус:",
        "wait": "⏸ Ждать ответа клиента",
        "comment?": "Комментарий для клиента (необязательно)",
        "paused": "Срок приостановлен: ждём ответа клиента",
        "resolved": "✅ Решена",
        "skip": "Пропустить",
        "wrong status": "В текущем статусе заявки это сделать нельзя.",
        "requests": "📥 Заявки",
        "own queue": "Ваши открытые заявки, сначала с ближайшим сроком:",
        "whole team": "Открытые заявки всей команды, сначала с ближайшим сроком:",
        "title": "Обращение #1 · Товар",
        "unrelated": (
            "Это сообщение не относится ни к одной известной мне заявке. "
            "Откройте заявку в разделе «📥 Заявки»."
        ),
        "stale": "Эта кнопка больше не действует.",
    },
}
STAFF_LANGUAGES = pytest.mark.parametrize("staff_language", ["en", "ru"])


async def filed_inquiry(harness: Harness, maria: Person, text: str = "Is it in stock?") -> None:
    labels = LABELS[maria.language_code or "en"]
    await maria.send("/ask")
    await maria.press(labels["product"])
    await maria.send(text)
    await maria.press(labels["send"])


async def russian_client(harness: Harness, user_id: int = 3001) -> Person:
    maria = harness.person(user_id, first_name="Мария", language_code="ru")
    await maria.become_client("ru")
    return maria


async def the_request(harness: Harness) -> Request:
    async with harness.app.sessionmaker() as session:
        request = await session.scalar(select(Request))
    assert request is not None
    return request


@STAFF_LANGUAGES
async def test_specialist_takes_the_request_and_the_client_is_told_in_russian(
    harness: Harness, staff_language: str
) -> None:
    staff = STAFF[staff_language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=staff_language)
    maria = await russian_client(harness)
    await filed_inquiry(harness, maria)

    calls = await anna.press(staff["take"])

    assert callback_answer(calls) == staff["yours"]
    assert "Заявка #1: в работе." in maria.texts()
    # The card he pressed is updated in place, not sent again.
    [edit] = [c for c in calls if c.method == "EditMessageText"]
    assert staff["in progress"] in edit.request.text
    assert staff["take"] not in anna.buttons()
    assert (await the_request(harness)).status == "in_progress"


@STAFF_LANGUAGES
async def test_reply_button_answers_the_client(harness: Harness, staff_language: str) -> None:
    staff = STAFF[staff_language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=staff_language)
    maria = await russian_client(harness)
    await filed_inquiry(harness, maria)

    await anna.press(staff["reply"])
    assert staff["write your answer"] in anna.last_text()
    await anna.send("We have it, 12 pieces.")

    assert anna.last_text() == staff["sent"]
    assert maria.last_text() == "💬 Ответ по заявке #1:\nWe have it, 12 pieces."


@STAFF_LANGUAGES
async def test_waiting_for_the_client_pauses_and_his_answer_resumes(
    harness: Harness, staff_language: str
) -> None:
    staff = STAFF[staff_language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=staff_language)
    maria = await russian_client(harness)
    await filed_inquiry(harness, maria)

    await anna.press(staff["status"])
    assert staff["choose status"] in anna.last_text()
    await anna.press(staff["wait"])
    assert staff["comment?"] in anna.last_text()
    await anna.send("Which colour do you need?")

    told = maria.texts()[-1]
    assert told.startswith("Заявка #1: ждём вашего ответа.\nWhich colour do you need?")
    request = await the_request(harness)
    assert request.status == "waiting" and request.paused_at is not None
    assert staff["paused"] in anna.texts()[-1]

    await maria.send("Синий")
    request = await the_request(harness)
    assert request.status == "in_progress" and request.paused_at is None
    async with harness.app.sessionmaker() as session:
        changes = [
            (e.from_status, e.to_status, e.comment)
            for e in await session.scalars(
                select(RequestEvent).where(RequestEvent.action == "status")
            )
        ]
    assert changes == [
        ("new", "waiting", "Which colour do you need?"),
        ("waiting", "in_progress", None),
    ]


@STAFF_LANGUAGES
async def test_a_status_the_request_cannot_take_is_refused(
    harness: Harness, staff_language: str
) -> None:
    staff = STAFF[staff_language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=staff_language)
    maria = await russian_client(harness)
    await filed_inquiry(harness, maria)
    await anna.press(staff["status"])
    await anna.press(staff["resolved"])
    await anna.press(staff["skip"])
    assert (await the_request(harness)).status == "resolved"

    # "Wait for the client" from an old status menu: a resolved request cannot wait.
    calls = await anna.press_data("rq:take:1", message_id=1)
    assert callback_answer(calls) == staff["wrong status"]


@STAFF_LANGUAGES
async def test_the_queue_shows_own_requests_and_the_head_sees_everyone(
    harness: Harness, staff_language: str
) -> None:
    staff = STAFF[staff_language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=staff_language)
    boris = await harness.staff(2002, Role.SPECIALIST, "Boris", language=staff_language)
    head = await harness.staff(2100, Role.HEAD, "Helen", language=staff_language)
    for user_id in (3001, 3002, 3003):
        person = harness.person(user_id, first_name=f"C{user_id}", language_code="en")
        await person.become_client("en")
        await filed_inquiry(harness, person)

    await anna.send("/queue")
    assert anna.last_text() == staff["own queue"]
    anna_queue = anna.buttons()
    await boris.send(staff["requests"])
    boris_queue = boris.buttons()
    await head.send("/queue")
    head_queue = head.buttons()

    # Round robin between the two specialists with nothing open: Anna, Boris, Anna.
    assert [label.split(" · ")[0] for label in anna_queue if "#" in label] == ["#1", "#3"]
    assert [label.split(" · ")[0] for label in boris_queue if "#" in label] == ["#2"]
    assert len([label for label in head_queue if "#" in label]) == 3
    assert staff["whole team"] in head.last_text()

    await anna.press(anna_queue[0])
    assert any(staff["title"] in text for text in anna.texts()[-2:])


async def test_a_client_cannot_open_the_queue(harness: Harness) -> None:
    maria = await russian_client(harness)
    await maria.send("/queue")
    assert maria.last_text() == "Я не знаю такой команды. /help — что я умею."


@STAFF_LANGUAGES
async def test_a_reply_to_a_message_unrelated_to_requests_is_explained(
    harness: Harness, staff_language: str
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=staff_language)
    await anna.send("/help")
    await anna.send("hello?", reply_to=anna.last_message_id())
    assert STAFF[staff_language]["unrelated"] in anna.last_text()


@STAFF_LANGUAGES
async def test_a_specialist_whose_access_was_revoked_mid_dialog_is_refused(
    harness: Harness, staff_language: str
) -> None:
    staff = STAFF[staff_language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=staff_language)
    maria = harness.person(3001, first_name="Maria", language_code="en")
    await maria.become_client("en")
    await filed_inquiry(harness, maria)
    await anna.press(staff["status"])
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(2001)
        assert user is not None
        await uow.users.update(user.id, now=harness.app.clock.now(), role=Role.CLIENT)

    calls = await anna.press(staff["resolved"])

    assert callback_answer(calls) == staff["stale"]
    assert (await the_request(harness)).status == "new"
