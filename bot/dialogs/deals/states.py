from aiogram.fsm.state import State, StatesGroup


class Deals(StatesGroup):
    """Deals. Entry states: `pipeline` (no data), `new` ({"client_id": int}),
    `deal` ({"deal_id": int})."""

    pipeline = State()
    new = State()
    deal = State()
    # The pipeline: whose (head of sales), one stage's deals, a client for a new deal.
    owner = State()
    stage = State()
    find_client = State()
    pick_client = State()
    # A new deal after its title.
    amount = State()
    new_stage = State()
    close = State()
    probability = State()
    terms = State()
    # One deal: moves and edits.
    move = State()
    lost = State()
    edit = State()
    edit_title = State()
    edit_amount = State()
    edit_close = State()
    edit_probability = State()
    edit_terms = State()
    # The next step: what, then a day in the calendar or none.
    edit_next_step = State()
    edit_next_step_day = State()
