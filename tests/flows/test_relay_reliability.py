"""Nothing the client sends is lost: failed copies are kept, shown and retried; over-long
texts are split; a flood gets one polite notice; unsupported content is explained."""

from __future__ import annotations

from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.delivery import redeliver_owed, split_text
from bot.storage.enums import Role
from bot.storage.models import RequestMessage
from tests.support.harness import Harness, Person


async def with_open_inquiry(harness: Harness) -> tuple[Person, Person]:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = harness.person(3001, first_name="Maria", language_code="en")
    await maria.become_client("en")
    await maria.send("/ask")
    await maria.press("Product")
    await maria.send("First question")
    await maria.press("📨 Send")
    return anna, maria


async def stored_messages(harness: Harness) -> list[RequestMessage]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(RequestMessage).order_by(RequestMessage.id)))


async def test_a_copy_that_fails_is_kept_shown_and_retried(harness: Harness) -> None:
    anna, maria = await with_open_inquiry(harness)
    harness.session.fail_next(
        "SendMessage", TelegramNetworkError(method=SendMessage(chat_id=1, text="x"), message="down")
    )

    await maria.send("Are you there?")

    assert "Saved on request #1. It will reach your specialist as soon as possible." in (
        maria.last_text()
    )
    [message] = await stored_messages(harness)
    assert message.delivered_at is None and message.attempts == 1 and message.last_error

    await anna.press("📜 History")
    assert "⚠️" in anna.last_text()

    app = harness.app
    delivered = await redeliver_owed(app.bot, app.i18n, app.sessionmaker, app.clock, app.desk)

    assert delivered == 1
    assert anna.last_text() == "💬 Maria · request #1\nAre you there?"
    [message] = await stored_messages(harness)
    assert message.delivered_at is not None and message.attempts == 2
    assert await redeliver_owed(app.bot, app.i18n, app.sessionmaker, app.clock, app.desk) == 0


async def test_a_long_answer_is_split_not_dropped(harness: Harness) -> None:
    anna, maria = await with_open_inquiry(harness)
    answer = ("word " * 1000).strip()  # 4,999 characters: over Telegram's 4,096

    await anna.send(answer, reply_to=anna.last_message_id())

    parts = maria.texts()[-2:]
    assert all(len(part) <= 4096 for part in parts)
    assert "".join(parts).count("word") == 1000


def test_split_text_prefers_line_breaks() -> None:
    text = "a" * 3000 + "\n" + "b" * 3000
    assert split_text(text, 4096) == ["a" * 3000, "b" * 3000]


async def test_a_flood_gets_one_notice_and_nothing_is_lost(harness: Harness) -> None:
    anna, maria = await with_open_inquiry(harness)
    before = len(maria.texts())

    for number in range(30):
        await maria.send(f"message {number}")

    notices = [t for t in maria.texts()[before:] if "sending messages very fast" in t]
    assert len(notices) == 1
    assert len(await stored_messages(harness)) == 30
    assert anna.last_text().endswith("message 29")


async def test_a_flood_of_commands_is_not_answered_after_the_notice(harness: Harness) -> None:
    maria = harness.person(3001, first_name="Maria", language_code="en")
    await maria.become_client("en")
    harness.session.clear()
    for _ in range(30):
        await maria.send("/help")
    answers = maria.texts()
    assert len([t for t in answers if "sending messages very fast" in t]) == 1
    assert len(answers) < 25


async def test_a_sticker_to_the_specialist_is_explained(harness: Harness) -> None:
    _anna, maria = await with_open_inquiry(harness)
    sticker = {
        "file_id": "CAAC",
        "file_unique_id": "AgAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await maria.send_content(sticker=sticker)
    assert "I can't pass this kind of message on." in maria.last_text()
    assert await stored_messages(harness) == []


async def test_a_voice_message_and_a_location_reach_the_specialist(harness: Harness) -> None:
    anna, maria = await with_open_inquiry(harness)
    voice = {"file_id": "voice-1", "file_unique_id": "v", "duration": 3, "file_size": 9000}
    await maria.send_content(voice=voice)
    await maria.send_content(location={"latitude": 55.75, "longitude": 37.62})

    copies = harness.sent_to(2001, "CopyMessage")
    assert len(copies) == 2
    assert copies[0].request.caption == "💬 Maria · request #1"
    assert "💬 Maria · request #1" in anna.texts()[-1]  # a location has no caption: a header
    assert [m.content_type for m in await stored_messages(harness)] == ["voice", "location"]
