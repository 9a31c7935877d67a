"""A client sees what is stored about him, exports it, and erases it by withdrawing consent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select

from bot.storage.enums import Role
from bot.storage.models import Feedback, Request, RequestEvent, RequestMessage
from tests.support.clock import FakeClock
from tests.support.harness import Harness, Person


async def client(harness: Harness, user_id: int, language: str, name: str = "Maria") -> Person:
    person = harness.person(user_id, first_name=name, language_code=language)
    await person.become_client(language)
    return person


# What the client and his specialist read, per language (they speak the same one here).
TEXT = {
    "en": {
        "maria": "Maria",
        "ask": "💬 Ask a question",
        "send": "📨 Send",
        "product": "Product",
        "service": "Service",
        "status": "🔄 Status",
        "resolved": "✅ Resolved",
        "skip": "Skip",
        "stored": "This is what ClientDesk stores about you:\nTelegram id: 3001\n",
        "name": "Name: Maria",
        "counts": "Your requests with their messages and history: {}; feedback: {}.",
        "export": "📦 Export my data",
        "withdraw": "Withdraw consent and delete my data",
        "caption": "Everything ClientDesk stores about you, as a JSON file.",
        "delete?": "Delete everything ClientDesk stores about you? This cannot be undone.",
        "yes, delete": "Yes, delete",
        "cancel": "Cancel",
        "withdrawn": (
            "Consent withdrawn. Deleted: your Telegram id, name, username, language, time zone, "
            "where you came from and the consent record."
        ),
        "also deleted": (
            "Also deleted: the texts of your requests (1), 2 messages and your feedback comments."
        ),
        "anonymous": "Only anonymous statistics remain.",
        "come back": "You can come back any time: send /start.",
        "client": "👤 Client",
        "client gone": "The client has deleted his data; he can't be reached.",
    },
    "ru": {
        "maria": "Мария",
        "ask": "💬 Задать вопрос",
        "send": "📨 Отправить",
        "product": "Товар",
        "service": "Сервис",
        "status": "🔄 Статус",
        "resolved": "✅ Решена",
        "skip": "Пропустить",
        "stored": "Вот что ClientDesk хранит о вас:\nTelegram id: 3001\n",
        "name": "Имя: Мария",
        "counts": "Ваши заявки с сообщениями и историей: {}; отзывы: {}.",
        "export": "📦 Выгрузить мои данные",
        "withdraw": "Отозвать согласие и удалить мои данные",
        "caption": "Всё, что ClientDesk хранит о вас, — в файле JSON.",
        "delete?": "Удалить всё, что ClientDesk хранит о вас? Это действие нельзя отменить.",
        "yes, delete": "Да, удалить",
        "cancel": "Отмена",
        "withdrawn": (
            "Согласие отозвано. Удалены: ваш Telegram id, имя, имя пользователя, язык, "
            "часовой пояс, сведения о том, откуда вы пришли, и запись о согласии."
        ),
        "also deleted": (
            "Также удалены: тексты ваших заявок (1), сообщения (2) и ваши комментарии к отзывам."
        ),
        "anonymous": "Остаётся только анонимная статистика.",
        "come back": "Вы можете вернуться в любой момент: отправьте /start.",
        "client": "👤 Клиент",
        "client gone": "Клиент удалил свои данные — связаться с ним нельзя.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def ask(person: Person, topic: str, text: str) -> None:
    labels = TEXT[person.language_code or "en"]
    await person.send(labels["ask"])
    await person.press(topic)
    await person.send(text)
    await person.press(labels["send"])


async def answered_and_rated(
    harness: Harness, clock: FakeClock, language: str = "en"
) -> tuple[Person, Person]:
    """Maria asks, Anna answers, Maria writes back; Anna resolves; Maria rates 4 with a word."""
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is the kettle blue?")
    clock.advance(minutes=10)
    await anna.send("Yes, navy blue.", reply_to=anna.last_message_id())
    clock.advance(minutes=10)
    await maria.send("Thanks, I'll take it.")
    clock.advance(minutes=10)
    await anna.press(text["status"])
    await anna.press(text["resolved"])
    await anna.press(text["skip"])
    await maria.press("4 ⭐")
    await maria.send("Helpful.")
    return anna, maria


def exported(calls: list[Any]) -> dict[str, Any]:
    [call] = [call for call in calls if call.method == "SendDocument"]
    document = call.request.document
    assert isinstance(document, BufferedInputFile)
    assert document.filename == "clientdesk-data-3001.json"
    return json.loads(document.data.decode())


@LANGUAGES
async def test_privacy_shows_how_many_requests_and_feedback_are_stored(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    _anna, maria = await answered_and_rated(harness, clock, language)
    await ask(maria, text["service"], "Do you repair kettles?")

    await maria.send("/privacy")

    shown = maria.last_text()
    assert shown.startswith(text["stored"])
    assert text["name"] in shown
    assert text["counts"].format(2, 1) in shown
    assert maria.buttons() == [text["export"], text["withdraw"]]


@LANGUAGES
async def test_the_export_is_a_json_file_with_profile_requests_history_and_feedback(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    _anna, maria = await answered_and_rated(harness, clock, language)
    boris = await client(harness, 3002, "en", name="Boris")
    await ask(boris, "Service", "Someone else's question")
    await maria.send("/privacy")

    calls = await maria.press(text["export"])

    [call] = [call for call in calls if call.method == "SendDocument"]
    assert call.request.caption == text["caption"]
    data = exported(calls)
    profile = data["profile"]
    assert (profile["telegram_id"], profile["full_name"]) == (3001, text["maria"])
    assert profile["locale"] == language
    assert profile["consent_given_at"] is not None
    [request] = data["requests"]  # only his own
    assert (request["kind"], request["subject"], request["status"]) == (
        "inquiry",
        "Is the kettle blue?",
        "resolved",
    )
    assert [(m["side"], m["text"]) for m in request["messages"]] == [
        ("staff", "Yes, navy blue."),
        ("client", "Thanks, I'll take it."),
    ]
    assert [(e["action"], e["to_status"]) for e in request["history"]] == [
        ("created", "new"),
        ("status", "in_progress"),
        ("status", "resolved"),
        ("rated", None),
    ]
    [rating] = data["feedback"]
    assert (rating["kind"], rating["score"], rating["comment"]) == ("csat", 4, "Helpful.")
    assert rating["request_id"] == request["id"]


@LANGUAGES
async def test_withdrawing_consent_erases_him_and_keeps_anonymous_statistics(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    anna, maria = await answered_and_rated(harness, clock, language)
    await maria.send("/privacy")

    await maria.press(text["withdraw"])
    assert maria.last_text() == text["delete?"]
    assert maria.buttons() == [text["yes, delete"], text["cancel"]]
    await maria.press(text["yes, delete"])

    assert maria.texts()[-2] == "\n".join(
        [text["withdrawn"], text["also deleted"], text["anonymous"]]
    )
    assert maria.last_text() == text["come back"]
    assert await harness.stored_user(3001) is None
    assert await harness.stored_user(2001) is not None
    async with harness.app.sessionmaker() as session:
        [request] = await session.scalars(select(Request))
        [rating] = await session.scalars(select(Feedback))
        messages = await session.scalar(select(func.count()).select_from(RequestMessage))
        events = list(await session.scalars(select(RequestEvent)))
    assert request.client_id is None and request.subject is None
    assert (request.kind, request.category, request.status) == ("inquiry", "product", "resolved")
    assert messages == 0
    assert len(events) == 4  # the history stays, anonymous
    assert (rating.kind, rating.score, rating.comment, rating.client_id) == ("csat", 4, None, None)

    # The specialist's card now says the client is gone.
    await anna.press(text["client"])
    assert anna.last_text() == text["client gone"]


@LANGUAGES
async def test_withdrawing_consent_without_requests_says_only_the_profile_was_deleted(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    maria = await client(harness, 3001, language, name=text["maria"])
    await maria.send("/privacy")
    assert text["counts"].format(0, 0) in maria.last_text()

    await maria.press(text["withdraw"])
    await maria.press(text["yes, delete"])

    assert maria.texts()[-2] == "\n".join([text["withdrawn"], text["anonymous"]])
    assert await harness.stored_user(3001) is None


async def test_a_russian_client_sees_exports_and_erases_his_data_in_russian(
    harness: Harness,
) -> None:
    await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "ru", name="Мария")
    await maria.send("💬 Задать вопрос")
    await maria.press("Товар")
    await maria.send("Он синий?")
    await maria.press("📨 Отправить")

    await maria.send("/privacy")
    shown = maria.last_text()
    assert shown.startswith("Вот что ClientDesk хранит о вас:\n")
    assert "Ваши заявки с сообщениями и историей: 1; отзывы: 0." in shown
    assert maria.buttons() == ["📦 Выгрузить мои данные", "Отозвать согласие и удалить мои данные"]

    calls = await maria.press("📦 Выгрузить мои данные")
    [call] = [call for call in calls if call.method == "SendDocument"]
    assert call.request.caption == "Всё, что ClientDesk хранит о вас, — в файле JSON."
    data = exported(calls)
    assert data["profile"]["full_name"] == "Мария"
    assert [r["subject"] for r in data["requests"]] == ["Он синий?"]

    await maria.press("Отозвать согласие и удалить мои данные")
    assert maria.last_text() == (
        "Удалить всё, что ClientDesk хранит о вас? Это действие нельзя отменить."
    )
    await maria.press("Да, удалить")

    assert maria.texts()[-2] == (
        "Согласие отозвано. Удалены: ваш Telegram id, имя, имя пользователя, язык, "
        "часовой пояс, сведения о том, откуда вы пришли, и запись о согласии.\n"
        "Также удалены: тексты ваших заявок (1), сообщения (0) и ваши комментарии к отзывам.\n"
        "Остаётся только анонимная статистика."
    )
    assert maria.last_text() == "Вы можете вернуться в любой момент: отправьте /start."
    assert await harness.stored_user(3001) is None
    async with harness.app.sessionmaker() as session:
        [request] = await session.scalars(select(Request))
    assert request.client_id is None and request.subject is None
