"""Flow tests: the real Dispatcher from the composition root, a recording fake Bot session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.app import create_app
from bot.config import Settings
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
