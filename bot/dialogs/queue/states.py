from aiogram.fsm.state import State, StatesGroup


class Queue(StatesGroup):
    list = State()
