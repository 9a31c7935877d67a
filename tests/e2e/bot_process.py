"""Run the real bot (`python -m bot`) as a subprocess for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import aiohttp

REPO_ROOT = Path(__file__).resolve().parents[2]  # the directory that contains `bot/`
# ClientDesk settings (bot/config.py). Inherited values are dropped so the developer's shell
# cannot leak into a run (a real BOT_TOKEN would reach the real Telegram).
_SETTING_NAMES = (
    "BOT_TOKEN TELEGRAM_API_URL DATABASE_URL REDIS_URL ADMIN_IDS DEFAULT_LOCALE DEFAULT_TIMEZONE"
    " MODE WEBHOOK_BASE_URL WEBHOOK_SECRET WEB_HOST WEB_PORT LOG_LEVEL LOG_FORMAT INVITE_TTL_DAYS"
    " SHUTDOWN_GRACE_SECONDS"
)
SETTINGS = frozenset(_SETTING_NAMES.split())
# The documented defaults, set explicitly because a repo-root `.env` is still read by the bot
# and would otherwise fill anything missing from the environment. "" means "not set" there.
DEFAULTS = {
    "REDIS_URL": "",
    "ADMIN_IDS": "",
    "DEFAULT_LOCALE": "ru",
    "DEFAULT_TIMEZONE": "Europe/Moscow",
    "MODE": "polling",
    "WEBHOOK_BASE_URL": "",
    "WEBHOOK_SECRET": "",
    "WEB_HOST": "127.0.0.1",
    "LOG_LEVEL": "DEBUG",
    "LOG_FORMAT": "text",
    "PYTHONUNBUFFERED": "1",  # log lines reach the file before a crash
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_env(
    work_dir: Path, overrides: Mapping[str, object | None] | None = None
) -> dict[str, str]:
    """os.environ without ClientDesk settings, plus DEFAULTS, a free WEB_PORT, a SQLite file
    in ``work_dir``, then ``overrides`` (str() applied; None removes the variable)."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS}
    env |= DEFAULTS | {
        "WEB_PORT": str(free_port()),
        "DATABASE_URL": f"sqlite+aiosqlite:///{Path(work_dir).resolve() / 'clientdesk.db'}",
    }
    for key, value in (overrides or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


class BotProcess:
    """One `python -m bot ...` process; output goes to ``<log_dir>/<name>.log``.

    ``async with BotProcess(...) as bot:`` starts it and terminates it on exit (not waiting
    for health: call ``await bot.wait_healthy()``). It can be started again after it exited;
    the log file is appended to.
    """

    def __init__(
        self,
        log_dir: Path,
        env: Mapping[str, object | None] | None = None,
        args: Sequence[str] = (),
        *,
        name: str = "bot",
        cwd: Path = REPO_ROOT,
    ) -> None:
        self.env = build_env(log_dir, env)
        self.args = list(args)
        self.cwd = cwd
        self.log_path = Path(log_dir) / f"{name}.log"
        self._proc: asyncio.subprocess.Process | None = None

    @property
    def port(self) -> int:
        return int(self.env["WEB_PORT"])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.returncode

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    def output(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def start(self) -> None:
        if self.running:
            raise RuntimeError("the bot process is already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                *self.args,
                cwd=self.cwd,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    async def wait_healthy(self, timeout: float = 30.0) -> None:
        """Poll GET /healthz until it answers 200; fail early if the process exits."""
        proc = self._require_started()
        loop = asyncio.get_running_loop()
        deadline, last = loop.time() + timeout, "no answer"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while True:
                if proc.returncode is not None:
                    self._fail(f"bot exited with code {proc.returncode} before it was healthy")
                try:
                    async with session.get(f"{self.base_url}/healthz") as resp:
                        if resp.status == 200:
                            return
                        last = f"HTTP {resp.status}: {await resp.text()}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    last = repr(exc)
                if loop.time() >= deadline:
                    self._fail(f"/healthz not 200 within {timeout}s (last: {last})")
                # Sleep between probes, waking at once if the process dies meanwhile.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(proc.wait()), 0.1)

    async def wait_exit(self, timeout: float) -> int:
        """Wait for the process to exit by itself; kill it and fail after ``timeout``."""
        proc = self._require_started()
        try:
            return await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            await self._kill()
            self._fail(f"bot did not exit within {timeout}s; killed")

    async def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait for exit; kill it and fail if that takes longer than ``timeout``."""
        proc = self._require_started()
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), timeout)
            except TimeoutError:
                await self._kill()
                self._fail(f"bot did not stop within {timeout}s after SIGTERM; killed")
        assert proc.returncode is not None
        return proc.returncode

    async def post_webhook_update(self, update: Mapping[str, Any], secret: str | None) -> int:
        """POST an update to the bot's /webhook (MODE=webhook) as Telegram would; -> status."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session,
            session.post(f"{self.base_url}/webhook", json=update, headers=headers) as resp,
        ):
            return resp.status

    async def __aenter__(self) -> BotProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.running:
            await self.terminate()

    def _require_started(self) -> asyncio.subprocess.Process:
        if self._proc is None:
            raise RuntimeError("the bot process was not started")
        return self._proc

    async def _kill(self) -> None:
        proc = self._require_started()
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()

    def _fail(self, message: str) -> NoReturn:
        output = self.output()
        if len(output) > 20_000:
            output = "...\n" + output[-20_000:]
        raise AssertionError(f"{message}\n--- output of {self.log_path} ---\n{output}")


async def run_once(
    args: Sequence[str],
    env: Mapping[str, object | None] | None = None,
    timeout: float = 60.0,
    *,
    cwd: Path = REPO_ROOT,
) -> tuple[int, str]:
    """Run `python -m bot *args` to completion (e.g. `migrate`); -> (returncode, output).

    Note the default DATABASE_URL points into a throw-away directory: pass DATABASE_URL to
    work on a database the test keeps.
    """
    with tempfile.TemporaryDirectory(prefix="clientdesk-run-") as work_dir:
        process = BotProcess(Path(work_dir), env, args, name="run", cwd=cwd)
        await process.start()
        returncode = await process.wait_exit(timeout)
        return returncode, process.output()
