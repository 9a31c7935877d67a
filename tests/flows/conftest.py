"""Flow tests: the real Dispatcher from the composition root, a recording fake Bot session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import create_app
from bot.config import Settings
from bot.runtime import prepare
from tests.support.clock import FakeClock
from tests.support.harness import Harness
from tests.support.recording_session import RecordingSession


@pytest.fixture
async def harness(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    session = RecordingSession()
    app = create_app(settings, bot_session=session, clock=clock)
    await prepare(app)
    session.clear()
    try:
        yield Harness(app, session)
    finally:
        await app.close()
