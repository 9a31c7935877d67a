"""Drives the real Dispatcher with updates, as people in private chats would."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from sqlalchemy import select

from bot.app import App
from bot.delivery import redeliver_owed
from bot.storage.enums import Role
from bot.storage.models import RequestMessage, User
from bot.storage.uow import UnitOfWork
from tests.support.recording_session import Call, RecordingSession
from tests.support.updates import callback_query, private_content, private_message

_update_ids = itertools.count(1)
_file_ids = itertools.count(1)

LANGUAGE_BUTTONS = {"ru": "Русский", "en": "English"}
AGREE_BUTTONS = {"ru": "✅ Согласен(на)", "en": "✅ I agree"}
INVITE_LINK = re.compile(r"https://t\.me/clientdesk_test_bot\?start=(inv_[A-Za-z0-9_-]+)")


@dataclass
class Person:
    """Someone chatting with the bot; every action returns the calls the bot made for it."""

    harness: Harness
    user_id: int
    first_name: str = "Ivan"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"

    def _who(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }

    async def send(self, text: str, *, reply_to: int | None = None) -> list[Call]:
        return await self.harness.feed(
            private_message(self.user_id, text, reply_to=reply_to, **self._who())
        )

    async def send_content(self, *, reply_to: int | None = None, **content: Any) -> list[Call]:
        """A non-text message, e.g. send_content(sticker={...})."""
        return await self.harness.feed(
            private_content(self.user_id, reply_to=reply_to, **self._who(), **content)
        )

    async def send_photo(self, caption: str | None = None, **extra: Any) -> list[Call]:
        photo = [
            {
                "file_id": f"photo-{next(_file_ids)}",
                "file_unique_id": "u",
                "width": 800,
                "height": 600,
                "file_size": 120_000,
            }
        ]
        content: dict[str, Any] = {"photo": photo, **extra}
        if caption:
            content["caption"] = caption
        return await self.send_content(**content)

    async def send_document(self, size: int = 50_000, **extra: Any) -> list[Call]:
        document = {
            "file_id": f"doc-{next(_file_ids)}",
            "file_unique_id": "d",
            "file_name": "act.pdf",
            "file_size": size,
        }
        return await self.send_content(document=document, **extra)

    async def send_file(
        self, file_name: str, content: bytes, *, caption: str | None = None, **extra: Any
    ) -> list[Call]:
        """A document whose download yields `content` (e.g. a CSV to import)."""
        file_id = f"doc-{next(_file_ids)}"
        self.harness.session.add_file(file_id, content)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "file_size": len(content),
        }
        if caption is not None:
            extra["caption"] = caption
        return await self.send_content(document=document, **extra)

    async def press_data(
        self, data: str, message_id: int, chat_id: int | None = None
    ) -> list[Call]:
        return await self.harness.feed(
            callback_query(
                self.user_id,
                data,
                message_id=message_id,
                chat_id=chat_id,
                first_name=self.first_name,
                language_code=self.language_code,
            )
        )

    async def press_in(self, chat_id: int, label: str) -> list[Call]:
        """Presses the newest button with this label in another chat (a department group)."""
        message_id, data = self.harness.button(chat_id, label)
        return await self.press_data(data, message_id, chat_id=chat_id)

    async def become_client(self, language: str) -> None:
        """/start, the language, then "I agree": a client with consent and the menu."""
        await self.send("/start")
        await self.press(LANGUAGE_BUTTONS[language])
        await self.press(AGREE_BUTTONS[language])

    async def create_invite(self, role_label: str) -> str:
        """/invite and the role: the `/start` payload of the link the bot shows."""
        await self.send("/invite")
        await self.press(role_label)
        match = INVITE_LINK.search(self.last_text())
        assert match, self.last_text()
        return match.group(1)

    async def press(self, label: str) -> list[Call]:
        """Presses the newest inline button with this label in this chat."""
        message_id, data = self.harness.button(self.user_id, label)
        return await self.press_data(data, message_id)

    def buttons(self) -> list[str]:
        """Labels of the newest inline keyboard in this chat."""
        keyboards = self.harness.inline_keyboards(self.user_id)
        assert keyboards, f"no inline keyboard in chat {self.user_id}"
        return [b.text for row in keyboards[-1][1].inline_keyboard for b in row]

    def last_message_id(self) -> int:
        """The id of the newest message the bot sent to this person."""
        return self.harness.last_message_id(self.user_id)

    def texts(self) -> list[str]:
        return self.harness.texts(self.user_id)

    def last_text(self) -> str:
        texts = self.texts()
        assert texts, f"the bot sent nothing to {self.user_id}"
        return texts[-1]

    def menu(self) -> list[str]:
        """Labels of the newest reply keyboard sent to this person."""
        for call in reversed(self.harness.session.calls):
            if isinstance(call.request, SendMessage) and str(call.request.chat_id) == str(
                self.user_id
            ):
                markup = call.request.reply_markup
                if isinstance(markup, ReplyKeyboardMarkup):
                    return [button.text for row in markup.keyboard for button in row]
        return []


class Harness:
    def __init__(self, app: App, session: RecordingSession) -> None:
        self.app = app
        self.session = session

    async def staff(
        self, user_id: int, role: Role, first_name: str, language: str = "en"
    ) -> Person:
        """A staff member already on the team (joining is covered by the invite tests)."""
        async with self.app.sessionmaker() as session, session.begin():
            await UnitOfWork(session).users.add(
                telegram_id=user_id,
                role=role,
                locale=language,
                timezone="Europe/Moscow",
                now=self.app.clock.now(),
                full_name=first_name,
            )
        return self.person(user_id, first_name=first_name, language_code=language)

    def button(self, chat_id: int, label: str) -> tuple[int, str]:
        for message_id, markup in reversed(self.inline_keyboards(chat_id)):
            for row in markup.inline_keyboard:
                for button in row:
                    if button.text == label:
                        assert button.callback_data is not None
                        return message_id, button.callback_data
        raise AssertionError(f"no inline button {label!r} in chat {chat_id}")

    def last_message_id(self, chat_id: int) -> int:
        for call in reversed(self.session.calls):
            request = call.request
            if getattr(request, "chat_id", None) is None or str(request.chat_id) != str(chat_id):
                continue
            result = call.result
            if getattr(result, "message_id", None) is not None:
                return result.message_id
        raise AssertionError(f"the bot sent nothing to {chat_id}")

    def sent_to(self, chat_id: int, method: str | None = None) -> list[Call]:
        return [
            call
            for call in self.session.calls
            if str(getattr(call.request, "chat_id", "")) == str(chat_id)
            and (method is None or call.method == method)
        ]

    def person(self, user_id: int, **kwargs: Any) -> Person:
        return Person(self, user_id, **kwargs)

    async def feed(self, payload: dict[str, Any]) -> list[Call]:
        before = len(self.session.calls)
        update = Update.model_validate(
            {"update_id": next(_update_ids), **payload}, context={"bot": self.app.bot}
        )
        await self.app.dispatcher.feed_update(self.app.bot, update)
        return self.session.calls[before:]

    async def redeliver_owed(self) -> int:
        """One pass of the bot's RedeliveryLoop: owed copies go again, through its sender."""
        app = self.app
        return await redeliver_owed(app.sender, app.i18n, app.sessionmaker, app.clock, app.desk)

    async def stored_messages(self) -> list[RequestMessage]:
        """What the relay stored of the conversations, oldest first."""
        async with self.app.sessionmaker() as session:
            return list(await session.scalars(select(RequestMessage).order_by(RequestMessage.id)))

    async def stored_user(self, telegram_id: int) -> User | None:
        async with self.app.sessionmaker() as session:
            return await session.scalar(select(User).where(User.telegram_id == telegram_id))

    def calls(self, method: str) -> list[Call]:
        return [call for call in self.session.calls if call.method == method]

    def texts(self, chat_id: int) -> list[str]:
        return [
            call.request.text
            for call in self.session.calls
            if isinstance(call.request, (SendMessage, EditMessageText))
            and str(call.request.chat_id) == str(chat_id)
        ]

    def inline_keyboards(self, chat_id: int) -> list[tuple[int, InlineKeyboardMarkup]]:
        found = []
        for call in self.session.calls:
            request = call.request
            if not isinstance(request, (SendMessage, EditMessageText, EditMessageReplyMarkup)):
                continue
            if str(request.chat_id) != str(chat_id):
                continue
            if isinstance(request.reply_markup, InlineKeyboardMarkup):
                message_id = (
                    call.result.message_id
                    if isinstance(request, SendMessage)
                    else request.message_id
                )
                found.append((message_id, request.reply_markup))
        return found


def callback_answer(calls: list[Call]) -> str | None:
    """What the person saw on pressing a button: the text of the first callback answer."""
    answers = [call.request.text for call in calls if call.method == "AnswerCallbackQuery"]
    assert answers, "the button press was not answered"
    return answers[0]
