"""Admins and the head of sales invite staff with single-use, expiring deep links."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import ADMIN_ID
from tests.support.clock import FakeClock
from tests.support.harness import INVITE_LINK, Harness, callback_answer


async def role_of(harness: Harness, telegram_id: int) -> str | None:
    user = await harness.stored_user(telegram_id)
    return user.role if user else None


async def test_admin_invites_a_specialist_who_joins_by_the_link(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, first_name="Olga", language_code="en")
    await admin.send("/start")
    assert admin.menu() == [
        "📥 Requests",
        "🗂 Clients",
        "➕ New lead",
        "📝 Note",
        "💼 Deals",
        "⏰ Reminders",
        "🏖 Absence",
        "✉️ Invite staff",
        "👥 Team",
        "❓ Help",
        "🌐 Language",
    ]

    await admin.send("/invite")
    assert "Whom are you inviting?" in admin.last_text()
    payload = await admin.create_invite("client relations specialist")
    assert "Valid until Dec 4, 2026" in admin.last_text()

    newcomer = harness.person(700, first_name="Sergey", language_code="ru")
    await newcomer.send(f"/start {payload}")

    assert newcomer.last_text() == (
        "Добро пожаловать в команду! Ваша роль: специалист по работе с клиентами."
    )
    assert await role_of(harness, 700) == "specialist"
    scoped = [c for c in harness.calls("SetMyCommands") if c.scope.type == "chat"]
    assert scoped[-1].scope.chat_id == 700
    assert [c.command for c in scoped[-1].commands] == [
        "start",
        "queue",
        "clients",
        "lead",
        "note",
        "deals",
        "remind",
        "reminders",
        "away",
        "import",
        "export",
        "help",
        "language",
        "timezone",
    ]


async def test_an_invite_works_once(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    payload = await admin.create_invite("head of sales")

    await harness.person(701, language_code="en").send(f"/start {payload}")
    second = harness.person(702, language_code="en")
    await second.send(f"/start {payload}")

    assert "already been used" in second.last_text()
    assert await role_of(harness, 701) == "head_of_sales"
    assert await role_of(harness, 702) is None


async def test_an_expired_invite_is_refused(harness: Harness, clock: FakeClock) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    payload = await admin.create_invite("client relations specialist")

    clock.advance(days=7, seconds=1)
    late = harness.person(703, language_code="en")
    await late.send(f"/start {payload}")

    assert late.last_text() == (
        "This invite link has expired. Ask whoever invited you for a new one."
    )
    assert await role_of(harness, 703) is None


async def test_a_forged_invite_is_refused(harness: Harness) -> None:
    stranger = harness.person(704, language_code="ru")
    await stranger.send("/start inv_forged-token-that-does-not-exist")
    assert stranger.last_text() == (
        "Эта ссылка-приглашение недействительна. Попросите пригласившего вас прислать новую."
    )
    assert await role_of(harness, 704) is None


async def test_head_of_sales_may_invite_only_specialists(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    payload = await admin.create_invite("head of sales")
    head = harness.person(705, language_code="en")
    await head.send(f"/start {payload}")

    await head.send("/invite")
    labels = [
        b.text for _, kb in harness.inline_keyboards(705) for row in kb.inline_keyboard for b in row
    ]
    assert "client relations specialist" in labels
    assert "administrator" not in labels and "head of sales" not in labels


async def test_a_client_typing_invite_learns_nothing(harness: Harness) -> None:
    client = harness.person(706, language_code="en")
    await client.send("/start")
    await client.press("English")
    await client.press("✅ I agree")

    await client.send("/invite")

    assert client.last_text() == "I don't know this command. /help lists what I can do."
    assert "✉️ Invite staff" not in client.menu()


async def test_a_forged_role_button_creates_no_invite(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    await admin.send("/invite")
    message_id, keyboard = harness.inline_keyboards(ADMIN_ID)[-1]
    genuine = keyboard.inline_keyboard[0][0].callback_data
    forged = genuine.rsplit(":", 1)[0] + ":superuser"

    calls = await admin.press_data(forged, message_id)

    assert callback_answer(calls) == "This button is no longer active."
    assert not INVITE_LINK.search(" ".join(admin.texts()))


async def test_cancelling_an_invite_creates_nothing(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    await admin.send("✉️ Invite staff")
    await admin.press("Cancel")

    async with harness.app.sessionmaker() as session:
        from bot.storage.models import StaffInvite

        assert await session.scalar(select(StaffInvite)) is None
    assert not INVITE_LINK.search(" ".join(admin.texts()))


async def test_a_link_sent_to_the_wrong_person_is_cancelled(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    payload = await admin.create_invite("client relations specialist")

    await admin.send("/invite")
    await admin.press("Links not opened yet: 1")
    await admin.press("client relations specialist, until Dec 4, 2026, 12:00\u202fPM")
    assert "Whoever opens it will be refused." in admin.last_text()
    calls = await admin.press("Yes, cancel the link")

    assert callback_answer(calls) == "The link is cancelled."
    assert admin.last_text() == "No links are waiting to be opened."
    wrong_person = harness.person(720, language_code="en")
    await wrong_person.send(f"/start {payload}")
    assert wrong_person.last_text() == (
        "This invite link has been cancelled. Ask whoever invited you for a new one."
    )
    assert await role_of(harness, 720) is None


async def test_the_head_of_sales_sees_and_cancels_only_his_own_links(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    head_payload = await admin.create_invite("head of sales")
    head = harness.person(721, language_code="en")
    await head.send(f"/start {head_payload}")
    await admin.create_invite("client relations specialist")  # the admin's own open link

    await head.create_invite("client relations specialist")
    await head.send("/invite")
    await head.press("Links not opened yet: 1")
    message_id, keyboard = harness.inline_keyboards(721)[-1]
    own = keyboard.inline_keyboard[0][0].callback_data
    admins_link_id = int(own.rsplit(":", 1)[1]) - 1  # created just before the head's own
    calls = await head.press_data(own.rsplit(":", 1)[0] + f":{admins_link_id}", message_id)

    assert callback_answer(calls) == "This button is no longer active."
