"""A reminder as its owner reads it, and what it says after Done or Snooze. User content
is escaped here."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.render.cards import Reader, excerpt
from bot.render.crm_labels import stage_name
from bot.services.errors import ReminderProblem
from bot.services.nudges import silent_days
from bot.services.reminders import Due
from bot.storage.dto import ClientDTO, DealDTO, ReminderDTO
from bot.storage.enums import ReminderOrigin

TEXT_EXCERPT = 3000


def reminder(due: Due, reader: Reader, *, now: datetime) -> str:
    item, client = due.reminder, due.client
    if item.origin is ReminderOrigin.NO_CONTACT and client is not None:
        return no_contact(client, now)
    if item.origin is ReminderOrigin.DEAL_STUCK and due.deal is not None and client is not None:
        return deal_stuck(due.deal, client, now)
    late = due.late
    lines = [_("⏰ <b>Reminder</b>"), excerpt(item.text, TEXT_EXCERPT)]
    if client is not None:
        lines.append("👤 " + html.escape(client.title))
    if due.deal is not None:
        lines.append("💼 " + html.escape(due.deal.title))
    if late:
        lines.append(
            _("⌛ It was due {when}: the bot could not send it on time.").format(
                when=reader.when(item.due_at)
            )
        )
    return "\n".join(lines)


def no_contact(client: ClientDTO, now: datetime) -> str:
    days = silent_days(client.last_contact_at or client.created_at, now)
    text = ngettext(
        "🔔 No contact with <b>{client}</b> for {days} day.",
        "🔔 No contact with <b>{client}</b> for {days} days.",
        days,
    )
    return (
        text.format(client=html.escape(client.title), days=days) + "\n" + _("Time to get in touch?")
    )


def deal_stuck(deal: DealDTO, client: ClientDTO, now: datetime) -> str:
    days = silent_days(deal.stage_changed_at, now)
    text = ngettext(
        "💼 The deal “{deal}” with <b>{client}</b> has been at “{stage}” for {days} day.",
        "💼 The deal “{deal}” with <b>{client}</b> has been at “{stage}” for {days} days.",
        days,
    )
    return (
        text.format(
            deal=html.escape(deal.title),
            client=html.escape(client.title),
            stage=stage_name(deal.stage),
            days=days,
        )
        + "\n"
        + _("What is the next move?")
    )


def done(item: ReminderDTO, client: ClientDTO | None) -> str:
    if item.origin is ReminderOrigin.NO_CONTACT:
        return _("🚫 OK: no more nudges about {client} until the next long silence.").format(
            client=html.escape(client.title) if client else "…"
        )
    if item.origin is ReminderOrigin.DEAL_STUCK:
        return _("🚫 OK: no more nudges about this deal until its next stage.")
    return _("✅ Done: {text}").format(text=_subject(item, client))


def snoozed(item: ReminderDTO, client: ClientDTO | None, reader: Reader) -> str:
    return _("💤 {text}\nI will remind you {when}.").format(
        text=_subject(item, client), when=reader.when(item.due_at)
    )


def _subject(item: ReminderDTO, client: ClientDTO | None) -> str:
    if item.origin is ReminderOrigin.DEAL_STUCK:
        return _("Move the deal with {client}").format(
            client=html.escape(client.title) if client else "…"
        )
    if item.origin is ReminderOrigin.NO_CONTACT:
        return _("Get in touch with {client}").format(
            client=html.escape(client.title) if client else "…"
        )
    text = excerpt(item.text, TEXT_EXCERPT)
    return f"{text} · {html.escape(client.title)}" if client is not None else text


def problem_text(problem: ReminderProblem) -> str:
    texts = {
        ReminderProblem.EMPTY: _("What should I remind you of? Please write it in words."),
        ReminderProblem.TOO_LONG: _("This is too long for a reminder: 1,000 characters at most."),
        ReminderProblem.PAST_TIME: _("This time has already passed. Please choose a later one."),
        ReminderProblem.TOO_FAR: _("This is too far ahead: two years at most."),
    }
    return texts[problem]
