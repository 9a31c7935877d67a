"""What the absence dialog's windows show."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager

from bot.dialogs.absence.handlers import DEPUTY, DONE, ENDING, FIRST, LAST, person_id
from bot.dialogs.context import actor, clock, uow
from bot.render import absences as render
from bot.services import absences


def _labels() -> dict[str, str]:
    return {"back": _("⬅️ Back"), "cancel": _("Cancel"), "close": _("Close")}


async def list_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager, who = dialog_manager, actor(dialog_manager)
    person = await absences.person(uow(manager), who, person_id(manager))
    ahead = await absences.ahead(uow(manager), who, clock(manager), person.id)
    deputies = await uow(manager).users.many(absence.deputy_id for absence in ahead)
    now = clock(manager).now()
    text = render.listing(person, ahead, deputies, who.locale)
    done = manager.dialog_data.get(DONE)
    if done:
        text = f"{done}\n\n{text}"
    return {
        "text": text,
        "plan": _("➕ Plan an absence"),
        "someone": _("👤 Someone else"),
        "may_choose": absences.manages_others(who),
        "ahead": [
            (
                str(absence.id),
                (
                    _("🔙 End now: {period}") if absence.is_on(now) else _("🗑 Call off: {period}")
                ).format(period=render.period(absence, person, who.locale)),
            )
            for absence in ahead
        ],
        **_labels(),
    }


async def person_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    people = await absences.who_may_be_away(uow(dialog_manager), actor(dialog_manager))
    return {
        "text": _("Whose absence?"),
        "people": [(str(user.id), user.display_name) for user in people],
        **_labels(),
    }


async def first_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {"text": _("🗓 The first day away?"), **_labels()}


async def last_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    first = date.fromisoformat(dialog_manager.dialog_data[FIRST])
    return {
        "text": _("🗓 The last day away? (From {first})").format(
            first=render.format_day(first, actor(dialog_manager).locale)
        ),
        "one_day": _("Just that day"),
        **_labels(),
    }


async def deputy_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager = dialog_manager
    deputies = await absences.deputies_for(uow(manager), actor(manager), person_id(manager))
    return {
        "text": _("🤝 Who covers meanwhile?")
        if deputies
        else _("There is nobody else on the team to cover. Invite a colleague first."),
        "deputies": [(str(user.id), user.display_name) for user in deputies],
        **_labels(),
    }


async def confirm_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager, who = dialog_manager, actor(dialog_manager)
    data = manager.dialog_data
    people = await uow(manager).users.many((person_id(manager), int(data[DEPUTY])))
    return {
        "text": render.summary(
            people[person_id(manager)],
            people[int(data[DEPUTY])],
            date.fromisoformat(data[FIRST]),
            date.fromisoformat(data[LAST]),
            who.locale,
        ),
        "confirm": _("✅ Confirm"),
        **_labels(),
    }


async def end_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    manager, who = dialog_manager, actor(dialog_manager)
    absence = await uow(manager).absences.get(int(manager.dialog_data.get(ENDING) or 0))
    person = await absences.person(uow(manager), who, person_id(manager))
    if absence is None or absence.user_id != person.id:
        return {"text": _("This absence is over already."), "sure": "", "ok": False, **_labels()}
    on = absence.is_on(clock(manager).now())
    period = render.period(absence, person, who.locale)
    return {
        "text": (
            _("End the absence {period} now? The deputy gives the cover back at once.")
            if on
            else _("Call off the absence {period}? The deputy will be told.")
        ).format(period=period),
        "sure": _("✅ Yes, end it") if on else _("✅ Yes, call it off"),
        "ok": True,
        **_labels(),
    }
