"""Inline buttons on request cards, notifications and department cards."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.storage.dto import HandoffDTO, RequestDTO
from bot.storage.enums import HandoffStatus, RequestKind, RequestStatus

SCORES = range(1, 6)


class CardAction(StrEnum):
    TAKE = "take"
    REPLY = "reply"
    STATUS = "status"
    HANDOFF = "handoff"
    CLIENT = "client"
    HISTORY = "history"
    CLIENT_CARD = "client_card"  # the request's client in the CRM


class Card(CallbackData, prefix="rq"):
    """A staff member's button on a request card."""

    action: CardAction
    request_id: int


class ClientAction(StrEnum):
    WRITE = "write"  # make this the request his messages go to
    SWITCH = "switch"  # show the open requests to pick another
    RATE = "rate"
    REOPEN = "reopen"


class Mine(CallbackData, prefix="my"):
    """A client's button about one of his requests."""

    action: ClientAction
    request_id: int
    score: int = 0


class Offer(CallbackData, prefix="offer"):
    """ "Open a request" for a message sent outside any request."""

    kind: RequestKind


class DepartmentAction(CallbackData, prefix="dept"):
    step: HandoffStatus | None = None  # None: "Update" (write to the specialist)
    handoff_id: int


def staff_card(request: RequestDTO, *, can_hand_off: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    rid = request.id
    if request.status in (RequestStatus.NEW, RequestStatus.REOPENED, RequestStatus.WAITING):
        builder.button(
            text=_("🙋 Take"), callback_data=Card(action=CardAction.TAKE, request_id=rid)
        )
    builder.button(text=_("💬 Reply"), callback_data=Card(action=CardAction.REPLY, request_id=rid))
    if request.status is not RequestStatus.CLOSED:
        builder.button(
            text=_("🔄 Status"), callback_data=Card(action=CardAction.STATUS, request_id=rid)
        )
    if can_hand_off and request.status.is_open:
        builder.button(
            text=_("🏢 Hand off"), callback_data=Card(action=CardAction.HANDOFF, request_id=rid)
        )
    builder.button(
        text=_("👤 Client"), callback_data=Card(action=CardAction.CLIENT, request_id=rid)
    )
    builder.button(
        text=_("📜 History"), callback_data=Card(action=CardAction.HISTORY, request_id=rid)
    )
    builder.adjust(2)
    return builder.as_markup()


def client_card(request_id: int) -> InlineKeyboardMarkup:
    """Under the short "👤 Client" answer: the client's full CRM card."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("📇 Open the client card"),
        callback_data=Card(action=CardAction.CLIENT_CARD, request_id=request_id),
    )
    return builder.as_markup()


def rating(request_id: int, *, can_reopen: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for score in SCORES:
        builder.button(
            text=f"{score} ⭐",
            callback_data=Mine(action=ClientAction.RATE, request_id=request_id, score=score),
        )
    if can_reopen:
        builder.button(
            text=_("↩️ Reopen"),
            callback_data=Mine(action=ClientAction.REOPEN, request_id=request_id),
        )
    builder.adjust(5, 1)
    return builder.as_markup()


def reopen(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("↩️ Reopen the request"),
        callback_data=Mine(action=ClientAction.REOPEN, request_id=request_id),
    )
    return builder.as_markup()


def switch(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("🔀 Another request"),
        callback_data=Mine(action=ClientAction.SWITCH, request_id=request_id),
    )
    return builder.as_markup()


def choose_request(options: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for request_id, label in options:
        builder.button(
            text=label, callback_data=Mine(action=ClientAction.WRITE, request_id=request_id)
        )
    builder.adjust(1)
    return builder.as_markup()


def offer() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("💬 Ask a question"), callback_data=Offer(kind=RequestKind.INQUIRY))
    builder.button(text=_("📝 File a claim"), callback_data=Offer(kind=RequestKind.CLAIM))
    builder.adjust(1)
    return builder.as_markup()


def department_card(handoff: HandoffDTO) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    hid = handoff.id
    if handoff.status is HandoffStatus.SENT:
        builder.button(
            text=_("✅ Accept"),
            callback_data=DepartmentAction(step=HandoffStatus.ACCEPTED, handoff_id=hid),
        )
    if handoff.status is not HandoffStatus.DONE:
        builder.button(text=_("✏️ Update"), callback_data=DepartmentAction(handoff_id=hid))
        builder.button(
            text=_("🏁 Done"),
            callback_data=DepartmentAction(step=HandoffStatus.DONE, handoff_id=hid),
        )
    builder.adjust(3)
    return builder.as_markup() if handoff.status is not HandoffStatus.DONE else None


class NpsScore(CallbackData, prefix="nps"):
    score: int


def nps() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for score in range(11):
        builder.button(text=str(score), callback_data=NpsScore(score=score))
    builder.adjust(6, 5)
    return builder.as_markup()
