"""Widgets every dialog builds the same way."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram_dialog.widgets.kbd import Select
from aiogram_dialog.widgets.text import Format


def choice(widget_id: str, items: str, on_click: Any) -> Select[str]:
    """One button per (id, label) pair that the window's getter returns under `items`."""
    return Select(
        Format("{item[1]}"),
        id=widget_id,
        item_id_getter=itemgetter(0),
        items=items,
        on_click=on_click,
    )
