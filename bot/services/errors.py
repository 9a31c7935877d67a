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
