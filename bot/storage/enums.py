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
