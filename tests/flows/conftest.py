"""Flow tests: the real Dispatcher from the composition root, a recording fake Bot session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.app import create_app, marks_unreachable
from bot.config import Settings
from bot.outbound import Limits, OutboundSender
from bot.runtime import prepare
from bot.services.desk import Department, Label, load_desk_config
from tests.support.clock import FakeClock
from tests.support.harness import Harness
from tests.support.recording_session import RecordingSession

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


@pytest.fixture
async def harness(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    session = RecordingSession()
    app = create_app(settings, bot_session=session, clock=clock, desk=DESK)
    await prepare(app)
    session.clear()
    try:
        yield Harness(app, session)
    finally:
        await app.close()


@pytest.fixture
async def fast_sender(harness: Harness) -> AsyncIterator[OutboundSender]:
    """The bot's outbound sender with limits no test reaches: the pacing itself is tested
    in tests/unit/test_outbound.py, and flows never wait for real time."""
    app = harness.app
    fast = Limits(per_bot_per_second=1000, per_private_chat_per_second=1000)
    sender = OutboundSender(
        app.bot, on_unreachable=marks_unreachable(app.sessionmaker, app.clock), limits=fast
    )
    sender.start()
    try:
        yield sender
    finally:
        await sender.stop()
