"""Nothing the client sends is lost: failed copies are kept, shown and retried; over-long
texts are split; a flood gets one polite notice; unsupported content is explained.

Copies leave through the outbound sender, which retries a Bot API it could not reach with
growing pauses before it gives up: those stories run on virtual time."""

from __future__ import annotations

import pytest

from bot.delivery import split_text
from tests.flows.conftest import on_virtual_time, with_open_inquiry
from tests.support.harness import Harness
from tests.support.telegram_errors import connection_refused

# What each side reads, per language: the client and the specialist speak the same one here.
TEXT = {
    "en": {
        "maria": "Maria",
        "product": "Product",
        "send": "📨 Send",
        "saved": "Saved on request #1. It will reach your specialist as soon as possible.",
        "history": "📜 History",
        "undelivered": "Maria: Are you there? ⚠️",
        "header": "💬 Maria · request #1",
        "answer saved": "Saved on the request; it will be delivered as soon as possible.",
        "answer header": "💬 Answer on request #1:",
        "flood": (
            "You are sending messages very fast. Please slow down a little: I keep everything "
            "you send to your request, but I won't answer each message."
        ),
        "sticker": (
            "I can't pass this kind of message on. Text, photos, documents, voice and video "
            "messages, locations and contacts are fine."
        ),
    },
    "ru": {
        "maria": "Мария",
        "product": "Товар",
        "send": "📨 Отправить",
        "saved": "Сохранено в заявке #1. Ваш специалист получит сообщение как можно скорее.",
        "history": "📜 История",
        "undelivered": "Мария: Are you there? ⚠️",
        "header": "💬 Мария · заявка #1",
        "answer saved": "Сохранено в заявке; сообщение будет доставлено как можно скорее.",
        "answer header": "💬 Ответ по заявке #1:",
        "flood": (
            "Вы отправляете сообщения очень быстро. Пожалуйста, немного помедленнее: я сохраняю "
            "в заявке всё, что вы присылаете, но отвечать на каждое сообщение не буду."
        ),
        "sticker": (
            "Такое сообщение я не могу передать. Подойдут текст, фото, документы, голосовые "
            "сообщения и видеосообщения, геопозиция и контакты."
        ),
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])
# The sender tries a message this many times (bot.outbound.OutboundSender) before giving up.
ATTEMPTS = 5


@LANGUAGES
@on_virtual_time()
async def test_a_copy_that_fails_is_kept_shown_and_retried(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, maria = await with_open_inquiry(harness, language)
    harness.session.fail_next("SendMessage", connection_refused(), times=ATTEMPTS)

    await maria.send("Are you there?")

    assert text["saved"] in maria.last_text()
    [message] = await harness.stored_messages()
    assert message.delivered_at is None and message.attempts == 1 and message.last_error

    await anna.press(text["history"])
    assert "⚠️" in anna.last_text()
    assert text["undelivered"] in anna.last_text()

    delivered = await harness.redeliver_owed()

    assert delivered == 1
    assert anna.last_text() == text["header"] + "\nAre you there?"
    [message] = await harness.stored_messages()
    assert message.delivered_at is not None and message.attempts == 2
    assert await harness.redeliver_owed() == 0


@LANGUAGES
@on_virtual_time()
async def test_an_answer_that_fails_is_kept_the_specialist_told_and_it_is_retried(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, maria = await with_open_inquiry(harness, language)
    harness.session.fail_next("SendMessage", connection_refused(), times=ATTEMPTS)

    await anna.send("We have it, 12 pieces.", reply_to=anna.last_message_id())

    assert anna.last_text() == text["answer saved"]
    [message] = await harness.stored_messages()
    assert message.side == "staff" and message.delivered_at is None and message.attempts == 1

    assert await harness.redeliver_owed() == 1
    assert maria.last_text() == text["answer header"] + "\nWe have it, 12 pieces."
    [message] = await harness.stored_messages()
    assert message.delivered_at is not None


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


@LANGUAGES
async def test_a_flood_gets_one_notice_and_nothing_is_lost(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, maria = await with_open_inquiry(harness, language)
    before = len(maria.texts())

    for number in range(30):
        await maria.send(f"message {number}")

    notices = [t for t in maria.texts()[before:] if text["flood"] in t]
    assert len(notices) == 1
    assert len(await harness.stored_messages()) == 30
    assert anna.last_text().endswith("message 29")


@LANGUAGES
async def test_a_flood_of_commands_is_not_answered_after_the_notice(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    maria = harness.person(3001, first_name=text["maria"], language_code=language)
    await maria.become_client(language)
    harness.session.clear()
    for _ in range(30):
        await maria.send("/help")
    answers = maria.texts()
    assert len([t for t in answers if text["flood"] in t]) == 1
    assert len(answers) < 25


@LANGUAGES
async def test_a_sticker_to_the_specialist_is_explained(harness: Harness, language: str) -> None:
    _anna, maria = await with_open_inquiry(harness, language)
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
    assert TEXT[language]["sticker"] in maria.last_text()
    assert await harness.stored_messages() == []


@LANGUAGES
async def test_a_voice_message_and_a_location_reach_the_specialist(
    harness: Harness, language: str
) -> None:
    header = TEXT[language]["header"]
    anna, maria = await with_open_inquiry(harness, language)
    voice = {"file_id": "voice-1", "file_unique_id": "v", "duration": 3, "file_size": 9000}
    await maria.send_content(voice=voice)
    await maria.send_content(location={"latitude": 55.75, "longitude": 37.62})

    copies = harness.sent_to(2001, "CopyMessage")
    assert len(copies) == 2
    assert copies[0].request.caption == header
    assert header in anna.texts()[-1]  # a location has no caption: a header
    assert [m.content_type for m in await harness.stored_messages()] == ["voice", "location"]
