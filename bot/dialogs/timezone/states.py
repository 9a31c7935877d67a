from aiogram.fsm.state import State, StatesGroup


class TimezoneChoice(StatesGroup):
    zone = State()
