"""A reminder as its owner reads it, and what it says after Done or Snooze. User content
is escaped here."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from bot.render.cards import Reader, excerpt
from bot.services.errors import ReminderProblem
from bot.storage.dto import ClientDTO, ReminderDTO

TEXT_EXCERPT = 3000


def reminder(item: ReminderDTO, client: ClientDTO | None, reader: Reader, *, late: bool) -> str:
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


def done(item: ReminderDTO, client: ClientDTO | None) -> str:
    return _("✅ Done: {text}").format(text=_subject(item, client))


def snoozed(item: ReminderDTO, client: ClientDTO | None, reader: Reader) -> str:
    return _("💤 {text}\nI will remind you {when}.").format(
        text=_subject(item, client), when=reader.when(item.due_at)
    )


def _subject(item: ReminderDTO, client: ClientDTO | None) -> str:
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
