"""Reminders in the database: set for oneself (maybe about a client one may see), delivered
once when due (a missed one marked late), repeated at the same local time, snoozed, done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import reminders
from bot.services.actors import Actor
from bot.services.crm import clients, notes
from bot.services.crm.clients import LeadDraft
from bot.services.crm.notes import NoteDraft
from bot.services.errors import NotAllowed, ReminderProblem, ReminderRejected
from bot.storage.enums import Recurrence, ReminderOrigin, ReminderStatus, Role, TimelineKind
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

# Friday 27 November 2026, 12:00 in Moscow.
NOON = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def staff(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role} {telegram_id}",
    )
    return Actor.of(user)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOON)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def boris(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 2, Role.SPECIALIST)


async def test_a_specialist_sets_a_reminder_about_his_client(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await clients.create(uow, anna, clock, LeadDraft("Ivan Petrov"))
    at_three = NOON + timedelta(hours=3)

    reminder = await reminders.create(
        uow, anna, clock, text="  Call Ivan about the offer ", due_at=at_three, client_id=ivan.id
    )

    stored = await uow.reminders.get(reminder.id)
    assert stored is not None
    assert (stored.owner_id, stored.client_id, stored.text, stored.due_at) == (
        anna.user_id,
        ivan.id,
        "Call Ivan about the offer",
        at_three,
    )
    assert (stored.status, stored.recurrence) == (ReminderStatus.PENDING, Recurrence.ONCE)


@pytest.mark.parametrize(
    ("text", "due_in", "problem"),
    [
        ("   ", timedelta(hours=1), ReminderProblem.EMPTY),
        ("x" * 1001, timedelta(hours=1), ReminderProblem.TOO_LONG),
        ("Call", -timedelta(minutes=5), ReminderProblem.PAST_TIME),
        ("Call", timedelta(days=800), ReminderProblem.TOO_FAR),
    ],
    ids=["empty", "too long", "in the past", "years ahead"],
)
async def test_a_reminder_that_cannot_be_kept_is_refused_with_its_reason(
    uow: UnitOfWork,
    clock: FakeClock,
    anna: Actor,
    text: str,
    due_in: timedelta,
    problem: ReminderProblem,
) -> None:
    with pytest.raises(ReminderRejected) as refused:
        await reminders.create(uow, anna, clock, text=text, due_at=NOON + due_in)

    assert refused.value.problem is problem
    assert await uow.reminders.count_active(anna.user_id or 0) == 0


async def test_a_time_typed_a_few_seconds_late_still_counts_as_now(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    reminder = await reminders.create(
        uow, anna, clock, text="Now", due_at=NOON - timedelta(seconds=30)
    )

    assert reminder.status is ReminderStatus.PENDING


async def test_another_specialists_client_and_reminders_are_out_of_reach(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    olga = await clients.create(uow, boris, clock, LeadDraft("Olga"))
    borises = await reminders.create(uow, boris, clock, text="Olga", due_at=NOON)

    with pytest.raises(NotAllowed):
        await reminders.create(uow, anna, clock, text="Spy", due_at=NOON, client_id=olga.id)
    for act in (
        lambda: reminders.done(uow, anna, clock, borises.id),
        lambda: reminders.cancel(uow, anna, clock, borises.id),
        lambda: reminders.snooze(uow, anna, clock, borises.id, NOON + timedelta(hours=1)),
        lambda: reminders.mine(uow, anna, 999_999),
    ):
        with pytest.raises(NotAllowed):
            await act()
    unchanged = await uow.reminders.get(borises.id)
    assert unchanged is not None and unchanged.status is ReminderStatus.PENDING


async def test_a_client_cannot_set_reminders(uow: UnitOfWork, clock: FakeClock) -> None:
    client = await staff(uow, clock, 3, Role.CLIENT)

    with pytest.raises(NotAllowed):
        await reminders.create(uow, client, clock, text="Hi", due_at=NOON)


async def test_a_due_reminder_is_claimed_once_and_then_waits_for_done(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    reminder = await reminders.create(
        uow, anna, clock, text="Call", due_at=NOON + timedelta(minutes=10)
    )
    assert await reminders.claim_due(uow, clock) == []

    clock.advance(minutes=10, seconds=2)
    (due,) = await reminders.claim_due(uow, clock)
    assert (due.reminder.id, due.owner.id, due.late) == (reminder.id, anna.user_id, False)
    assert await reminders.claim_due(uow, clock) == []

    await reminders.delivered(uow, clock, due, message_id=77)
    sent = await uow.reminders.get(reminder.id)
    assert sent is not None
    assert (sent.status, sent.message_id, sent.sent_at) == (ReminderStatus.SENT, 77, clock.now())
    clock.advance(hours=5)
    assert await reminders.claim_due(uow, clock) == []

    finished = await reminders.done(uow, anna, clock, reminder.id)
    assert finished.status is ReminderStatus.DONE
    assert (await reminders.active(uow, anna, 0)) == ([], 0)


async def test_two_schedulers_never_take_the_same_reminder(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        anna = await staff(uow, clock, 1, Role.SPECIALIST)
        for number in range(30):
            await reminders.create(uow, anna, clock, text=f"Call {number}", due_at=NOON)
    clock.advance(seconds=1)

    async def one_pass() -> list[int]:
        async with sessionmaker() as session, session.begin():
            due = await reminders.claim_due(UnitOfWork(session), clock, limit=20)
            return [item.reminder.id for item in due]

    first, second = await one_pass(), await one_pass()
    assert len(first) == 20 and len(second) == 10
    assert not set(first) & set(second)


async def test_a_claim_whose_sender_died_is_taken_over_after_the_lease(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    reminder = await reminders.create(uow, anna, clock, text="Call", due_at=NOON)
    (lost,) = await reminders.claim_due(uow, clock)

    clock.advance(minutes=1)
    assert await reminders.claim_due(uow, clock) == []
    clock.advance(minutes=2)
    (again,) = await reminders.claim_due(uow, clock)

    assert lost.reminder.id == again.reminder.id == reminder.id
    assert again.late


async def test_a_reminder_missed_while_the_bot_was_down_is_delivered_marked_late(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    reminder = await reminders.create(uow, anna, clock, text="Call", due_at=NOON)
    clock.advance(hours=2)

    (due,) = await reminders.claim_due(uow, clock)
    await reminders.delivered(uow, clock, due, message_id=5)

    stored = await uow.reminders.get(reminder.id)
    assert due.late and stored is not None and stored.late


async def test_a_failed_send_is_tried_again_and_a_blocked_bot_stops_trying(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    await reminders.create(uow, anna, clock, text="Call", due_at=NOON)
    (due,) = await reminders.claim_due(uow, clock)

    await reminders.undelivered(uow, clock, due, unreachable=False)
    (again,) = await reminders.claim_due(uow, clock)
    await reminders.undelivered(uow, clock, again, unreachable=True)

    clock.advance(days=1)
    assert await reminders.claim_due(uow, clock) == []
    stored = await uow.reminders.get(due.reminder.id)
    assert stored is not None and stored.status is ReminderStatus.SENT


async def test_a_reminder_of_someone_who_left_the_team_is_dropped(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    reminder = await reminders.create(uow, anna, clock, text="Call", due_at=NOON)
    await uow.users.update(anna.user_id or 0, now=clock.now(), role=Role.CLIENT.value)

    assert await reminders.claim_due(uow, clock) == []
    stored = await uow.reminders.get(reminder.id)
    assert stored is not None and stored.status is ReminderStatus.CANCELLED


async def test_a_daily_reminder_comes_back_next_day_at_the_same_local_time(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    reminder = await reminders.create(
        uow, anna, clock, text="Plan the day", due_at=NOON, recurrence=Recurrence.DAILY
    )

    (due,) = await reminders.claim_due(uow, clock)
    await reminders.delivered(uow, clock, due, message_id=1)
    await reminders.done(uow, anna, clock, reminder.id)

    stored = await uow.reminders.get(reminder.id)
    assert stored is not None
    assert (stored.status, stored.due_at) == (ReminderStatus.PENDING, NOON + timedelta(days=1))


async def test_snoozing_a_one_off_moves_it_and_a_repeating_one_gets_a_copy(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    once = await reminders.create(uow, anna, clock, text="Once", due_at=NOON)
    weekly = await reminders.create(
        uow, anna, clock, text="Weekly", due_at=NOON, recurrence=Recurrence.WEEKLY
    )
    for due in await reminders.claim_due(uow, clock):
        await reminders.delivered(uow, clock, due, message_id=1)
    in_15 = NOON + timedelta(minutes=15)

    moved = await reminders.snooze(uow, anna, clock, once.id, in_15)
    copy = await reminders.snooze(uow, anna, clock, weekly.id, in_15)

    assert (moved.id, moved.status, moved.due_at) == (once.id, ReminderStatus.PENDING, in_15)
    assert copy.id != weekly.id and (copy.text, copy.recurrence) == ("Weekly", Recurrence.ONCE)
    series = await uow.reminders.get(weekly.id)
    assert series is not None and series.due_at == NOON + timedelta(days=7)
    with pytest.raises(ReminderRejected):
        await reminders.snooze(uow, anna, clock, once.id, NOON - timedelta(hours=1))


async def test_his_list_shows_what_is_ahead_soonest_first(
    uow: UnitOfWork, clock: FakeClock, anna: Actor, boris: Actor
) -> None:
    for hours in (5, 1, 3):
        await reminders.create(
            uow, anna, clock, text=f"In {hours}", due_at=NOON + timedelta(hours=hours)
        )
    cancelled = await reminders.create(uow, anna, clock, text="Gone", due_at=NOON)
    await reminders.cancel(uow, anna, clock, cancelled.id)
    await reminders.create(uow, boris, clock, text="Boris's", due_at=NOON)

    items, total = await reminders.active(uow, anna, 0)

    assert [item.text for item in items] == ["In 1", "In 3", "In 5"] and total == 3


def moscow(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


@pytest.mark.parametrize(
    ("due", "recurrence", "zone", "after", "expected"),
    [
        (
            moscow(2026, 11, 27, 9),
            Recurrence.DAILY,
            "Europe/Moscow",
            moscow(2026, 11, 27, 9, 1),
            moscow(2026, 11, 28, 9),
        ),
        # Friday → Monday, skipping the weekend.
        (
            moscow(2026, 11, 27, 9),
            Recurrence.WORKDAYS,
            "Europe/Moscow",
            moscow(2026, 11, 27, 9, 1),
            moscow(2026, 11, 30, 9),
        ),
        (
            moscow(2026, 11, 27, 9),
            Recurrence.WEEKLY,
            "Europe/Moscow",
            moscow(2026, 11, 27, 10),
            moscow(2026, 12, 4, 9),
        ),
        # The 31st: the 31st of December, then the last day of February.
        (
            moscow(2026, 12, 31, 9),
            Recurrence.MONTHLY,
            "Europe/Moscow",
            moscow(2026, 12, 31, 10),
            moscow(2027, 1, 31, 9),
        ),
        (
            moscow(2027, 1, 31, 9),
            Recurrence.MONTHLY,
            "Europe/Moscow",
            moscow(2027, 1, 31, 10),
            moscow(2027, 2, 28, 9),
        ),
        # Down for three days: the next time ahead, not three in a burst.
        (
            moscow(2026, 11, 27, 9),
            Recurrence.DAILY,
            "Europe/Moscow",
            moscow(2026, 11, 30, 12),
            moscow(2026, 12, 1, 9),
        ),
        # Clocks go forward in Berlin on 28 March 2027: 09:00 stays 09:00.
        (
            berlin(2027, 3, 27, 9),
            Recurrence.DAILY,
            "Europe/Berlin",
            berlin(2027, 3, 27, 10),
            berlin(2027, 3, 28, 9),
        ),
        (moscow(2026, 11, 27, 9), Recurrence.ONCE, "Europe/Moscow", moscow(2026, 11, 27, 10), None),
    ],
    ids=[
        "daily",
        "working days skip the weekend",
        "weekly",
        "monthly on the 31st",
        "monthly to a shorter month",
        "missed days are skipped",
        "daylight saving time",
        "once",
    ],
)
def test_a_repeating_reminder_keeps_its_local_time(
    due: datetime,
    recurrence: Recurrence,
    zone: str,
    after: datetime,
    expected: datetime | None,
) -> None:
    assert reminders.next_time(due, recurrence, zone, after=after) == expected


def test_quick_choices_are_tomorrow_and_next_monday_at_nine_local() -> None:
    friday_noon = moscow(2026, 11, 27, 12)

    assert reminders.tomorrow_morning(friday_noon, "Europe/Moscow") == moscow(2026, 11, 28, 9)
    assert reminders.next_monday_morning(friday_noon, "Europe/Moscow") == moscow(2026, 11, 30, 9)


async def test_a_notes_next_step_with_a_day_becomes_the_owners_reminder_and_is_replaced(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await clients.create(uow, anna, clock, LeadDraft("Ivan Petrov"))
    monday_nine = moscow(2026, 11, 30, 9)

    await notes.log(
        uow,
        anna,
        clock,
        ivan.id,
        NoteDraft(
            TimelineKind.CALL,
            "Asked for prices",
            next_step="Send the offer",
            next_step_at=monday_nine,
        ),
    )
    (first,) = await uow.reminders.of_client(ivan.id, [anna.user_id or 0])
    assert (first.text, first.due_at, first.origin) == (
        "Send the offer",
        monday_nine,
        ReminderOrigin.NEXT_STEP,
    )

    tuesday_nine = moscow(2026, 12, 1, 9)
    await notes.log(
        uow,
        anna,
        clock,
        ivan.id,
        NoteDraft(TimelineKind.CALL, "Busy", next_step="Call again", next_step_at=tuesday_nine),
    )
    (second,) = await uow.reminders.of_client(ivan.id, [anna.user_id or 0])
    assert (second.text, second.due_at) == ("Call again", tuesday_nine)
    replaced = await uow.reminders.get(first.id)
    assert replaced is not None and replaced.status is ReminderStatus.CANCELLED

    await clients.update(uow, anna, clock, ivan.id, next_step=None, next_step_at=None)
    assert await uow.reminders.of_client(ivan.id, [anna.user_id or 0]) == []


async def test_a_next_step_whose_time_has_passed_sets_no_reminder(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    ivan = await clients.create(uow, anna, clock, LeadDraft("Ivan Petrov"))
    this_morning = moscow(2026, 11, 27, 9)

    await clients.update(uow, anna, clock, ivan.id, next_step="Call", next_step_at=this_morning)

    assert await uow.reminders.of_client(ivan.id, [anna.user_id or 0]) == []


@pytest.mark.parametrize(
    ("line", "expected_at", "expected_text"),
    [
        ("завтра в 10 позвонить Ивану", moscow(2026, 11, 28, 10), "позвонить Ивану"),
        ("call Ivan tomorrow 3pm", moscow(2026, 11, 28, 15), "call Ivan"),
        ("через 2 часа отправить КП", moscow(2026, 11, 27, 14), "отправить КП"),
        ("в понедельник в 9 встреча с Петровым", moscow(2026, 11, 30, 9), "встреча с Петровым"),
        ("send the contract", None, "send the contract"),
        ("tomorrow", None, "tomorrow"),
    ],
    ids=["time first", "time last", "in hours", "weekday", "no time", "only a time"],
)
def test_a_remind_line_is_split_into_its_time_and_its_text(
    line: str, expected_at: datetime | None, expected_text: str
) -> None:
    assert reminders.split_when(line, now=NOON, tz="Europe/Moscow", locale="ru") == (
        expected_at,
        expected_text,
    )
