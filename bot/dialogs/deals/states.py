from aiogram.fsm.state import State, StatesGroup


class Deals(StatesGroup):
    """Deals. Entry states: `pipeline` (no data), `new` ({"client_id": int}),
    `deal` ({"deal_id": int})."""

    pipeline = State()
    new = State()
    deal = State()
