"""Request deadlines watched: at 80 % of the working time to answer, the assignee is told,
with the request's card and its buttons; when the deadline passes, the head of sales is.
Each alert is given once."""

from __future__ import annotations

import pytest

from bot.outbound import OutboundSender
from bot.sla_alerts import SlaAlerts
from bot.storage.enums import Role
from tests.flows.test_specialist_desk import filed_inquiry, russian_client
from tests.support.clock import FakeClock
from tests.support.harness import Harness

ANNA, HELEN = 2101, 2102
# Friday 27 November, 12:00 in Moscow; an inquiry's first answer is due in 4 working hours.
TEXT = {
    "en": {
        "warning": (
            "⏳ Request #1: most of the time to answer is used. "
            "Answer by Nov 27, 2026, 4:00\u202fPM."
        ),
        "breach": (
            "🚨 Request #1 has had no answer in time (due Nov 27, 2026, 4:00\u202fPM). "
            "Assignee: Anna."
        ),
        "reply": "💬 Reply",
    },
    "ru": {
        "warning": (
            "⏳ Заявка #1: время на ответ почти вышло. Ответьте до 27 нояб. 2026\u202fг., 16:00."
        ),
        "breach": (
            "🚨 По заявке #1 не ответили вовремя (срок 27 нояб. 2026\u202fг., 16:00). "
            "Исполнитель: Anna."
        ),
        "reply": "💬 Ответить",
    },
}


@pytest.fixture
def alerts(harness: Harness, fast_sender: OutboundSender) -> SlaAlerts:
    app = harness.app
    return SlaAlerts(fast_sender, app.i18n, app.sessionmaker, app.clock, app.desk)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_assignee_is_warned_and_the_head_of_sales_told_of_a_missed_deadline(
    harness: Harness, clock: FakeClock, alerts: SlaAlerts, language: str
) -> None:
    t = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    helen = await harness.staff(HELEN, Role.HEAD, "Helen", language)
    await filed_inquiry(harness, await russian_client(harness))

    clock.advance(hours=3)  # 75 % of the time used
    assert await alerts.run_once() == 0
    clock.advance(minutes=15)  # 81 %
    assert await alerts.run_once() == 1
    warning = anna.last_text()
    assert warning.startswith(t["warning"] + "\n\n")
    assert "Is it in stock?" in warning
    assert t["reply"] in anna.buttons()
    assert await alerts.run_once() == 0, "once"

    clock.advance(hours=1)  # 16:15: past due
    assert await alerts.run_once() == 1
    assert helen.last_text().startswith(t["breach"] + "\n\n")
    assert anna.last_text() == warning
    assert await alerts.run_once() == 0
