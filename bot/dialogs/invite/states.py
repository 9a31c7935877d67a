from aiogram.fsm.state import State, StatesGroup


class InviteStaff(StatesGroup):
    role = State()
