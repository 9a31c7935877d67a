"""The morning digest as its reader sees it. User content is escaped here."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date, format_time

from bot.render.cards import Reader, excerpt
from bot.services.digest import Digest
from bot.storage.dto import ClientDTO, ReminderDTO

ITEMS_SHOWN = 10
ITEM_TEXT = 120


def digest(item: Digest, reader: Reader, now: datetime) -> str:
    zone = ZoneInfo(reader.timezone)
    day = format_date(now.astimezone(zone).date(), "full", locale=reader.locale)
    lines = [_("☀️ Good morning! Your day, {date}:").format(date=day)]
    if item.today:
        lines += ["", _("⏰ Reminders today:")]
        lines += [_reminder(r, c, reader, with_day=False) for r, c in item.today[:ITEMS_SHOWN]]
        lines += _more(len(item.today))
    if item.unanswered:
        lines += ["", _("⌛ Not done yet:")]
        lines += [_reminder(r, c, reader, with_day=True) for r, c in item.unanswered[:ITEMS_SHOWN]]
        lines += _more(len(item.unanswered))
    if item.open_requests:
        lines += ["", _requests(item, reader, now)]
    if item.silent_clients:
        lines += [
            "",
            ngettext(
                "🔔 {count} client is waiting for contact: /clients → “📋 My clients”.",
                "🔔 {count} clients are waiting for contact: /clients → “📋 My clients”.",
                item.silent_clients,
            ).format(count=item.silent_clients),
        ]
    return "\n".join(lines)


def _requests(item: Digest, reader: Reader, now: datetime) -> str:
    lines = [
        ngettext(
            "📥 {count} open request, nearest deadline first:",
            "📥 {count} open requests, nearest deadline first:",
            item.open_requests,
        ).format(count=item.open_requests)
    ]
    for request in item.requests:
        late = " ⚠️" if request.is_breached(now) else ""
        lines.append(f"• {request.number} · {reader.when(request.resolution_due)}{late}")
    if item.late_requests:
        lines.append(
            ngettext(
                "⚠️ {count} of them is overdue.",
                "⚠️ {count} of them are overdue.",
                item.late_requests,
            ).format(count=item.late_requests)
        )
    lines.append(_("/queue opens them."))
    return "\n".join(lines)


def _reminder(
    item: ReminderDTO, client: ClientDTO | None, reader: Reader, *, with_day: bool
) -> str:
    if with_day:
        when = reader.when(item.due_at)
    else:
        zone = ZoneInfo(reader.timezone)
        when = format_time(item.due_at.astimezone(zone), "short", locale=reader.locale)
    text = excerpt(item.text, ITEM_TEXT) if item.text else _("get in touch")
    line = f"• {when} · {text}"
    if client is not None:
        line += " · " + html.escape(client.title)
    return line


def _more(count: int) -> list[str]:
    if count <= ITEMS_SHOWN:
        return []
    return [_("…and {count} more: /reminders").format(count=count - ITEMS_SHOWN)]
