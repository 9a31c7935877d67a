"""Fixtures for end-to-end tests: the real `python -m bot` process against FakeBotAPI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import TOKEN
from tests.e2e.bot_process import BotProcess
from tests.e2e.fake_bot_api import Call, FakeBotAPI, WaitTimeout, callback_query, private_message

WAIT = 10.0  # seconds for one expected reaction of the bot
# The process imports aiogram and the CRM libraries before it answers; on a loaded 2-core CI
# machine that alone has taken over 20 s. A start that hangs still fails, just later.
START_TIMEOUT = 60.0
SENDS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "copyMessage"})
EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
OUTPUT_TAIL = 10_000


class Desk:
    """One bot process (possibly restarted) and the fake Telegram it talks to."""

    def __init__(self, api: FakeBotAPI, proc: BotProcess) -> None:
        self.api = api
        self.proc = proc

    @property
    def sqlite_path(self) -> Path:
        database = make_url(self.proc.env["DATABASE_URL"]).database
        assert database, self.proc.env["DATABASE_URL"]
        return Path(database)

    def explain(self, message: str) -> str:
        """``message`` plus the end of the bot's output, for failing assertions."""
        # aiosqlite logs every cursor call at DEBUG; they would crowd out the bot's own lines.
        lines = self.proc.output().splitlines(keepends=True)
        output = "".join(line for line in lines if " DEBUG aiosqlite: " not in line)
        if len(output) > OUTPUT_TAIL:
            output = "...\n" + output[-OUTPUT_TAIL:]
        return f"{message}\n--- output of {self.proc.log_path} ---\n{output}"

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        after: int = 0,
        timeout: float = WAIT,
    ) -> Call:
        try:
            return await self.api.wait_for(method, predicate, timeout, after=after)
        except WaitTimeout as timeout_error:
            raise AssertionError(self.explain(str(timeout_error))) from None

    async def wait_for_output(self, fragment: str, timeout: float = WAIT) -> None:
        """Until the bot logs ``fragment``; for moments no API call reveals (e.g. shutdown)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while fragment not in self.proc.output():
            if loop.time() >= deadline:
                raise AssertionError(self.explain(f"{fragment!r} not logged within {timeout}s"))
            await asyncio.sleep(0.05)  # a poll interval, not a wait for something to happen

    async def handled(self, update_id: int, timeout: float = WAIT) -> None:
        """Until aiogram logs the update as handled: its transaction and dialog state saved."""
        await self.wait_for_output(f"Update id={update_id} is handled", timeout)

    async def stop(self) -> int:
        return await self.proc.terminate()

    async def restart(self) -> None:
        """SIGTERM, then start again with the same settings (database, port)."""
        code = await self.stop()
        assert code == 0, self.explain(f"exit code {code} on SIGTERM")
        await self.proc.start()
        await self.proc.wait_healthy(START_TIMEOUT)

    def person(
        self, user_id: int, *, first_name: str = "Ivan", language_code: str = "ru"
    ) -> Person:
        return Person(self, user_id, first_name=first_name, language_code=language_code)


class Person:
    """A Telegram user in a private chat with the bot."""

    def __init__(self, desk: Desk, user_id: int, *, first_name: str, language_code: str) -> None:
        self.desk = desk
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.last_update_id = 0  # of the latest message or button press

    def send(self, text: str) -> int:
        """Sends a message; returns the call mark to wait for the bot's reaction after."""
        mark = self.desk.api.mark()
        self._push(
            private_message(
                self.user_id,
                text,
                first_name=self.first_name,
                language_code=self.language_code,
            )
        )
        return mark

    def press(self, label: str) -> int:
        """Presses the inline button ``label`` on the newest bot message that shows it."""
        message_id, button = self.find_button(label)
        mark = self.desk.api.mark()
        self._push(
            callback_query(
                self.user_id,
                button["callback_data"],
                message_id=message_id,
                first_name=self.first_name,
                language_code=self.language_code,
            )
        )
        return mark

    def _push(self, update: dict[str, Any]) -> None:
        self.last_update_id = self.desk.api.push_update(update)["update_id"]

    def inline_keyboards(self) -> list[tuple[int, list[list[dict[str, Any]]]]]:
        """(message_id, rows) of this chat's bot messages with an inline keyboard, oldest first.

        Replays the recorded calls the way the fake numbers messages: per chat, from 1.
        """
        keyboards: dict[int, list[list[dict[str, Any]]] | None] = {}
        sent = 0
        for call in self.desk.api.calls:
            if call.params.get("chat_id") != self.user_id:
                continue
            if call.method in SENDS:
                sent += 1
                message_id = sent
            elif call.method in EDITS:
                message_id = int(call.params["message_id"])
            else:
                continue
            markup = call.params.get("reply_markup")
            keyboards.pop(message_id, None)  # re-inserted last: the newest touched message
            keyboards[message_id] = (
                markup.get("inline_keyboard") if isinstance(markup, dict) else None
            )
        return [(mid, rows) for mid, rows in keyboards.items() if rows]

    def find_button(self, label: str) -> tuple[int, dict[str, Any]]:
        keyboards = self.inline_keyboards()
        for message_id, rows in reversed(keyboards):
            for row in rows:
                for button in row:
                    if button.get("text") == label:
                        return message_id, button
        raise AssertionError(self.desk.explain(f"no button {label!r} in {keyboards}"))

    def button_labels(self) -> list[str]:
        """Labels of the newest inline keyboard in this chat."""
        keyboards = self.inline_keyboards()
        assert keyboards, self.desk.explain(f"no inline keyboard in chat {self.user_id}")
        return [button["text"] for row in keyboards[-1][1] for button in row]

    async def receives(
        self, fragment: str, *, after: int, method: str = "sendMessage", timeout: float = WAIT
    ) -> Call:
        """Waits for ``method`` to this chat whose text contains ``fragment``."""

        def matches(call: Call) -> bool:
            return call.params.get("chat_id") == self.user_id and fragment in str(
                call.params.get("text", "")
            )

        return await self.desk.wait_for(method, matches, after=after, timeout=timeout)


def reply_keyboard(call: Call) -> list[list[str]]:
    """Labels of the reply keyboard (main menu) a sendMessage call carries."""
    markup = call.params.get("reply_markup")
    assert isinstance(markup, dict) and "keyboard" in markup, call.params
    return [[button["text"] for button in row] for row in markup["keyboard"]]


Launch = Callable[..., Awaitable[Desk]]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
async def launch(api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Launch]:
    """``await launch({"SETTING": value})``: a healthy bot process talking to ``api``.

    Its SQLite database and log live in ``tmp_path``, which is also its working directory:
    there is no `.env` there to mix a developer's settings in. It is stopped after the test.
    """
    processes: list[BotProcess] = []

    async def start(env: Mapping[str, object | None] | None = None, name: str = "bot") -> Desk:
        settings = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.url, **(env or {})}
        proc = BotProcess(tmp_path, settings, name=name, cwd=tmp_path)
        processes.append(proc)
        await proc.start()
        await proc.wait_healthy(START_TIMEOUT)
        return Desk(api, proc)

    yield start
    for proc in processes:
        if proc.running:
            await proc.terminate()
