"""A client files a claim step by step; his specialist gets the card and the attachments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.enums import Role
from bot.storage.models import Request, RequestMessage
from tests.support.clock import FakeClock
from tests.support.harness import Harness, Person

STICKER = {
    "file_id": "sticker-1",
    "file_unique_id": "s1",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}
MB = 1024 * 1024
# What the client reads, per language.
TEXT = {
    "en": {
        "maria": "Maria",
        "claim": "📝 File a claim",
        "product": "Product",
        "refund": "Refund",
        "skip": "Skip",
        "next": "Next ➡️",
        "confirm": "✅ Confirm",
        "cancel": "Cancel",
        "attach": "Attach photos or documents if they help: up to 10, 20 MB each.\nAttached: {}.",
        "no order": "Order or contract: —",
        "no attachments": "Attachments: 0",
        "registered": "Your claim is registered as #1.",
        "too big": "This file is too big: the limit is 20 MB.",
        "too many": "You can attach at most 10 files.",
        "what happened?": "What happened? Describe the problem in a message.",
        "empty": "Please write a few words: an empty message can't be sent.",
        "too long": "This is too long. Please make it shorter.",
        "what do you want?": "What would you like us to do?",
        "text please": "Please answer with text.",
        "buttons please": "Please choose with the buttons above.",
        "file please": "Please send a photo or a document, or use the buttons below.",
    },
    "ru": {
        "maria": "Мария",
        "claim": "📝 Подать претензию",
        "product": "Товар",
        "refund": "Возврат денег",
        "skip": "Пропустить",
        "next": "Далее ➡️",
        "confirm": "✅ Подтвердить",
        "cancel": "Отмена",
        "attach": (
            "Если нужно, приложите фото или документы: до 10 шт., не больше 20 МБ каждый файл.\n"
            "Приложено: {}."
        ),
        "no order": "Заказ или договор: —",
        "no attachments": "Вложения: 0",
        "registered": "Ваша претензия зарегистрирована: #1.",
        "too big": "Файл слишком большой: максимум 20 МБ.",
        "too many": "Файлов можно приложить не больше 10.",
        "what happened?": "Что случилось? Опишите проблему в сообщении.",
        "empty": "Пожалуйста, напишите хотя бы несколько слов: пустое сообщение отправить нельзя.",
        "too long": "Слишком длинный текст. Пожалуйста, сократите его.",
        "what do you want?": "Какое решение вы ожидаете?",
        "text please": "Пожалуйста, ответьте текстом.",
        "buttons please": "Пожалуйста, выберите с помощью кнопок выше.",
        "file please": "Пожалуйста, отправьте фото или документ либо воспользуйтесь кнопками ниже.",
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


async def stored_messages(harness: Harness) -> list[RequestMessage]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(RequestMessage).order_by(RequestMessage.id)))


def attached(count: int, language: str = "en") -> str:
    return TEXT[language]["attach"].format(count)


async def up_to_attachments(maria: Person) -> None:
    """Topic, what happened, what he wants, Skip the order number."""
    language = maria.language_code or "en"
    text = TEXT[language]
    await maria.send(text["claim"])
    await maria.press(text["product"])
    await maria.send("The kettle leaks.")
    await maria.press(text["refund"])
    await maria.press(text["skip"])
    assert maria.last_text() == attached(0, language)


async def test_a_client_files_a_claim_with_an_album_and_corrects_the_order_number(
    harness: Harness,
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "en")

    await maria.send("📝 File a claim")
    assert maria.last_text() == "What is your claim about?"
    assert maria.buttons() == [
        "Product",
        "Order and delivery",
        "Invoice and payment",
        "Service",
        "Other",
        "Cancel",
    ]
    await maria.press("Order and delivery")
    assert maria.last_text() == "What happened? Describe the problem in a message."
    await maria.send("The kettle arrived with a <cracked> lid.")
    assert maria.last_text() == "What would you like us to do?"
    assert maria.buttons() == ["Refund", "Replacement", "Repair", "Something else", "Cancel"]
    await maria.press("Replacement")
    assert maria.last_text() == "The order or contract number, if you have one."
    assert maria.buttons() == ["Skip", "Cancel"]
    await maria.send("A-41")
    assert maria.last_text() == attached(0)
    assert maria.buttons() == ["Next ➡️", "Cancel"]

    # Two photos sent as one album: the count is shown once and updated in place.
    first = await maria.send_photo(media_group_id="album-1")
    assert [c.request.text for c in first if c.method == "SendMessage"] == [attached(1)]
    second = await maria.send_photo(media_group_id="album-1")
    assert [c.method for c in second if c.method in ("SendMessage", "EditMessageText")] == [
        "EditMessageText"
    ]
    assert maria.last_text() == attached(2)
    assert maria.buttons() == ["Next ➡️", "Remove the attachments", "Cancel"]

    await maria.press("Next ➡️")
    assert maria.last_text() == (
        "Please check your claim:\n\n"
        "Topic: Order and delivery\n"
        "What happened: The kettle arrived with a &lt;cracked&gt; lid.\n"
        "You want: Replacement\n"
        "Order or contract: A-41\n"
        "Attachments: 2"
    )
    assert maria.buttons() == ["✅ Confirm", "✏️ Edit", "Cancel"]

    await maria.press("✏️ Edit")
    assert maria.last_text() == "What would you like to change?"
    assert maria.buttons() == [
        "Topic",
        "What happened",
        "What you want",
        "Order or contract number",
        "Attachments",
        "Back",
    ]
    await maria.press("Order or contract number")
    assert maria.last_text() == "The order or contract number, if you have one."
    await maria.send("A-42")
    summary = maria.last_text()
    assert summary.startswith("Please check your claim:")
    assert "Order or contract: A-42" in summary and "Attachments: 2" in summary
    assert "You want: Replacement" in summary

    await maria.press("✅ Confirm")

    told = maria.last_text()
    assert "Your claim is registered as #1." in told
    # A claim is first answered within two working hours: Friday 12:00 → 14:00 Moscow.
    assert "You will get an answer by Nov 27, 2026, 2:00\u202fPM." in told
    [request] = await stored_requests(harness)
    assert (request.kind, request.category, request.status) == ("claim", "order", "new")
    assert (request.wanted, request.order_ref) == ("replacement", "A-42")
    assert request.subject == "The kettle arrived with a <cracked> lid."

    card = anna.texts()[0]
    assert "<b>Claim #1 · Order and delivery</b>" in card
    assert "Wants: Replacement" in card and "Order or contract: A-42" in card
    assert "Attachments: 2" in card
    assert "Not delivered yet" not in card, "the card warned of attachments still being sent"
    copies = harness.sent_to(2001, "CopyMessage")
    assert len(copies) == 2
    assert all(c.request.from_chat_id == 3001 for c in copies)
    assert [c.request.caption for c in copies] == ["💬 Maria · request #1"] * 2
    messages = await stored_messages(harness)
    assert [(m.content_type, m.media_group_id) for m in messages] == [
        ("photo", "album-1"),
        ("photo", "album-1"),
    ]
    assert all(m.delivered_at is not None for m in messages)


@LANGUAGES
async def test_a_client_skips_the_order_number_and_files_without_attachments(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await up_to_attachments(maria)
    await maria.press(text["next"])
    assert text["no order"] in maria.last_text()
    assert text["no attachments"] in maria.last_text()

    await maria.press(text["confirm"])

    assert text["registered"] in maria.last_text()
    [request] = await stored_requests(harness)
    assert (request.kind, request.wanted, request.order_ref) == ("claim", "refund", None)


@LANGUAGES
async def test_a_document_over_20_mb_is_refused_and_not_attached(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    maria = await client(harness, 3001, language, name=text["maria"])
    await up_to_attachments(maria)

    await maria.send_document(size=21 * MB)

    assert text["too big"] in maria.texts()
    assert maria.last_text() == attached(0, language)
    await maria.press(text["next"])
    assert text["no attachments"] in maria.last_text()


@LANGUAGES
async def test_an_eleventh_attachment_is_refused(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    maria = await client(harness, 3001, language, name=text["maria"])
    await up_to_attachments(maria)

    for _ in range(10):
        clock.advance(seconds=10)  # a calm pace: no flood control
        await maria.send_document()
    assert maria.last_text() == attached(10, language)
    clock.advance(seconds=10)
    await maria.send_document()

    assert text["too many"] in maria.texts()
    assert maria.last_text() == attached(10, language)


@LANGUAGES
async def test_cancel_stores_nothing(harness: Harness, language: str) -> None:
    text = TEXT[language]
    await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await up_to_attachments(maria)
    await maria.send_photo()
    await maria.press(text["next"])

    await maria.press(text["cancel"])

    assert await stored_requests(harness) == []
    assert await stored_messages(harness) == []
    assert harness.sent_to(2001) == []


@LANGUAGES
async def test_an_empty_or_over_long_description_is_refused_and_asked_again(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    maria = await client(harness, 3001, language, name=text["maria"])
    await maria.send(text["claim"])
    await maria.press(text["product"])
    question = text["what happened?"]

    await maria.send("   ")
    assert maria.texts()[-2:] == [text["empty"], question]

    await maria.send("x" * 4001)
    assert maria.texts()[-2:] == [text["too long"], question]

    await maria.send("x" * 4000)  # exactly the limit is fine
    assert maria.last_text() == text["what do you want?"]


@LANGUAGES
async def test_a_sticker_in_the_form_gets_an_explanation(harness: Harness, language: str) -> None:
    text = TEXT[language]
    maria = await client(harness, 3001, language, name=text["maria"])
    await maria.send(text["claim"])
    await maria.press(text["product"])

    await maria.send_content(sticker=STICKER)
    assert maria.texts()[-2:] == [text["text please"], text["what happened?"]]

    await maria.send("The kettle leaks.")
    await maria.send_content(sticker=STICKER)
    assert maria.texts()[-2:] == [text["buttons please"], text["what do you want?"]]

    await maria.press(text["refund"])
    await maria.press(text["skip"])
    await maria.send_content(sticker=STICKER)
    assert maria.texts()[-2:] == [text["file please"], attached(0, language)]
    assert await stored_requests(harness) == []


async def test_a_russian_client_files_a_claim_and_a_russian_specialist_gets_it(
    harness: Harness,
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Анна", language="ru")
    maria = await client(harness, 3001, "ru", name="Мария")

    await maria.send("📝 Подать претензию")
    assert maria.last_text() == "О чём ваша претензия?"
    await maria.press("Товар")
    assert maria.last_text() == "Что случилось? Опишите проблему в сообщении."
    await maria.send("Чайник протекает.")
    assert maria.last_text() == "Какое решение вы ожидаете?"
    assert maria.buttons() == ["Возврат денег", "Замена", "Ремонт", "Другое", "Отмена"]
    await maria.press("Замена")
    assert maria.last_text() == "Номер заказа или договора, если он у вас есть."
    assert maria.buttons() == ["Пропустить", "Отмена"]
    await maria.send("A-41")
    assert maria.last_text() == (
        "Если нужно, приложите фото или документы: до 10 шт., не больше 20 МБ каждый файл.\n"
        "Приложено: 0."
    )
    await maria.send_photo(media_group_id="album-ru")
    await maria.send_photo(media_group_id="album-ru")
    assert maria.last_text().endswith("Приложено: 2.")
    await maria.press("Далее ➡️")
    assert maria.last_text() == (
        "Пожалуйста, проверьте вашу претензию:\n\n"
        "Тема: Товар\n"
        "Что случилось: Чайник протекает.\n"
        "Вы хотите: Замена\n"
        "Заказ или договор: A-41\n"
        "Вложения: 2"
    )
    assert maria.buttons() == ["✅ Подтвердить", "✏️ Изменить", "Отмена"]
    await maria.press("✏️ Изменить")
    assert maria.last_text() == "Что вы хотите изменить?"
    await maria.press("Номер заказа или договора")
    await maria.send("A-42")
    assert "Заказ или договор: A-42" in maria.last_text()
    await maria.press("✅ Подтвердить")

    told = maria.last_text()
    assert "Ваша претензия зарегистрирована: #1." in told
    assert "Вы получите ответ до 27 нояб. 2026\u202fг., 14:00." in told
    card = anna.texts()[0]
    assert "<b>Претензия #1 · Товар</b>" in card and "Клиент: Мария" in card
    assert "Заказ или договор: A-42" in card and "Вложения: 2" in card
    copies = harness.sent_to(2001, "CopyMessage")
    assert [c.request.caption for c in copies] == ["💬 Мария · заявка #1"] * 2
    [request] = await stored_requests(harness)
    assert (request.kind, request.wanted, request.order_ref) == ("claim", "replacement", "A-42")
