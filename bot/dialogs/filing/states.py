from aiogram.fsm.state import State, StatesGroup


class Filing(StatesGroup):
    category = State()
    subject = State()
    wanted = State()
    order_ref = State()
    attachments = State()
    summary = State()
    edit = State()
