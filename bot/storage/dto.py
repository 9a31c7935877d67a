"""Plain frozen records that repositories return; ORM objects never leave storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.enums import Role


@dataclass(frozen=True, slots=True)
class UserDTO:
    id: int
    telegram_id: int
    full_name: str | None
    username: str | None
    role: Role
    locale: str
    timezone: str
    consent_given_at: datetime | None
    consent_withdrawn_at: datetime | None
    source: str | None
    created_at: datetime

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None


@dataclass(frozen=True, slots=True)
class InviteDTO:
    id: int
    role: Role
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None
    revoked_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """Still usable: not used, not cancelled, not expired."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class AuditDTO:
    id: int
    actor_id: int | None
    action: str
    entity: str
    entity_id: int | None
    details: str | None
    created_at: datetime
