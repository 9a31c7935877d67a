"""A specialist is reminded of his clients' next steps: the reminder comes at its time with
the client, and he marks it done, snoozes it, opens the card or logs what came of it. A
reminder missed while the bot was down comes on start, marked late; another specialist's
buttons do nothing; a specialist who blocked the bot is not written to again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage

from bot.keyboards.reminders import ReminderAction, ReminderButton
from bot.outbound import OutboundSender
from bot.reminding import ReminderDelivery
from bot.services import reminders
from bot.services.actors import Actor
from bot.services.crm import clients, deals, notes
from bot.services.crm.clients import LeadDraft
from bot.services.crm.deals import DealDraft
from bot.services.crm.notes import NoteDraft
from bot.storage.dto import ReminderDTO
from bot.storage.enums import (
    ReminderStatus,
    RequestKind,
    RequestStatus,
    Role,
    Segment,
    TimelineKind,
)
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.support.harness import Harness, Person, callback_answer

ANNA, BORIS = 7001, 7002
# The clock stands on Friday, Nov 27, 2026, 12:00 in Moscow; the next step is on Monday.
MONDAY_NINE = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)

TEXT = {
    "en": {
        "reminder": "⏰ <b>Reminder</b>\nSend the offer &lt;v2&gt;\n👤 Ivan Petrov · Acme",
        "buttons": ["✅ Done", "💤 Snooze", "📇 Open client", "📝 Log outcome"],
        "snoozes": ["In 15 minutes", "In 1 hour", "Tomorrow 9:00", "Other time…", "⬅️ Back"],
        "other": "Other time…",
        "tomorrow at 15": "tomorrow at 15:00",
        "confirm other": (
            "⏰ <b>Send the offer &lt;v2&gt;</b>\n👤 Ivan Petrov · Acme\n"
            "🕒 Dec 1, 2026, 3:00\u202fPM\nIs that right?"
        ),
        "confirm buttons": [
            "✅ Confirm",
            "In 1 hour",
            "Tomorrow 9:00",
            "Monday 9:00",
            "📅 Other time",
            "Cancel",
        ],
        "confirm": "✅ Confirm",
        "snoozed other": "💤 I will remind you Dec 1, 2026, 3:00\u202fPM.",
        "snooze": "💤 Snooze",
        "in 15": "In 15 minutes",
        "tomorrow": "Tomorrow 9:00",
        "back": "⬅️ Back",
        "snoozed": "Snoozed.",
        "snoozed text": (
            "💤 Send the offer &lt;v2&gt; · Ivan Petrov · Acme\n"
            "I will remind you Nov 30, 2026, 9:15\u202fAM."
        ),
        "tomorrow text": (
            "💤 Send the offer &lt;v2&gt; · Ivan Petrov · Acme\n"
            "I will remind you Dec 1, 2026, 9:00\u202fAM."
        ),
        "done": "✅ Done",
        "done answer": "Done.",
        "done text": "✅ Done: Send the offer &lt;v2&gt; · Ivan Petrov · Acme",
        "late": "⌛ It was due Nov 30, 2026, 9:00\u202fAM: the bot could not send it on time.",
        "open client": "📇 Open client",
        "log outcome": "📝 Log outcome",
        "what was it?": "<b>Ivan Petrov · Acme</b>\nWhat was it?",
        "stale": "This button is no longer active.",
    },
    "ru": {
        "reminder": "⏰ <b>Напоминание</b>\nSend the offer &lt;v2&gt;\n👤 Ivan Petrov · Acme",
        "buttons": ["✅ Готово", "💤 Отложить", "📇 Карточка клиента", "📝 Записать итог"],
        "snoozes": ["Через 15 минут", "Через час", "Завтра в 9:00", "Другое время…", "⬅️ Назад"],
        "other": "Другое время…",
        "tomorrow at 15": "завтра в 15:00",
        "confirm other": (
            "⏰ <b>Send the offer &lt;v2&gt;</b>\n👤 Ivan Petrov · Acme\n"
            "🕒 1 дек. 2026\u202fг., 15:00\nВсё верно?"
        ),
        "confirm buttons": [
            "✅ Подтвердить",
            "Через час",
            "Завтра в 9:00",
            "Понедельник 9:00",
            "📅 Другое время",
            "Отмена",
        ],
        "confirm": "✅ Подтвердить",
        "snoozed other": "💤 Напомню 1 дек. 2026\u202fг., 15:00.",
        "snooze": "💤 Отложить",
        "in 15": "Через 15 минут",
        "tomorrow": "Завтра в 9:00",
        "back": "⬅️ Назад",
        "snoozed": "Отложено.",
        "snoozed text": (
            "💤 Send the offer &lt;v2&gt; · Ivan Petrov · Acme\n"
            "Напомню 30 нояб. 2026\u202fг., 09:15."
        ),
        "tomorrow text": (
            "💤 Send the offer &lt;v2&gt; · Ivan Petrov · Acme\nНапомню 1 дек. 2026\u202fг., 09:00."
        ),
        "done": "✅ Готово",
        "done answer": "Готово.",
        "done text": "✅ Готово: Send the offer &lt;v2&gt; · Ivan Petrov · Acme",
        "late": (
            "⌛ Срок был 30 нояб. 2026\u202fг., 09:00: бот не смог отправить напоминание вовремя."
        ),
        "open client": "📇 Карточка клиента",
        "log outcome": "📝 Записать итог",
        "what was it?": "<b>Ivan Petrov · Acme</b>\nЧто это было?",
        "stale": "Эта кнопка больше не действует.",
    },
}


@pytest.fixture
def delivery(harness: Harness, fast_sender: OutboundSender) -> ReminderDelivery:
    app = harness.app
    return ReminderDelivery(
        fast_sender,
        app.i18n,
        app.sessionmaker,
        app.clock,
        app.settings.no_contact_days,
        app.settings.deal_stuck_days,
    )


async def actor_of(uow: UnitOfWork, person: Person) -> Actor:
    user = await uow.users.by_telegram_id(person.user_id)
    assert user is not None
    return Actor.of(user)


async def next_step_on_monday(harness: Harness, anna: Person) -> None:
    """Anna called Ivan; the next step is to send the offer on Monday."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        actor = await actor_of(uow, anna)
        ivan = await clients.create(
            uow, actor, harness.app.clock, LeadDraft("Ivan Petrov", company="Acme")
        )
        await notes.log(
            uow,
            actor,
            harness.app.clock,
            ivan.id,
            NoteDraft(
                TimelineKind.CALL,
                "Asked for prices",
                next_step="Send the offer <v2>",
                next_step_at=MONDAY_NINE,
            ),
        )


async def stored_reminders(harness: Harness) -> list[ReminderDTO]:
    async with harness.app.sessionmaker() as session:
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(ANNA)
        assert user is not None
        return await uow.reminders.active_of(user.id, offset=0, limit=10) + [
            item
            for item_id in range(1, 10)
            if (item := await uow.reminders.get(item_id)) is not None
            and item.status is ReminderStatus.DONE
        ]


async def reminded_on_monday(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str = "en"
) -> Person:
    """Anna's next step on Monday has come: the reminder is in her chat."""
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await next_step_on_monday(harness, anna)
    clock.advance(days=2, hours=21, seconds=1)
    assert await delivery.run_once() == 1
    return anna


def reminders_sent(harness: Harness, chat_id: int) -> list[str]:
    return [
        str(call.request.text)
        for call in harness.sent_to(chat_id, "SendMessage")
        if isinstance(call.request, SendMessage) and "⏰" in str(call.request.text)
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_next_step_comes_on_its_day_and_is_snoozed_then_done(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await next_step_on_monday(harness, anna)

    assert await delivery.run_once() == 0
    clock.advance(days=2, hours=21, seconds=1)  # Monday 09:00:01 in Moscow
    assert await delivery.run_once() == 1

    assert reminders_sent(harness, ANNA) == [t["reminder"]]
    assert anna.buttons() == t["buttons"]

    await anna.press(t["snooze"])
    assert anna.buttons() == t["snoozes"]
    await anna.press(t["back"])
    assert anna.buttons() == t["buttons"]
    await anna.press(t["snooze"])
    answered = await anna.press(t["in 15"])
    assert callback_answer(answered) == t["snoozed"]
    assert anna.last_text() == t["snoozed text"]

    clock.advance(minutes=14)
    assert await delivery.run_once() == 0
    clock.advance(minutes=1)
    assert await delivery.run_once() == 1
    assert reminders_sent(harness, ANNA) == [t["reminder"], t["reminder"]]

    answered = await anna.press(t["done"])
    assert callback_answer(answered) == t["done answer"]
    assert anna.last_text() == t["done text"]
    (finished,) = await stored_reminders(harness)
    assert finished.status is ReminderStatus.DONE
    clock.advance(days=1)
    assert await delivery.run_once() == 0


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_snoozed_till_tomorrow_morning(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = TEXT[language]
    anna = await reminded_on_monday(harness, clock, delivery, language)

    await anna.press(t["snooze"])
    await anna.press(t["tomorrow"])

    assert anna.last_text() == t["tomorrow text"]
    (pending,) = await stored_reminders(harness)
    assert pending.due_at == MONDAY_NINE + timedelta(days=1)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_snoozed_to_a_time_of_his_choice(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = TEXT[language]
    anna = await reminded_on_monday(harness, clock, delivery, language)

    await anna.press(t["snooze"])
    await anna.press(t["other"])
    await anna.send(t["tomorrow at 15"])
    assert anna.last_text() == t["confirm other"]
    assert anna.buttons() == t["confirm buttons"], "a snooze does not repeat"
    await anna.press(t["confirm"])

    assert anna.last_text() == t["snoozed other"]
    (pending,) = await stored_reminders(harness)
    assert (pending.status, pending.due_at) == (
        ReminderStatus.PENDING,
        MONDAY_NINE + timedelta(days=1, hours=6),
    )


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_reminder_missed_while_the_bot_was_down_comes_on_start_marked_late(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await next_step_on_monday(harness, anna)

    clock.advance(days=3)  # the bot was down from Friday to Monday noon
    assert await delivery.run_once() == 1

    assert reminders_sent(harness, ANNA) == [t["reminder"] + "\n" + t["late"]]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_from_the_reminder_to_the_card_and_to_the_note_flow(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = TEXT[language]
    anna = await reminded_on_monday(harness, clock, delivery, language)
    reminder_id = anna.last_message_id()

    await anna.press(t["open client"])
    assert "Ivan Petrov" in anna.last_text() and anna.last_message_id() != reminder_id
    await anna.press_data(_button_data(harness, t["log outcome"]), reminder_id)

    assert anna.last_text() == t["what was it?"]
    assert (
        t["buttons"]
        == [
            button.text
            for message_id, markup in harness.inline_keyboards(ANNA)
            if message_id == reminder_id
            for row in markup.inline_keyboard
            for button in row
        ][-4:]
    ), "the reminder keeps its buttons"


async def test_another_specialist_cannot_press_annas_reminder(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery
) -> None:
    t = TEXT["en"]
    anna = await reminded_on_monday(harness, clock, delivery)
    boris = await harness.staff(BORIS, Role.SPECIALIST, "Boris")
    (item,) = await stored_reminders(harness)

    for action in ReminderAction:
        data = ReminderButton(action=action, reminder_id=item.id, minutes=15).pack()
        answered = await boris.press_data(data, anna.last_message_id())
        assert callback_answer(answered) == t["stale"]

    (unchanged,) = await stored_reminders(harness)
    assert (unchanged.status, unchanged.due_at) == (ReminderStatus.SENT, item.due_at)


async def test_a_specialist_who_blocked_the_bot_is_not_written_to_until_he_is_back(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery
) -> None:
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna")
    await next_step_on_monday(harness, anna)
    clock.advance(days=2, hours=21, seconds=1)
    harness.session.fail_next(
        "SendMessage",
        TelegramForbiddenError(method=SendMessage(chat_id=ANNA, text="x"), message="blocked"),
    )

    assert await delivery.run_once() == 0

    blocked = await harness.stored_user(ANNA)
    assert blocked is not None and blocked.unreachable_at is not None
    (kept,) = await stored_reminders(harness)
    assert kept.status is ReminderStatus.SENT, "kept in his list, not retried"
    await anna.send("/help")
    back = await harness.stored_user(ANNA)
    assert back is not None and back.unreachable_at is None


def _button_data(harness: Harness, label: str) -> str:
    return harness.button(ANNA, label)[1]


NUDGE = {
    "en": {
        "nudge": (
            "🔔 No contact with <b>Vera Orlova · Steel Works</b> for 10 days.\n"
            "Time to get in touch?"
        ),
        "buttons": ["📝 Log contact", "⏰ Remind me later", "🚫 Not needed", "📇 Open client"],
        "not needed": "🚫 Not needed",
        "dismissed": (
            "🚫 OK: no more nudges about Vera Orlova · Steel Works until the next long silence."
        ),
        "later": "⏰ Remind me later",
        "tomorrow": "Tomorrow 9:00",
        "snoozed": (
            "💤 Get in touch with Vera Orlova · Steel Works\n"
            "I will remind you Dec 8, 2026, 9:00\u202fAM."
        ),
    },
    "ru": {
        "nudge": (
            "🔔 Нет контакта с <b>Vera Orlova · Steel Works</b> уже 10 дней.\nПора связаться?"
        ),
        "buttons": [
            "📝 Записать контакт",
            "⏰ Напомнить позже",
            "🚫 Не нужно",
            "📇 Карточка клиента",
        ],
        "not needed": "🚫 Не нужно",
        "dismissed": (
            "🚫 Хорошо: не буду напоминать о Vera Orlova · Steel Works до следующего долгого "
            "молчания."
        ),
        "later": "⏰ Напомнить позже",
        "tomorrow": "Завтра в 9:00",
        "snoozed": (
            "💤 Связаться с Vera Orlova · Steel Works\nНапомню 8 дек. 2026\u202fг., 09:00."
        ),
    },
}


async def vip_without_contact(harness: Harness, clock: FakeClock, anna: Person) -> None:
    """Vera, Anna's VIP client, has heard nothing from her for 10 days (VIP: 7 allowed)."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        actor = await actor_of(uow, anna)
        vera = await clients.create(
            uow, actor, harness.app.clock, LeadDraft("Vera Orlova", company="Steel Works")
        )
        await clients.update(uow, actor, harness.app.clock, vera.id, segment=Segment.VIP)
    clock.advance(days=10)  # Monday 7 December, 12:00: a working day


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_vip_client_without_contact_for_over_a_week_nudges_his_owner(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = NUDGE[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await vip_without_contact(harness, clock, anna)

    assert await delivery.plan_nudges() == 1
    assert await delivery.run_once() == 1

    assert harness.texts(ANNA)[-1] == t["nudge"]
    assert anna.buttons() == t["buttons"]
    await anna.press(t["later"])
    await anna.press(t["tomorrow"])
    assert anna.last_text() == t["snoozed"]

    clock.advance(days=1)
    assert await delivery.run_once() == 1
    await anna.press(t["not needed"])
    assert anna.last_text() == t["dismissed"]
    assert await delivery.plan_nudges() == 0, "not again until the next silence"


DIGEST = {
    "en": (
        "☀️ Good morning! Your day, Monday, November 30, 2026:\n"
        "\n"
        "⏰ Reminders today:\n"
        "• 3:00\u202fPM · Call about the &lt;contract&gt; · Ivan Petrov · Acme"
    ),
    "ru": (
        "☀️ Доброе утро! Ваш день, понедельник, 30 ноября 2026\u202fг.:\n"
        "\n"
        "⏰ Напоминания на сегодня:\n"
        "• 15:00 · Call about the &lt;contract&gt; · Ivan Petrov · Acme"
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_morning_digest_tells_the_day(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        actor = await actor_of(uow, anna)
        ivan = await clients.create(
            uow, actor, harness.app.clock, LeadDraft("Ivan Petrov", company="Acme")
        )
        await reminders.create(
            uow,
            actor,
            harness.app.clock,
            text="Call about the <contract>",
            due_at=MONDAY_NINE + timedelta(hours=6),
            client_id=ivan.id,
        )
    clock.advance(days=2, hours=21, minutes=1)  # Monday 09:01

    assert await delivery.send_digests() == 1
    assert harness.texts(ANNA)[-1] == DIGEST[language]
    assert await delivery.send_digests() == 0


async def test_the_digest_lists_open_requests_and_clients_waiting_for_contact(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery
) -> None:
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna")
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        actor = await actor_of(uow, anna)
        for name in ("Vera Orlova", "Oleg Ivanov"):
            client = await clients.create(uow, actor, harness.app.clock, LeadDraft(name))
            await clients.update(uow, actor, harness.app.clock, client.id, segment=Segment.VIP)
        for due_day in (7, 9):
            await uow.requests.add(
                kind=RequestKind.INQUIRY.value,
                category="general",
                status=RequestStatus.NEW.value,
                client_id=None,
                assignee_id=actor.user_id,
                created_at=clock.now(),
                updated_at=clock.now(),
                first_response_due=clock.now() + timedelta(hours=2),
                resolution_due=datetime(2026, 12, due_day, 15, 0, tzinfo=UTC),
            )
    clock.advance(days=9, hours=21, minutes=1)  # Monday 7 December, 09:01

    assert await delivery.send_digests() == 1
    assert harness.texts(ANNA)[-1] == (
        "☀️ Good morning! Your day, Monday, December 7, 2026:\n"
        "\n"
        "📥 2 open requests, nearest deadline first:\n"
        "• #1 · Dec 7, 2026, 6:00\u202fPM ⚠️\n"
        "• #2 · Dec 9, 2026, 6:00\u202fPM ⚠️\n"
        "⚠️ 2 of them are overdue.\n"
        "/queue opens them.\n"
        "\n"
        "🔔 2 clients are waiting for contact: /clients → “📋 My clients”."
    )


STUCK = {
    "en": {
        "nudge": (
            "💼 The deal “Pumps &lt;x2&gt;” with <b>Ivan Petrov · Acme</b> has been at “New” "
            "for 10 days.\nWhat is the next move?"
        ),
        "buttons": ["💼 Open the deal", "⏰ Remind me later", "🚫 Not needed"],
        "open": "💼 Open the deal",
        "not needed": "🚫 Not needed",
        "dismissed": "🚫 OK: no more nudges about this deal until its next stage.",
    },
    "ru": {
        "nudge": (
            "💼 Сделка «Pumps &lt;x2&gt;» с <b>Ivan Petrov · Acme</b> уже 10 дней на этапе "
            "«Новая».\nКаков следующий шаг?"
        ),
        "buttons": ["💼 Открыть сделку", "⏰ Напомнить позже", "🚫 Не нужно"],
        "open": "💼 Открыть сделку",
        "not needed": "🚫 Не нужно",
        "dismissed": "🚫 Хорошо: не буду напоминать об этой сделке до следующего этапа.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_deal_stuck_in_its_stage_nudges_its_owner(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = STUCK[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        actor = await actor_of(uow, anna)
        ivan = await clients.create(
            uow, actor, harness.app.clock, LeadDraft("Ivan Petrov", company="Acme")
        )
        await deals.create(
            uow, actor, harness.app.clock, ivan.id, DealDraft("Pumps <x2>", currency="RUB")
        )
    clock.advance(days=10)  # Monday 7 December, 12:00

    assert await delivery.plan_nudges() == 1
    assert await delivery.run_once() == 1
    assert harness.texts(ANNA)[-1] == t["nudge"]
    assert anna.buttons() == t["buttons"]
    nudge_id = anna.last_message_id()

    await anna.press(t["open"])
    assert "Pumps &lt;x2&gt;" in anna.last_text() and anna.last_message_id() != nudge_id
    await anna.press_data(harness.button(ANNA, t["not needed"])[1], nudge_id)
    assert harness.texts(ANNA)[-1] == t["dismissed"]
