"""Dialogs opened within one second must not share an id: a shared one overwrites the
dialog underneath (a client's card that opened a new deal lost its place)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram_dialog.api.entities.stack import Stack, id_to_str, new_id

from bot.dialogs.intent_ids import ID_RANGE, install


class Screens(StatesGroup):
    card = State()
    new_deal = State()


def test_a_thousand_dialogs_opened_at_once_all_get_their_own_ids() -> None:
    install()

    ids = [new_id() for _ in range(1000)]  # well within one second

    assert len(set(ids)) == len(ids)


def test_a_dialog_opened_from_another_does_not_take_its_place_on_the_stack() -> None:
    install()
    stack = Stack()

    card = stack.push(Screens.card, {"client_id": 1})
    new_deal = stack.push(Screens.new_deal, {"client_id": 1})

    assert card.id != new_deal.id
    assert stack.intents == [card.id, new_deal.id]


def test_ids_keep_the_length_callback_data_has_room_for() -> None:
    install()

    assert len(id_to_str(ID_RANGE - 1)) == 6
    assert all(1 <= len(new_id()) <= 6 for _ in range(1000))
