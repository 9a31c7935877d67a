"""A person sets his time zone: by a button with the local time, or by typing its name."""

from __future__ import annotations

from tests.support.harness import Harness, Person, callback_answer


async def client(harness: Harness, user_id: int, language: str) -> Person:
    person = harness.person(user_id, first_name="Anna", language_code=language)
    await person.become_client(language)
    return person


async def timezone_of(harness: Harness, telegram_id: int) -> str | None:
    user = await harness.stored_user(telegram_id)
    return user.timezone if user else None


async def test_client_in_yekaterinburg_picks_his_city(harness: Harness) -> None:
    anna = await client(harness, 920, "ru")
    await anna.send("/timezone")
    # The fake clock says 09:00 UTC: Moscow is at 12:00, Yekaterinburg at 14:00.
    assert anna.last_text().startswith("Ваш часовой пояс: Москва · 12:00.")

    await anna.press("Екатеринбург · 14:00")

    assert anna.last_text() == "Часовой пояс сохранён: Екатеринбург · 14:00."
    assert await timezone_of(harness, 920) == "Asia/Yekaterinburg"


async def test_a_zone_can_be_typed_in_any_case(harness: Harness) -> None:
    anna = await client(harness, 921, "en")
    await anna.send("/timezone")
    await anna.send("america/new york")
    assert anna.last_text() == "Time zone saved: New York · 4:00\u202fAM."
    assert await timezone_of(harness, 921) == "America/New_York"


async def test_an_unknown_zone_is_explained_and_the_choice_stays_open(harness: Harness) -> None:
    anna = await client(harness, 922, "en")
    await anna.send("/timezone")
    calls = await anna.send("Atlantis/Capital")
    texts = [c.text for c in calls if c.method == "SendMessage"]
    assert texts[0] == (
        "I don't know this time zone. Type a name like Europe/Moscow or Asia/Almaty."
    )
    assert texts[-1].startswith("Your time zone: Moscow"), "the picker comes back below"
    await anna.send("Europe/Samara")
    assert await timezone_of(harness, 922) == "Europe/Samara"


async def test_a_forged_zone_button_is_refused(harness: Harness) -> None:
    anna = await client(harness, 923, "en")
    await anna.send("/timezone")
    message_id, keyboard = harness.inline_keyboards(923)[-1]
    genuine = keyboard.inline_keyboard[0][0].callback_data
    calls = await anna.press_data(genuine.rsplit(":", 1)[0] + ":Mars/Olympus", message_id)
    assert callback_answer(calls) == "This button is no longer active."
    assert await timezone_of(harness, 923) == "Europe/Moscow"


async def test_a_visitor_has_no_time_zone_to_set(harness: Harness) -> None:
    visitor = harness.person(924, language_code="en")
    await visitor.send("/timezone")
    assert visitor.last_text() == "Send /start to begin."
