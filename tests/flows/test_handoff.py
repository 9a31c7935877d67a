"""A specialist hands a claim to the quality department; the department accepts it, sends
an update and finishes; the specialist stays responsible and the client sees where it is."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.enums import Role
from bot.storage.models import Handoff, RequestMessage
from tests.flows.conftest import LOGISTICS_MANAGER, QUALITY_CHAT
from tests.support.harness import Harness, callback_answer
from tests.support.updates import group_message


async def test_hand_off_round_trip(harness: Harness) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = harness.person(3001, first_name="Maria", language_code="en")
    await maria.become_client("en")
    await maria.send("/ask")
    await maria.press("Service")
    await maria.send("The repair took a month.")
    await maria.press("📨 Send")

    await anna.press("🏢 Hand off")
    assert "Which department should work on" in anna.last_text()
    await anna.press("Quality department")
    await anna.send("Please check the repair timeline with the workshop.")
    assert "By when?" in anna.last_text()
    await anna.press("In 3 working days")

    department_card = harness.sent_to(QUALITY_CHAT, "SendMessage")[-1].request
    assert "Please check the repair timeline with the workshop." in department_card.text
    assert "The repair took a month." in department_card.text
    # Friday 12:00 + 27 working hours (3 days of 9): Wednesday 12:00 Moscow.
    assert "Срок: до 2 дек. 2026\u202fг., 12:00" in department_card.text
    assert "With Quality department, due Dec 2, 2026, 12:00" in maria.last_text()

    colleague = harness.person(5001, first_name="Quality")
    calls = await colleague.press_in(QUALITY_CHAT, "✅ Принять")
    assert callback_answer(calls) is not None
    assert "Отдел качества" not in anna.last_text()
    assert "Quality department accepted request #1." in anna.last_text()

    await colleague.press_in(QUALITY_CHAT, "✏️ Сообщить новости")
    prompt = harness.last_message_id(QUALITY_CHAT)
    await harness.feed(
        group_message(QUALITY_CHAT, 5001, "Workshop confirms a delay.", reply_to=prompt)
    )
    assert "Workshop confirms a delay." in anna.last_text()
    assert maria.last_text().startswith("With Quality department") or (
        "Workshop" not in maria.last_text()
    ), "department updates go to the specialist, not to the client"

    await colleague.press_in(QUALITY_CHAT, "🏁 Готово")
    assert "finished its part of request #1" in anna.last_text()
    async with harness.app.sessionmaker() as session:
        handoff = await session.scalar(select(Handoff))
        sides = list(await session.scalars(select(RequestMessage.side)))
    assert handoff is not None and handoff.status == "done"
    assert sides == ["department"]


async def test_only_the_departments_chat_may_press_its_buttons(harness: Harness) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = harness.person(3001, first_name="Maria", language_code="en")
    await maria.become_client("en")
    await maria.send("/ask")
    await maria.press("Service")
    await maria.send("Broken")
    await maria.press("📨 Send")
    await anna.press("🏢 Hand off")
    await anna.press("Quality department")
    await anna.send("Check")
    await anna.press("Next working day")

    # The same callback data pressed from a private chat or another group is refused.
    for chat_id in (3001, -999):
        calls = await maria.press_data("dept:accepted:1", message_id=1, chat_id=chat_id)
        assert callback_answer(calls) == "This button is no longer active."
    async with harness.app.sessionmaker() as session:
        handoff = await session.scalar(select(Handoff))
    assert handoff is not None and handoff.status == "sent"


async def test_other_talk_in_the_department_group_is_ignored(harness: Harness) -> None:
    calls = await harness.feed(group_message(QUALITY_CHAT, 5001, "lunch at 1?"))
    assert calls == []
    calls = await harness.feed(group_message(-999, 5001, "/start"))
    assert calls == []


async def test_a_department_that_is_one_person_answers_in_his_private_chat(
    harness: Harness,
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = harness.person(3001, first_name="Maria", language_code="en")
    await maria.become_client("en")
    await maria.send("/ask")
    await maria.press("Order and delivery")
    await maria.send("Where is my parcel?")
    await maria.press("📨 Send")
    await anna.press("🏢 Hand off")
    await anna.press("Logistics")
    await anna.send("Track parcel for Maria")
    await anna.press("Next working day")

    manager = harness.person(LOGISTICS_MANAGER, first_name="Leo")
    assert "Track parcel for Maria" in manager.last_text()
    await manager.press("✅ Принять")
    await manager.send("В пути, будет завтра.", reply_to=harness.last_message_id(LOGISTICS_MANAGER))

    assert "В пути, будет завтра." in anna.last_text()
    assert manager.last_text() == "Передано специалисту."


async def test_the_deadline_can_be_picked_in_the_calendar(harness: Harness) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language="ru")
    maria = harness.person(3001, first_name="Maria", language_code="en")
    await maria.become_client("en")
    await maria.send("/ask")
    await maria.press("Service")
    await maria.send("Broken")
    await maria.press("📨 Send")
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
    assert "due Nov 30, 2026, 6:00\u202fPM" in maria.last_text()
