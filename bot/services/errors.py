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
