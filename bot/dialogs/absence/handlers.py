"""What the absence dialog does with each answer. Every change goes through the absences
service, which checks that this actor may set or end this person's absence; what the others
concerned must know is told to them through the outbound sender (bot/dialogs/absence/notices)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button

from bot.dialogs.absence import notices
from bot.dialogs.absence.states import Absence
from bot.dialogs.context import actor, clock, say, uow
from bot.render import absences as render
from bot.services import absences
from bot.services.errors import AbsenceRejected, NotAllowed
from bot.texts import stale_button

PERSON, FIRST, LAST, DEPUTY, ENDING, DONE = "person", "first", "last", "deputy", "ending", "done"


def person_id(manager: DialogManager) -> int:
    chosen = manager.dialog_data.get(PERSON)
    return int(chosen) if chosen else int(actor(manager).user_id or 0)


async def _refuse(callback: CallbackQuery, manager: DialogManager) -> None:
    await callback.answer(stale_button(), show_alert=True)
    await manager.switch_to(Absence.list)


async def on_plan(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    for key in (FIRST, LAST, DEPUTY, DONE):
        manager.dialog_data.pop(key, None)
    await manager.switch_to(Absence.first)


async def on_person(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    allowed = {
        str(user.id) for user in await absences.who_may_be_away(uow(manager), actor(manager))
    }
    if item not in allowed:
        await _refuse(callback, manager)
        return
    manager.dialog_data[PERSON] = int(item)
    manager.dialog_data.pop(DONE, None)
    await manager.switch_to(Absence.list)


async def on_first(callback: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    if not await _days_fit(callback, manager, day, day):
        return
    manager.dialog_data[FIRST] = day.isoformat()
    await manager.switch_to(Absence.last)


async def on_last(callback: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    first = date.fromisoformat(manager.dialog_data[FIRST])
    if not await _days_fit(callback, manager, first, day):
        return
    manager.dialog_data[LAST] = day.isoformat()
    await manager.switch_to(Absence.deputy)


async def on_one_day(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """Just the first day: the absence lasts that one day."""
    manager.dialog_data[LAST] = manager.dialog_data[FIRST]
    await manager.switch_to(Absence.deputy)


async def _days_fit(
    callback: CallbackQuery, manager: DialogManager, first: date, last: date
) -> bool:
    try:
        person = await absences.person(uow(manager), actor(manager), person_id(manager))
        absences.check_days(first, last, absences.today(clock(manager).now(), person))
    except AbsenceRejected as error:
        await say(callback, render.problem(error.problem))
        return False
    except NotAllowed:
        await _refuse(callback, manager)
        return False
    return True


async def on_deputy(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        deputies = await absences.deputies_for(uow(manager), actor(manager), person_id(manager))
    except NotAllowed:
        await _refuse(callback, manager)
        return
    if item not in {str(user.id) for user in deputies}:
        await _refuse(callback, manager)
        return
    manager.dialog_data[DEPUTY] = int(item)
    await manager.switch_to(Absence.confirm)


async def on_confirm(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    who = actor(manager)
    try:
        planned = await absences.plan(
            uow(manager),
            who,
            clock(manager),
            user_id=person_id(manager),
            first_day=date.fromisoformat(data[FIRST]),
            last_day=date.fromisoformat(data[LAST]),
            deputy_id=int(data[DEPUTY]),
        )
    except AbsenceRejected as error:
        await say(callback, render.problem(error.problem))
        return
    except (NotAllowed, KeyError):
        await _refuse(callback, manager)
        return
    data[DONE] = render.planned(planned, who.locale)
    await manager.switch_to(Absence.list)
    await notices.planned(manager, planned)


async def on_end_chosen(
    callback: CallbackQuery, _w: Any, manager: DialogManager, item: str
) -> None:
    try:
        ahead = await absences.ahead(
            uow(manager), actor(manager), clock(manager), person_id(manager)
        )
    except NotAllowed:
        await _refuse(callback, manager)
        return
    if item not in {str(absence.id) for absence in ahead}:
        await _refuse(callback, manager)
        return
    manager.dialog_data[ENDING] = int(item)
    await manager.switch_to(Absence.end)


async def on_end(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    who = actor(manager)
    absence_id = int(manager.dialog_data.get(ENDING) or 0)
    try:
        before = await uow(manager).absences.get(absence_id)
        back = await absences.end(uow(manager), who, clock(manager), absence_id)
    except NotAllowed:
        await _refuse(callback, manager)
        return
    assert before is not None
    if back is None:
        manager.dialog_data[DONE] = _("🗓 The absence is called off.")
        await manager.switch_to(Absence.list)
        await notices.called_off(manager, before)
        return
    if back.user.id == who.user_id:
        manager.dialog_data[DONE] = render.welcome_back(back, who.locale)
    else:
        manager.dialog_data[DONE] = _("✅ The absence is over; the cover is given back.")
    await manager.switch_to(Absence.list)
    await notices.handed_back(manager, back)
