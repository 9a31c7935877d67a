"""What aiogram raises for Telegram's (and the network's) answers, as tests make it fail."""

from __future__ import annotations

from typing import Any

from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import SendMessage, TelegramMethod
from aiohttp import ClientConnectorError
from aiohttp.client_reqrep import ConnectionKey

# For errors made before any request: aiogram wants the method they answer.
ANY_METHOD = SendMessage(chat_id=1, text="x")


def flood_wait(retry_after: int, method: TelegramMethod[Any] = ANY_METHOD) -> Exception:
    """A 429: the bot must wait `retry_after` seconds."""
    return TelegramRetryAfter(method, f"Too Many Requests: retry after {retry_after}", retry_after)


def connection_refused(method: TelegramMethod[Any] = ANY_METHOD) -> Exception:
    """What aiogram raises when aiohttp could not even connect."""
    key = ConnectionKey("api.telegram.org", 443, True, True, None, None, None)
    cause = ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))
    error = TelegramNetworkError(method, f"ClientConnectorError: {cause}")
    error.__cause__ = cause
    return error


def timed_out(method: TelegramMethod[Any] = ANY_METHOD) -> Exception:
    """What aiogram raises when the answer did not come in time: the request may have arrived."""
    error = TelegramNetworkError(method, "Request timeout error")
    error.__cause__ = TimeoutError()
    return error


def blocked_by_user(method: TelegramMethod[Any] = ANY_METHOD) -> Exception:
    return TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
