"""A specialist logs meetings and calls from the phone: picks the client (recent ones first,
or a search), the kind, when, the notes (text, a voice message or a photo), the outcome and
the next step; and a text sent outside any flow is offered as a note on a recent client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.keyboards.notes import NoteAction, NoteOffer
from bot.services.actors import Actor
from bot.services.crm import clients
from bot.services.crm.clients import LeadDraft
from bot.storage.enums import Role
from bot.storage.models import Client, TimelineEntry
from bot.storage.uow import UnitOfWork
from tests.support.harness import Harness, Person, callback_answer

# The clock stands on Friday, Nov 27, 2026, 12:00 in Moscow (09:00 UTC).
TEXT = {
    "en": {
        "ivan": ("Ivan Petrov", "Acme"),
        "olga": ("Olga Smirnova", "Steel Works"),
        "ivan button": "Ivan Petrov · Acme",
        "olga button": "Olga Smirnova · Steel Works",
        "whose?": ("📝 Whose note is it? Pick a recent client or type a name, company or phone."),
        "kinds": ["🤝 Meeting", "📞 Call", "🚗 Visit", "💻 Online meeting", "📝 Note", "Cancel"],
        "meeting": "🤝 Meeting",
        "call": "📞 Call",
        "note": "📝 Note",
        "what was it?": "<b>Ivan Petrov · Acme</b>\nWhat was it?",
        "when?": "When was it?",
        "now": "Now",
        "yesterday": "Yesterday",
        "at what time?": "Thursday, November 26, 2026: at what time?",
        "15:00": "3:00\u202fPM",
        "notes?": "Write the notes, or send a voice message or a photo",
        "outcome?": "What came of it?",
        "next step?": "What is the next step?",
        "by which day?": "By which day?",
        "skip": "Skip",
        "meeting saved": (
            "✅ Saved: Meeting · <b>Ivan Petrov · Acme</b>\n"
            "🕒 Nov 26, 2026, 3:00\u202fPM\n"
            "Showed the catalogue &lt;new&gt;\n"
            "🎯 Outcome: Wants 20 units\n"
            "➡️ Next step: Send the offer · Nov 30, 2026"
        ),
        "call saved": (
            "✅ Saved: Call · <b>Ivan Petrov · Acme</b>\n"
            "🕒 Nov 27, 2026, 12:00\u202fPM\n"
            "🎙 Voice message attached"
        ),
        "photo saved": (
            "✅ Saved: Note · <b>Ivan Petrov · Acme</b>\n"
            "🕒 Nov 27, 2026, 12:00\u202fPM\n"
            "Their price list\n"
            "📷 Photo attached"
        ),
        "open": "👤 Open client",
        "empty": "This cannot be empty. Please type it.",
        "too long": "This is too long. Please make it shorter.",
        "not a note": "A note can be text, a voice message or a photo. Please send one.",
        "not yet": "This day has not come yet. When did it happen?",
        "found": "Found for “steel”: pick the client, or type another search.",
        "offer": "📝 Add this as a note to a client?",
        "another": "🔎 Another client…",
        "no": "✖️ No",
        "saved": "Saved.",
        "plain saved": (
            "✅ Saved: Note · <b>Olga Smirnova · Steel Works</b>\n"
            "🕒 Nov 27, 2026, 12:00\u202fPM\n"
            "Asked about delivery to Kazan"
        ),
        "not saved": "OK, not saved.",
        "stale": "This button is no longer active.",
        "menu": "Choose an action in the menu below.",
        "no requests": "You have no open requests. Shall I open one with this message?",
    },
    "ru": {
        "ivan": ("Иван Петров", "Ромашка"),
        "olga": ("Ольга Смирнова", "Сталь"),
        "ivan button": "Иван Петров · Ромашка",
        "olga button": "Ольга Смирнова · Сталь",
        "whose?": (
            "📝 По какому клиенту заметка? Выберите из недавних или введите имя, компанию "
            "или телефон."
        ),
        "kinds": [
            "🤝 Встреча",
            "📞 Звонок",
            "🚗 Визит",
            "💻 Онлайн-встреча",
            "📝 Заметка",
            "Отмена",
        ],
        "meeting": "🤝 Встреча",
        "call": "📞 Звонок",
        "note": "📝 Заметка",
        "what was it?": "<b>Иван Петров · Ромашка</b>\nЧто это было?",
        "when?": "Когда это было?",
        "now": "Сейчас",
        "yesterday": "Вчера",
        "at what time?": "Четверг, 26 ноября 2026\u202fг.: во сколько?",
        "15:00": "15:00",
        "notes?": "Напишите заметку или пришлите голосовое сообщение или фото",
        "outcome?": "Чем закончилось?",
        "next step?": "Какой следующий шаг?",
        "by which day?": "К какому дню?",
        "skip": "Пропустить",
        "meeting saved": (
            "✅ Сохранено: Встреча · <b>Иван Петров · Ромашка</b>\n"
            "🕒 26 нояб. 2026\u202fг., 15:00\n"
            "Showed the catalogue &lt;new&gt;\n"
            "🎯 Итог: Wants 20 units\n"
            "➡️ Следующий шаг: Send the offer · 30 нояб. 2026\u202fг."
        ),
        "call saved": (
            "✅ Сохранено: Звонок · <b>Иван Петров · Ромашка</b>\n"
            "🕒 27 нояб. 2026\u202fг., 12:00\n"
            "🎙 Голосовое сообщение приложено"
        ),
        "photo saved": (
            "✅ Сохранено: Заметка · <b>Иван Петров · Ромашка</b>\n"
            "🕒 27 нояб. 2026\u202fг., 12:00\n"
            "Their price list\n"
            "📷 Фото приложено"
        ),
        "open": "👤 Карточка клиента",
        "empty": "Это поле не может быть пустым. Пожалуйста, введите значение.",
        "too long": "Слишком длинный текст. Пожалуйста, сократите его.",
        "not a note": (
            "В заметку подойдёт текст, голосовое сообщение или фото. "
            "Пришлите, пожалуйста, одно из них."
        ),
        "not yet": "Этот день ещё не наступил. Когда это было?",
        "found": "Найдено по запросу «сталь»: выберите клиента или введите другой запрос.",
        "offer": "📝 Сохранить это как заметку по клиенту?",
        "another": "🔎 Другой клиент…",
        "no": "✖️ Нет",
        "saved": "Сохранено.",
        "plain saved": (
            "✅ Сохранено: Заметка · <b>Ольга Смирнова · Сталь</b>\n"
            "🕒 27 нояб. 2026\u202fг., 12:00\n"
            "Asked about delivery to Kazan"
        ),
        "not saved": "Хорошо, не сохраняю.",
        "stale": "Эта кнопка больше не действует.",
        "menu": "Выберите действие в меню ниже.",
        "no requests": "У вас нет открытых заявок. Создать новую с этим сообщением?",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])
ANNA, BORIS = 2001, 2002
SEARCH = {"en": "steel", "ru": "сталь"}


async def specialist(harness: Harness, telegram_id: int, language: str) -> Person:
    return await harness.staff(telegram_id, Role.SPECIALIST, "Anna", language=language)


async def clients_of(harness: Harness, telegram_id: int, *people: tuple[str, str]) -> list[int]:
    """Leads the staff member captured, in this order (the last one is the most recent)."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(telegram_id)
        assert user is not None
        ids = []
        for name, company in people:
            draft = LeadDraft(name, company=company)
            ids.append((await clients.create(uow, Actor.of(user), harness.app.clock, draft)).id)
        return ids


async def notes_on(harness: Harness, client_id: int) -> list[TimelineEntry]:
    async with harness.app.sessionmaker() as session:
        rows = await session.scalars(
            select(TimelineEntry)
            .where(
                TimelineEntry.client_id == client_id,
                TimelineEntry.kind.in_(["note", "meeting", "call", "visit", "online"]),
            )
            .order_by(TimelineEntry.id)
        )
        return list(rows)


async def stored_client(harness: Harness, client_id: int) -> Client:
    async with harness.app.sessionmaker() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        return client


def msk(day: int, hour: int) -> datetime:
    """A moment in November 2026 at a Moscow hour, in UTC as stored."""
    return datetime(2026, 11, day, hour - 3, tzinfo=UTC)


@LANGUAGES
async def test_a_meeting_yesterday_with_outcome_and_next_step(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [olga, ivan] = await clients_of(harness, ANNA, text["olga"], text["ivan"])

    await anna.send("/note")
    assert anna.last_text() == text["whose?"]
    assert anna.buttons()[:2] == [text["ivan button"], text["olga button"]]
    await anna.press(text["ivan button"])
    assert anna.last_text() == text["what was it?"]
    assert anna.buttons() == text["kinds"]
    await anna.press(text["meeting"])
    assert text["when?"] in anna.last_text()
    await anna.press(text["yesterday"])
    assert text["at what time?"] in anna.last_text()
    await anna.press(text["15:00"])
    assert text["notes?"] in anna.last_text()
    await anna.send("Showed the catalogue <new>")
    assert text["outcome?"] in anna.last_text()
    await anna.send("Wants 20 units")
    assert text["next step?"] in anna.last_text()
    await anna.send("Send the offer")
    assert text["by which day?"] in anna.last_text()
    await anna.press("30")

    assert anna.last_text() == text["meeting saved"]
    assert anna.buttons() == [text["open"]]
    [entry] = await notes_on(harness, ivan)
    assert (entry.kind, entry.text, entry.outcome, entry.next_step) == (
        "meeting",
        "Showed the catalogue <new>",
        "Wants 20 units",
        "Send the offer",
    )
    assert entry.happened_at == msk(26, 15)
    card = await stored_client(harness, ivan)
    assert (card.next_step, card.next_step_at) == ("Send the offer", msk(30, 9))
    assert card.last_contact_at == msk(26, 15)
    assert await notes_on(harness, olga) == []


@LANGUAGES
async def test_a_call_told_in_a_voice_message(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [ivan] = await clients_of(harness, ANNA, text["ivan"])

    await anna.send("/note")
    await anna.press(text["ivan button"])
    await anna.press(text["call"])
    await anna.press(text["now"])
    await anna.send_content(voice={"file_id": "voice-7", "file_unique_id": "v7", "duration": 12})
    await anna.press(text["skip"])  # the outcome
    await anna.press(text["skip"])  # the next step

    assert anna.last_text() == text["call saved"]
    [entry] = await notes_on(harness, ivan)
    assert (entry.kind, entry.text, entry.file_id, entry.file_kind) == (
        "call",
        None,
        "voice-7",
        "voice",
    )
    card = await stored_client(harness, ivan)
    assert card.last_contact_at == msk(27, 12)
    assert card.next_step is None


@LANGUAGES
async def test_a_photo_of_their_price_list_as_a_plain_note(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [ivan] = await clients_of(harness, ANNA, text["ivan"])

    await anna.send("/note")
    await anna.press(text["ivan button"])
    await anna.press(text["note"])  # a note is "now": no time, no outcome asked
    assert text["notes?"] in anna.last_text()
    await anna.send_photo(caption="Their price list")
    assert text["next step?"] in anna.last_text()
    await anna.press(text["skip"])

    assert anna.last_text() == text["photo saved"]
    [entry] = await notes_on(harness, ivan)
    assert (entry.kind, entry.text, entry.file_kind) == ("note", "Their price list", "photo")
    assert entry.file_id is not None and entry.file_id.startswith("photo-")
    assert (await stored_client(harness, ivan)).last_contact_at is None


@LANGUAGES
async def test_bad_input_is_explained_and_the_question_asked_again(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [_olga, ivan] = await clients_of(harness, ANNA, text["olga"], text["ivan"])

    await anna.send("/note")
    await anna.send(SEARCH[language])
    assert anna.last_text() == text["found"]
    await anna.press(text["olga button"])
    await anna.send("/note")  # starts over
    await anna.press(text["ivan button"])
    await anna.press(text["meeting"])
    await anna.send("31.12.2026")
    assert anna.texts()[-2:] == [text["not yet"], anna.last_text()]
    assert text["when?"] in anna.last_text()
    await anna.press(text["now"])

    await anna.send("   ")
    assert anna.texts()[-2] == text["empty"]
    assert text["notes?"] in anna.last_text()
    await anna.send("x" * 4001)
    assert anna.texts()[-2] == text["too long"]
    assert text["notes?"] in anna.last_text()
    sticker = {
        "file_id": "CAAC",
        "file_unique_id": "AgAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await anna.send_content(sticker=sticker)
    assert anna.texts()[-2] == text["not a note"]
    assert text["notes?"] in anna.last_text()
    await anna.send("Talked it through")
    assert text["outcome?"] in anna.last_text()
    assert await notes_on(harness, ivan) == []


@LANGUAGES
async def test_plain_text_is_offered_as_a_note_on_a_recent_client(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [ivan, olga] = await clients_of(harness, ANNA, text["ivan"], text["olga"])

    await anna.send("Asked about delivery to Kazan")
    assert anna.last_text() == text["offer"]
    assert anna.buttons() == [
        text["olga button"],
        text["ivan button"],
        text["another"],
        text["no"],
    ]
    calls = await anna.press(text["olga button"])

    assert callback_answer(calls) == text["saved"]
    assert anna.last_text() == text["plain saved"]
    assert anna.buttons() == [text["open"]]
    [entry] = await notes_on(harness, olga)
    assert (entry.kind, entry.text) == ("note", "Asked about delivery to Kazan")
    assert await notes_on(harness, ivan) == []
    # The text was used: the same offer is stale now.
    calls = await anna.press(text["ivan button"])
    assert callback_answer(calls) == text["stale"]
    assert await notes_on(harness, ivan) == []
    await anna.press(text["open"])
    assert f"<b>{text['olga'][0]}</b>" in anna.last_text()


@LANGUAGES
async def test_another_client_keeps_the_text_for_the_note_flow(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [ivan] = await clients_of(harness, ANNA, text["ivan"])

    await anna.send("He will call back on Monday")
    await anna.press(text["another"])
    assert anna.last_text() == text["whose?"]
    await anna.press(text["ivan button"])
    await anna.press(text["call"])
    await anna.press(text["now"])
    # The notes are the text he sent: the flow goes on to the outcome.
    assert text["outcome?"] in anna.last_text()
    await anna.press(text["skip"])
    await anna.press(text["skip"])

    [entry] = await notes_on(harness, ivan)
    assert (entry.kind, entry.text) == ("call", "He will call back on Monday")


@LANGUAGES
async def test_no_keeps_nothing_and_the_offer_goes_stale(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [ivan] = await clients_of(harness, ANNA, text["ivan"])

    await anna.send("Just thinking aloud")
    await anna.press(text["no"])

    assert anna.last_text() == text["not saved"]
    calls = await anna.press(text["ivan button"])
    assert callback_answer(calls) == text["stale"]
    assert await notes_on(harness, ivan) == []


async def test_an_offer_under_five_newer_ones_is_forgotten(harness: Harness) -> None:
    text = TEXT["en"]
    anna = await specialist(harness, ANNA, "en")
    [ivan] = await clients_of(harness, ANNA, text["ivan"])
    await anna.send("The first thought")
    first_offer = anna.last_message_id()
    for number in range(5):
        await anna.send(f"Thought {number}")

    added = NoteOffer(action=NoteAction.ADD, client_id=ivan).pack()
    calls = await anna.press_data(added, first_offer)

    assert callback_answer(calls) == text["stale"]
    await anna.press(text["ivan button"])
    assert [entry.text for entry in await notes_on(harness, ivan)] == ["Thought 4"]


@LANGUAGES
async def test_a_forged_offer_for_another_specialists_client_reveals_nothing(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", language=language)
    await clients_of(harness, ANNA, text["ivan"])
    [borises] = await clients_of(harness, BORIS, text["olga"])

    await anna.send("Secret plans")
    offer_id = anna.last_message_id()
    forged = NoteOffer(action=NoteAction.ADD, client_id=borises).pack()
    calls = await anna.press_data(forged, offer_id)
    assert callback_answer(calls) == text["stale"]
    opened = NoteOffer(action=NoteAction.OPEN, client_id=borises).pack()
    calls = await anna.press_data(opened, offer_id)
    assert callback_answer(calls) == text["stale"]
    assert await notes_on(harness, borises) == []


@LANGUAGES
async def test_a_clients_text_gets_no_note_offer(harness: Harness, language: str) -> None:
    text = TEXT[language]
    maria = harness.person(3001, first_name="Maria", language_code=language)
    await maria.become_client(language)

    await maria.send("Hello, is anyone there?")

    assert maria.last_text() == text["no requests"]
    assert text["offer"] not in maria.texts()


@LANGUAGES
async def test_staff_without_clients_get_the_menu(harness: Harness, language: str) -> None:
    anna = await specialist(harness, ANNA, language)
    await anna.send("hello")
    assert anna.last_text() == TEXT[language]["menu"]


@LANGUAGES
async def test_a_note_from_the_client_card_starts_at_the_kind(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, ANNA, language)
    [ivan] = await clients_of(harness, ANNA, text["ivan"])
    await anna.send("Prefers calls after 3 pm")
    await anna.press(text["ivan button"])
    await anna.press(text["open"])

    await anna.press(text["note"])
    assert anna.last_text() == text["what was it?"]
    await anna.press(text["call"])
    await anna.press(text["now"])
    await anna.send("Agreed on a demo")
    await anna.press(text["skip"])
    await anna.press(text["skip"])

    entries = await notes_on(harness, ivan)
    assert [(e.kind, e.text) for e in entries] == [
        ("note", "Prefers calls after 3 pm"),
        ("call", "Agreed on a demo"),
    ]
