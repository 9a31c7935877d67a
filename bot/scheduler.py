"""Timed jobs (APScheduler 3): due reminders, morning digests, "no contact" nudges. They run
in the bot process, or alone in `python -m bot scheduler` beside bot workers that run without
them (SCHEDULER_IN_BOT=false). Jobs call services with a fresh session each; two schedulers
on one database never send a reminder twice (see RemindersRepository.claim_due)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.reminding import ReminderDelivery

logger = logging.getLogger(__name__)

# How often silent clients are looked for: a nudge is about days, minutes don't matter.
NUDGE_MINUTES = 10
# Digests are looked for this often: each goes out within these minutes after 09:00.
DIGEST_MINUTES = 2


def build_scheduler(reminders: ReminderDelivery, interval_seconds: float) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        reminders.run_once,
        "interval",
        seconds=interval_seconds,
        id="reminders",
        # One pass at a time, and none piled up after a slow one; the first runs at once,
        # so reminders missed while the bot was down go out on start.
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        reminders.send_digests,
        "interval",
        minutes=DIGEST_MINUTES,
        id="digests",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        reminders.plan_nudges,
        "interval",
        minutes=NUDGE_MINUTES,
        id="nudges",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    return scheduler
