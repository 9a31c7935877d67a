"""What the desk tells other people (cards, status notices, relayed copies) leaves through the
bot's one outbound sender: it keeps Telegram's limits, waits out a 429 and delivers the copy
once, never sends twice a copy that may have arrived, and a client who blocked the bot is
marked unreachable and left alone until he is back.

The stories with Telegram's own limits run on virtual time (tests/support/virtual_time.py):
the sender's waits take no real time, the database's threads are waited for as usual."""

from __future__ import annotations

import pytest

from tests.flows.conftest import ANNA, MARIA, on_virtual_time, with_open_inquiry
from tests.support.harness import Harness, callback_answer
from tests.support.recording_session import Call
from tests.support.telegram_errors import blocked_by_user, flood_wait, timed_out

# What Anna and Maria read, per language (both speak the same one here).
TEXT = {
    "en": {
        "card": "Inquiry #1 · Product",
        "header": "💬 Maria · request #1",
        "saved": "Saved on request #1. It will reach your specialist as soon as possible.",
        "take": "🙋 Take",
        "yours": "The request is yours.",
        "answer saved": "Saved on the request; it will be delivered as soon as possible.",
        "answer header": "💬 Answer on request #1:",
    },
    "ru": {
        "card": "Обращение #1 · Товар",
        "header": "💬 Мария · заявка #1",
        "saved": "Сохранено в заявке #1. Ваш специалист получит сообщение как можно скорее.",
        "take": "🙋 Взять",
        "yours": "Теперь это ваша заявка.",
        "answer saved": "Сохранено в заявке; сообщение будет доставлено как можно скорее.",
        "answer header": "💬 Ответ по заявке #1:",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])
# Telegram's limits, which the sender keeps (bot.outbound.Limits), as virtual time shows them.
ONE_A_SECOND = 1.0
RETRY_AFTER = 7


def messages_to(calls: list[Call], chat_id: int) -> list[Call]:
    return [c for c in calls if c.method == "SendMessage" and c.request.chat_id == chat_id]


@LANGUAGES
@on_virtual_time(sender_limits=None)
async def test_the_specialist_gets_one_message_a_second_and_a_429_is_waited_out(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    _anna, maria = await with_open_inquiry(harness, language)

    await maria.send("Are you there?")

    card, copy = messages_to(harness.session.calls, ANNA)
    assert text["card"] in card.request.text
    assert copy.request.text == text["header"] + "\nAre you there?"
    assert copy.at - card.at >= ONE_A_SECOND

    harness.session.fail_next("SendMessage", flood_wait(RETRY_AFTER))
    calls = await maria.send("Hello?")

    refused, accepted = messages_to(calls, ANNA)
    assert refused.request.text == accepted.request.text == text["header"] + "\nHello?"
    assert accepted.at - refused.at >= RETRY_AFTER
    # Delivered once, so Maria sees the 👌 and not "saved, it will reach your specialist".
    assert any(call.method == "SetMessageReaction" for call in calls)
    assert text["saved"] not in maria.texts()
    assert all(message.delivered_at is not None for message in await harness.stored_messages())


@LANGUAGES
async def test_a_copy_that_may_have_arrived_counts_as_delivered_and_is_never_sent_again(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    _anna, maria = await with_open_inquiry(harness, language)
    # The answer did not come in time: the request may have reached Telegram.
    harness.session.fail_next("SendMessage", timed_out())

    calls = await maria.send("Are you there?")

    assert len(messages_to(calls, ANNA)) == 1
    assert text["saved"] not in maria.texts()
    [message] = await harness.stored_messages()
    assert message.delivered_at is not None
    assert await harness.redeliver_owed() == 0
    assert len(messages_to(harness.session.calls, ANNA)) == 2  # the card, and the copy tried once


@LANGUAGES
async def test_a_client_who_blocked_the_bot_is_marked_unreachable_and_left_alone_until_back(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, maria = await with_open_inquiry(harness, language)
    harness.session.fail_next("SendMessage", blocked_by_user())

    calls = await anna.press(text["take"])

    assert callback_answer(calls) == text["yours"]
    assert len(messages_to(calls, MARIA)) == 1  # "Request #1: in progress." met a 403
    blocked = await harness.stored_user(MARIA)
    assert blocked is not None and blocked.unreachable_at is not None

    # Nothing more is tried: Anna's answer is kept for Maria, and Anna is told so.
    calls = await anna.send("We have it, 12 pieces.", reply_to=anna.last_message_id())
    assert anna.last_text() == text["answer saved"]
    assert messages_to(calls, MARIA) == []
    assert await harness.redeliver_owed() == 0

    # She writes again, so she unblocked the bot: the answer reaches her.
    await maria.send("Hello?")
    back = await harness.stored_user(MARIA)
    assert back is not None and back.unreachable_at is None
    assert await harness.redeliver_owed() == 1
    assert maria.last_text() == text["answer header"] + "\nWe have it, 12 pieces."
