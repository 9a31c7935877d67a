from aiogram.fsm.state import State, StatesGroup


class ClientCard(StatesGroup):
    """A client's card. start_data: {"client_id": int}."""

    main = State()
