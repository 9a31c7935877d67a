from aiogram.fsm.state import State, StatesGroup


class Note(StatesGroup):
    """Meeting and call notes. start_data (optional): {"client_id": int, "text": str}
    (with a client the flow starts at the kind of contact)."""

    client = State()
    kind = State()
    when = State()
    hour = State()
    text = State()
    outcome = State()
    next_step = State()
    next_date = State()
