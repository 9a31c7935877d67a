from aiogram.fsm.state import State, StatesGroup


class InviteStaff(StatesGroup):
    role = State()
    open_invites = State()
    confirm_cancel = State()
