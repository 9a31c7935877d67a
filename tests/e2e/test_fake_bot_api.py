"""Self-tests of the fake Telegram Bot API against real aiogram (not the ClientDesk bot)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter, TelegramServerError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from tests.e2e.fake_bot_api import (
    FakeBotAPI,
    WaitTimeout,
    callback_query,
    contact_message,
    private_message,
)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawA"
USER_ID = 4242
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="answer:yes")]]
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()


def run_polling(dp: Dispatcher, bot: Bot) -> asyncio.Task[None]:
    return asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=2))


async def test_get_me(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == 123456789
    assert me.username == "clientdesk_test_bot"
    assert me.is_bot
    assert api.calls_of("getMe")[0].token == TOKEN


async def test_send_message_records_parsed_params(api: FakeBotAPI, bot: Bot) -> None:
    first = await bot.send_message(USER_ID, "Hello", reply_markup=KEYBOARD)
    second = await bot.send_message(USER_ID, "123")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == USER_ID
    assert first.reply_markup is not None
    assert first.reply_markup.model_dump() == KEYBOARD.model_dump()  # models hold a bot ref
    call = api.calls_of("sendMessage")[0]
    assert call.params["chat_id"] == USER_ID
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "answer:yes"}]]
    }
    assert api.sent_texts(USER_ID) == ["Hello", "123"]  # numeric text stays a string


async def test_telegram_validation_errors(bot: Bot) -> None:
    message = await bot.send_message(USER_ID, "Hello", reply_markup=KEYBOARD)
    too_long = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="x" * 65)]]
    )

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER_ID, "Hi", reply_markup=too_long)
    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.send_message(USER_ID, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_text(
            "Hello", chat_id=USER_ID, message_id=message.message_id, reply_markup=KEYBOARD
        )
    edited = await bot.edit_message_text("Hello", chat_id=USER_ID, message_id=message.message_id)
    assert isinstance(edited, Message)
    assert edited.reply_markup is None  # editing without a markup drops the keyboard


async def test_commands_per_scope_and_language(api: FakeBotAPI, bot: Bot) -> None:
    scope = BotCommandScopeChat(chat_id=USER_ID)
    commands = [BotCommand(command="start", description="Начать")]
    assert await bot.set_my_commands(commands, scope=scope, language_code="ru")

    got = await bot.get_my_commands(scope=scope, language_code="ru")
    assert [(c.command, c.description) for c in got] == [("start", "Начать")]
    assert await bot.get_my_commands(scope=scope) == []
    assert await bot.get_my_commands() == []
    assert api.commands({"type": "chat", "chat_id": USER_ID}, "ru") == [
        {"command": "start", "description": "Начать"}
    ]


async def test_injected_failures(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("getMe", status=500)
    api.fail_next("sendMessage", status=429, retry_after=7)

    with pytest.raises(TelegramServerError):
        await bot.get_me()
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER_ID, "Hello")

    assert retry.value.retry_after == 7
    assert (await bot.get_me()).username == "clientdesk_test_bot"  # only the next call fails


async def test_an_async_response_holds_the_answer_back(api: FakeBotAPI, bot: Bot) -> None:
    release = asyncio.Event()

    async def held(params: dict[str, Any]) -> dict[str, Any]:
        await release.wait()
        return {"id": 1, "is_bot": True, "first_name": "Held", **params}

    api.set_response("getMe", held)
    pending = asyncio.create_task(bot.get_me())
    await api.wait_for("getMe")
    assert not pending.done()

    release.set()
    assert (await pending).first_name == "Held"


async def test_document_upload_is_recorded(api: FakeBotAPI, bot: Bot) -> None:
    content = b"name;phone\nIvan;+7900\n"

    message = await bot.send_document(
        USER_ID, BufferedInputFile(content, filename="clients.csv"), caption="Export"
    )

    assert message.document is not None
    assert message.document.file_name == "clients.csv"
    call = api.calls_of("sendDocument")[0]
    assert call.params["document"] == {"filename": "clients.csv", "size": len(content)}
    assert call.params["caption"] == "Export"
    assert call.uploads["document"] == content


async def test_long_poll_returns_when_update_is_pushed(api: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_for("getUpdates")

    pushed = api.push_update(private_message(USER_ID, "hi"))
    updates = await asyncio.wait_for(poll, timeout=1)

    assert [u.update_id for u in updates] == [pushed["update_id"]]
    # An offset confirms the update; an empty poll then times out after at most 2 s.
    assert await bot.get_updates(offset=pushed["update_id"] + 1, timeout=0) == []


async def test_wait_for_after_mark_and_timeout(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER_ID, "old")
    mark = api.mark()

    with pytest.raises(WaitTimeout):
        await api.wait_for("sendMessage", after=mark, timeout=0.1)
    await bot.send_message(USER_ID, "new")
    call = await api.wait_for("sendMessage", after=mark, timeout=1)

    assert call.params["text"] == "new"


def test_builders_produce_valid_updates() -> None:
    command = Update.model_validate({"update_id": 1, **private_message(USER_ID, "/start ref")})
    contact = Update.model_validate({"update_id": 2, **contact_message(USER_ID, "+79001234567")})
    press = Update.model_validate({"update_id": 3, **callback_query(USER_ID, "x", message_id=5)})

    assert command.message is not None
    assert command.message.entities is not None
    assert command.message.entities[0].type == "bot_command"
    assert command.message.entities[0].length == len("/start")
    assert contact.message is not None
    assert contact.message.contact is not None
    assert contact.message.contact.user_id == USER_ID
    assert press.callback_query is not None
    assert press.callback_query.data == "x"


async def test_dispatcher_echo_via_polling(api: FakeBotAPI, bot: Bot) -> None:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    polling = run_polling(dp, bot)
    try:
        api.push_update(private_message(USER_ID, "ping"))
        call = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER_ID, 4)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, timeout=3)

    assert call.params["text"] == "ping"
    assert api.calls_of("getUpdates")[0].params["allowed_updates"] == ["message"]


async def test_callback_carries_stored_message(api: FakeBotAPI, bot: Bot) -> None:
    router = Router()

    @router.callback_query(F.data == "answer:yes")
    async def on_yes(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.answer("Saved")
        await query.message.edit_text(f"{query.message.text}: yes")

    dp = Dispatcher()
    dp.include_router(router)
    sent = await bot.send_message(USER_ID, "Confirm?", reply_markup=KEYBOARD)
    polling = run_polling(dp, bot)
    try:
        api.push_update(callback_query(USER_ID, "answer:yes", message_id=sent.message_id))
        edit = await api.wait_for("editMessageText", timeout=4)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, timeout=3)

    assert edit.params == {
        "chat_id": USER_ID,
        "message_id": sent.message_id,
        "text": "Confirm?: yes",
    }
    assert api.calls_of("answerCallbackQuery")[0].params["text"] == "Saved"
    assert api.sent_texts(USER_ID) == ["Confirm?", "Confirm?: yes"]
