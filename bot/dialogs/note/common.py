"""What the steps of the note flow share: the keys of its data, the day and time as the
specialist sees them, and the line naming the client and the kind of contact."""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram_dialog import DialogManager

from bot.render.crm_labels import timeline_kind_name
from bot.services.actors import Actor
from bot.storage.enums import TimelineKind

CLIENT_ID, TITLE, QUERY, KIND, DAY, AT = "client_id", "title", "query", "kind", "day", "at"
TEXT, FILE_ID, FILE_KIND, OUTCOME, NEXT_STEP = "text", "file_id", "file_kind", "outcome", "next"
NOW, TODAY, YESTERDAY = "now", "today", "yesterday"
KIND_EMOJI = {
    TimelineKind.MEETING: "🤝",
    TimelineKind.CALL: "📞",
    TimelineKind.VISIT: "🚗",
    TimelineKind.ONLINE: "💻",
    TimelineKind.NOTE: "📝",
}


def actor_of(manager: DialogManager) -> Actor:
    return manager.middleware_data["actor"]


def zone_of(manager: DialogManager) -> ZoneInfo:
    return ZoneInfo(actor_of(manager).timezone)


def now_of(manager: DialogManager) -> datetime:
    return manager.middleware_data["clock"].now()


def today_of(manager: DialogManager) -> date:
    return now_of(manager).astimezone(zone_of(manager)).date()


def kind_of(manager: DialogManager) -> TimelineKind:
    return TimelineKind(manager.dialog_data[KIND])


def header(manager: DialogManager) -> str:
    title = f"<b>{html.escape(manager.dialog_data.get(TITLE, ''))}</b>"
    if manager.dialog_data.get(KIND):
        kind = kind_of(manager)
        return f"{title} · {KIND_EMOJI[kind]} {timeline_kind_name(kind)}"
    return title
