from aiogram.fsm.state import State, StatesGroup


class Team(StatesGroup):
    members = State()
    member = State()
    confirm_revoke = State()
