"""What each window of the note flow shows."""

from __future__ import annotations

import html
from datetime import date, time
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager
from babel.dates import format_date, format_time

from bot.dialogs.note.common import (
    DAY,
    KIND_EMOJI,
    NEXT_STEP,
    NOW,
    QUERY,
    TODAY,
    YESTERDAY,
    actor_of,
    header,
    now_of,
    today_of,
    zone_of,
)
from bot.keyboards import notes as kb
from bot.render.crm_labels import timeline_kind_name
from bot.services.actors import Actor
from bot.services.crm import notes, search

# Hours offered for a past day: a working day with some room on both ends.
HOURS = range(7, 22)


async def client_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    actor: Actor = data["actor"]
    query = dialog_manager.dialog_data.get(QUERY)
    if query:
        found = await search.find(data["uow"], actor, query, region=data["settings"].default_region)
        text = (
            _("Found for “{query}”: pick the client, or type another search.")
            if found
            else _("Nobody found for “{query}”. Type another name, company, phone or e-mail.")
        ).format(query=html.escape(query))
    else:
        found = await notes.recent_clients(data["uow"], actor)
        text = (
            _("📝 Whose note is it? Pick a recent client or type a name, company or phone.")
            if found
            else _("📝 Whose note is it? Type a name, company or phone to find the client.")
        )
    return {
        "text": text,
        "clients": [(str(client.id), kb.button_title(client)) for client in found],
        "searching": bool(query),
        "recent": _("⬅️ Recent clients"),
        "cancel": _("Cancel"),
    }


async def kind_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {
        "text": header(dialog_manager) + "\n" + _("What was it?"),
        "kinds": [
            (kind.value, f"{KIND_EMOJI[kind]} {timeline_kind_name(kind)}")
            for kind in notes.NOTE_KINDS
        ],
        "cancel": _("Cancel"),
    }


async def when_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {
        "text": header(dialog_manager)
        + "\n"
        + _("When was it? If not today, pick the day in the calendar or type it (31.12.2026)."),
        "when": [(NOW, _("Now")), (TODAY, _("Earlier today")), (YESTERDAY, _("Yesterday"))],
        "cancel": _("Cancel"),
    }


async def hour_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    actor = actor_of(dialog_manager)
    chosen = date.fromisoformat(dialog_manager.dialog_data[DAY])
    hours = list(HOURS)
    if chosen == today_of(dialog_manager):
        current = now_of(dialog_manager).astimezone(zone_of(dialog_manager)).hour
        hours = [h for h in hours if h <= current] or list(range(current + 1))
    # "пятница, 27 ноября" starts the sentence: its first letter goes up, and only that.
    day = format_date(chosen, "full", locale=actor.locale)
    return {
        "text": header(dialog_manager)
        + "\n"
        + _("{day}: at what time?").format(day=day[:1].upper() + day[1:]),
        "hours": [(str(h), format_time(time(h), "short", locale=actor.locale)) for h in hours],
        "cancel": _("Cancel"),
    }


async def text_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {
        "text": header(dialog_manager)
        + "\n"
        + _("Write the notes, or send a voice message or a photo (a caption is welcome)."),
        "cancel": _("Cancel"),
    }


async def outcome_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {
        "text": header(dialog_manager)
        + "\n"
        + _("What came of it? Write the outcome, or press Skip."),
        "skip": _("Skip"),
        "cancel": _("Cancel"),
    }


async def next_step_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {
        "text": header(dialog_manager)
        + "\n"
        + _("What is the next step? Write it, or press Skip to save the note."),
        "skip": _("Skip"),
        "cancel": _("Cancel"),
    }


async def next_date_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    step = html.escape(dialog_manager.dialog_data.get(NEXT_STEP) or "")
    return {
        "text": "\n".join(
            (
                header(dialog_manager),
                _("➡️ Next step: {step}").format(step=step),
                _("By which day? Pick it in the calendar, type it, or press Skip."),
            )
        ),
        "skip": _("Skip"),
        "cancel": _("Cancel"),
    }
