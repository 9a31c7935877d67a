from aiogram.fsm.state import State, StatesGroup


class Lead(StatesGroup):
    """New lead. start_data (optional): {"prefill": {...LeadDraft fields...}, "note": str}."""

    name = State()
    company = State()
    phone = State()
    email = State()
    source = State()
    needs = State()
    summary = State()
    edit = State()
    duplicates = State()
    resume = State()
    saved = State()
