"""The pipeline: deals per stage with their amounts (a specialist's own; the head of sales
sees the team's and may pick one specialist), a stage's deals page by page, and a new deal
for a client found by search."""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Group, Row, SwitchTo
from aiogram_dialog.widgets.kbd.pager import NextPage, PrevPage
from aiogram_dialog.widgets.kbd.stub_scroll import StubScroll
from aiogram_dialog.widgets.text import Format

from bot.dialogs.deals import common, render
from bot.dialogs.deals.states import Deals
from bot.dialogs.widgets import choice, expect_buttons, expect_text
from bot.services.crm import access, deals, search
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.enums import DealStage
from bot.texts import stale_button

PAGE = 8
STAGES, OWNERS, DEAL_LIST, CLIENTS, SCROLL = "stages", "owners", "deals", "clients", "page"
TEAM = "team"


def _owner(manager: DialogManager) -> int | None:
    return manager.dialog_data.get(common.OWNER_ID)


async def pipeline_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    actor = common.actor(dialog_manager)
    seen = await deals.pipeline(
        common.uow(dialog_manager), actor, common.clock(dialog_manager), _owner(dialog_manager)
    )
    return {
        "text": render.pipeline_text(seen, actor),
        "stages": [
            (line.stage.value, render.stage_button(line)) for line in seen.stages if line.count
        ],
        "is_head": access.sees_everyone(actor),
        "specialist": _("👤 Specialist"),
        "new_deal": _("➕ New deal"),
        "close": _("Close"),
    }


async def on_stage(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        stage = DealStage(item)
    except ValueError:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[common.STAGE] = stage.value
    await manager.find(SCROLL).set_page(0)  # type: ignore[union-attr]
    await manager.switch_to(Deals.stage)


async def on_new_deal(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(common.DRAFT, None)
    await manager.switch_to(Deals.find_client)


async def owners_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    team = await deals.specialists(common.uow(dialog_manager), common.actor(dialog_manager))
    return {
        "text": _("Whose pipeline should I show?"),
        "owners": [(TEAM, _("👥 Whole team"))] + [(str(u.id), render.person(u)) for u in team],
        "back": _("⬅️ Back"),
    }


async def on_owner(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    uow, actor = common.uow(manager), common.actor(manager)
    try:
        team = {str(u.id): u.id for u in await deals.specialists(uow, actor)}
    except NotAllowed:
        team = {}
    if item != TEAM and item not in team:
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[common.OWNER_ID] = None if item == TEAM else team[item]
    await manager.switch_to(Deals.pipeline)


async def stage_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    uow, actor, clock = (
        common.uow(dialog_manager),
        common.actor(dialog_manager),
        common.clock(dialog_manager),
    )
    stage = DealStage(dialog_manager.dialog_data.get(common.STAGE, DealStage.NEW.value))
    seen = await deals.pipeline(uow, actor, clock, _owner(dialog_manager))
    pages = max(1, -(-seen.line(stage).count // PAGE))
    page = min(await dialog_manager.find(SCROLL).get_page(), pages - 1)  # type: ignore[union-attr]
    found = await deals.stage_deals(
        uow, actor, clock, stage, _owner(dialog_manager), offset=page * PAGE, limit=PAGE
    )
    rows = [
        render.deal_row(page * PAGE + n, deal, client, actor.locale)
        for n, (deal, client) in enumerate(found, start=1)
    ]
    return {
        "text": "\n\n".join([render.stage_header(seen, stage, actor), *rows]),
        "deals": [
            (str(deal.id), render.deal_button(page * PAGE + n, deal))
            for n, (deal, _client) in enumerate(found, start=1)
        ],
        "pages": pages,
        "paged": pages > 1,
        "back": _("⬅️ Back"),
    }


async def on_deal(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        view = await deals.view(common.uow(manager), common.actor(manager), int(item))
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[common.DEAL_ID] = view.deal.id
    manager.dialog_data[common.BACK] = common.BACK_TO_STAGE
    await manager.switch_to(Deals.deal)


async def find_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    return {
        "text": _("Which client is the deal for? Type part of a name, company, phone or e-mail."),
        "back": _("⬅️ Back"),
    }


async def on_query(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        found = await search.find(
            common.uow(manager),
            common.actor(manager),
            message.text or "",
            region=common.settings(manager).default_region,
        )
    except (ClientRejected, NotAllowed) as error:
        await common.refuse(message, error)
        return
    if not found:
        await message.answer(_("Nobody found. Try another part of the name or the phone."))
        return
    manager.dialog_data[common.FOUND] = [client.id for client in found]
    await manager.switch_to(Deals.pick_client)


async def pick_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    actor = common.actor(dialog_manager)
    found = await common.uow(dialog_manager).clients.many(
        dialog_manager.dialog_data.get(common.FOUND, [])
    )
    return {
        "text": _("Choose the client, or type another search."),
        "clients": [(str(c.id), c.title) for c in found if access.may_see(actor, c)],
        "back": _("⬅️ Back"),
    }


async def on_client(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    try:
        client = await access.client_for(common.uow(manager), common.actor(manager), int(item))
    except (NotAllowed, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    manager.dialog_data[common.CLIENT_ID] = client.id
    manager.dialog_data[common.BACK] = common.BACK_TO_PIPELINE
    await manager.switch_to(Deals.new)


def windows() -> list[Window]:
    back_to_pipeline = SwitchTo(Format("{back}"), id="to_pipeline", state=Deals.pipeline)
    return [
        Window(
            Format("{text}"),
            Group(choice(STAGES, "stages", on_stage), width=2),
            SwitchTo(Format("{specialist}"), id="owner", state=Deals.owner, when="is_head"),
            Button(Format("{new_deal}"), id="new_deal", on_click=on_new_deal),
            Cancel(Format("{close}")),
            expect_buttons(),
            state=Deals.pipeline,
            getter=pipeline_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice(OWNERS, "owners", on_owner)),
            back_to_pipeline,
            expect_buttons(),
            state=Deals.owner,
            getter=owners_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice(DEAL_LIST, "deals", on_deal)),
            StubScroll(id=SCROLL, pages="pages"),
            Row(
                PrevPage(scroll=SCROLL, text=Format("◀️")),
                NextPage(scroll=SCROLL, text=Format("▶️")),
                when="paged",
            ),
            back_to_pipeline,
            expect_buttons(),
            state=Deals.stage,
            getter=stage_getter,
        ),
        Window(
            Format("{text}"),
            MessageInput(on_query, content_types=[ContentType.TEXT]),
            expect_text(),
            back_to_pipeline,
            state=Deals.find_client,
            getter=find_getter,
        ),
        Window(
            Format("{text}"),
            Column(choice(CLIENTS, "clients", on_client)),
            MessageInput(on_query, content_types=[ContentType.TEXT]),
            expect_text(),
            back_to_pipeline,
            state=Deals.pick_client,
            getter=pick_getter,
        ),
    ]
