"""The desk on its own as time passes: a client whose answer a request waits for is reminded
once after 2 working days, a resolved request closes when its reopen window has passed,
and a client is asked for NPS 30 days after his first resolved request, then at most once
in 90 days."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.outbound import OutboundSender
from bot.request_jobs import RequestJobs
from bot.services import lifecycle
from bot.storage.enums import RequestStatus, Role
from bot.storage.models import Request
from bot.storage.repositories.requests import to_dto
from bot.storage.uow import UnitOfWork
from tests.flows.test_specialist_desk import filed_inquiry
from tests.support.clock import FakeClock
from tests.support.harness import Harness, Person

ANNA = 2201
# Friday 27 November, 12:00 in Moscow; working hours 09:00–18:00 on weekdays.
TEXT = {
    "en": {
        "waiting": (
            "⏳ Request #1 is waiting for your answer. Please write here: your message goes "
            "to the specialist."
        ),
        "nps": (
            "How likely are you to recommend us to a friend or colleague? "
            "0 is not at all, 10 is certainly."
        ),
    },
    "ru": {
        "waiting": (
            "⏳ Заявка #1 ждёт вашего ответа. Напишите здесь: сообщение получит специалист."
        ),
        "nps": (
            "Насколько вероятно, что вы порекомендуете нас другу или коллеге? "
            "0 — точно нет, 10 — обязательно порекомендую."
        ),
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


@pytest.fixture
def jobs(harness: Harness, fast_sender: OutboundSender) -> RequestJobs:
    app = harness.app
    return RequestJobs(fast_sender, app.i18n, app.sessionmaker, app.clock, app.desk)


async def a_client_with_a_request(harness: Harness, language: str) -> Person:
    await harness.staff(ANNA, Role.SPECIALIST, "Anna")
    maria = harness.person(3101, first_name="Maria", language_code=language)
    await maria.become_client(language)
    await filed_inquiry(harness, maria)
    return maria


async def set_status(harness: Harness, status: RequestStatus) -> None:
    app = harness.app
    async with app.sessionmaker() as session, session.begin():
        request = to_dto(await session.scalar(select(Request)))
        await lifecycle.apply_status(
            UnitOfWork(session), app.clock, app.desk, request, status, by=None, comment=None
        )


async def stored_status(harness: Harness) -> str:
    async with harness.app.sessionmaker() as session:
        return str(await session.scalar(select(Request.status)))


@LANGUAGES
async def test_a_client_whose_answer_is_awaited_is_reminded_once_after_two_working_days(
    harness: Harness, clock: FakeClock, jobs: RequestJobs, language: str
) -> None:
    maria = await a_client_with_a_request(harness, language)
    await set_status(harness, RequestStatus.WAITING)

    clock.advance(days=3, hours=23, minutes=59)  # Tuesday 11:59: 17 h 59 min of work
    assert await jobs.run_once() == 0
    clock.advance(minutes=2)
    assert await jobs.run_once() == 1
    assert maria.last_text() == TEXT[language]["waiting"]
    assert await jobs.run_once() == 0, "once per wait"


@LANGUAGES
async def test_a_resolved_request_closes_itself_after_the_reopen_window(
    harness: Harness, clock: FakeClock, jobs: RequestJobs, language: str
) -> None:
    maria = await a_client_with_a_request(harness, language)
    await set_status(harness, RequestStatus.RESOLVED)
    told = len(maria.texts())

    clock.advance(days=7)
    await jobs.run_once()
    assert await stored_status(harness) == "resolved"
    clock.advance(minutes=1)
    await jobs.run_once()

    assert await stored_status(harness) == "closed"
    assert len(maria.texts()) == told, "closing after the window says nothing new"


@LANGUAGES
async def test_nps_is_asked_30_days_after_the_first_resolved_request_then_every_90(
    harness: Harness, clock: FakeClock, jobs: RequestJobs, language: str
) -> None:
    maria = await a_client_with_a_request(harness, language)
    await set_status(harness, RequestStatus.RESOLVED)

    clock.advance(days=29)
    await jobs.run_once()
    assert TEXT[language]["nps"] not in maria.texts()
    clock.advance(days=1, minutes=1)
    await jobs.run_once()
    assert maria.last_text() == TEXT[language]["nps"]
    assert maria.buttons() == [str(score) for score in range(11)]

    asked = maria.texts().count(TEXT[language]["nps"])
    clock.advance(days=89)
    await jobs.run_once()
    assert maria.texts().count(TEXT[language]["nps"]) == asked
    clock.advance(days=1, minutes=1)
    await jobs.run_once()
    assert maria.texts().count(TEXT[language]["nps"]) == asked + 1
