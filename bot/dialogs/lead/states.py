from aiogram.fsm.state import State, StatesGroup


class Lead(StatesGroup):
    """New lead. start_data (optional): {"prefill": {...LeadDraft fields...}, "note": str}."""

    name = State()
