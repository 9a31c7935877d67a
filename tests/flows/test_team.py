"""The team: the head of sales sees it; an admin changes roles and revokes access."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import AuditRecord, User
from tests.conftest import ADMIN_ID
from tests.support.harness import Harness, Person, callback_answer


async def join(harness: Harness, admin: Person, role_label: str, newcomer: Person) -> Person:
    await newcomer.send(f"/start {await admin.create_invite(role_label)}")
    return newcomer


async def stored(harness: Harness, telegram_id: int) -> User:
    user = await harness.stored_user(telegram_id)
    assert user is not None
    return user


async def test_admin_promotes_a_specialist_to_head_of_sales(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, first_name="Olga", language_code="en")
    await admin.send("/start")
    sergey = await join(
        harness,
        admin,
        "client relations specialist",
        harness.person(710, first_name="Sergey", language_code="ru"),
    )

    await admin.send("👥 Team")
    assert admin.last_text() == "Your team: 2"
    await admin.press("Sergey · client relations specialist")
    assert "Role: client relations specialist" in admin.last_text()
    calls = await admin.press("Make head of sales")

    assert callback_answer(calls) == "Role changed."
    assert (await stored(harness, 710)).role == "head_of_sales"
    assert sergey.last_text() == "Ваша роль теперь: начальник отдела сбыта."
    assert sergey.menu()[6:] == [
        "🏖 Отсутствие",
        "✉️ Пригласить сотрудника",
        "👥 Команда",
        "❓ Помощь",
        "🌐 Язык",
    ]
    commands = [c for c in harness.calls("SetMyCommands") if c.scope.type == "chat"]
    assert [c.command for c in commands[-1].commands] == [
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
        "invite",
        "team",
    ]
    async with harness.app.sessionmaker() as session:
        audit = await session.scalar(
            select(AuditRecord).where(AuditRecord.action == "staff.role_changed")
        )
    assert audit is not None and audit.details == '{"from": "specialist", "to": "head_of_sales"}'


async def test_admin_revokes_access_of_a_leaving_specialist(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, first_name="Olga", language_code="en")
    await admin.send("/start")
    leaver = await join(
        harness,
        admin,
        "client relations specialist",
        harness.person(711, first_name="Pavel", language_code="en"),
    )

    await admin.send("/team")
    await admin.press("Pavel · client relations specialist")
    await admin.press("Revoke access")
    assert "Revoke the staff access of Pavel?" in admin.last_text()
    calls = await admin.press("Yes, revoke")

    assert callback_answer(calls) == "Access revoked."
    assert admin.last_text() == "Your team: 1"
    assert (await stored(harness, 711)).role == "client"
    assert leaver.last_text() == "Your staff access has been revoked."
    assert [c.scope.chat_id for c in harness.calls("DeleteMyCommands")] == [711]

    await leaver.send("/invite")
    assert leaver.last_text() == "I don't know this command. /help lists what I can do."
    await leaver.send("/start")
    assert "Choose your language" in leaver.last_text()


async def test_head_of_sales_sees_the_team_but_changes_nothing(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, first_name="Olga", language_code="en")
    await admin.send("/start")
    head = await join(
        harness, admin, "head of sales", harness.person(712, first_name="Irina", language_code="en")
    )
    await join(
        harness,
        admin,
        "client relations specialist",
        harness.person(713, first_name="Denis", language_code="en"),
    )

    await head.send("/team")
    assert head.last_text() == "Your team: 3"
    await head.press("Denis · client relations specialist")
    _, keyboard = harness.inline_keyboards(712)[-1]
    labels = [button.text for row in keyboard.inline_keyboard for button in row]
    assert labels == ["Back"]


async def test_nobody_changes_himself_or_an_admin_from_settings(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, first_name="Olga", language_code="en")
    await admin.send("/start")
    await admin.send("/team")
    await admin.press("Olga · administrator")

    assert "An administrator from the ADMIN_IDS setting" in admin.last_text()
    _, keyboard = harness.inline_keyboards(ADMIN_ID)[-1]
    assert [b.text for row in keyboard.inline_keyboard for b in row] == ["Back"]


async def test_a_forged_role_button_for_oneself_is_refused(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, first_name="Olga", language_code="en")
    await admin.send("/start")
    await join(
        harness,
        admin,
        "client relations specialist",
        harness.person(714, first_name="Vera", language_code="en"),
    )
    await admin.send("/team")
    await admin.press("Olga · administrator")
    await admin.press("Back")
    await admin.press("Vera · client relations specialist")
    message_id, keyboard = harness.inline_keyboards(ADMIN_ID)[-1]
    genuine = keyboard.inline_keyboard[0][0].callback_data
    await admin.press("Back")
    # Replay a member button with the admin's own id in place of Vera's.
    own_id = (await stored(harness, ADMIN_ID)).id
    member_message, member_keyboard = harness.inline_keyboards(ADMIN_ID)[-1]
    vera_button = next(
        b.callback_data
        for row in member_keyboard.inline_keyboard
        for b in row
        if b.text.startswith("Vera")
    )
    forged = vera_button.rsplit(":", 1)[0] + f":{own_id}"
    await admin.press_data(forged, member_message)
    calls = await admin.press_data(genuine.rsplit(":", 1)[0] + ":specialist", message_id)

    assert callback_answer(calls) == "This button is no longer active."
    assert (await stored(harness, ADMIN_ID)).role == "admin"


async def test_specialists_and_clients_do_not_see_the_team(harness: Harness) -> None:
    admin = harness.person(ADMIN_ID, language_code="en")
    await admin.send("/start")
    specialist = await join(
        harness, admin, "client relations specialist", harness.person(715, language_code="en")
    )
    await specialist.send("/team")
    assert specialist.last_text() == "I don't know this command. /help lists what I can do."
    assert "👥 Team" not in specialist.menu()
