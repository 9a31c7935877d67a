"""What each window of the reminder dialogs shows. User content is escaped here."""

from __future__ import annotations

import html
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager
from babel.dates import format_date, format_time

from bot.dialogs.context import actor, clock, uow
from bot.dialogs.reminder.common import (
    AT,
    DAY,
    ITEM,
    PAGE,
    REPEAT,
    SNOOZE_OF,
    TEXT,
    TITLE,
    quick_labels,
    repeat_name,
)
from bot.render.cards import Reader, excerpt
from bot.services import reminders
from bot.services.errors import NotAllowed
from bot.storage.enums import Recurrence, ReminderStatus

# Hours offered for a day picked on the calendar.
HOURS = range(7, 22)
BUTTON_TEXT = 40


def _subject(manager: DialogManager) -> str:
    data = manager.dialog_data
    line = "⏰ <b>" + excerpt(data.get(TEXT, ""), 500) + "</b>"
    if data.get(TITLE):
        line += "\n👤 " + html.escape(data[TITLE])
    return line


def _common() -> dict[str, Any]:
    return {"cancel": _("Cancel"), "back": _("⬅️ Back")}


async def text_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    title = dialog_manager.dialog_data.get(TITLE)
    text = _("⏰ What should I remind you of?")
    if title:
        text = "👤 " + html.escape(title) + "\n" + text
    return {"text": text, **_common()}


async def when_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    text = (
        _subject(dialog_manager)
        + "\n"
        + _(
            "When? Type it as you would say it: “tomorrow at 10”, “in 2 hours”, “Friday "
            "morning”, “28.11 14:00”, or choose below."
        )
    )
    return {
        "text": text,
        "quick": quick_labels(),
        "pick_day": _("📅 Pick a day"),
        **_common(),
    }


async def day_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {"text": _subject(dialog_manager) + "\n" + _("Which day?"), **_common()}


async def hour_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    who = actor(dialog_manager)
    zone = ZoneInfo(who.timezone)
    chosen = date.fromisoformat(dialog_manager.dialog_data[DAY])
    now = clock(dialog_manager).now()
    hours = [
        (str(hour), format_time(time(hour), "short", locale=who.locale))
        for hour in HOURS
        if datetime.combine(chosen, time(hour), tzinfo=zone) > now
    ]
    day = format_date(chosen, "full", locale=who.locale)
    text = _subject(dialog_manager) + "\n" + _("{day}: at what time?").format(day=day)
    return {"text": text, "hours": hours, **_common()}


async def confirm_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    who = actor(dialog_manager)
    when = Reader.of(who).when(datetime.fromisoformat(data[AT]))
    repeat = repeat_name(Recurrence(data.get(REPEAT, Recurrence.ONCE.value)))
    snoozing = bool(data.get(SNOOZE_OF))
    lines = [_subject(dialog_manager), "🕒 " + when]
    if not snoozing:
        lines.append("🔁 " + repeat)
    lines.append(_("Is that right?"))
    text = "\n".join(lines)
    return {
        "text": text,
        "confirm": _("✅ Confirm"),
        "quick": quick_labels(),
        "other": _("📅 Other time"),
        "repeat_button": _("🔁 Repeat"),
        "may_repeat": not snoozing,
        **_common(),
    }


async def repeat_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {
        "text": _subject(dialog_manager) + "\n" + _("How often?"),
        "repeats": [(item.value, repeat_name(item).capitalize()) for item in Recurrence],
        **_common(),
    }


async def list_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    who = actor(dialog_manager)
    page = int(dialog_manager.dialog_data.get(PAGE, 0))
    items, total = await reminders.active(uow(dialog_manager), who, page)
    reader = Reader.of(who)
    if total:
        text = _("⏰ Your reminders ({count}), soonest first:").format(count=total)
    else:
        text = _(
            "⏰ You have no reminders. Set one: “➕ New reminder”, or /remind tomorrow 10 "
            "call Ivan."
        )
    buttons = [
        (str(item.id), f"{reader.when(item.due_at)} · {_short(item.text)}") for item in items
    ]
    return {
        "text": text,
        "items": buttons,
        "new": _("➕ New reminder"),
        "older": _("Later ▶️"),
        "newer": _("◀️ Sooner"),
        "has_newer": page > 0,
        "has_older": (page + 1) * reminders.PAGE < total,
        "close": _("Close"),
    }


async def item_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    who = actor(dialog_manager)
    try:
        item = await reminders.mine(uow(dialog_manager), who, int(dialog_manager.dialog_data[ITEM]))
    except (NotAllowed, KeyError, ValueError):
        return {
            "text": _("This reminder is no longer there."),
            "sent": False,
            "exists": False,
            "done": "",
            "delete": "",
            **_common(),
        }
    lines = ["⏰ <b>" + excerpt(item.text, 3000) + "</b>"]
    if item.client_id is not None:
        client = await uow(dialog_manager).clients.get(item.client_id)
        if client is not None:
            lines.append("👤 " + html.escape(client.title))
    lines.append("🕒 " + Reader.of(who).when(item.due_at))
    lines.append("🔁 " + repeat_name(item.recurrence))
    return {
        "text": "\n".join(lines),
        "sent": item.status is ReminderStatus.SENT,
        "exists": True,
        "done": _("✅ Done"),
        "delete": _("🗑 Delete"),
        **_common(),
    }


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BUTTON_TEXT else text[: BUTTON_TEXT - 1].rstrip() + "…"
