"""Flow tests: the real Dispatcher from the composition root, a recording fake Bot session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest

from bot.app import create_app
from bot.config import Settings
from bot.outbound import Limits, OutboundSender
from bot.runtime import prepare
from bot.services.desk import Department, Label, load_desk_config
from bot.storage.enums import Role
from tests.support.clock import FakeClock
from tests.support.harness import Harness, Person
from tests.support.recording_session import RecordingSession
from tests.support.virtual_time import virtual_time

ANNA, MARIA = 2001, 3001  # a specialist and a client
QUALITY_CHAT = -100500
LOGISTICS_MANAGER = 5500  # a department that is one person, in his private chat
# The default desk (categories, SLA, Mon–Fri 09:00–18:00 Moscow) plus two departments.
DESK = replace(
    load_desk_config(timezone="Europe/Moscow"),
    departments=(
        Department("quality", Label("Отдел качества", "Quality department"), QUALITY_CHAT),
        Department("logistics", Label("Логистика", "Logistics"), LOGISTICS_MANAGER),
    ),
)


# What Maria's name is and what she presses to ask about a product, per language.
INQUIRY = {
    "en": {"maria": "Maria", "product": "Product", "send": "📨 Send"},
    "ru": {"maria": "Мария", "product": "Товар", "send": "📨 Отправить"},
}


async def with_open_inquiry(harness: Harness, language: str = "en") -> tuple[Person, Person]:
    """Anna, the only specialist, speaks the client's language; Maria asks about a product."""
    labels = INQUIRY[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language=language)
    maria = harness.person(MARIA, first_name=labels["maria"], language_code=language)
    await maria.become_client(language)
    await maria.send("/ask")
    await maria.press(labels["product"])
    await maria.send("First question")
    await maria.press(labels["send"])
    return anna, maria


# Limits no flow reaches: the pacing itself is tested in tests/unit/test_outbound.py, and flows
# on pytest-asyncio's loops never wait for real time (those that need Telegram's own limits run
# on virtual time, see tests/flows/test_outbound_routing.py).
FAST = Limits(
    per_bot_per_second=1000, per_private_chat_per_second=1000, per_group_per_minute=60_000
)


@asynccontextmanager
async def open_harness(
    settings: Settings, clock: FakeClock, sender_limits: Limits | None = FAST
) -> AsyncIterator[Harness]:
    """The app from the composition root, prepared, its outbound sender running (as the
    bot's start-up hook would start it), on a recording fake Bot session."""
    session = RecordingSession()
    app = create_app(
        settings, bot_session=session, clock=clock, desk=DESK, sender_limits=sender_limits
    )
    await prepare(app)
    session.clear()
    app.sender.start()
    try:
        yield Harness(app, session)
    finally:
        await app.sender.stop()
        await app.close()


Story = Callable[[Harness, str], Coroutine[Any, Any, None]]


def on_virtual_time(sender_limits: Limits | None = FAST) -> Callable[[Story], Any]:
    """Runs a story `(harness, language)` on an event loop with virtual time, for what the
    outbound sender waits out (its pacing, a 429's retry_after, backoff between retries):
    `sender_limits=None` keeps Telegram's own limits. The harness is opened inside that loop,
    so the story takes no async fixture."""

    def wrap(story: Story) -> Any:
        async def run(settings: Settings, clock: FakeClock, language: str) -> None:
            async with open_harness(settings, clock, sender_limits) as harness:
                await story(harness, language)

        run.__name__, run.__doc__ = story.__name__, story.__doc__
        return virtual_time(threads=True)(run)

    return wrap


@pytest.fixture
async def harness(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    async with open_harness(settings, clock) as harness:
        yield harness


@pytest.fixture
def fast_sender(harness: Harness) -> OutboundSender:
    """The bot's outbound sender, with limits no test reaches (FAST)."""
    return harness.app.sender
