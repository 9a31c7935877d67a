from aiogram.fsm.state import State, StatesGroup


class Clients(StatesGroup):
    """Search and "My clients". start_data (optional): {"query": str}."""

    menu = State()
    results = State()
    list = State()
    filter = State()
