"""A specialist sets reminders himself: "/remind tomorrow at 10 call Ivan" in one line, or
step by step (what, then when: typed in words, a quick time, or a day and an hour), sees
the understood time back before confirming, picks how often it repeats, sets one from a
client's card, and keeps his list: each reminder can be done or deleted."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients
from bot.services.crm.clients import LeadDraft
from bot.storage.dto import ReminderDTO
from bot.storage.enums import Recurrence, Role
from bot.storage.uow import UnitOfWork
from tests.support.harness import Harness, callback_answer

ANNA = 7201
# The clock stands on Friday, Nov 27, 2026, 12:00 in Moscow (09:00 UTC).
TEXT = {
    "en": {
        "one line": "/remind tomorrow at 10 call Ivan",
        "confirm call ivan": (
            "⏰ <b>call Ivan</b>\n🕒 Nov 28, 2026, 10:00\u202fAM\n🔁 once\nIs that right?"
        ),
        "confirm buttons": [
            "✅ Confirm",
            "In 1 hour",
            "Tomorrow 9:00",
            "Monday 9:00",
            "📅 Other time",
            "🔁 Repeat",
            "Cancel",
        ],
        "confirm": "✅ Confirm",
        "saved": "✅ I will remind you Nov 28, 2026, 10:00\u202fAM.",
        "what?": "⏰ What should I remind you of?",
        "when?": (
            "⏰ <b>Send the &lt;contract&gt;</b>\nWhen? Type it as you would say it: “tomorrow at "
            "10”, “in 2 hours”, “Friday morning”, “28.11 14:00”, or choose below."
        ),
        "gibberish": "whenever you like",
        "not understood": (
            "I could not understand this time. Try “tomorrow at 10” or “in 2 hours”, "
            "or choose below."
        ),
        "in 2 hours": "in 2 hours",
        "confirm in 2 hours": (
            "⏰ <b>Send the &lt;contract&gt;</b>\n🕒 Nov 27, 2026, 2:00\u202fPM\n🔁 once\n"
            "Is that right?"
        ),
        "tomorrow": "Tomorrow 9:00",
        "repeat": "🔁 Repeat",
        "repeats": ["Once", "Every day", "On working days", "Every week", "Every month", "⬅️ Back"],
        "working days": "On working days",
        "confirm working days": (
            "⏰ <b>Send the &lt;contract&gt;</b>\n🕒 Nov 28, 2026, 9:00\u202fAM\n"
            "🔁 on working days\nIs that right?"
        ),
        "pick a day": "📅 Pick a day",
        "which day?": "Which day?",
        "at what time?": "Monday, November 30, 2026: at what time?",
        "15:00": "3:00\u202fPM",
        "saved monday": "✅ I will remind you Nov 30, 2026, 3:00\u202fPM.",
        "remind": "⏰ Remind",
        "what about ivan?": "👤 Ivan Petrov · Acme\n⏰ What should I remind you of?",
        "monday": "Monday 9:00",
        "reminders": "⏰ Reminders",
        "list": "⏰ Your reminders (2), soonest first:",
        "delete": "🗑 Delete",
        "deleted": "Deleted.",
        "list after": "⏰ Your reminders (1), soonest first:",
        "empty": (
            "⏰ You have no reminders. Set one: “➕ New reminder”, "
            "or /remind tomorrow 10 call Ivan."
        ),
        "unknown": "I don't know this command. /help lists what I can do.",
    },
    "ru": {
        "one line": "/remind завтра в 10 позвонить Ивану",
        "confirm call ivan": (
            "⏰ <b>позвонить Ивану</b>\n🕒 28 нояб. 2026\u202fг., 10:00\n🔁 один раз\nВсё верно?"
        ),
        "confirm buttons": [
            "✅ Подтвердить",
            "Через час",
            "Завтра в 9:00",
            "Понедельник 9:00",
            "📅 Другое время",
            "🔁 Повтор",
            "Отмена",
        ],
        "confirm": "✅ Подтвердить",
        "saved": "✅ Напомню 28 нояб. 2026\u202fг., 10:00.",
        "what?": "⏰ О чём напомнить?",
        "when?": (
            "⏰ <b>Send the &lt;contract&gt;</b>\nКогда? Напишите, как сказали бы: «завтра в 10», "
            "«через 2 часа», «в пятницу утром», «28.11 14:00», или выберите ниже."
        ),
        "gibberish": "когда-нибудь",
        "not understood": (
            "Не понял время. Напишите, например, «завтра в 10» или «через 2 часа», "
            "или выберите ниже."
        ),
        "in 2 hours": "через 2 часа",
        "confirm in 2 hours": (
            "⏰ <b>Send the &lt;contract&gt;</b>\n🕒 27 нояб. 2026\u202fг., 14:00\n🔁 один раз\n"
            "Всё верно?"
        ),
        "tomorrow": "Завтра в 9:00",
        "repeat": "🔁 Повтор",
        "repeats": [
            "Один раз",
            "Каждый день",
            "По рабочим дням",
            "Каждую неделю",
            "Каждый месяц",
            "⬅️ Назад",
        ],
        "working days": "По рабочим дням",
        "confirm working days": (
            "⏰ <b>Send the &lt;contract&gt;</b>\n🕒 28 нояб. 2026\u202fг., 09:00\n"
            "🔁 по рабочим дням\nВсё верно?"
        ),
        "pick a day": "📅 Выбрать день",
        "which day?": "Какой день?",
        "at what time?": "понедельник, 30 ноября 2026\u202fг.: во сколько?",
        "15:00": "15:00",
        "saved monday": "✅ Напомню 30 нояб. 2026\u202fг., 15:00.",
        "remind": "⏰ Напомнить",
        "what about ivan?": "👤 Ivan Petrov · Acme\n⏰ О чём напомнить?",
        "monday": "Понедельник 9:00",
        "reminders": "⏰ Напоминания",
        "list": "⏰ Ваши напоминания (2), ближайшие сверху:",
        "delete": "🗑 Удалить",
        "deleted": "Удалено.",
        "list after": "⏰ Ваши напоминания (1), ближайшие сверху:",
        "empty": (
            "⏰ Напоминаний нет. Поставьте: «➕ Новое напоминание» или "
            "/remind завтра в 10 позвонить Ивану."
        ),
        "unknown": "Я не знаю этой команды. /help покажет, что я умею.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def stored(harness: Harness) -> list[ReminderDTO]:
    async with harness.app.sessionmaker() as session:
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(ANNA)
        assert user is not None
        return await uow.reminders.active_of(user.id, offset=0, limit=50)


def moscow(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)


@LANGUAGES
async def test_a_reminder_in_one_line_is_shown_back_and_confirmed(
    harness: Harness, language: str
) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)

    await anna.send(t["one line"])
    assert anna.last_text() == t["confirm call ivan"]
    assert anna.buttons() == t["confirm buttons"]
    assert await stored(harness) == [], "nothing is set before Confirm"

    answered = await anna.press(t["confirm"])

    assert callback_answer(answered) is not None
    assert anna.last_text() == t["saved"]
    (item,) = await stored(harness)
    assert (item.due_at, item.recurrence, item.client_id) == (
        moscow(2026, 11, 28, 10),
        Recurrence.ONCE,
        None,
    )


@LANGUAGES
async def test_step_by_step_with_a_typed_time_a_quick_time_and_a_repetition(
    harness: Harness, language: str
) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)

    await anna.send("/remind")
    assert anna.last_text() == t["what?"]
    await anna.send("Send the <contract>")
    assert anna.last_text() == t["when?"]
    await anna.send(t["gibberish"])
    assert anna.texts()[-2:] == [t["not understood"], t["when?"]]
    await anna.send(t["in 2 hours"])
    assert anna.last_text() == t["confirm in 2 hours"]

    await anna.press(t["tomorrow"])
    await anna.press(t["repeat"])
    assert anna.buttons() == t["repeats"]
    await anna.press(t["working days"])
    assert anna.last_text() == t["confirm working days"]
    await anna.press(t["confirm"])

    (item,) = await stored(harness)
    assert (item.text, item.due_at, item.recurrence) == (
        "Send the <contract>",
        moscow(2026, 11, 28, 9),
        Recurrence.WORKDAYS,
    )


@LANGUAGES
async def test_a_day_on_the_calendar_and_an_hour(harness: Harness, language: str) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)

    await anna.send("/remind Send the <contract>")
    assert anna.last_text() == t["when?"]
    await anna.press(t["pick a day"])
    assert anna.last_text().endswith(t["which day?"])
    await anna.press("30")
    assert anna.last_text().endswith(t["at what time?"])
    await anna.press(t["15:00"])
    await anna.press(t["confirm"])

    assert anna.last_text() == t["saved monday"]
    (item,) = await stored(harness)
    assert item.due_at == moscow(2026, 11, 30, 15)


@LANGUAGES
async def test_a_reminder_about_a_client_from_his_card(harness: Harness, language: str) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(ANNA)
        assert user is not None
        ivan = await clients.create(
            uow, Actor.of(user), harness.app.clock, LeadDraft("Ivan Petrov", company="Acme")
        )

    await anna.send("/clients Petrov")
    await anna.press("1. Ivan Petrov · Acme")
    await anna.press(t["remind"])
    assert anna.last_text() == t["what about ivan?"]
    await anna.send("Send the price list")
    await anna.press(t["monday"])
    await anna.press(t["confirm"])

    (item,) = await stored(harness)
    assert (item.client_id, item.due_at) == (ivan.id, moscow(2026, 11, 30, 9))


@LANGUAGES
async def test_his_list_of_reminders_and_deleting_one(harness: Harness, language: str) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await anna.send(t["reminders"])
    assert anna.last_text() == t["empty"]
    for line in ("/remind tomorrow 10 call Ivan", "/remind in 2 hours send the offer"):
        await anna.send(line)
        await anna.press(t["confirm"])

    await anna.send(t["reminders"])
    assert anna.last_text() == t["list"]
    soonest = anna.buttons()[0]
    assert soonest.endswith("· send the offer")
    await anna.press(soonest)
    answered = await anna.press(t["delete"])

    assert callback_answer(answered) == t["deleted"]
    assert anna.last_text() == t["list after"]
    assert [item.text for item in await stored(harness)] == ["call Ivan"]


async def test_a_client_cannot_set_reminders(harness: Harness) -> None:
    maria = harness.person(9100, first_name="Maria", language_code="en")
    await maria.become_client("en")

    for command in ("/remind tomorrow 10 call", "/reminders"):
        await maria.send(command)
        assert maria.last_text() == TEXT["en"]["unknown"]
