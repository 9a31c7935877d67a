"""End-to-end: the real `python -m bot` process against a local fake of the Telegram Bot API.

Each test is a short user story; it asserts on the Bot API calls the bot makes and, where it
matters, on what the bot stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import text

from bot.storage.database import create_engine
from tests.conftest import ADMIN_ID, TOKEN
from tests.e2e.bot_process import free_port, run_once
from tests.e2e.conftest import Desk, Launch, reply_keyboard
from tests.e2e.fake_bot_api import FakeBotAPI, private_message
from tests.support.databases import postgres_database, redis_url

INVITE_LINK = re.compile(r"https://t\.me/clientdesk_test_bot\?start=(inv_[A-Za-z0-9_-]+)")
ALL_PRIVATE_CHATS = {"type": "all_private_chats"}
WEBHOOK_SECRET = "s3cret_for-tests"
RU_MENU = [
    ["💬 Задать вопрос", "📝 Подать претензию"],
    ["📋 Мои заявки", "⭐ Оставить отзыв"],
    ["❓ Помощь", "🌐 Язык", "🔒 Мои данные"],
]
EN_MENU = [
    ["💬 Ask a question", "📝 File a claim"],
    ["📋 My requests", "⭐ Leave feedback"],
    ["❓ Help", "🌐 Language", "🔒 My data"],
]


def sqlite_rows(path: Path, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(query, args).fetchall()


def user_row(path: Path, telegram_id: int) -> tuple[Any, ...]:
    """(role, locale, full_name, consent_given_at) of the user, () if none is stored."""
    rows = sqlite_rows(
        path,
        "SELECT role, locale, full_name, consent_given_at FROM users WHERE telegram_id = ?",
        telegram_id,
    )
    return rows[0] if rows else ()


async def onboard_in_russian(desk: Desk, user_id: int) -> None:
    """/start, "Русский", "✅ Согласен(на)": a registered client with the Russian menu."""
    client = desk.person(user_id, first_name="Пётр", language_code="ru")
    mark = client.send("/start")
    await client.receives("Выберите язык:", after=mark)
    mark = client.press("Русский")
    await client.receives("Согласие на обработку", after=mark, method="editMessageText")
    mark = client.press("✅ Согласен(на)")
    await client.receives("Спасибо! Ваше согласие записано.", after=mark, method="editMessageText")
    menu = await client.receives("Чем могу помочь?", after=mark)
    assert reply_keyboard(menu) == RU_MENU


# --- 1. settings -----------------------------------------------------------------------------
async def test_without_a_token_the_bot_explains_how_to_get_one(tmp_path: Path) -> None:
    # The working directory has no .env, so nothing can supply a token behind the test's back.
    code, output = await run_once([], {"BOT_TOKEN": None}, timeout=20, cwd=tmp_path)

    assert code != 0, output
    assert "open @BotFather in Telegram, send /newbot" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"WEB_PORT": "abc"}, "WEB_PORT"),
        ({"MODE": "webhook", "WEBHOOK_BASE_URL": "https://bot.example.com"}, "WEBHOOK_SECRET"),
    ],
    ids=["web-port-not-a-number", "webhook-without-secret"],
)
async def test_a_bad_setting_is_named_without_a_traceback(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    code, output = await run_once([], {"BOT_TOKEN": TOKEN, **env}, timeout=20, cwd=tmp_path)

    assert code != 0, output
    assert setting in output
    assert "Traceback" not in output


# --- 2. migrate ------------------------------------------------------------------------------
async def test_migrate_creates_the_schema_in_a_fresh_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "clientdesk.db"  # the directory does not exist yet either
    env = {"BOT_TOKEN": TOKEN, "DATABASE_URL": f"sqlite+aiosqlite:///{path}"}

    code, output = await run_once(["migrate"], env, timeout=30, cwd=tmp_path)

    assert code == 0, output
    tables = {row[0] for row in sqlite_rows(path, "SELECT name FROM sqlite_master")}
    assert {
        "users",
        "audit_log",
        "fsm_state",
        "clients",
        "deals",
        "reminders",
        "absences",
        "alembic_version",
    } <= tables
    assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [("0005",)]
    # journal_mode=WAL is stored in the file, so any later connection sees it.
    assert sqlite_rows(path, "PRAGMA journal_mode") == [("wal",)]


# --- 3. polling ------------------------------------------------------------------------------
async def test_polling_start_up_and_a_client_onboards_in_english(launch: Launch) -> None:
    desk = await launch()
    api = desk.api

    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{desk.proc.base_url}/healthz") as response,
    ):
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok"}
    await desk.wait_for("deleteWebhook")
    poll = await desk.wait_for("getUpdates")
    assert {"message", "callback_query"} <= set(poll.params["allowed_updates"])
    ru_commands = api.commands(ALL_PRIVATE_CHATS, "ru")
    en_commands = api.commands(ALL_PRIVATE_CHATS, "en")
    assert [c["command"] for c in en_commands] == [
        "start",
        "ask",
        "claim",
        "requests",
        "feedback",
        "help",
        "language",
        "timezone",
        "privacy",
    ]
    assert en_commands[0]["description"] == "Main menu"
    assert ru_commands[0]["description"] == "Главное меню"

    # Each newcomer is greeted in his Telegram language, his language offered first.
    pyotr = desk.person(501, first_name="Пётр", language_code="ru")
    anna = desk.person(502, first_name="Anna", language_code="en")
    mark = pyotr.send("/start")
    anna.send("/start")
    prompt = await pyotr.receives("Выберите язык:", after=mark)
    assert prompt.params["text"] == "Добро пожаловать в ClientDesk!\nВыберите язык:"
    prompt = await anna.receives("Choose your language:", after=mark)
    assert prompt.params["text"] == "Welcome to ClientDesk!\nChoose your language:"
    assert pyotr.button_labels() == ["Русский", "English"]
    assert anna.button_labels() == ["English", "Русский"]

    mark = anna.press("English")
    await anna.receives("Consent to personal data processing", after=mark, method="editMessageText")
    assert anna.button_labels() == ["✅ I agree", "Decline"]
    assert user_row(desk.sqlite_path, 502) == (), "nothing is stored before consent"

    mark = anna.press("✅ I agree")
    await anna.receives(
        "Thank you! Your consent is recorded.", after=mark, method="editMessageText"
    )
    menu = await anna.receives("Choose an action in the menu below.", after=mark)
    assert reply_keyboard(menu) == EN_MENU

    # The update's transaction commits after the replies; stopping drains it.
    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")
    row = user_row(desk.sqlite_path, 502)
    assert row[:3] == ("client", "en", "Anna") and row[3] is not None


# --- 4. staff invites ------------------------------------------------------------------------
async def test_admin_invites_a_specialist_who_joins_by_the_link(launch: Launch) -> None:
    desk = await launch({"ADMIN_IDS": ADMIN_ID})
    admin = desk.person(ADMIN_ID, first_name="Olga", language_code="en")

    mark = admin.send("/start")
    greeting = await admin.receives("Choose an action in the menu below.", after=mark)
    assert reply_keyboard(greeting) == [
        ["📥 Requests", "🗂 Clients"],
        ["➕ New lead", "📝 Note"],
        ["💼 Deals", "⏰ Reminders"],
        ["🏖 Absence", "✉️ Invite staff", "👥 Team"],
        ["❓ Help", "🌐 Language"],
    ]

    mark = admin.send("/invite")
    await admin.receives("Whom are you inviting?", after=mark)
    mark = admin.press("client relations specialist")
    invite = await admin.receives(
        "Invite for a client relations specialist", after=mark, method="editMessageText"
    )
    link = INVITE_LINK.search(invite.params["text"])
    assert link, invite.params["text"]

    sergey = desk.person(700, first_name="Sergey", language_code="en")
    mark = sergey.send(f"/start {link.group(1)}")
    welcome = await sergey.receives("Welcome to the team!", after=mark)
    assert welcome.params["text"] == (
        "Welcome to the team! You are now a client relations specialist."
    )
    assert reply_keyboard(welcome) == [
        ["📥 Requests", "🗂 Clients"],
        ["➕ New lead", "📝 Note"],
        ["💼 Deals", "⏰ Reminders"],
        ["🏖 Absence"],
        ["❓ Help", "🌐 Language"],
    ]
    scope = {"type": "chat", "chat_id": 700}
    await desk.wait_for("setMyCommands", lambda c: c.params.get("scope") == scope, after=mark)
    assert [c["command"] for c in desk.api.commands(scope)] == [
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

    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")
    assert user_row(desk.sqlite_path, 700)[:2] == ("specialist", "en")
    used = sqlite_rows(
        desk.sqlite_path,
        "SELECT i.role FROM staff_invites i JOIN users u ON u.id = i.used_by"
        " WHERE u.telegram_id = 700 AND i.used_at IS NOT NULL",
    )
    assert used == [("specialist",)]


# --- 5. webhook ------------------------------------------------------------------------------
async def test_webhook_mode_takes_only_updates_with_the_secret(launch: Launch) -> None:
    desk = await launch(
        {
            "MODE": "webhook",
            "WEBHOOK_BASE_URL": "https://bot.example.com",
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
    )
    registered = await desk.wait_for("setWebhook")
    assert registered.params["url"] == "https://bot.example.com/webhook"
    assert registered.params["secret_token"] == WEBHOOK_SECRET
    assert {"message", "callback_query"} <= set(registered.params["allowed_updates"])
    assert desk.api.webhook_url == "https://bot.example.com/webhook"

    def update(update_id: int, user_id: int) -> dict[str, Any]:
        return {"update_id": update_id, **private_message(user_id, "/start", language_code="en")}

    mark = desk.api.mark()
    assert await desk.proc.post_webhook_update(update(1, 601), "wrong-secret") == 401
    assert await desk.proc.post_webhook_update(update(2, 602), None) == 401
    assert await desk.proc.post_webhook_update(update(3, 603), WEBHOOK_SECRET) == 200

    await desk.person(603).receives("Choose your language:", after=mark)
    # Rejected ones never reach the dispatcher; the accepted one, sent last, was answered.
    assert desk.api.calls_of("getUpdates") == [], "webhook mode must not poll"
    chats = {c.params.get("chat_id") for c in desk.api.calls_excluding_polling(after=mark)}
    assert chats == {603}, desk.explain(f"calls for chats {chats}")
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{desk.proc.base_url}/healthz") as response,
    ):
        assert response.status == 200

    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")


# --- 6. state survives a restart -------------------------------------------------------------
async def choose_russian_restart_and_agree(desk: Desk) -> None:
    pyotr = desk.person(801, first_name="Пётр", language_code="ru")
    mark = pyotr.send("/start")
    await pyotr.receives("Выберите язык:", after=mark)
    mark = pyotr.press("Русский")
    await pyotr.receives(
        "Согласие на обработку персональных данных", after=mark, method="editMessageText"
    )
    agree_on, agree = pyotr.find_button("✅ Согласен(на)")
    # Let the update finish first: this story is about a restart; a SIGTERM that arrives
    # during an update is the subject of the graceful-shutdown test.
    await desk.handled(pyotr.last_update_id)

    await desk.restart()

    # The same button of the same message, pressed after the restart.
    assert pyotr.find_button("✅ Согласен(на)") == (agree_on, agree)
    mark = pyotr.press("✅ Согласен(на)")
    thanks = await pyotr.receives(
        "Спасибо! Ваше согласие записано.", after=mark, method="editMessageText"
    )
    assert thanks.params["message_id"] == agree_on
    menu = await pyotr.receives("Чем могу помочь?", after=mark)
    assert reply_keyboard(menu) == RU_MENU
    await desk.handled(pyotr.last_update_id)
    assert user_row(desk.sqlite_path, 801)[:3] == ("client", "ru", "Пётр")  # WAL: read live
    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")


async def test_a_dialog_in_the_database_survives_a_restart(launch: Launch) -> None:
    desk = await launch()
    await choose_russian_restart_and_agree(desk)


@pytest.fixture
async def empty_redis() -> AsyncIterator[str]:
    url = redis_url()
    client = Redis.from_url(url)
    try:
        await client.flushdb()  # the bot's keys have no per-test prefix: start from nothing
        yield url
    finally:
        await client.flushdb()
        await client.aclose()


async def test_a_dialog_in_redis_survives_a_restart(launch: Launch, empty_redis: str) -> None:
    desk = await launch({"REDIS_URL": empty_redis})
    await choose_russian_restart_and_agree(desk)
    rows = sqlite_rows(desk.sqlite_path, "SELECT count(*) FROM fsm_state")
    assert rows == [(0,)], "with Redis the dialog state is not kept in the database"


# --- 7. PostgreSQL ---------------------------------------------------------------------------
@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


async def test_polling_on_postgresql(postgres_url: str, launch: Launch) -> None:
    desk = await launch({"DATABASE_URL": postgres_url})
    await desk.wait_for("deleteWebhook")
    assert desk.api.commands(ALL_PRIVATE_CHATS, "ru")[0]["description"] == "Главное меню"

    await onboard_in_russian(desk, 901)
    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")

    engine = create_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                text("SELECT role, locale FROM users WHERE telegram_id = 901")
            )
            assert result.all() == [("client", "ru")]
    finally:
        await engine.dispose()


# --- 8. graceful shutdown --------------------------------------------------------------------
@pytest.mark.parametrize("storage", ["database", "redis"])
async def test_sigterm_lets_the_update_in_flight_finish(
    launch: Launch, api: FakeBotAPI, storage: str, empty_redis: str
) -> None:
    env = {"REDIS_URL": empty_redis} if storage == "redis" else {}
    desk = await launch(env)
    release = asyncio.Event()
    answered: list[int] = []

    async def slow_send_message(params: dict[str, Any]) -> dict[str, Any]:
        # Telegram is slow to answer: the update stays in flight until the test releases it.
        await release.wait()
        answered.append(params["chat_id"])
        chat = {"id": params["chat_id"], "type": "private", "first_name": "Ivan"}
        return {"message_id": 1, "date": 0, "chat": chat, "text": params["text"]}

    api.set_response("sendMessage", slow_send_message)
    visitor = desk.person(950, language_code="en")
    # /start opens the onboarding dialog, whose state is written after the reply is sent:
    # the storage must still be open then.
    mark = visitor.send("/start")
    await visitor.receives("Choose your language", after=mark)

    stopping = asyncio.create_task(desk.stop())
    await desk.wait_for_output("Waiting up to")  # polling stopped, the update still runs
    assert not stopping.done()
    release.set()
    code = await stopping

    output = desk.proc.output()
    assert code == 0, desk.explain(f"exit code {code}")
    assert answered == [950], desk.explain("one reply, once")
    assert "still running" not in output and "Traceback" not in output, desk.explain("")
    assert "failed" not in output, desk.explain("the update must finish cleanly")
    assert api.updates == [], "the update was confirmed, so Telegram will not resend it"


async def test_a_rejected_token_is_explained_without_a_traceback(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    api.fail_next("getMe", status=401, description="Unauthorized")
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.url}
    code, output = await run_once([], env, timeout=30, cwd=tmp_path)

    assert code == 2, output
    assert "Telegram rejected BOT_TOKEN" in output
    assert "Traceback" not in output and "Unclosed" not in output, output


async def test_migrate_needs_no_token(tmp_path: Path) -> None:
    database = tmp_path / "only-db.db"
    env = {"BOT_TOKEN": None, "DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    code, output = await run_once(["migrate"], env, timeout=30, cwd=tmp_path)

    assert code == 0, output
    assert sqlite_rows(database, "SELECT version_num FROM alembic_version") == [("0005",)]


async def test_a_busy_port_is_explained(api: FakeBotAPI, tmp_path: Path) -> None:
    blocker = await asyncio.start_server(lambda *_: None, "127.0.0.1", 0)
    port = blocker.sockets[0].getsockname()[1]
    try:
        env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.url, "WEB_PORT": port}
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}"
        code, output = await run_once([], env, timeout=30, cwd=tmp_path)
    finally:
        blocker.close()
        await blocker.wait_closed()

    assert code == 2, output
    assert f"Cannot listen on WEB_HOST:WEB_PORT=127.0.0.1:{port}" in output
    assert "Traceback" not in output, output


async def test_an_unreachable_database_is_explained(api: FakeBotAPI, tmp_path: Path) -> None:
    closed_port = free_port()
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "DATABASE_URL": f"postgresql+asyncpg://clientdesk:secret@127.0.0.1:{closed_port}/db",
    }
    code, output = await run_once([], env, timeout=30, cwd=tmp_path)

    assert code == 2, output
    assert "Cannot open the database at DATABASE_URL=" in output
    assert "secret" not in output, "the password is never printed"
    assert "Traceback" not in output, output
