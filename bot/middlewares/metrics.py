"""Prometheus metrics of update handling, served at GET /metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bot.middlewares.inflight import InFlightTracker


class UpdateMetrics(BaseMiddleware):
    """Sits inside aiogram's errors middleware, so it sees the exceptions handlers raise."""

    def __init__(self, registry: CollectorRegistry, inflight: InFlightTracker) -> None:
        self.registry = registry
        self._updates = Counter(
            "clientdesk_updates", "Updates handled, by type", ["type"], registry=registry
        )
        self._errors = Counter(
            "clientdesk_update_errors", "Updates whose handler raised", ["type"], registry=registry
        )
        self._duration = Histogram(
            "clientdesk_update_duration_seconds",
            "Time to handle one update, database work and Bot API calls included",
            registry=registry,
        )
        in_flight = Gauge(
            "clientdesk_updates_in_flight", "Updates being handled now", registry=registry
        )
        in_flight.set_function(lambda: inflight.count)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        try:
            return await handler(event, data)
        except Exception:
            self._errors.labels(kind).inc()
            raise
        finally:
            self._updates.labels(kind).inc()
            self._duration.observe(time.perf_counter() - started)
