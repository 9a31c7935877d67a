"""Updates in Bot API shape (plain dicts), as Telegram would deliver them."""

from __future__ import annotations

import itertools
import time
from typing import Any

DEFAULT_BOT_ID = 123456789
BOT_NAME = {"first_name": "ClientDesk Test", "username": "clientdesk_test_bot"}


def _pick(source: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: source[key] for key in keys if source.get(key) is not None}


_user_message_ids = itertools.count(100_000)  # kept apart from the ids the fake gives bot messages
_callback_ids = itertools.count(1)


def _user(
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
) -> dict[str, Any]:
    extra = {"last_name": last_name, "username": username, "language_code": language_code}
    return {"id": user_id, "is_bot": False, "first_name": first_name} | _pick(extra, *extra)


def _user_message(sender: dict[str, Any], message_id: int | None) -> dict[str, Any]:
    chat = {"type": "private", **_pick(sender, "id", "first_name", "last_name", "username")}
    message_id = next(_user_message_ids) if message_id is None else message_id
    return {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": sender}


def private_message(
    user_id: int,
    text: str,
    *,
    first_name: str = "Ivan",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "ru",
    message_id: int | None = None,
    entities: list[dict[str, Any]] | None = None,
    reply_to: int | None = None,
) -> dict[str, Any]:
    sender = _user(user_id, first_name, last_name, username, language_code)
    message = {**_user_message(sender, message_id), "text": text}
    if reply_to is not None:
        message["reply_to_message"] = bot_message(user_id, reply_to)
    if entities is None and len(text) > 1 and text.startswith("/"):
        command = text.split(maxsplit=1)[0]  # offsets/lengths are in UTF-16 code units
        entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
    if entities:
        message["entities"] = entities
    return {"message": message}


def private_content(
    user_id: int,
    *,
    first_name: str = "Ivan",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "ru",
    reply_to: int | None = None,
    **content: Any,
) -> dict[str, Any]:
    """Anything but text, e.g. private_content(7, sticker={...})."""
    sender = _user(user_id, first_name, last_name, username, language_code)
    message = {**_user_message(sender, None), **content}
    if reply_to is not None:
        message["reply_to_message"] = bot_message(user_id, reply_to)
    return {"message": message}


def bot_message(chat_id: int, message_id: int, chat_type: str = "private") -> dict[str, Any]:
    """A message the bot sent earlier, as quoted in a reply to it."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type},
        "from": {"id": DEFAULT_BOT_ID, "is_bot": True, **BOT_NAME},
        "text": "…",
    }


def group_message(
    chat_id: int, user_id: int, text: str, *, reply_to: int | None = None
) -> dict[str, Any]:
    """A colleague writes in a group chat (a department's)."""
    sender = _user(user_id, "Colleague", None, None, "ru")
    message = {
        "message_id": next(_user_message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "supergroup", "title": "Department"},
        "from": sender,
        "text": text,
    }
    if reply_to is not None:
        message["reply_to_message"] = bot_message(chat_id, reply_to, "supergroup")
    return {"message": message}


def contact_message(
    user_id: int,
    phone_number: str,
    *,
    first_name: str = "Ivan",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "ru",
    contact_user_id: int | None = None,
    message_id: int | None = None,
) -> dict[str, Any]:
    """A shared contact; by default the user's own (contact.user_id == user_id)."""
    sender = _user(user_id, first_name, last_name, username, language_code)
    contact = {"phone_number": phone_number, **_pick(sender, "first_name", "last_name")}
    contact["user_id"] = user_id if contact_user_id is None else contact_user_id
    return {"message": {**_user_message(sender, message_id), "contact": contact}}


def callback_query(
    user_id: int,
    data: str,
    *,
    message_id: int,
    chat_id: int | None = None,
    language_code: str | None = "ru",
    first_name: str = "Ivan",
    message_text: str = "",
    bot_id: int = DEFAULT_BOT_ID,
) -> dict[str, Any]:
    """A button press on bot message ``message_id``.

    When pushed to a FakeBotAPI that sent that message, the stored message (text, keyboard)
    is attached instead of this stub; ``message_text`` still overrides the text if given.
    """
    chat_id = user_id if chat_id is None else chat_id
    chat_type = "private" if chat_id > 0 else "supergroup"
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type, "first_name": first_name},
        "from": {"id": bot_id, "is_bot": True, **BOT_NAME},
    }
    if message_text:
        message["text"] = message_text
    sender = _user(user_id, first_name, None, None, language_code)
    query = {"id": str(next(_callback_ids)), "from": sender, "chat_instance": f"ci-{chat_id}"}
    return {"callback_query": {**query, "data": data, "message": message}}


_inline_query_ids = itertools.count(1)


def inline_query(
    user_id: int,
    query: str,
    *,
    first_name: str = "Ivan",
    language_code: str | None = "ru",
    chat_type: str = "private",
) -> dict[str, Any]:
    """ "@bot <query>" typed in a chat (inline mode)."""
    sender = _user(user_id, first_name, None, None, language_code)
    return {
        "inline_query": {
            "id": f"iq-{next(_inline_query_ids)}",
            "from": sender,
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
    }


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
