"""Names of the CRM's statuses, segments, sources, stages and kinds, and the answers to
refused CRM input, in the reader's language."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.services.errors import ClientProblem
from bot.storage.enums import (
    ClientStatus,
    ContactKind,
    DealStage,
    LeadSource,
    PaymentHabit,
    Segment,
    TimelineKind,
)


def client_status_name(status: ClientStatus) -> str:
    return {
        ClientStatus.LEAD: _("lead"),
        ClientStatus.PROSPECT: _("prospect"),
        ClientStatus.ACTIVE: _("active"),
        ClientStatus.INACTIVE: _("inactive"),
        ClientStatus.LOST: _("lost"),
    }[status]


def segment_name(segment: str) -> str:
    names = {
        Segment.STANDARD.value: _("standard"),
        Segment.KEY.value: _("key"),
        Segment.VIP.value: _("VIP"),
    }
    return names.get(segment, segment)


def source_name(source: str | None) -> str:
    """A known source by its name in the reader's language; a typed one as it was typed
    (escape it before showing)."""
    if source is None:
        return "—"
    names = {
        LeadSource.EXHIBITION.value: _("exhibition"),
        LeadSource.FAIR.value: _("fair"),
        LeadSource.PRESENTATION.value: _("presentation"),
        LeadSource.ADVERTISING.value: _("advertising"),
        LeadSource.REFERRAL.value: _("referral"),
        LeadSource.COLD_CALL.value: _("cold call"),
        LeadSource.WEBSITE.value: _("website"),
        LeadSource.DEEP_LINK.value: _("link to the bot"),
        LeadSource.OTHER.value: _("other"),
    }
    return names.get(source, source)


def contact_kind_name(kind: ContactKind) -> str:
    return {ContactKind.PHONE: _("phone"), ContactKind.EMAIL: _("e-mail")}[kind]


def payment_name(payment: PaymentHabit) -> str:
    return {
        PaymentHabit.UNKNOWN: _("not known yet"),
        PaymentHabit.ON_TIME: _("pays on time"),
        PaymentHabit.SOMETIMES_LATE: _("sometimes pays late"),
        PaymentHabit.OFTEN_LATE: _("often pays late"),
    }[payment]


def stage_name(stage: DealStage) -> str:
    return {
        DealStage.NEW: _("New"),
        DealStage.QUALIFIED: _("Qualified"),
        DealStage.PROPOSAL: _("Proposal"),
        DealStage.NEGOTIATION: _("Negotiation"),
        DealStage.CONTRACT: _("Contract"),
        DealStage.WON: _("Won"),
        DealStage.LOST: _("Lost"),
    }[stage]


def timeline_kind_name(kind: TimelineKind) -> str:
    return {
        TimelineKind.CREATED: _("Added to the base"),
        TimelineKind.NOTE: _("Note"),
        TimelineKind.MEETING: _("Meeting"),
        TimelineKind.CALL: _("Call"),
        TimelineKind.VISIT: _("Visit"),
        TimelineKind.ONLINE: _("Online meeting"),
        TimelineKind.EDIT: _("Card edited"),
        TimelineKind.STATUS: _("Status changed"),
        TimelineKind.DEAL: _("Deal"),
        TimelineKind.MERGE: _("Merged"),
        TimelineKind.SCORE: _("Reliability score"),
        TimelineKind.REQUEST: _("Request"),
        TimelineKind.MESSAGE: _("Message"),
    }[kind]


def client_problem_text(problem: ClientProblem) -> str:
    """The answer to refused input; the flow then asks the same question again."""
    return {
        ClientProblem.EMPTY: _("This cannot be empty. Please type it."),
        ClientProblem.TOO_LONG: _("This is too long. Please make it shorter."),
        ClientProblem.BAD_PHONE: _(
            "This does not look like a phone number. Type it with the country code, "
            "e.g. +7 912 345-67-89, or as you dial it at home."
        ),
        ClientProblem.BAD_EMAIL: _(
            "This does not look like an e-mail address. Please check it, e.g. name@example.com."
        ),
        ClientProblem.BAD_AMOUNT: _(
            "I could not read the amount. Type a number, optionally with a currency, "
            "e.g. 150 000 or 2500 USD."
        ),
        ClientProblem.BAD_DATE: _(
            "I could not read the date. Type it as 31.12.2026 or pick it in the calendar."
        ),
        ClientProblem.PAST_DATE: _("This day has passed. Please choose today or a later day."),
        ClientProblem.FUTURE_DATE: _(
            "This is still ahead. A note records what has happened; plan it as a next step."
        ),
        ClientProblem.BAD_NUMBER: _("Please type a whole number from 0 to 100."),
        ClientProblem.BAD_CHOICE: _("Please choose one of the buttons."),
        ClientProblem.SAME_CLIENT: _("These are the same client."),
        ClientProblem.NOT_STAFF_OWNER: _("A client can only be handed to a staff member."),
    }[problem]
