"""Absence cover, as the people concerned see it: Anna plans her absence (or the head of sales
does it for her), Boris covers; while she is away her reminders and her clients' requests and
messages reach him, marked with her name, and he may open her clients; when she is back she
reads what happened and her requests are hers again."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.absence_cover import AbsenceCover
from bot.outbound import OutboundSender
from bot.reminding import ReminderDelivery
from bot.services import absences, reminders
from bot.services.actors import Actor
from bot.services.crm import clients
from bot.services.crm.clients import LeadDraft
from bot.storage.enums import Role
from bot.storage.models import Absence, Request
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.support.harness import Harness, callback_answer

ANNA, BORIS, OLGA, MARIA = 2001, 2002, 2003, 3001
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])
THIN = "\u2009"
TEXT = {
    "en": {
        "absence": "🏖 Absence",
        "none": "None planned.",
        "plan": "➕ Plan an absence",
        "first?": "🗓 The first day away?",
        "last?": "🗓 The last day away? (From Nov 28, 2026)",
        "who covers?": "🤝 Who covers meanwhile?",
        "summary": f"🏖 Anna is away Nov 28{THIN}–{THIN}30, 2026; Boris covers. Is that right?",
        "confirm": "✅ Confirm",
        "set": f"✅ Absence set: Anna, Nov 28{THIN}–{THIN}30, 2026; Boris covers.",
        "listed": f"• Nov 28{THIN}–{THIN}30, 2026: Boris covers",
        "call off": f"🗑 Call off: Nov 28{THIN}–{THIN}30, 2026",
        "end now": "🔙 End now: Nov 27, 2026",
        "end?": "End the absence Nov 27, 2026 now? The deputy gives the cover back at once.",
        "yes end": "✅ Yes, end it",
        "someone": "👤 Someone else",
        "whose?": "Whose absence?",
        "set for you": (
            f"🏖 Olga set your absence: Nov 28{THIN}–{THIN}30, 2026; Boris covers for you."
        ),
        "welcome back": (
            "👋 <b>Welcome back!</b> Nothing came in for you while you were away "
            "(Nov 27, 2026); Boris covered."
        ),
        "begins": "🏖 Your absence begins: Boris covers for you until Nov 30, 2026.",
        "stale": "This button is no longer active.",
        "covering": (
            "On some of these days they cover for a colleague. Ask the head of sales to choose "
            "another deputy for that colleague first."
        ),
        "digest": (
            f"👋 <b>Welcome back!</b> While you were away (Nov 28{THIN}–{THIN}30, 2026), Boris "
            "covered for you:\n• requests of your clients handled: 2\n• messages from clients on "
            "them: 1\n• your reminders and nudges delivered: 0\n• notes and changes on your "
            "clients: 0\n2 open requests are yours again: see 📥 Requests."
        ),
    },
    "ru": {
        "absence": "🏖 Отсутствие",
        "none": "Ничего не запланировано.",
        "plan": "➕ Запланировать отсутствие",
        "first?": "🗓 Первый день отсутствия?",
        "last?": "🗓 Последний день отсутствия? (С 28 нояб. 2026\u202fг.)",
        "who covers?": "🤝 Кто замещает на это время?",
        "summary": "🏖 Anna отсутствует 28—30 нояб. 2026\u202fг.; замещает Boris. Всё верно?",
        "confirm": "✅ Подтвердить",
        "set": "✅ Отсутствие запланировано: Anna, 28—30 нояб. 2026\u202fг.; замещает Boris.",
        "listed": "• 28—30 нояб. 2026\u202fг.: замещает Boris",
        "call off": "🗑 Отменить: 28—30 нояб. 2026\u202fг.",
        "end now": "🔙 Завершить сейчас: 27 нояб. 2026\u202fг.",
        "end?": (
            "Завершить отсутствие 27 нояб. 2026\u202fг. сейчас? Заместитель сразу вернёт вам дела."
        ),
        "yes end": "✅ Да, завершить",
        "someone": "👤 Другой сотрудник",
        "whose?": "Чьё отсутствие?",
        "set for you": (
            "🏖 Olga запланировал(а) ваше отсутствие: 28—30 нояб. 2026\u202fг.; вас замещает Boris."
        ),
        "welcome back": (
            "👋 <b>С возвращением!</b> Пока вас не было (27 нояб. 2026\u202fг.), ничего не "
            "поступило; замещал(а) Boris."
        ),
        "begins": "🏖 Ваше отсутствие началось: до 30 нояб. 2026\u202fг. вас замещает Boris.",
        "stale": "Эта кнопка больше не действует.",
        "covering": (
            "В некоторые из этих дней этот сотрудник замещает коллегу. Сначала попросите "
            "начальника отдела сбыта назначить тому коллеге другого заместителя."
        ),
        "digest": (
            "👋 <b>С возвращением!</b> Пока вас не было (28—30 нояб. 2026\u202fг.), вас "
            "замещал(а) Boris:\n• заявок ваших клиентов в работе: 2\n• сообщений клиентов по "
            "ним: 1\n• ваших напоминаний и подсказок доставлено: 0\n• заметок и изменений по "
            "вашим клиентам: 0\n2 открытые заявки снова ваши: см. 📥 Заявки."
        ),
    },
}
BORIS_READS = {  # Boris reads English whatever Anna's language
    "asked": (
        f"🤝 Anna will be away Nov 28{THIN}–{THIN}30, 2026, and you will cover: then their "
        "clients' new requests, messages, reminders and nudges come to you."
    ),
    "covering": "🤝 <i>Covering for Anna</i>\n⏰ <b>Reminder</b>\nCall Petrov about the offer",
    "begins": "🤝 <b>You cover for Anna until Nov 30, 2026.</b>",
    "one request": "1 open request of theirs is yours meanwhile.",
    "over": "✅ Your cover for Anna is over; 2 open requests went back to them.",
    "open client": "📇 Open client",
    "done": "✅ Done",
}
MOSCOW = ZoneInfo("Europe/Moscow")


async def sent(harness: Harness) -> None:
    """Lets the outbound sender deliver what it was handed (no real time passes)."""
    for _ in range(100):
        if not harness.app.sender.queued:
            return
        await asyncio.sleep(0)
    raise AssertionError("the sender still has messages queued")


async def user_id(harness: Harness, telegram_id: int) -> int:
    user = await harness.stored_user(telegram_id)
    assert user is not None
    return user.id


async def away_from_today(harness: Harness, last: date) -> None:
    """Anna's absence, from today, set in the service: its cover is on at once."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        anna = await uow.users.by_telegram_id(ANNA)
        boris = await uow.users.by_telegram_id(BORIS)
        assert anna is not None and boris is not None
        await absences.plan(
            uow,
            Actor.of(anna),
            harness.app.clock,
            user_id=anna.id,
            first_day=date(2026, 11, 27),
            last_day=last,
            deputy_id=boris.id,
        )


@LANGUAGES
async def test_anna_plans_her_absence_and_boris_is_asked_to_cover(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")

    await anna.send(text["absence"])
    assert text["none"] in anna.last_text()
    await anna.press(text["plan"])
    assert anna.last_text() == text["first?"]
    await anna.press("28")
    assert anna.last_text() == text["last?"]
    await anna.press("30")
    assert anna.last_text() == text["who covers?"]
    assert "Boris" in anna.buttons() and "Anna" not in anna.buttons()
    await anna.press("Boris")
    assert anna.last_text() == text["summary"]
    await anna.press(text["confirm"])
    await sent(harness)

    assert anna.last_text().startswith(text["set"])
    assert text["listed"] in anna.last_text()
    assert text["call off"] in anna.buttons()
    assert harness.texts(BORIS)[-1] == BORIS_READS["asked"]
    async with harness.app.sessionmaker() as session:
        stored = (await session.scalars(select(Absence))).all()
    assert [(a.user_id, a.deputy_id, a.started_at) for a in stored] == [
        (await user_id(harness, ANNA), await user_id(harness, BORIS), None)
    ]


@LANGUAGES
async def test_the_head_of_sales_sets_annas_absence_and_both_are_told(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    olga = await harness.staff(OLGA, Role.HEAD, "Olga", "en")
    await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")

    await olga.send("/away")
    await olga.press(TEXT["en"]["someone"])
    assert olga.last_text() == TEXT["en"]["whose?"]
    await olga.press("Anna")
    await olga.press(TEXT["en"]["plan"])
    await olga.press("28")
    await olga.press("30")
    await olga.press("Boris")
    await olga.press(TEXT["en"]["confirm"])
    await sent(harness)

    assert olga.last_text().startswith(TEXT["en"]["set"])
    assert harness.texts(ANNA)[-1] == text["set for you"]
    assert harness.texts(BORIS)[-1] == BORIS_READS["asked"]


@LANGUAGES
async def test_while_anna_is_away_boris_gets_her_reminder_and_opens_her_client(
    harness: Harness, clock: FakeClock, fast_sender: OutboundSender, language: str
) -> None:
    await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    boris = await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        anna_user = await uow.users.by_telegram_id(ANNA)
        assert anna_user is not None
        petrov = await clients.create(uow, Actor.of(anna_user), clock, LeadDraft("Petrov Ivan"))
        await reminders.create(
            uow,
            Actor.of(anna_user),
            clock,
            text="Call Petrov about the offer",
            due_at=datetime(2026, 11, 27, 15, tzinfo=MOSCOW).astimezone(UTC),
            client_id=petrov.id,
        )
    await away_from_today(harness, date(2026, 11, 30))
    delivery = ReminderDelivery(
        fast_sender,
        harness.app.i18n,
        harness.app.sessionmaker,
        clock,
        harness.app.settings.no_contact_days,
        harness.app.settings.deal_stuck_days,
    )

    clock.set(datetime(2026, 11, 27, 15, 0, 1, tzinfo=MOSCOW).astimezone(UTC))
    assert await delivery.run_once() == 1

    assert harness.texts(ANNA) == []
    assert harness.texts(BORIS)[-1].startswith(BORIS_READS["covering"])
    await boris.press(BORIS_READS["open client"])
    assert boris.last_text().startswith("👤 <b>Petrov Ivan</b>")
    calls = await boris.press(BORIS_READS["done"])
    assert callback_answer(calls) != TEXT["en"]["stale"]


@LANGUAGES
async def test_her_requests_go_to_boris_and_come_back_with_a_digest_when_she_returns(
    harness: Harness, clock: FakeClock, fast_sender: OutboundSender, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    maria = harness.person(MARIA, first_name="Maria", language_code="en")
    await maria.become_client("en")
    await maria.send("/ask")
    await maria.press("Product")
    await maria.send("Is it in stock?")
    await maria.press("📨 Send")
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")
    cover = AbsenceCover(fast_sender, harness.app.i18n, harness.app.sessionmaker, clock)
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        anna_user = await uow.users.by_telegram_id(ANNA)
        boris_user = await uow.users.by_telegram_id(BORIS)
        assert anna_user is not None and boris_user is not None
        await absences.plan(
            uow,
            Actor.of(anna_user),
            clock,
            user_id=anna_user.id,
            first_day=date(2026, 11, 28),
            last_day=date(2026, 11, 30),
            deputy_id=boris_user.id,
        )

    clock.set(datetime(2026, 11, 28, 0, 0, 30, tzinfo=MOSCOW).astimezone(UTC))
    assert await cover.run_once() == 2
    boris_read = harness.texts(BORIS)[-1]
    assert boris_read.startswith(BORIS_READS["begins"]) and BORIS_READS["one request"] in boris_read
    assert harness.texts(ANNA)[-1] == text["begins"]

    await maria.send("And the price?")
    await sent(harness)
    assert any("And the price?" in t for t in harness.texts(BORIS))
    assert not any("And the price?" in t for t in harness.texts(ANNA))
    await maria.send("/ask")
    await maria.press("Product")
    await maria.send("Do you deliver?")
    await maria.press("📨 Send")
    await sent(harness)
    card = next(t for t in reversed(harness.texts(BORIS)) if "Do you deliver?" in t)
    assert "Assignee: Boris\n🤝 <i>Covering for Anna</i>\n" in card

    clock.set(datetime(2026, 12, 1, 0, 0, 30, tzinfo=MOSCOW).astimezone(UTC))
    assert await cover.run_once() == 2
    assert harness.texts(BORIS)[-1] == BORIS_READS["over"]
    assert harness.texts(ANNA)[-1] == text["digest"]
    async with harness.app.sessionmaker() as session:
        request = await session.scalar(select(Request))
    assert request is not None and request.assignee_id == await user_id(harness, ANNA)
    # (both requests: the second one, filed under the cover, is hers too now)
    assert await cover.run_once() == 0  # given back once


@LANGUAGES
async def test_anna_ends_her_absence_early_and_reads_what_happened(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")
    await away_from_today(harness, date(2026, 11, 27))

    await anna.send("/away")
    await anna.press(text["end now"])
    assert anna.last_text() == text["end?"]
    await anna.press(text["yes end"])
    await sent(harness)

    assert anna.last_text().startswith(text["welcome back"] + "\n\n")
    assert harness.texts(BORIS)[-1].startswith("✅ Your cover for Anna is over; 0 open requests")
    async with harness.app.sessionmaker() as session:
        absence = await session.scalar(select(Absence))
    assert absence is not None and absence.handed_back_at == harness.app.clock.now()


@LANGUAGES
async def test_boris_cannot_be_away_while_he_covers_for_anna(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(ANNA, Role.SPECIALIST, "Anna", "en")
    boris = await harness.staff(BORIS, Role.SPECIALIST, "Boris", language)
    await harness.staff(OLGA, Role.SPECIALIST, "Vera", "en")
    await away_from_today(harness, date(2026, 11, 30))

    await boris.send("/away")
    await boris.press(text["plan"])
    await boris.press("28")
    await boris.press("30")
    await boris.press("Vera")
    calls = await boris.press(text["confirm"])

    assert callback_answer(calls) == text["covering"]
    async with harness.app.sessionmaker() as session:
        assert len((await session.scalars(select(Absence))).all()) == 1  # Anna's only


async def test_boris_cannot_end_annas_absence_with_a_forged_button(harness: Harness) -> None:
    await harness.staff(ANNA, Role.SPECIALIST, "Anna", "en")
    boris = await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")
    await away_from_today(harness, date(2026, 11, 30))
    async with harness.app.sessionmaker() as session:
        absence = await session.scalar(select(Absence))
    assert absence is not None
    await boris.send("/away")
    message_id, plan = harness.button(BORIS, TEXT["en"]["plan"])
    forged = plan.split("\x1d")[0] + f"\x1dend:{absence.id}"

    calls = await boris.press_data(forged, message_id)

    assert callback_answer(calls) == TEXT["en"]["stale"]
    async with harness.app.sessionmaker() as session:
        still = await session.scalar(select(Absence))
    assert still is not None and still.cancelled_at is None and still.handed_back_at is None


async def test_a_client_has_no_absences(harness: Harness) -> None:
    maria = harness.person(MARIA, first_name="Maria", language_code="en")
    await maria.become_client("en")

    await maria.send("/away")

    assert "🏖" not in maria.last_text()
