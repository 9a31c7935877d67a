"""A saved meeting or call note as its author reads it back. User content is escaped here."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.render.cards import Reader, excerpt
from bot.render.crm_labels import timeline_kind_name
from bot.services.crm.notes import AttachmentKind
from bot.storage.dto import ClientDTO, TimelineDTO

SUMMARY_EXCERPT = 1000


def saved_note(entry: TimelineDTO, client: ClientDTO, reader: Reader) -> str:
    lines = [
        _("✅ Saved: {kind} · {client}").format(
            kind=timeline_kind_name(entry.kind), client=f"<b>{html.escape(client.title)}</b>"
        ),
        "🕒 " + reader.when(entry.happened_at),
    ]
    if entry.text:
        lines.append(excerpt(entry.text, SUMMARY_EXCERPT))
    if entry.file_kind == AttachmentKind.VOICE:
        lines.append(_("🎙 Voice message attached"))
    elif entry.file_kind == AttachmentKind.PHOTO:
        lines.append(_("📷 Photo attached"))
    if entry.outcome:
        lines.append(_("🎯 Outcome: {text}").format(text=excerpt(entry.outcome, SUMMARY_EXCERPT)))
    if entry.next_step:
        step = excerpt(entry.next_step, SUMMARY_EXCERPT)
        if entry.next_step_at is not None:
            step += " · " + day(entry, reader)
        lines.append(_("➡️ Next step: {step}").format(step=step))
    return "\n".join(lines)


def day(entry: TimelineDTO, reader: Reader) -> str:
    """The next step's day: the step is planned for a day, its hour is only a default."""
    assert entry.next_step_at is not None
    local = entry.next_step_at.astimezone(ZoneInfo(reader.timezone))
    return format_date(local, "medium", locale=reader.locale)
