"""A specialist plans his deal's next step from the deal card: what, then a day in the
calendar. On that day at 09:00 he is reminded, with the deal one tap away. Keeping the step
without a date, clearing it or winning the deal leaves nothing to remind of."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.outbound import OutboundSender
from bot.reminding import ReminderDelivery
from bot.storage.enums import ReminderOrigin, Role
from tests.flows.test_crm_deals import TEXT as DEALS
from tests.flows.test_crm_deals import client_of, deal_of, open_deal
from tests.flows.test_reminder_setting import ANNA, stored
from tests.support.clock import FakeClock
from tests.support.harness import Harness, Person, callback_answer

# The clock stands on Friday, Nov 27, 2026, 12:00 in Moscow; the next step is on Monday.
MONDAY_NINE = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
STEP = "Send the offer <v2>"

TEXT = {
    "en": {
        "next step": "Next step",
        "step?": "What is the next step in this deal? Type it.\nNow: —",
        "now": "What is the next step in this deal? Type it.\nNow: Send the offer &lt;v2&gt; · "
        "Nov 30, 2026",
        "day?": "When? Pick a day, or press “No date”.",
        "saved": "Saved.",
        "on the card": "Next step: Send the offer &lt;v2&gt; · Nov 30, 2026",
        "undated": "Next step: Send the offer &lt;v2&gt;",
        "no date": "No date",
        "skip": "Skip",
        "clear": "🗑 Clear",
        "reminder": "⏰ <b>Reminder</b>\nSend the offer &lt;v2&gt;\n"
        "👤 Иван Петров · Ромашка\n💼 Pumps",
        "buttons": ["✅ Done", "💤 Snooze", "💼 Open the deal", "📇 Open client", "📝 Log outcome"],
        "open deal": "💼 Open the deal",
        "stage": "Stage: New",
    },
    "ru": {
        "next step": "Следующий шаг",
        "step?": "Какой следующий шаг по сделке? Напишите его.\nСейчас: —",
        "now": "Какой следующий шаг по сделке? Напишите его.\nСейчас: Send the offer &lt;v2&gt; · "
        "30 нояб. 2026\u202fг.",
        "day?": "Когда? Выберите день или нажмите «Без даты».",
        "saved": "Сохранено.",
        "on the card": "Следующий шаг: Send the offer &lt;v2&gt; · 30 нояб. 2026\u202fг.",
        "undated": "Следующий шаг: Send the offer &lt;v2&gt;",
        "no date": "Без даты",
        "skip": "Пропустить",
        "clear": "🗑 Очистить",
        "reminder": "⏰ <b>Напоминание</b>\nSend the offer &lt;v2&gt;\n"
        "👤 Иван Петров · Ромашка\n💼 Pumps",
        "buttons": [
            "✅ Готово",
            "💤 Отложить",
            "💼 Открыть сделку",
            "📇 Карточка клиента",
            "📝 Записать итог",
        ],
        "open deal": "💼 Открыть сделку",
        "stage": "Этап: Новая",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


@pytest.fixture
def delivery(harness: Harness, fast_sender: OutboundSender) -> ReminderDelivery:
    app = harness.app
    days = (app.settings.no_contact_days, app.settings.deal_stuck_days)
    return ReminderDelivery(fast_sender, app.i18n, app.sessionmaker, app.clock, *days)


async def annas_deal(harness: Harness, language: str) -> tuple[Person, int]:
    """Anna, with her deal "Pumps" for Ivan open in front of her."""
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    client_id = await client_of(harness, ANNA, "Иван Петров", "Ромашка")
    deal_id = await deal_of(harness, ANNA, client_id, "Pumps", 100_000)
    await open_deal(anna, DEALS[language]["new 1"])
    return anna, deal_id


async def planned_for_monday(harness: Harness, language: str) -> tuple[Person, int]:
    """Anna's deal, with Edit → Next step → the step typed → Monday 30 in the calendar."""
    t = TEXT[language]
    anna, deal_id = await annas_deal(harness, language)
    await anna.press(DEALS[language]["edit"])
    await anna.press(t["next step"])
    assert anna.last_text() == t["step?"]
    await anna.send(STEP)
    assert anna.last_text() == t["day?"]
    assert callback_answer(await anna.press("30")) == t["saved"]
    return anna, deal_id


@LANGUAGES
async def test_the_next_step_set_on_the_deal_reminds_its_owner_on_its_day(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = TEXT[language]
    anna, deal_id = await planned_for_monday(harness, language)

    assert t["on the card"] in anna.last_text()
    (reminder,) = await stored(harness)
    assert (reminder.origin, reminder.deal_id, reminder.text, reminder.due_at) == (
        ReminderOrigin.NEXT_STEP,
        deal_id,
        STEP,
        MONDAY_NINE,
    )

    clock.advance(days=2, hours=20, minutes=59)  # Monday 08:59 in Moscow
    assert await delivery.run_once() == 0
    clock.advance(minutes=1, seconds=1)
    assert await delivery.run_once() == 1
    assert anna.last_text() == t["reminder"]
    assert anna.buttons() == t["buttons"]
    reminder_id = anna.last_message_id()

    await anna.press(t["open deal"])
    assert anna.last_message_id() != reminder_id
    assert anna.last_text().startswith("💼 <b>Pumps</b>")
    assert t["on the card"] in anna.last_text()


@LANGUAGES
async def test_a_step_kept_without_a_date_or_cleared_reminds_of_nothing(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    t = TEXT[language]
    anna, _deal_id = await planned_for_monday(harness, language)

    await anna.press(DEALS[language]["edit"])
    await anna.press(t["next step"])
    assert anna.last_text() == t["now"]
    await anna.press(t["skip"])
    await anna.press(t["no date"])
    assert t["undated"] in anna.last_text() and t["on the card"] not in anna.last_text()
    assert await stored(harness) == []

    await anna.press(DEALS[language]["edit"])
    await anna.press(t["next step"])
    await anna.press(t["clear"])
    assert t["stage"] in anna.last_text() and t["undated"] not in anna.last_text()

    clock.advance(days=3)
    assert await delivery.run_once() == 0


@LANGUAGES
async def test_a_won_deal_has_no_next_step_to_remind_of(
    harness: Harness, clock: FakeClock, delivery: ReminderDelivery, language: str
) -> None:
    anna, _deal_id = await planned_for_monday(harness, language)
    assert len(await stored(harness)) == 1

    await anna.press(DEALS[language]["won"])

    assert DEALS[language]["stage won"] in anna.last_text()
    assert await stored(harness) == []
    clock.advance(days=3)
    assert await delivery.run_once() == 0
