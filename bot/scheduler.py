"""Timed jobs (APScheduler 3): reminders, digests, nudges, request deadlines, absence cover.
They run in the bot process, or alone in `python -m bot scheduler` beside bot workers that run
without them (SCHEDULER_IN_BOT=false). Jobs call services with a fresh session each; two schedulers
on one database never send a reminder twice (see RemindersRepository.claim_due)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.absence_cover import AbsenceCover
from bot.outbound import OutboundSender
from bot.reminding import ReminderDelivery
from bot.request_jobs import RequestJobs
from bot.sla_alerts import SlaAlerts

logger = logging.getLogger(__name__)

# How often silent clients are looked for: a nudge is about days, minutes don't matter.
NUDGE_MINUTES = 10
# Digests are looked for this often: each goes out within these minutes after 09:00.
DIGEST_MINUTES = 2
# Requests' deadlines are checked this often.
SLA_SECONDS = 60
# Waiting-for-client reminders, closing expired resolved requests, NPS questions.
REQUEST_JOBS_MINUTES = 5
# Absences begin and end at midnight: their cover is taken up and given back within this.
ABSENCE_SECONDS = 60


def build_scheduler(
    reminders: ReminderDelivery,
    sla_alerts: SlaAlerts,
    request_jobs: RequestJobs,
    absence_cover: AbsenceCover,
    interval_seconds: float,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs = (
        ("reminders", reminders.run_once, interval_seconds),
        ("digests", reminders.send_digests, DIGEST_MINUTES * 60),
        ("nudges", reminders.plan_nudges, NUDGE_MINUTES * 60),
        ("sla", sla_alerts.run_once, SLA_SECONDS),
        ("requests", request_jobs.run_once, REQUEST_JOBS_MINUTES * 60),
        ("absences", absence_cover.run_once, ABSENCE_SECONDS),
    )
    for job_id, job, seconds in jobs:
        scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            id=job_id,
            # One run at a time, and none piled up after a slow one; the first runs at
            # once, so what fell due while the bot was down goes out on start.
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
    return scheduler


class TimedJobs:
    """The jobs, their scheduler and the sender they share, started and stopped together:
    in the bot's start-up and shutdown hooks, or by `python -m bot scheduler`."""

    def __init__(
        self,
        sender: OutboundSender,
        reminders: ReminderDelivery,
        sla_alerts: SlaAlerts,
        request_jobs: RequestJobs,
        absence_cover: AbsenceCover,
        *,
        interval_seconds: float,
        grace_seconds: float,
    ) -> None:
        self._sender = sender
        self._reminders = reminders
        self._scheduler = build_scheduler(
            reminders, sla_alerts, request_jobs, absence_cover, interval_seconds
        )
        self._grace = grace_seconds

    def start(self) -> None:
        self._sender.start()
        self._scheduler.start()

    async def stop(self) -> None:
        """The running reminder pass finishes first (it marks what it sent), then the
        scheduler stops, then the sender gets the grace to send what is queued; what it
        cannot is sent after the restart: reminders stay owed in the database."""
        await self._reminders.close(self._grace)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        await self._sender.stop(timeout=self._grace)
