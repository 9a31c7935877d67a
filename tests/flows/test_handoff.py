"""A specialist hands a claim to the quality department; the department accepts it, sends
an update and finishes; the specialist stays responsible and the client sees where it is."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.enums import Role
from bot.storage.models import Handoff, RequestMessage
from tests.flows.conftest import LOGISTICS_MANAGER, QUALITY_CHAT
from tests.support.harness import Harness, Person, callback_answer
from tests.support.updates import group_message

# What the specialist and the client read, per language (they speak the same one here). The
# departments read Russian, the desk's default language.
TEXT = {
    "en": {
        "maria": "Maria",
        "service": "Service",
        "order": "Order and delivery",
        "send": "📨 Send",
        "hand off": "🏢 Hand off",
        "which department?": "Which department should work on Inquiry #1 · Service?",
        "quality": "Quality department",
        "logistics": "Logistics",
        "note?": "What should the department do? Write a note.",
        "by when?": "By when?",
        "in 3 days": "In 3 working days",
        "next day": "Next working day",
        "card line": "With Quality department, due Dec 2, 2026, 12:00\u202fPM",
        "with the department": "With Quality department, due Dec 2, 2026, 12:00",
        "other language": "Отдел качества",
        "accepted": "Quality department accepted request #1.",
        "update": "🏢 Quality department · request #1\nWorkshop confirms a delay.",
        "finished": "finished its part of request #1",
        "stale": "This button is no longer active.",
        "due the 30th": "due Nov 30, 2026, 6:00\u202fPM",
    },
    "ru": {
        "maria": "Мария",
        "service": "Сервис",
        "order": "Заказ и доставка",
        "send": "📨 Отправить",
        "hand off": "🏢 Передать в отдел",
        "which department?": "В какой отдел передать заявку (Обращение #1 · Сервис)?",
        "quality": "Отдел качества",
        "logistics": "Логистика",
        "note?": "Что нужно сделать отделу? Напишите комментарий.",
        "by when?": "К какому сроку?",
        "in 3 days": "Через 3 рабочих дня",
        "next day": "Следующий рабочий день",
        "card line": "Отдел качества, срок — до 2 дек. 2026\u202fг., 12:00",
        "with the department": (
            "Заявка #1 передана коллегам. Отдел качества, срок — до 2 дек. 2026\u202fг., 12:00."
        ),
        "other language": "Quality department",
        "accepted": "Отдел качества: заявка #1 принята в работу.",
        "update": "🏢 Отдел качества · заявка #1\nWorkshop confirms a delay.",
        "finished": "Отдел качества: работа по заявке #1 выполнена.",
        "stale": "Эта кнопка больше не действует.",
        "due the 30th": "срок — до 30 нояб. 2026\u202fг., 18:00",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def client_asks(harness: Harness, language: str, topic: str, question: str) -> Person:
    text = TEXT[language]
    maria = harness.person(3001, first_name=text["maria"], language_code=language)
    await maria.become_client(language)
    await maria.send("/ask")
    await maria.press(text[topic])
    await maria.send(question)
    await maria.press(text["send"])
    return maria


@LANGUAGES
async def test_hand_off_round_trip(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client_asks(harness, language, "service", "The repair took a month.")

    await anna.press(text["hand off"])
    assert anna.last_text() == text["which department?"]
    await anna.press(text["quality"])
    assert anna.last_text() == text["note?"]
    await anna.send("Please check the repair timeline with the workshop.")
    assert text["by when?"] in anna.last_text()
    await anna.press(text["in 3 days"])

    department_card = harness.sent_to(QUALITY_CHAT, "SendMessage")[-1].request
    assert "Please check the repair timeline with the workshop." in department_card.text
    assert "The repair took a month." in department_card.text
    # Friday 12:00 + 27 working hours (3 days of 9): Wednesday 12:00 Moscow.
    assert "Срок: до 2 дек. 2026\u202fг., 12:00" in department_card.text
    assert text["card line"] in anna.last_text()
    assert text["with the department"] in maria.last_text()

    colleague = harness.person(5001, first_name="Quality")
    calls = await colleague.press_in(QUALITY_CHAT, "✅ Принять")
    assert callback_answer(calls) is not None
    assert text["other language"] not in anna.last_text()
    assert text["accepted"] in anna.last_text()

    await colleague.press_in(QUALITY_CHAT, "✏️ Сообщить новости")
    prompt = harness.last_message_id(QUALITY_CHAT)
    await harness.feed(
        group_message(QUALITY_CHAT, 5001, "Workshop confirms a delay.", reply_to=prompt)
    )
    assert "Workshop confirms a delay." in anna.last_text()
    assert anna.last_text() == text["update"]
    assert maria.last_text().startswith(text["with the department"]) or (
        "Workshop" not in maria.last_text()
    ), "department updates go to the specialist, not to the client"

    await colleague.press_in(QUALITY_CHAT, "🏁 Готово")
    assert text["finished"] in anna.last_text()
    async with harness.app.sessionmaker() as session:
        handoff = await session.scalar(select(Handoff))
        sides = list(await session.scalars(select(RequestMessage.side)))
    assert handoff is not None and handoff.status == "done"
    assert sides == ["department"]


@LANGUAGES
async def test_only_the_departments_chat_may_press_its_buttons(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client_asks(harness, language, "service", "Broken")
    await anna.press(text["hand off"])
    await anna.press(text["quality"])
    await anna.send("Check")
    await anna.press(text["next day"])

    # The same callback data pressed from a private chat or another group is refused.
    for chat_id in (3001, -999):
        calls = await maria.press_data("dept:accepted:1", message_id=1, chat_id=chat_id)
        assert callback_answer(calls) == text["stale"]
    async with harness.app.sessionmaker() as session:
        handoff = await session.scalar(select(Handoff))
    assert handoff is not None and handoff.status == "sent"


async def test_other_talk_in_the_department_group_is_ignored(harness: Harness) -> None:
    calls = await harness.feed(group_message(QUALITY_CHAT, 5001, "lunch at 1?"))
    assert calls == []
    calls = await harness.feed(group_message(-999, 5001, "/start"))
    assert calls == []


@LANGUAGES
async def test_a_department_that_is_one_person_answers_in_his_private_chat(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    await client_asks(harness, language, "order", "Where is my parcel?")
    await anna.press(text["hand off"])
    await anna.press(text["logistics"])
    await anna.send("Track parcel for Maria")
    await anna.press(text["next day"])

    manager = harness.person(LOGISTICS_MANAGER, first_name="Leo")
    assert "Track parcel for Maria" in manager.last_text()
    await manager.press("✅ Принять")
    await manager.send("В пути, будет завтра.", reply_to=harness.last_message_id(LOGISTICS_MANAGER))

    assert "В пути, будет завтра." in anna.last_text()
    assert manager.last_text() == "Передано специалисту."


@pytest.mark.parametrize("client_language", ["en", "ru"])
async def test_the_deadline_can_be_picked_in_the_calendar(
    harness: Harness, client_language: str
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language="ru")
    maria = await client_asks(harness, client_language, "service", "Broken")
    await anna.press("🏢 Передать в отдел")
    await anna.press("Отдел качества")
    await anna.send("Проверьте, пожалуйста")

    # Month and weekday names in the reader's language; the days before today are not offered.
    labels = anna.buttons()
    assert "🗓 ноябрь 2026" in labels and "пн" in labels
    assert "26" not in labels and "[ 27 ]" in labels and "дек. »" in labels
    await anna.press("30")

    async with harness.app.sessionmaker() as session:
        handoff = await session.scalar(select(Handoff))
    assert handoff is not None
    assert handoff.due_at.isoformat() == "2026-11-30T15:00:00+00:00"  # 18:00 in Moscow
    assert TEXT[client_language]["due the 30th"] in maria.last_text()
