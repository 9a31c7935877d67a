"""Names of statuses, kinds and outcomes, and the answers to refused input, in the reader's
language (the locale is set by the middleware, or by `i18n.use_locale` for another person)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.services.desk import DeskConfig
from bot.services.errors import RequestProblem
from bot.storage.enums import ClaimOutcome, FeedbackKind, RequestKind, RequestStatus


def status_name(status: RequestStatus) -> str:
    return {
        RequestStatus.NEW: _("new"),
        RequestStatus.IN_PROGRESS: _("in progress"),
        RequestStatus.WAITING: _("waiting for your reply"),
        RequestStatus.RESOLVED: _("resolved"),
        RequestStatus.CLOSED: _("closed"),
        RequestStatus.REOPENED: _("reopened"),
    }[status]


def staff_status_name(status: RequestStatus) -> str:
    """Staff see "waiting for the client" where the client reads "waiting for your reply"."""
    if status is RequestStatus.WAITING:
        return _("waiting for the client")
    return status_name(status)


def status_action(status: RequestStatus) -> str:
    """A button that moves a request to this status."""
    return {
        RequestStatus.IN_PROGRESS: _("▶️ In progress"),
        RequestStatus.WAITING: _("⏸ Wait for the client"),
        RequestStatus.RESOLVED: _("✅ Resolved"),
        RequestStatus.CLOSED: _("🔒 Close"),
        RequestStatus.REOPENED: _("↩️ Reopen"),
        RequestStatus.NEW: _("new"),
    }[status]


def kind_name(kind: RequestKind) -> str:
    return {RequestKind.INQUIRY: _("Inquiry"), RequestKind.CLAIM: _("Claim")}[kind]


def outcome_name(outcome: ClaimOutcome | str | None) -> str:
    if outcome is None:
        return "—"
    return {
        ClaimOutcome.REFUND: _("Refund"),
        ClaimOutcome.REPLACEMENT: _("Replacement"),
        ClaimOutcome.REPAIR: _("Repair"),
        ClaimOutcome.OTHER: _("Something else"),
    }[ClaimOutcome(outcome)]


def feedback_kind_name(kind: FeedbackKind) -> str:
    return {
        FeedbackKind.CSAT: _("Rating"),
        FeedbackKind.PRAISE: _("Praise"),
        FeedbackKind.SUGGESTION: _("Suggestion"),
        FeedbackKind.COMPLAINT: _("Complaint"),
        FeedbackKind.NPS: _("Recommendation score"),
    }[kind]


def category_name(desk: DeskConfig, key: str, locale: str) -> str:
    category = desk.category(key)
    return category.label(locale) if category else key


def department_name(desk: DeskConfig, key: str, locale: str) -> str:
    department = desk.department(key)
    return department.label(locale) if department else key


def problem_text(problem: RequestProblem, desk: DeskConfig) -> str:
    return {
        RequestProblem.EMPTY: _("Please write a few words: an empty message can't be sent."),
        RequestProblem.TOO_LONG: _("This is too long. Please make it shorter."),
        RequestProblem.UNKNOWN_CATEGORY: _("This topic is no longer available."),
        RequestProblem.TOO_MANY_FILES: _("You can attach at most {count} files.").format(
            count=desk.max_attachments
        ),
        RequestProblem.FILE_TOO_BIG: _("This file is too big: the limit is {size} MB.").format(
            size=desk.max_attachment_bytes // (1024 * 1024)
        ),
        RequestProblem.WRONG_STATUS: _(
            "This can't be done with the request in its current status."
        ),
        RequestProblem.REOPEN_EXPIRED: _(
            "This request can no longer be reopened. Please file a new one."
        ),
        RequestProblem.CLIENT_GONE: _("The client has deleted his data; he can't be reached."),
        RequestProblem.NO_DEPARTMENT: _("This department is no longer available."),
        RequestProblem.BAD_SCORE: _("Please choose one of the offered scores."),
        RequestProblem.UNSUPPORTED: _("This kind of message can't be passed on."),
        RequestProblem.PAST_DUE: _("This moment has already passed. Please pick a later one."),
    }[problem]


def answer_sent(delivered: bool) -> str:
    """What a staff member sees after answering a client."""
    if delivered:
        return _("Sent to the client.")
    return _("Saved on the request; it will be delivered as soon as possible.")
