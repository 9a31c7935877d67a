"""What every timed job that sends messages is made of (reminders, deadline alerts, the
desk's jobs): the outbound sender, translations, the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbound import OutboundSender
from bot.services.clock import Clock


@dataclass
class TimedJob:
    sender: OutboundSender
    i18n: I18n
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
