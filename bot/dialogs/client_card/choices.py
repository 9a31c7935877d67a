"""Fields chosen with buttons: status, segment, payment habit; and the owner, whom only
the head of sales and admins change (the service refuses anyone else)."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Column, ScrollingGroup
from aiogram_dialog.widgets.text import Format

from bot.dialogs.client_card import common
from bot.dialogs.client_card.common import marked, saved
from bot.dialogs.client_card.states import ClientCard
from bot.dialogs.widgets import choice, expect_buttons
from bot.render.crm_labels import client_status_name, payment_name, segment_name
from bot.services import team
from bot.services.errors import NotAllowed
from bot.storage.enums import ClientStatus, PaymentHabit, Segment
from bot.texts import role_name, stale_button

OWNERS_ON_PAGE = 8


async def choices_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    client = await common.client(dialog_manager)
    return {
        "status_text": _("Status of the client. Now: {value}").format(
            value=client_status_name(client.status)
        ),
        "statuses": [
            marked(client.status.value, s.value, client_status_name(s)) for s in ClientStatus
        ],
        "segment_text": _(
            "Segment of the client. Key and VIP clients get faster answers and more "
            "frequent follow-ups.\nNow: {value}"
        ).format(value=common.escaped(segment_name(client.segment))),
        "segments": [marked(client.segment, s.value, segment_name(s.value)) for s in Segment],
        "payment_text": _("How does the client pay? Now: {value}").format(
            value=payment_name(client.payment)
        ),
        "payments": [marked(client.payment.value, p.value, payment_name(p)) for p in PaymentHabit],
        **common.labels(),
    }


async def on_status(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if item not in set(ClientStatus):
        await callback.answer(stale_button(), show_alert=True)
        return
    await saved(callback, manager, status=ClientStatus(item))


async def on_segment(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if item not in set(Segment):
        await callback.answer(stale_button(), show_alert=True)
        return
    await saved(callback, manager, segment=item)


async def on_payment(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if item not in set(PaymentHabit):
        await callback.answer(stale_button(), show_alert=True)
        return
    await saved(callback, manager, payment=PaymentHabit(item))


# The owner: the head of sales and admins hand the client to a staff member.


async def owner_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    client = await common.client(dialog_manager)
    try:
        staff = await team.members(common.uow(dialog_manager), common.actor(dialog_manager))
    except NotAllowed:
        staff = []
    return {
        "text": _("Who will be the client's single contact?"),
        "owners": [
            marked(
                str(client.owner_id), str(user.id), f"{user.display_name} · {role_name(user.role)}"
            )
            for user in staff
        ],
        **common.labels(),
    }


async def on_owner(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        owner_id = int(item)
    except ValueError:
        await callback.answer(stale_button(), show_alert=True)
        return
    await saved(callback, manager, owner_id=owner_id)


def windows() -> list[Window]:
    return [
        Window(
            Format("{status_text}"),
            Column(choice("status", "statuses", on_status)),
            common.to_edits(),
            expect_buttons(),
            state=ClientCard.status,
            getter=choices_getter,
        ),
        Window(
            Format("{segment_text}"),
            Column(choice("segment", "segments", on_segment)),
            common.to_edits(),
            expect_buttons(),
            state=ClientCard.segment,
            getter=choices_getter,
        ),
        Window(
            Format("{payment_text}"),
            Column(choice("payment", "payments", on_payment)),
            common.to_edits(),
            expect_buttons(),
            state=ClientCard.payment,
            getter=choices_getter,
        ),
        Window(
            Format("{text}"),
            ScrollingGroup(
                choice("owner", "owners", on_owner),
                id="owners",
                width=1,
                height=OWNERS_ON_PAGE,
                hide_on_single_page=True,
            ),
            common.to_edits(),
            expect_buttons(),
            state=ClientCard.owner,
            getter=owner_getter,
        ),
    ]
