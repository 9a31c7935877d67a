"""PLACEHOLDER: replaced by the real handlers."""

from aiogram import Router


def router() -> Router:
    return Router(name=__name__)
