from aiogram.fsm.state import State, StatesGroup


class StaffRequest(StatesGroup):
    reply = State()
    status = State()
    comment = State()
    department = State()
    note = State()
    due = State()
