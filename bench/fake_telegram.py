"""A local Bot API with Telegram's flood control, for bench/outbound.py.

It is the end-to-end tests' FakeBotAPI (tests/e2e/fake_bot_api.py) plus the limits the
outbound sender must keep, counted over sliding windows of the messages it accepted: more
than 30 in any second for the bot, more than 1 in any second for a private chat or more than
20 in any minute for a group, and the message is refused with 429 and `retry_after`. Like
Telegram, it then refuses everything for that bot (or that chat) until the time has passed.

It runs in a process of its own (`FakeTelegramProcess`), as Telegram runs on another machine:
sharing the bench's event loop, a garbage collection pause in the bench would hold a request
that already left the sender and hand it over together with the next one, a squeeze no
network would make. Accepted and refused messages, stamped with the monotonic clock when
they arrive, are fetched from GET /_bench/log at the end.

    python bench/fake_telegram.py   # prints its URL, serves until SIGTERM or Ctrl+C
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import signal
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from aiohttp import web

from tests.e2e.fake_bot_api import FakeBotAPI

# Methods that put a message into a chat, so they count against its limits.
COUNTED_PREFIXES = ("send", "copy", "forward", "edit")
LOG_PATH = "/_bench/log"
# When the request being handled reached the server (set per request task).
ARRIVED: ContextVar[float] = ContextVar("arrived", default=0.0)


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
    def __init__(self) -> None:
        self._bot = _Flow(BOT_WINDOW)
        self._chats: dict[Any, _Flow] = {}

    def admit(self, chat_id: Any, now: float) -> tuple[int, str]:
        """(0, "") when a message to `chat_id` may go now (and counts it), else retry_after
        and which limit it broke: "bot" or "chat"."""
        chat = self._chats.get(chat_id)
        if chat is None:
            group = isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
            chat = self._chats[chat_id] = _Flow(GROUP_WINDOW if group else PRIVATE_WINDOW)
        for flow, limit in ((self._bot, "bot"), (chat, "chat")):
            if (wait := flow.wait(now)) > 0:
                retry_after = max(1, math.ceil(wait))
                flow.banned_until = max(flow.banned_until, now + retry_after)
                return retry_after, limit
        self._bot.accepted.append(now)
        chat.accepted.append(now)
        return 0, ""


@dataclass(frozen=True)
class Sent:
    at: float
    chat_id: Any
    text: str
    broke: str = ""  # for a refused one, the limit it would have broken: "bot" or "chat"


@web.middleware
async def stamp_arrival(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    # Before the body is read: the moment the request reached the server.
    ARRIVED.set(time.monotonic())
    return await handler(request)


class FloodControlledBotAPI(FakeBotAPI):
    def __init__(self) -> None:
        super().__init__()
        self.flood = FloodControl()
        self.accepted: list[Sent] = []
        self.refused: list[Sent] = []
        self._app.middlewares.append(stamp_arrival)
        self._app.router.add_get(LOG_PATH, self._log)

    async def _dispatch(self, method: str, params: dict[str, Any], bot_id: int) -> Any:
        if not method.lower().startswith(COUNTED_PREFIXES):
            return await super()._dispatch(method, params, bot_id)
        sent = Sent(ARRIVED.get(), params.get("chat_id"), str(params.get("text", "")))
        retry_after, broke = self.flood.admit(sent.chat_id, sent.at)
        if retry_after:
            self.refused.append(Sent(sent.at, sent.chat_id, sent.text, broke))
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

    async def _log(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "accepted": [[s.at, s.chat_id, s.text] for s in self.accepted],
                "refused": [[s.at, s.chat_id, s.text, s.broke] for s in self.refused],
            }
        )


class FakeTelegramProcess:
    """`async with FakeTelegramProcess() as fake:` runs this module in a child process;
    `fake.url` is its Bot API base URL and `await fake.log()` what it accepted and refused."""

    def __init__(self) -> None:
        self.url = ""
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> FakeTelegramProcess:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, stdout=asyncio.subprocess.PIPE
        )
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), timeout=30)
        self.url = line.decode().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the fake Bot API did not start: {line!r}")
        return self

    async def log(self) -> tuple[list[Sent], list[Sent]]:
        async with aiohttp.ClientSession() as session, session.get(self.url + LOG_PATH) as resp:
            data = await resp.json()
        return (
            [Sent(*row) for row in data["accepted"]],
            [Sent(*row) for row in data["refused"]],
        )

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await self._process.wait()


async def serve() -> None:
    # A collection pause here would stamp the requests that came in meanwhile as arriving
    # together: the fake's own squeeze, not the sender's. Its garbage is short-lived (reference
    # counting frees it) and the process lives for one run, so the collector can rest.
    gc.disable()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with FloodControlledBotAPI() as api:
        print(api.url, flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(serve())
