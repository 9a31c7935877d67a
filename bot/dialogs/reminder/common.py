"""What the reminder dialogs share: the keys of their data, the quick times offered, and
the labels of repetitions."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager

from bot.dialogs.context import actor, clock
from bot.services import reminders
from bot.storage.enums import Recurrence

TEXT, CLIENT_ID, TITLE, AT, DAY, REPEAT, PAGE, ITEM, SNOOZE_OF = (
    "text",
    "client_id",
    "title",
    "at",
    "day",
    "repeat",
    "page",
    "item",
    "snooze_of",  # the reminder this dialog snoozes instead of setting a new one
)
IN_AN_HOUR, TOMORROW, MONDAY = "hour", "tomorrow", "monday"


def quick_times(manager: DialogManager) -> dict[str, datetime]:
    """The times one tap away: in an hour, tomorrow at 9:00, Monday at 9:00."""
    now, zone = clock(manager).now(), actor(manager).timezone
    return {
        IN_AN_HOUR: (now + timedelta(hours=1)).replace(second=0, microsecond=0),
        TOMORROW: reminders.tomorrow_morning(now, zone),
        MONDAY: reminders.next_monday_morning(now, zone),
    }


def quick_labels() -> list[tuple[str, str]]:
    return [
        (IN_AN_HOUR, _("In 1 hour")),
        (TOMORROW, _("Tomorrow 9:00")),
        (MONDAY, _("Monday 9:00")),
    ]


def repeat_name(recurrence: Recurrence) -> str:
    names = {
        Recurrence.ONCE: _("once"),
        Recurrence.DAILY: _("every day"),
        Recurrence.WORKDAYS: _("on working days"),
        Recurrence.WEEKLY: _("every week"),
        Recurrence.MONTHLY: _("every month"),
    }
    return names[recurrence]
