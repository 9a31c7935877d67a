"""The client card: every field, edited from the card; the reliability score; the
timeline; the client's deals and a note. Start data: {"client_id": int}."""

from aiogram_dialog import Dialog

from bot.dialogs.client_card import (
    card,
    choices,
    contacts,
    deals,
    edits,
    fields,
    plans,
    score,
    timeline,
)


def dialog() -> Dialog:
    return Dialog(
        card.window(),
        *edits.windows(),
        *fields.windows(),
        *contacts.windows(),
        *choices.windows(),
        *plans.windows(),
        *score.windows(),
        timeline.window(),
        deals.window(),
        on_start=card.on_start,
        on_process_result=card.on_result,
    )
