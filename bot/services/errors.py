"""Errors services raise; handlers turn them into localized answers."""

from __future__ import annotations

from enum import StrEnum


class NotAllowed(Exception):
    """This actor may not do this; the answer must reveal nothing about the record."""


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ALREADY_STAFF = "already_staff"


class InviteRejected(Exception):
    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class RequestProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNKNOWN_CATEGORY = "unknown_category"
    TOO_MANY_FILES = "too_many_files"
    FILE_TOO_BIG = "file_too_big"
    WRONG_STATUS = "wrong_status"
    REOPEN_EXPIRED = "reopen_expired"
    CLIENT_GONE = "client_gone"
    NO_DEPARTMENT = "no_department"
    BAD_SCORE = "bad_score"
    UNSUPPORTED = "unsupported"
    PAST_DUE = "past_due"


class RequestRejected(Exception):
    """The request cannot take this input or step; the problem says which answer to give."""

    def __init__(self, problem: RequestProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class ClientProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_PHONE = "bad_phone"
    BAD_EMAIL = "bad_email"
    BAD_AMOUNT = "bad_amount"
    BAD_DATE = "bad_date"
    PAST_DATE = "past_date"
    FUTURE_DATE = "future_date"
    BAD_NUMBER = "bad_number"
    BAD_CHOICE = "bad_choice"
    SAME_CLIENT = "same_client"
    NOT_STAFF_OWNER = "not_staff_owner"


class ClientRejected(Exception):
    """CRM input that cannot be taken; the problem says which answer to give, and the
    question is asked again."""

    def __init__(self, problem: ClientProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class ReminderProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    PAST_TIME = "past_time"
    TOO_FAR = "too_far"


class ReminderRejected(Exception):
    """A reminder that cannot be set; the problem says which answer to give."""

    def __init__(self, problem: ReminderProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class AbsenceProblem(StrEnum):
    PAST_DAY = "past_day"
    ENDS_BEFORE_START = "ends_before_start"
    TOO_LONG = "too_long"
    OVERLAP = "overlap"
    SELF_DEPUTY = "self_deputy"
    DEPUTY_AWAY = "deputy_away"
    COVERING = "covering"


class AbsenceRejected(Exception):
    """An absence that cannot be set; the problem says which answer to give."""

    def __init__(self, problem: AbsenceProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem
