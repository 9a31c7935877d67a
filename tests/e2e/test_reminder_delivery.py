"""End-to-end: reminders leave the real process. A reminder that fell due while the bot was
down arrives on start, marked late, and Done closes it; `python -m bot scheduler` delivers
on its own and stops cleanly on SIGTERM."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage import migrate
from bot.storage.database import create_engine, create_sessionmaker
from bot.storage.enums import Recurrence, Role
from bot.storage.uow import UnitOfWork
from tests.conftest import TOKEN
from tests.e2e.bot_process import BotProcess
from tests.e2e.conftest import START_TIMEOUT, Desk, Launch

ANNA = 7100


def database_url(work_dir: Path) -> str:
    # Where the launch fixture's process keeps its SQLite file.
    return f"sqlite+aiosqlite:///{work_dir.resolve() / 'clientdesk.db'}"


async def reminder_due(work_dir: Path, due_at: datetime) -> None:
    """Anna, a specialist, asked to be reminded to call Ivan at `due_at`."""
    engine = create_engine(database_url(work_dir))
    try:
        await migrate.upgrade(engine)
        async with create_sessionmaker(engine)() as session, session.begin():
            uow = UnitOfWork(session)
            now = datetime.now(UTC)
            anna = await uow.users.add(
                telegram_id=ANNA,
                role=Role.SPECIALIST,
                locale="en",
                timezone="Europe/Moscow",
                now=now,
                full_name="Anna",
            )
            await uow.reminders.add(
                owner_id=anna.id,
                client_id=None,
                text="Call Ivan <today>",
                due_at=due_at,
                recurrence=Recurrence.ONCE,
                now=now,
            )
    finally:
        await engine.dispose()


def stored_status(work_dir: Path) -> str:
    with contextlib.closing(sqlite3.connect(work_dir / "clientdesk.db")) as db:
        return db.execute("SELECT status FROM reminders").fetchone()[0]


async def test_a_reminder_missed_while_down_arrives_on_start_and_done_closes_it(
    launch: Launch, tmp_path: Path
) -> None:
    await reminder_due(tmp_path, datetime.now(UTC) - timedelta(hours=1))

    desk: Desk = await launch()
    anna = desk.person(ANNA, first_name="Anna", language_code="en")
    reminder = await anna.receives("⏰ <b>Reminder</b>\nCall Ivan &lt;today&gt;", after=0)
    assert "⌛ It was due" in reminder.params["text"]
    assert anna.button_labels() == ["✅ Done", "💤 Snooze"]

    mark = anna.press("✅ Done")
    await anna.receives("✅ Done: Call Ivan &lt;today&gt;", after=mark, method="editMessageText")

    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")
    assert stored_status(tmp_path) == "done"


async def test_the_scheduler_alone_delivers_and_stops_on_sigterm(
    launch: Launch, tmp_path: Path
) -> None:
    desk: Desk = await launch({"SCHEDULER_IN_BOT": "false"})
    await reminder_due(tmp_path, datetime.now(UTC))
    await desk.wait_for_output("Ready as @")
    scheduler = BotProcess(tmp_path, desk.proc.env, ["scheduler"], name="scheduler", cwd=tmp_path)
    await scheduler.start()
    try:
        anna = desk.person(ANNA, first_name="Anna", language_code="en")
        await anna.receives("Call Ivan &lt;today&gt;", after=0, timeout=START_TIMEOUT)
    finally:
        code = await scheduler.terminate()
    assert code == 0, scheduler.output()[-3000:]
    assert "Traceback" not in scheduler.output()
    assert stored_status(tmp_path) == "sent"
    assert TOKEN not in scheduler.output()
