"""Plain frozen records that repositories return; ORM objects never leave storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.enums import (
    ClientStatus,
    ContactKind,
    DealStage,
    FeedbackKind,
    HandoffStatus,
    PaymentHabit,
    Recurrence,
    ReminderOrigin,
    ReminderStatus,
    RequestKind,
    RequestStatus,
    Role,
    Side,
    TimelineKind,
)


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
    owner_id: int | None = None
    segment: str = "standard"
    unreachable_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return self.full_name or (f"@{self.username}" if self.username else f"#{self.id}")

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


@dataclass(frozen=True, slots=True)
class RequestDTO:
    id: int
    kind: RequestKind
    category: str
    status: RequestStatus
    client_id: int | None
    assignee_id: int | None
    subject: str | None
    wanted: str | None
    order_ref: str | None
    created_at: datetime
    updated_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_response_at: datetime | None
    paused_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    # Held by a deputy under this absence; handed back to the owner when it ends.
    cover_id: int | None = None

    @property
    def number(self) -> str:
        """What people call it in chat and on the phone."""
        return f"#{self.id}"

    def is_breached(self, now: datetime) -> bool:
        """Late on the first answer or on the resolution."""
        # Resolved or closed before anyone wrote: no answer can be late after that moment.
        answered = self.first_response_at or self.resolved_at or self.closed_at or now
        first_late = answered > self.first_response_due
        if not self.status.is_open:
            return first_late or (
                self.resolved_at is not None and self.resolved_at > self.resolution_due
            )
        return first_late or (self.paused_at is None and now > self.resolution_due)


@dataclass(frozen=True, slots=True)
class MessageDTO:
    id: int
    request_id: int
    author_id: int | None
    side: Side
    content_type: str
    text: str | None
    file_id: str | None
    file_size: int | None
    extra: str | None
    media_group_id: str | None
    source_chat_id: int | None
    source_message_id: int | None
    relayed: bool
    delivered_at: datetime | None
    attempts: int
    last_error: str | None
    created_at: datetime

    @property
    def undelivered(self) -> bool:
        return self.relayed and self.delivered_at is None


@dataclass(frozen=True, slots=True)
class EventDTO:
    id: int
    request_id: int
    actor_id: int | None
    action: str
    from_status: RequestStatus | None
    to_status: RequestStatus | None
    comment: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class HandoffDTO:
    id: int
    request_id: int
    department: str
    note: str | None
    due_at: datetime
    status: HandoffStatus
    created_by: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class FeedbackDTO:
    id: int
    client_id: int | None
    request_id: int | None
    kind: FeedbackKind
    score: int | None
    comment: str | None
    created_at: datetime
    escalated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClientDTO:
    id: int
    user_id: int | None
    name: str
    company: str | None
    position: str | None
    telegram_username: str | None
    status: ClientStatus
    segment: str
    owner_id: int | None
    source: str | None
    needs: str | None
    budget_minor: int | None
    budget_currency: str | None
    special_terms: str | None
    competitors: str | None
    payment: PaymentHabit
    score_override: int | None
    score_reason: str | None
    next_step: str | None
    next_step_at: datetime | None
    last_contact_at: datetime | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def title(self) -> str:
        """How lists and buttons name him: "Name · Company"."""
        return f"{self.name} · {self.company}" if self.company else self.name


@dataclass(frozen=True, slots=True)
class ContactDTO:
    id: int
    client_id: int
    kind: ContactKind
    value: str
    normalized: str


@dataclass(frozen=True, slots=True)
class TimelineDTO:
    """One line of a client's timeline. Entries read from requests and their messages carry
    `request_id` and an id that is unique only within their kind (see
    `TimelineRepository.page` for which fields they fill)."""

    id: int
    client_id: int
    kind: TimelineKind
    author_id: int | None
    happened_at: datetime
    text: str | None
    outcome: str | None = None
    next_step: str | None = None
    next_step_at: datetime | None = None
    file_id: str | None = None
    file_kind: str | None = None
    details: str | None = None
    request_id: int | None = None


@dataclass(frozen=True, slots=True)
class DealDTO:
    id: int
    client_id: int
    owner_id: int | None
    title: str
    amount_minor: int | None
    currency: str
    stage: DealStage
    lost_reason: str | None
    expected_close: date | None
    probability: int | None
    special_terms: str | None
    stage_changed_at: datetime
    created_at: datetime
    updated_at: datetime
    next_step: str | None = None
    next_step_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReminderDTO:
    id: int
    owner_id: int
    client_id: int | None
    text: str
    due_at: datetime
    recurrence: Recurrence
    status: ReminderStatus
    origin: ReminderOrigin
    sent_at: datetime | None
    late: bool
    message_id: int | None
    created_at: datetime
    deal_id: int | None = None


@dataclass(frozen=True, slots=True)
class AbsenceDTO:
    id: int
    user_id: int
    deputy_id: int
    starts_at: datetime
    ends_at: datetime
    created_by: int | None
    created_at: datetime
    cancelled_at: datetime | None
    started_at: datetime | None
    handed_back_at: datetime | None

    def is_on(self, now: datetime) -> bool:
        """He is away right now (a cancelled absence never is)."""
        return self.cancelled_at is None and self.starts_at <= now < self.ends_at
