from aiogram.fsm.state import State, StatesGroup


class ClientCard(StatesGroup):
    """A client's card. start_data: {"client_id": int}."""

    main = State()
    edit = State()
    text = State()
    source = State()
    contacts = State()
    contact_add = State()
    tags = State()
    status = State()
    segment = State()
    payment = State()
    owner = State()
    budget = State()
    next_step = State()
    next_step_date = State()
    score = State()
    score_value = State()
    score_reason = State()
    timeline = State()
    deals = State()
