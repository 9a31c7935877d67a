from aiogram.fsm.state import State, StatesGroup


class MyRequests(StatesGroup):
    list = State()
    detail = State()
    confirm_close = State()
