"""A client sees what is stored about him, exports it, and erases it by withdrawing consent."""

from __future__ import annotations

import json
from typing import Any

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


async def ask(person: Person, topic: str, text: str) -> None:
    await person.send("💬 Ask a question")
    await person.press(topic)
    await person.send(text)
    await person.press("📨 Send")


async def answered_and_rated(harness: Harness, clock: FakeClock) -> tuple[Person, Person]:
    """Maria asks, Anna answers, Maria writes back; Anna resolves; Maria rates 4 with a word."""
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "en")
    await ask(maria, "Product", "Is the kettle blue?")
    clock.advance(minutes=10)
    await anna.send("Yes, navy blue.", reply_to=anna.last_message_id())
    clock.advance(minutes=10)
    await maria.send("Thanks, I'll take it.")
    clock.advance(minutes=10)
    await anna.press("🔄 Status")
    await anna.press("✅ Resolved")
    await anna.press("Skip")
    await maria.press("4 ⭐")
    await maria.send("Helpful.")
    return anna, maria


def exported(calls: list[Any]) -> dict[str, Any]:
    [call] = [call for call in calls if call.method == "SendDocument"]
    document = call.request.document
    assert isinstance(document, BufferedInputFile)
    assert document.filename == "clientdesk-data-3001.json"
    return json.loads(document.data.decode())


async def test_privacy_shows_how_many_requests_and_feedback_are_stored(
    harness: Harness, clock: FakeClock
) -> None:
    _anna, maria = await answered_and_rated(harness, clock)
    await ask(maria, "Service", "Do you repair kettles?")

    await maria.send("/privacy")

    shown = maria.last_text()
    assert shown.startswith("This is what ClientDesk stores about you:\nTelegram id: 3001\n")
    assert "Name: Maria" in shown
    assert "Your requests with their messages and history: 2; feedback: 1." in shown
    assert maria.buttons() == ["📦 Export my data", "Withdraw consent and delete my data"]


async def test_the_export_is_a_json_file_with_profile_requests_history_and_feedback(
    harness: Harness, clock: FakeClock
) -> None:
    _anna, maria = await answered_and_rated(harness, clock)
    boris = await client(harness, 3002, "en", name="Boris")
    await ask(boris, "Service", "Someone else's question")
    await maria.send("/privacy")

    calls = await maria.press("📦 Export my data")

    [call] = [call for call in calls if call.method == "SendDocument"]
    assert call.request.caption == "Everything ClientDesk stores about you, as a JSON file."
    data = exported(calls)
    profile = data["profile"]
    assert (profile["telegram_id"], profile["full_name"]) == (3001, "Maria")
    assert profile["locale"] == "en"
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


async def test_withdrawing_consent_erases_him_and_keeps_anonymous_statistics(
    harness: Harness, clock: FakeClock
) -> None:
    anna, maria = await answered_and_rated(harness, clock)
    await maria.send("/privacy")

    await maria.press("Withdraw consent and delete my data")
    assert maria.last_text() == (
        "Delete everything ClientDesk stores about you? This cannot be undone."
    )
    assert maria.buttons() == ["Yes, delete", "Cancel"]
    await maria.press("Yes, delete")

    assert maria.texts()[-2] == (
        "Consent withdrawn. Deleted: your Telegram id, name, username, language, time zone, "
        "where you came from and the consent record.\n"
        "Also deleted: the texts of your requests (1), 2 messages and your feedback comments.\n"
        "Only anonymous statistics remain."
    )
    assert maria.last_text() == "You can come back any time: send /start."
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
    await anna.press("👤 Client")
    assert anna.last_text() == "The client has deleted his data; he can't be reached."


async def test_withdrawing_consent_without_requests_says_only_the_profile_was_deleted(
    harness: Harness,
) -> None:
    maria = await client(harness, 3001, "en")
    await maria.send("/privacy")
    assert "Your requests with their messages and history: 0; feedback: 0." in maria.last_text()

    await maria.press("Withdraw consent and delete my data")
    await maria.press("Yes, delete")

    assert maria.texts()[-2] == (
        "Consent withdrawn. Deleted: your Telegram id, name, username, language, time zone, "
        "where you came from and the consent record.\n"
        "Only anonymous statistics remain."
    )
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
