from aiogram.fsm.state import State, StatesGroup


class Absence(StatesGroup):
    """Someone's absences: listed with End/Cancel, and a new one planned (first day, last
    day, deputy, confirmation). The head of sales first picks whose."""

    list = State()
    person = State()
    first = State()
    last = State()
    deputy = State()
    confirm = State()
    end = State()
