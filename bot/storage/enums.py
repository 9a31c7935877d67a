"""Values stored in the database; shared by storage and services."""

from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    SPECIALIST = "specialist"
    HEAD = "head_of_sales"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.CLIENT


class RequestKind(StrEnum):
    INQUIRY = "inquiry"
    CLAIM = "claim"


class RequestStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def is_open(self) -> bool:
        """Still being worked on: the client's messages go to it and the SLA runs."""
        return self not in (RequestStatus.RESOLVED, RequestStatus.CLOSED)


OPEN_STATUSES = tuple(status for status in RequestStatus if status.is_open)


class ClaimOutcome(StrEnum):
    """What a client who files a claim wants."""

    REFUND = "refund"
    REPLACEMENT = "replacement"
    REPAIR = "repair"
    OTHER = "other"


class Side(StrEnum):
    """Who wrote a message stored on a request."""

    CLIENT = "client"
    STAFF = "staff"
    DEPARTMENT = "department"


class HandoffStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DONE = "done"


class FeedbackKind(StrEnum):
    CSAT = "csat"
    PRAISE = "praise"
    SUGGESTION = "suggestion"
    COMPLAINT = "complaint"
    NPS = "nps"


class Segment(StrEnum):
    STANDARD = "standard"
    KEY = "key"
    VIP = "vip"


class ClientStatus(StrEnum):
    """Where a contact is on the way from a first meeting to a steady client."""

    LEAD = "lead"
    PROSPECT = "prospect"
    ACTIVE = "active"
    INACTIVE = "inactive"
    LOST = "lost"


class LeadSource(StrEnum):
    """The usual ways a lead comes in; any other source is kept as the text typed."""

    EXHIBITION = "exhibition"
    FAIR = "fair"
    PRESENTATION = "presentation"
    ADVERTISING = "advertising"
    REFERRAL = "referral"
    COLD_CALL = "cold_call"
    WEBSITE = "website"
    DEEP_LINK = "deep_link"
    OTHER = "other"


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"


class PaymentHabit(StrEnum):
    """What the specialist knows of how the client pays; one factor of the reliability score."""

    UNKNOWN = "unknown"
    ON_TIME = "on_time"
    SOMETIMES_LATE = "sometimes_late"
    OFTEN_LATE = "often_late"


class TimelineKind(StrEnum):
    """What a client's timeline entry records. Requests and their messages are read from the
    desk's own tables and shown among these."""

    CREATED = "created"
    NOTE = "note"
    MEETING = "meeting"
    CALL = "call"
    VISIT = "visit"
    ONLINE = "online"
    EDIT = "edit"
    STATUS = "status"
    DEAL = "deal"
    MERGE = "merge"
    SCORE = "score"
    REQUEST = "request"
    MESSAGE = "message"

    @property
    def is_contact(self) -> bool:
        """A conversation with the client: it resets "no contact for N days"."""
        return self in CONTACT_KINDS


CONTACT_KINDS = frozenset(
    {TimelineKind.MEETING, TimelineKind.CALL, TimelineKind.VISIT, TimelineKind.ONLINE}
)
INTERACTION_KINDS = (
    TimelineKind.MEETING,
    TimelineKind.CALL,
    TimelineKind.VISIT,
    TimelineKind.ONLINE,
)


class DealStage(StrEnum):
    NEW = "new"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CONTRACT = "contract"
    WON = "won"
    LOST = "lost"

    @property
    def is_open(self) -> bool:
        return self not in (DealStage.WON, DealStage.LOST)


OPEN_DEAL_STAGES = tuple(stage for stage in DealStage if stage.is_open)


class Recurrence(StrEnum):
    """How a reminder repeats, at the same local time."""

    ONCE = "once"
    DAILY = "daily"
    WORKDAYS = "workdays"  # Monday to Friday
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ReminderStatus(StrEnum):
    PENDING = "pending"  # waiting for its time
    SENDING = "sending"  # claimed by a sender; see RemindersRepository.claim_due
    SENT = "sent"  # delivered, waiting for Done or Snooze
    DONE = "done"
    CANCELLED = "cancelled"


class ReminderOrigin(StrEnum):
    MANUAL = "manual"
    NEXT_STEP = "next_step"  # follows the client card's next step and its day
    NO_CONTACT = "no_contact"  # a nudge: no contact with the client for his segment's days
    DEAL_STUCK = "deal_stuck"  # a nudge: a deal in one stage for longer than it should be
