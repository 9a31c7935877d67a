from aiogram.fsm.state import State, StatesGroup


class FeedbackFlow(StatesGroup):
    kind = State()
    score = State()
    text = State()
    comment = State()  # the optional "why" after rating a request
    nps_why = State()
