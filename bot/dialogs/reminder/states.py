from aiogram.fsm.state import State, StatesGroup


class NewReminder(StatesGroup):
    """Setting a reminder. start_data (optional): {"client_id": int, "text": str,
    "at": ISO datetime} skip the steps they answer; {"snooze_of": int} snoozes that
    reminder to the time chosen instead."""

    text = State()
    when = State()
    day = State()
    hour = State()
    confirm = State()
    repeat = State()


class MyReminders(StatesGroup):
    """His reminders still ahead or unanswered, and one of them."""

    list = State()
    item = State()
