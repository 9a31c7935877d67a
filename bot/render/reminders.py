"""A reminder as its owner reads it, and what it says after Done or Snooze. User content
is escaped here."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.render.cards import Reader, excerpt
from bot.services.errors import ReminderProblem
from bot.services.nudges import silent_days
from bot.storage.dto import ClientDTO, ReminderDTO
from bot.storage.enums import ReminderOrigin

TEXT_EXCERPT = 3000


def reminder(
    item: ReminderDTO, client: ClientDTO | None, reader: Reader, *, late: bool, now: datetime
) -> str:
    if item.origin is ReminderOrigin.NO_CONTACT and client is not None:
        return no_contact(client, now)
    lines = [_("⏰ <b>Reminder</b>"), excerpt(item.text, TEXT_EXCERPT)]
    if client is not None:
        lines.append("👤 " + html.escape(client.title))
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


def done(item: ReminderDTO, client: ClientDTO | None) -> str:
    if item.origin is ReminderOrigin.NO_CONTACT:
        return _("🚫 OK: no more nudges about {client} until the next long silence.").format(
            client=html.escape(client.title) if client else "…"
        )
    return _("✅ Done: {text}").format(text=_subject(item, client))


def snoozed(item: ReminderDTO, client: ClientDTO | None, reader: Reader) -> str:
    return _("💤 {text}\nI will remind you {when}.").format(
        text=_subject(item, client), when=reader.when(item.due_at)
    )


def _subject(item: ReminderDTO, client: ClientDTO | None) -> str:
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
