"""A new client: language, consent, the main menu; sources from deep links."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import User
from tests.support.harness import Harness


async def stored_user(harness: Harness, telegram_id: int) -> User | None:
    return await harness.stored_user(telegram_id)


async def test_russian_speaking_client_agrees_and_gets_the_menu(harness: Harness) -> None:
    client = harness.person(501, first_name="Пётр", language_code="ru")

    await client.send("/start")
    assert "Выберите язык" in client.last_text()
    await client.press("Русский")
    assert "Согласие на обработку персональных данных" in client.last_text()
    assert await stored_user(harness, 501) is None, "nothing is stored before consent"

    await client.press("✅ Согласен(на)")

    assert "Спасибо! Ваше согласие записано." in client.texts()
    assert client.menu() == [
        "💬 Задать вопрос",
        "📝 Подать претензию",
        "📋 Мои заявки",
        "⭐ Оставить отзыв",
        "❓ Помощь",
        "🌐 Язык",
        "🔒 Мои данные",
    ]
    user = await stored_user(harness, 501)
    assert user is not None and user.locale == "ru" and user.role == "client"
    assert user.full_name == "Пётр" and user.consent_given_at is not None


async def test_english_client_from_an_exhibition_flyer(harness: Harness) -> None:
    client = harness.person(502, first_name="Anna", language_code="en-GB")

    await client.send("/start expo2026")
    assert "Choose your language" in client.last_text()
    await client.press("English")
    await client.press("✅ I agree")

    assert client.menu() == [
        "💬 Ask a question",
        "📝 File a claim",
        "📋 My requests",
        "⭐ Leave feedback",
        "❓ Help",
        "🌐 Language",
        "🔒 My data",
    ]
    user = await stored_user(harness, 502)
    assert user is not None and user.source == "expo2026" and user.locale == "en"


async def test_declining_stores_nothing_and_can_be_revisited(harness: Harness) -> None:
    client = harness.person(503, language_code="en")

    await client.send("/start")
    await client.press("English")
    await client.press("Decline")
    assert "nothing about you is stored" in client.last_text()
    assert await stored_user(harness, 503) is None

    calls = await client.send("hello?")
    assert calls[-1].method == "SendMessage", "the declined screen comes back below"
    assert "If you change your mind" in client.last_text()

    await client.press("I changed my mind")
    await client.press("✅ I agree")
    assert (await stored_user(harness, 503)) is not None


async def test_nothing_of_the_onboarding_stays_in_session_state(harness: Harness) -> None:
    from bot.storage.models import FsmRecord

    client = harness.person(506, language_code="en")
    await client.send("/start")
    await client.press("English")
    await client.press("✅ I agree")

    async with harness.app.sessionmaker() as session:
        rows = (await session.execute(select(FsmRecord.key, FsmRecord.data))).all()
    assert not [row.key for row in rows if row.data and "visitor_locale" in row.data]
