"""Stopping the bot: updates in flight finish before the FSM storage is closed."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Update

from bot.app import create_app
from bot.config import Settings
from bot.runtime import prepare
from tests.support.clock import FakeClock
from tests.support.recording_session import RecordingSession


class SlowTelegram(RecordingSession):
    """Holds every sendMessage until the test lets it through."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()
        self.release = asyncio.Event()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendMessage):
            self.sending.set()
            await self.release.wait()
        return await super().make_request(bot, method, timeout)


async def test_storage_is_closed_only_after_the_update_in_flight(
    settings: Settings, clock: FakeClock
) -> None:
    session = SlowTelegram()
    app = create_app(settings, bot_session=session, clock=clock)
    session.release.set()
    await prepare(app)
    session.release.clear()

    in_flight_at_close: list[int] = []
    real_close = app.storage.close

    async def close() -> None:
        in_flight_at_close.append(app.inflight.count)
        await real_close()

    app.storage.close = close  # type: ignore[method-assign]
    update = Update.model_validate(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1_790_000_000,
                "chat": {"id": 77, "type": "private", "first_name": "Ivan"},
                "from": {"id": 77, "is_bot": False, "first_name": "Ivan", "language_code": "en"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        },
        context={"bot": app.bot},
    )
    handling = asyncio.create_task(app.dispatcher.feed_update(app.bot, update))
    await session.sending.wait()

    stopping = asyncio.create_task(app.dispatcher.emit_shutdown(bot=app.bot))
    await asyncio.sleep(0)  # let shutdown start while the reply is still on its way
    assert not stopping.done()
    session.release.set()
    await asyncio.gather(handling, stopping)
    await app.close()

    assert in_flight_at_close[0] == 0, "the storage closed under a running handler"
    assert [c.method for c in session.calls if c.method == "SendMessage"] == ["SendMessage"]
