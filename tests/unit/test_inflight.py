"""Shutdown waits for updates in flight, but only as long as it was told to."""

from __future__ import annotations

import asyncio

from aiogram.types import Update

from bot.middlewares.inflight import InFlightTracker


async def test_waiting_is_bounded_and_ends_when_updates_finish() -> None:
    tracker = InFlightTracker()
    release = asyncio.Event()

    async def handler(_event: object, _data: dict) -> None:
        await release.wait()

    running = asyncio.create_task(tracker(handler, Update(update_id=41), {}))
    await asyncio.sleep(0)  # let the update start
    assert tracker.count == 1 and tracker.last_update_id == 41
    assert not await tracker.wait_idle(0), "a stuck update does not hold shutdown forever"

    release.set()
    await running
    assert await tracker.wait_idle(0)
    assert tracker.count == 0
