"""Help, language, privacy, stray input and errors, as people meet them every day."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.handlers import common
from bot.storage.models import AuditRecord, User
from tests.support.harness import Harness, Person, callback_answer


async def registered_client(harness: Harness, user_id: int, language: str) -> Person:
    client = harness.person(user_id, first_name="Мария", language_code=language)
    await client.become_client(language)
    return client


async def test_help_lists_only_what_a_client_can_do(harness: Harness) -> None:
    client = await registered_client(harness, 801, "en")
    await client.send("❓ Help")
    text = client.last_text()
    assert "You are signed in as a client." in text
    assert "/privacy" in text and "/invite" not in text


async def test_help_for_a_visitor_points_to_start(harness: Harness) -> None:
    visitor = harness.person(802, language_code="ru")
    await visitor.send("/help")
    assert "Отправьте /start, чтобы начать" in visitor.last_text()


async def test_client_switches_to_english_and_the_menu_follows(harness: Harness) -> None:
    client = await registered_client(harness, 803, "ru")
    await client.send("🌐 Язык")
    assert client.last_text() == "Выберите язык:"

    await client.press("English")

    assert "Language: English" in client.texts()
    assert client.menu()[-3:] == ["❓ Help", "🌐 Language", "🔒 My data"]
    async with harness.app.sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 803))
    assert user is not None and user.locale == "en"


async def test_a_forged_language_button_changes_nothing(harness: Harness) -> None:
    client = await registered_client(harness, 804, "en")
    calls = await client.press_data("lang:de", message_id=1)
    assert callback_answer(calls) == "This button is no longer active."


async def test_client_sees_his_data_and_withdraws_consent(harness: Harness) -> None:
    client = await registered_client(harness, 805, "ru")
    await client.send("/privacy")
    summary = client.last_text()
    assert "Telegram id: 805" in summary and "Имя: Мария" in summary

    await client.press("Отозвать согласие и удалить мои данные")
    assert "Это действие нельзя отменить" in client.last_text()
    await client.press("Да, удалить")

    assert "Согласие отозвано." in client.texts()[-2]
    async with harness.app.sessionmaker() as session:
        assert await session.scalar(select(User).where(User.telegram_id == 805)) is None
        trace = await session.scalar(
            select(AuditRecord).where(AuditRecord.action == "consent.withdrawn")
        )
    assert trace is not None and trace.actor_id is None and trace.entity_id is None

    await client.send("привет")
    assert client.last_text() == "Отправьте /start, чтобы начать."


async def test_cancelling_the_withdrawal_keeps_everything(harness: Harness) -> None:
    client = await registered_client(harness, 806, "en")
    await client.send("🔒 My data")
    await client.press("Withdraw consent and delete my data")
    await client.press("Cancel")
    assert "This is what ClientDesk stores about you:" in client.last_text()


async def test_user_names_are_escaped(harness: Harness) -> None:
    client = harness.person(807, first_name="<b>Boss</b>", language_code="en")
    await client.send("/start")
    await client.press("English")
    await client.press("✅ I agree")
    await client.send("/privacy")
    assert "Name: &lt;b&gt;Boss&lt;/b&gt;" in client.last_text()
    await client.send("/start")
    assert "Hello, &lt;b&gt;Boss&lt;/b&gt;!" in client.last_text()


async def test_a_sticker_gets_a_short_explanation(harness: Harness) -> None:
    client = await registered_client(harness, 808, "en")
    sticker = {
        "file_id": "CAAC",
        "file_unique_id": "AgAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await client.send_content(sticker=sticker)
    assert client.last_text().startswith("I can't pass this kind of message on.")


async def test_an_unknown_command(harness: Harness) -> None:
    client = await registered_client(harness, 809, "ru")
    await client.send("/frobnicate")
    assert client.last_text() == "Я не знаю такой команды. /help — что я умею."


async def test_a_stale_button_is_explained(harness: Harness) -> None:
    client = await registered_client(harness, 810, "en")
    calls = await client.press_data("something-from-an-old-version", message_id=5)
    assert callback_answer(calls) == "This button is no longer active."


async def test_a_failing_handler_apologises_and_the_bot_keeps_running(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = await registered_client(harness, 811, "ru")

    def broken(_actor: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(common, "help_text", broken)
    with caplog.at_level(logging.ERROR):
        await client.send("/help")
    assert client.last_text() == (
        "Извините, у нас что-то пошло не так. Пожалуйста, попробуйте ещё раз."
    )
    assert any("Update" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)

    monkeypatch.undo()
    await client.send("/help")
    assert "Ваша роль: клиент." in client.last_text()


async def test_commands_are_published_per_language_and_scope(harness: Harness) -> None:
    from bot.runtime import prepare

    harness.session.clear()
    await prepare(harness.app)
    published = {
        (call.scope.type, call.language_code): [c.command for c in call.commands]
        for call in harness.calls("SetMyCommands")
    }
    assert published[("all_private_chats", "ru")] == [
        "start",
        "ask",
        "claim",
        "requests",
        "feedback",
        "help",
        "language",
        "timezone",
        "privacy",
    ]
    assert published[("all_private_chats", "en")] == [
        "start",
        "ask",
        "claim",
        "requests",
        "feedback",
        "help",
        "language",
        "timezone",
        "privacy",
    ]
    assert published[("all_private_chats", None)] == [
        "start",
        "ask",
        "claim",
        "requests",
        "feedback",
        "help",
        "language",
        "timezone",
        "privacy",
    ]
    assert published[("chat", None)] == [
        "start",
        "queue",
        "clients",
        "lead",
        "note",
        "deals",
        "remind",
        "reminders",
        "away",
        "import",
        "export",
        "help",
        "language",
        "timezone",
        "invite",
        "team",
    ]
    descriptions = {
        call.language_code: call.commands[5].description
        for call in harness.calls("SetMyCommands")
        if call.scope.type == "all_private_chats"
    }
    assert descriptions == {"ru": "Что я умею", "en": "What I can do", None: "Что я умею"}


async def test_the_bot_stays_silent_in_group_chats(harness: Harness) -> None:
    calls = await harness.feed(
        {
            "message": {
                "message_id": 1,
                "date": 1_790_000_000,
                "chat": {"id": -100123, "type": "supergroup", "title": "Sales"},
                "from": {"id": 901, "is_bot": False, "first_name": "Ivan"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            }
        }
    )
    assert calls == []


async def test_an_old_onboarding_button_after_the_dialog_ended(harness: Harness) -> None:
    client = harness.person(902, language_code="en")
    await client.send("/start")
    language_message, keyboard = harness.inline_keyboards(902)[0]
    await client.press("English")
    await client.press("✅ I agree")

    old_button = keyboard.inline_keyboard[0][0].callback_data
    calls = await client.press_data(old_button, language_message)

    assert callback_answer(calls) == "This button is no longer active."


async def test_a_double_tap_is_not_an_error(harness: Harness) -> None:
    from aiogram.exceptions import TelegramBadRequest
    from aiogram.methods import EditMessageText

    client = await registered_client(harness, 903, "en")
    await client.send("/language")
    harness.session.fail_next(
        "EditMessageText",
        TelegramBadRequest(EditMessageText(text="x"), "Bad Request: message is not modified"),
    )
    calls = await client.press("English")
    texts = [c.text for c in calls if c.method == "SendMessage"]
    assert "Sorry, something went wrong on our side. Please try again." not in texts


async def test_the_bot_describes_itself_in_both_languages(harness: Harness) -> None:
    from bot.runtime import prepare

    harness.session.clear()
    await prepare(harness.app)
    short = {c.language_code: c.short_description for c in harness.calls("SetMyShortDescription")}
    assert short == {
        "ru": "Ваш персональный специалист по работе с клиентами — в Telegram.",
        "en": "Your personal client relations specialist, in Telegram.",
        None: "Ваш персональный специалист по работе с клиентами — в Telegram.",
    }
    assert len(harness.calls("SetMyDescription")) == 3
