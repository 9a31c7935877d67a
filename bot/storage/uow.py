"""Unit of work: one session, the repositories on it; whoever opened it commits
(repositories never do)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.repositories.absences import AbsenceRepository
from bot.storage.repositories.audit import AuditRepository
from bot.storage.repositories.clients import ClientRepository
from bot.storage.repositories.deals import DealRepository
from bot.storage.repositories.feedback import FeedbackRepository, HandoffRepository
from bot.storage.repositories.invites import InviteRepository
from bot.storage.repositories.messages import MessageRepository
from bot.storage.repositories.reminders import ReminderRepository
from bot.storage.repositories.requests import RequestRepository
from bot.storage.repositories.timeline import TimelineRepository
from bot.storage.repositories.users import UserRepository


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.invites = InviteRepository(session)
        self.audit = AuditRepository(session)
        self.requests = RequestRepository(session)
        self.messages = MessageRepository(session)
        self.handoffs = HandoffRepository(session)
        self.feedback = FeedbackRepository(session)
        self.clients = ClientRepository(session)
        self.timeline = TimelineRepository(session)
        self.deals = DealRepository(session)
        self.reminders = ReminderRepository(session)
        self.absences = AbsenceRepository(session)
