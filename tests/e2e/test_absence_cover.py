"""End-to-end: Anna plans a one-day absence from today in the real process; Boris is told
he covers, and Anna's reminder, due while she is away, reaches him marked with her name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.storage import migrate
from bot.storage.database import create_engine, create_sessionmaker
from bot.storage.enums import Recurrence, Role
from bot.storage.uow import UnitOfWork
from tests.e2e.conftest import Desk, Launch
from tests.e2e.test_reminder_delivery import database_url

ANNA, BORIS = 7100, 7200
MOSCOW = ZoneInfo("Europe/Moscow")


async def with_the_database(work_dir: Path, action) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(database_url(work_dir))
    try:
        await migrate.upgrade(engine)
        async with create_sessionmaker(engine)() as session, session.begin():
            await action(UnitOfWork(session))
    finally:
        await engine.dispose()


async def anna_and_boris(uow: UnitOfWork) -> None:
    now = datetime.now(UTC)
    for telegram_id, name in ((ANNA, "Anna"), (BORIS, "Boris")):
        await uow.users.add(
            telegram_id=telegram_id,
            role=Role.SPECIALIST,
            locale="en",
            timezone="Europe/Moscow",
            now=now,
            full_name=name,
        )


async def a_reminder_for_anna_due_now(uow: UnitOfWork) -> None:
    anna = await uow.users.by_telegram_id(ANNA)
    assert anna is not None
    await uow.reminders.add(
        owner_id=anna.id,
        client_id=None,
        text="Send the contract",
        due_at=datetime.now(UTC),
        recurrence=Recurrence.ONCE,
        now=datetime.now(UTC),
    )


async def test_annas_absence_from_today_sends_her_reminder_to_boris(
    launch: Launch, tmp_path: Path
) -> None:
    await with_the_database(tmp_path, anna_and_boris)
    desk: Desk = await launch()
    anna = desk.person(ANNA, first_name="Anna", language_code="en")
    boris = desk.person(BORIS, first_name="Boris", language_code="en")

    mark = anna.send("/away")
    await anna.receives("None planned.", after=mark)
    mark = anna.press("➕ Plan an absence")
    await anna.receives("🗓 The first day away?", after=mark, method="editMessageText")
    mark = anna.press(f"[ {datetime.now(MOSCOW):%d} ]")  # today, as the calendar marks it
    await anna.receives("🗓 The last day away?", after=mark, method="editMessageText")
    mark = anna.press("Just that day")
    await anna.receives("🤝 Who covers meanwhile?", after=mark, method="editMessageText")
    mark = anna.press("Boris")
    await anna.receives("Boris covers. Is that right?", after=mark, method="editMessageText")
    mark = anna.press("✅ Confirm")
    await anna.receives("✅ Absence set: Anna", after=mark, method="editMessageText")
    await boris.receives("🤝 <b>You cover for Anna until", after=mark)

    mark = desk.api.mark()
    await with_the_database(tmp_path, a_reminder_for_anna_due_now)
    reminder = await boris.receives("Send the contract", after=mark)

    assert reminder.params["text"].startswith("🤝 <i>Covering for Anna</i>\n⏰ <b>Reminder</b>")
    assert not [t for t in desk.api.sent_texts(ANNA) if "Send the contract" in t]
    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")
