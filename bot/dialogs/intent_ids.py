"""Dialog and stack ids that do not collide.

aiogram-dialog makes an id from the current second plus `random.randint(0, 99)`, so two
dialogs opened within one second share an id once in a hundred times (an open upstream
problem, Tishka17/aiogram_dialog#501). The two contexts are then stored under one key: a
client's card that opens a new deal is overwritten by it, and Back after saving the deal
lands nowhere. The ids here are random over the same range as the stock ones reach (ten
billion, six base-62 characters, so callback data keeps its length) and drawn from `secrets`:
two of them meet about once in ten billion, whenever they are made."""

from __future__ import annotations

import secrets

from aiogram_dialog.api.entities import stack

ID_RANGE = 10**10


def unique_int_id() -> int:
    return 1 + secrets.randbelow(ID_RANGE - 1)


def install() -> None:
    """`stack.new_id` looks `new_int_id` up at each call, so replacing it in the module
    changes every id made afterwards: contexts pushed on a stack and new stacks alike."""
    stack.new_int_id = unique_int_id
