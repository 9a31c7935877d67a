"""What a client's chat remembers between messages (session state, not the database):
which open request his messages go to, and a message kept for the "open a request?" offer."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext

ACTIVE_REQUEST = "active_request"  # where his messages go when he has several open
CONFIRMED_REQUEST = "confirmed_request"  # the last one he was told his messages go to
PENDING_TEXT = "pending_text"  # a message sent outside any request, kept for the offer


async def write_to(state: FSMContext, request_id: int, *, told: bool) -> None:
    """His next messages go to this request; `told`: he was just told so."""
    update: dict[str, int] = {ACTIVE_REQUEST: request_id}
    if told:
        update[CONFIRMED_REQUEST] = request_id
    await state.update_data(update)
