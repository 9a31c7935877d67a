"""A local fake of the Telegram Bot API for end-to-end tests.

The bot under test gets ``TELEGRAM_API_URL=api.url``; tests feed it updates with
``push_update(...)`` and inspect what it called through ``api.calls`` / ``api.wait_for(...)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web

from tests.support.updates import (  # re-exported: tests build updates through the fake's module
    BOT_NAME,
    DEFAULT_BOT_ID,
    callback_query,
    contact_message,
    private_message,
)

POLLING_METHOD = "getUpdates"
MAX_POLL_WAIT = 2.0  # long polls are capped so shutdown and tests stay fast
TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
BOT_ABILITIES = dict.fromkeys(
    ("can_join_groups", "can_read_all_group_messages", "supports_inline_queries"), True
)
# Parameters that are strings in the Bot API even when they look like numbers or JSON.
_STRING_PARAM_NAMES = (
    "text caption callback_query_id inline_message_id query url title description name"
    " short_description first_name last_name phone_number secret_token parse_mode language_code"
    " action emoji start_parameter business_connection_id message_effect_id payload"
)
STRING_PARAMS = frozenset(_STRING_PARAM_NAMES.split())
ATTACH = "attach://"
_JSON_SCALAR_RE = re.compile(r"^(-?\d+(\.\d+)?|true|false)$")
# Telegram does not deliver these update types unless they are requested explicitly.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MESSAGE_UPDATES = ("message", "edited_message", "channel_post", "edited_channel_post")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str
    uploads: dict[str, bytes] = field(default_factory=dict, repr=False)  # param -> file bytes


class WaitTimeout(AssertionError, TimeoutError):
    """Raised by ``wait_for``; an AssertionError so pytest shows the recorded calls."""


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # pushed but not yet confirmed via offset
        self.webhook_url = ""
        self._app = web.Application(client_max_size=64 * 1024 * 1024)
        self._app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._last_update_id = 0
        self._message_ids: defaultdict[Any, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._messages: dict[tuple[Any, Any], dict[str, Any]] = {}  # (chat_id, message_id)
        self._chats: dict[int, dict[str, Any]] = {}  # chats seen in pushed updates
        self._commands: dict[tuple[str, str], list[Any]] = {}
        self._failures: defaultdict[str, deque[dict[str, Any]]] = defaultdict(deque)
        self._responses: dict[str, Any] = {}
        self._allowed_updates: list[str] = []
        self._closing = False
        # Events are "something changed" signals; waiters clear them and re-check state.
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self._closing = False
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()  # release pending long polls immediately
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    # --- test helpers ----------------------------------------------------------------------
    def mark(self) -> int:
        return len(self.calls)

    def calls_of(self, method: str, *, after: int = 0) -> list[Call]:
        return [c for c in self.calls[after:] if c.method == method]

    def calls_excluding_polling(self, *, after: int = 0) -> list[Call]:
        return [c for c in self.calls[after:] if c.method != POLLING_METHOD]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        return [
            c.params.get("text", "")
            for c in self.calls
            if c.method in ("sendMessage", "editMessageText")
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[Any]:
        return self._commands.get(_commands_key(scope, language_code), [])

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
        *,
        after: int | None = None,
    ) -> Call:
        """First call of ``method`` matching ``predicate``, already recorded or still to come;
        with ``after=api.mark()`` only calls made from that point on count."""
        loop = asyncio.get_running_loop()
        deadline, start = loop.time() + timeout, after or 0
        while True:
            for call in self.calls[start:]:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            start = len(self.calls)
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [(c.method, c.params) for c in self.calls_excluding_polling()[-15:]]
                raise WaitTimeout(f"no matching {method} call within {timeout}s; seen: {recent}")
            await _wait(self._new_call, remaining)

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; returns it with update_id filled in."""
        update = {"update_id": self._last_update_id + 1, **copy.deepcopy(update)}
        self._last_update_id = max(self._last_update_id, update["update_id"])
        for key in MESSAGE_UPDATES:
            if key in update and update[key]["chat"]["type"] == "private":
                self._chats[update[key]["chat"]["id"]] = update[key]["chat"]
        # A callback carries the real bot message it belongs to, as Telegram does.
        message = update.get("callback_query", {}).get("message")
        if message and (
            stored := self._messages.get((message["chat"]["id"], message["message_id"]))
        ):
            update["callback_query"]["message"] = {**stored, **_pick(message, "text")}
        self.updates.append(update)
        self._new_update.set()
        return update

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": status}
        body["description"] = description or (
            f"Too Many Requests: retry after {retry_after}"
            if retry_after is not None
            else HTTPStatus(status).phrase
        )
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self._failures[method].extend([body] * count)

    def set_response(self, method: str, result: Any) -> None:
        """Override a method's result: a value, or a callable taking the params dict; an async
        callable can hold the answer back (e.g. to keep an update in flight)."""
        self._responses[method] = result

    # --- HTTP handling ---------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params, uploads = await _parse_request(request)
        self.calls.append(Call(method, params, token, uploads))
        self._new_call.set()
        if not (match := TOKEN_RE.match(token)):
            return _error(401, "Unauthorized")
        if self._failures[method]:
            body = self._failures[method].popleft()
            return web.json_response(body, status=body["error_code"])
        try:
            if method in self._responses:
                result = self._responses[method]
                result = result(params) if callable(result) else result
                if inspect.isawaitable(result):
                    result = await result
            else:
                result = await self._dispatch(method, params, int(match.group(1)))
        except ApiError as e:
            return _error(e.status, e.description)
        return web.json_response({"ok": True, "result": result})

    async def _dispatch(self, method: str, params: dict[str, Any], bot_id: int) -> Any:
        bot = {"id": bot_id, "is_bot": True, **BOT_NAME}
        match method.lower():
            case "getme":
                return {**bot, **BOT_ABILITIES}
            case "getupdates":
                return await self._get_updates(params)
            case "sendmessage":
                _check_text(params.get("text"))
                return self._send(params, bot, text=params["text"], **_pick(params, "entities"))
            case "senddocument" | "sendphoto":
                return self._send(params, bot, **_media(method, params))
            case "copymessage":
                copied = self._send(params, bot, caption=params.get("caption"))
                return {"message_id": copied["message_id"]}
            case "editmessagetext":
                _check_text(params.get("text"))
                return self._edit(params, bot, text=params["text"])
            case "editmessagecaption":
                return self._edit(params, bot, caption=params.get("caption"))
            case "editmessagereplymarkup":
                return self._edit(params, bot)
            case "getwebhookinfo":
                info = {"has_custom_certificate": False, "pending_update_count": 0}
                return {"url": self.webhook_url, **info}
            case "setwebhook" | "deletewebhook":
                self.webhook_url = params.get("url", "") if method.lower() == "setwebhook" else ""
                if params.get("drop_pending_updates"):
                    self.updates.clear()
            case "setmycommands":
                key = _commands_key(params.get("scope"), params.get("language_code", ""))
                self._commands[key] = params.get("commands", [])
            case "getmycommands":
                return self.commands(params.get("scope"), params.get("language_code", ""))
            case "deletemycommands":
                key = _commands_key(params.get("scope"), params.get("language_code", ""))
                self._commands.pop(key, None)
        return True  # answerCallbackQuery, deleteMessage, sendChatAction and anything unknown

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset, limit = params.get("offset"), params.get("limit") or 100
        if "allowed_updates" in params:  # Telegram remembers the last list sent
            self._allowed_updates = params["allowed_updates"] or []
        if isinstance(offset, int):  # an offset confirms every earlier update
            if offset < 0:
                self.updates[:] = self.updates[offset:]
            else:
                self.updates[:] = [u for u in self.updates if u["update_id"] >= offset]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(params.get("timeout") or 0, MAX_POLL_WAIT)
        while True:
            # Updates of types the bot did not ask for are dropped, like on real Telegram.
            self.updates[:] = [u for u in self.updates if self._is_allowed(u)]
            remaining = deadline - loop.time()
            if self.updates or self._closing or remaining <= 0:
                return self.updates[:limit]
            await _wait(self._new_update, remaining)

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        return (
            kind in self._allowed_updates if self._allowed_updates else kind not in OPT_IN_UPDATES
        )

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, int) and chat_id > 0:
            return self._chats.get(
                chat_id, {"id": chat_id, "type": "private", "first_name": "User"}
            )
        if isinstance(chat_id, int):
            return {"id": chat_id, "type": "supergroup", "title": "Group"}
        return {"id": -1001000000000, "type": "channel", "title": str(chat_id)}  # "@username"

    def _send(self, params: dict[str, Any], bot: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        message_id = next(self._message_ids[chat_id])
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": bot,
            **content,
            **_inline_markup(params),
        }
        self._messages[(chat_id, message_id)] = message
        return message

    def _edit(self, params: dict[str, Any], bot: dict[str, Any], **changes: Any) -> Any:
        if params.get("inline_message_id"):
            return True
        key = (params.get("chat_id"), params.get("message_id"))
        old = self._messages.get(key) or {
            "message_id": key[1],
            "date": int(time.time()),
            "chat": self._chat(key[0]),
            "from": bot,
        }
        new = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
        new.update(changes, **_inline_markup(params))  # a missing markup removes the keyboard
        if key in self._messages and all(
            new.get(k) == old.get(k) for k in ("text", "caption", "reply_markup")
        ):
            raise ApiError(400, NOT_MODIFIED)
        self._messages[key] = {**new, "edit_date": int(time.time())}
        return self._messages[key]


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Sleep until the event fires or ``seconds`` pass; callers re-check their condition."""
    event.clear()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


def _error(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )


def _check_text(text: Any) -> None:
    # Mirror the checks real Telegram does, so bugs show up in tests rather than production.
    if not text:
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > 4096:
        raise ApiError(400, "Bad Request: message is too long")


def _inline_markup(params: dict[str, Any]) -> dict[str, Any]:
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return {}
    for row in markup["inline_keyboard"]:
        for button in row:
            if len(button.get("callback_data", "").encode()) > 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return {"reply_markup": markup}


def _media(method: str, params: dict[str, Any]) -> dict[str, Any]:
    kind = "document" if method == "sendDocument" else "photo"
    value = params.get(kind)
    file = value if isinstance(value, dict) else {"filename": None, "size": None}
    info = {"file_id": f"{kind}-{file['filename'] or value}", "file_unique_id": f"u-{kind}"}
    if file["size"] is not None:
        info["file_size"] = file["size"]
    if kind == "photo":
        return {"photo": [{**info, "width": 1, "height": 1}], **_pick(params, "caption")}
    if file["filename"]:
        info["file_name"] = file["filename"]
    return {"document": info, **_pick(params, "caption")}


def _pick(source: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: source[k] for k in keys if source.get(k) is not None}


def _commands_key(scope: dict[str, Any] | None, language_code: str | None) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""


def _decode(key: str, value: Any) -> Any:
    """Form values arrive as strings; JSON-decode objects, arrays, numbers and booleans."""
    if key in STRING_PARAMS or not isinstance(value, str):
        return value
    text = value.strip()
    if (text[:1] in ("{", "[") and text) or _JSON_SCALAR_RE.match(text):
        try:
            return json.loads(text)
        except ValueError:
            return value
    return value


async def _parse_request(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, bytes] = {}  # multipart field name -> content
    files: dict[str, dict[str, Any]] = {}
    if request.content_type == "application/json" and request.can_read_body:
        raw.update(await request.json())
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = value.file.read()
                files[key] = {"filename": value.filename, "size": len(uploads[key])}
            else:
                raw[key] = value
    params = {key: _decode(key, value) for key, value in raw.items()}
    # aiogram sends files as separate parts referenced by "attach://<part>" in the params.
    referenced: set[str] = set()

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(ATTACH) and value[len(ATTACH) :] in files:
            referenced.add(part := value[len(ATTACH) :])
            return files[part]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return [resolve(v) for v in value] if isinstance(value, list) else value

    for key, value in list(params.items()):
        params[key] = resolve(value)
        if isinstance(value, str) and value.startswith(ATTACH) and value[len(ATTACH) :] in uploads:
            uploads[key] = uploads.pop(value[len(ATTACH) :])  # key top-level files by param
    params.update({part: info for part, info in files.items() if part not in referenced})
    return params, uploads


__all__ = [
    "BOT_NAME",
    "DEFAULT_BOT_ID",
    "Call",
    "FakeBotAPI",
    "WaitTimeout",
    "callback_query",
    "contact_message",
    "private_message",
]
