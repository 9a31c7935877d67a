"""A local Bot API with Telegram's flood control, for bench/outbound.py.

It is the end-to-end tests' FakeBotAPI (tests/e2e/fake_bot_api.py) plus the limits the
outbound sender must keep, counted over sliding windows of the messages it accepted: more
than 30 in any second for the bot, more than 1 in any second for a private chat or more than
20 in any minute for a group, and the message is refused with 429 and `retry_after`. Like
Telegram, it then refuses everything for that bot (or that chat) until the time has passed.
Accepted and refused messages are kept, stamped with the monotonic clock, for the figures.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from tests.e2e.fake_bot_api import FakeBotAPI

# Methods that put a message into a chat, so they count against its limits.
COUNTED_PREFIXES = ("send", "copy", "forward", "edit")


@dataclass(frozen=True)
class Window:
    """At most `limit` messages in any `seconds`."""

    limit: int
    seconds: float


BOT_WINDOW = Window(30, 1.0)
PRIVATE_WINDOW = Window(1, 1.0)
GROUP_WINDOW = Window(20, 60.0)


@dataclass
class _Flow:
    """The accepted messages of one window's owner, and the time it is banned until."""

    window: Window
    accepted: deque[float] = field(default_factory=deque)
    banned_until: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds to wait before one more message fits; 0 when it fits now."""
        if now < self.banned_until:
            return self.banned_until - now
        while self.accepted and self.accepted[0] <= now - self.window.seconds:
            self.accepted.popleft()
        if len(self.accepted) < self.window.limit:
            return 0.0
        return self.accepted[0] + self.window.seconds - now


class FloodControl:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._bot = _Flow(BOT_WINDOW)
        self._chats: dict[Any, _Flow] = {}

    def admit(self, chat_id: Any, now: float) -> int:
        """0 when a message to `chat_id` may go now (and counts it), else retry_after."""
        chat = self._chats.get(chat_id)
        if chat is None:
            group = isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
            chat = self._chats[chat_id] = _Flow(GROUP_WINDOW if group else PRIVATE_WINDOW)
        for flow in (self._bot, chat):
            if (wait := flow.wait(now)) > 0:
                retry_after = max(1, math.ceil(wait))
                flow.banned_until = max(flow.banned_until, now + retry_after)
                return retry_after
        self._bot.accepted.append(now)
        chat.accepted.append(now)
        return 0


@dataclass(frozen=True)
class Sent:
    at: float
    chat_id: Any
    text: str


class FloodControlledBotAPI(FakeBotAPI):
    def __init__(self) -> None:
        super().__init__()
        self.flood = FloodControl()
        self.accepted: list[Sent] = []
        self.refused: list[Sent] = []

    async def _dispatch(self, method: str, params: dict[str, Any], bot_id: int) -> Any:
        if not method.lower().startswith(COUNTED_PREFIXES):
            return await super()._dispatch(method, params, bot_id)
        now = self.flood.clock()
        sent = Sent(now, params.get("chat_id"), str(params.get("text", "")))
        if retry_after := self.flood.admit(sent.chat_id, now):
            self.refused.append(sent)
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            # FakeBotAPI turns its own errors into bodies without `parameters`; aiohttp sends
            # a raised HTTP exception as it is.
            raise web.HTTPTooManyRequests(text=json.dumps(body), content_type="application/json")
        self.accepted.append(sent)
        return await super()._dispatch(method, params, bot_id)
