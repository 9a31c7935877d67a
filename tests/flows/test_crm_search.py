"""Finding clients: a specialist types part of a name, company, phone or e-mail and opens
the card of the one he means; "My clients" pages through his base with filters; the head
of sales sees everyone's; inline mode sends a client's card to any chat, and to no one
outside the team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.methods import AnswerInlineQuery

from bot.runtime import allowed_updates
from bot.services.actors import Actor
from bot.services.crm import clients
from bot.services.crm.clients import LeadDraft
from bot.storage.dto import ClientDTO
from bot.storage.enums import ClientStatus, Role, Segment
from bot.storage.uow import UnitOfWork
from tests.support.harness import Harness, Person, callback_answer
from tests.support.updates import inline_query

ANNA, BORIS, HELEN = 1, 2, 3
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])

TEXT = {
    "en": {
        "clients": "🗂 Clients",
        "prompt": "Type a name, company, phone, e-mail or #tag to find a client.",
        "found": "Found for “petrov”:",
        "found phone": "Found for “8 912 345 67 89”:",
        "choose": "Choose a client to open the card, or type another search.",
        "nothing": "Nobody found for “sidorov”.",
        "empty": "Type at least a letter or a digit",
        "too long": "That is too long for a search: type at most 100 characters.",
        "text please": "Please answer with text.",
        "mine": "📋 My clients",
        "close": "Close",
        "stale": "This button is no longer active.",
        "lead": "lead",
        "never": "no contact yet",
    },
    "ru": {
        "clients": "🗂 Клиенты",
        "prompt": "Введите имя, компанию, телефон, e-mail или #тег, чтобы найти клиента.",
        "found": "Найдено по запросу «petrov»:",
        "found phone": "Найдено по запросу «8 912 345 67 89»:",
        "choose": "Выберите клиента, чтобы открыть карточку, или введите другой запрос.",
        "nothing": "По запросу «sidorov» никого не нашлось.",
        "empty": "Введите хотя бы букву или цифру",
        "too long": "Слишком длинный запрос: не больше 100 символов.",
        "text please": "Пожалуйста, ответьте текстом.",
        "mine": "📋 Мои клиенты",
        "close": "Закрыть",
        "stale": "Эта кнопка больше не действует.",
        "lead": "лид",
        "never": "контактов ещё не было",
    },
}


async def add(harness: Harness, telegram_id: int, draft: LeadDraft, **changes: object) -> ClientDTO:
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(telegram_id)
        assert user is not None
        client = await clients.create(uow, Actor.of(user), harness.app.clock, draft)
        if changes:
            client = await uow.clients.update(client.id, now=harness.app.clock.now(), **changes)
        return client


async def team(harness: Harness, language: str) -> tuple[Person, Person]:
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    boris = await harness.staff(BORIS, Role.SPECIALIST, "Boris", language)
    await add(
        harness,
        ANNA,
        LeadDraft(
            "Ivan Petrov",
            company="Romashka",
            phones=("+79123456789",),
            emails=("ivan@romashka.ru",),
        ),
    )
    await add(harness, ANNA, LeadDraft("Мария Петрова", company="Ёлка"))
    await add(harness, BORIS, LeadDraft("Oleg Sidorov", company="Romashka"))
    return anna, boris


@LANGUAGES
async def test_a_specialist_finds_a_client_and_opens_the_card(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, _boris = await team(harness, language)

    await anna.send(text["clients"])
    assert text["prompt"] in anna.last_text()
    assert anna.buttons() == [text["mine"], text["close"]]

    await anna.send("petrov")
    shown = anna.last_text()
    assert shown.startswith(text["found"])
    assert "1. <b>Ivan Petrov</b> · Romashka" in shown
    assert "+7 912 345-67-89, ivan@romashka.ru" in shown
    assert "2. <b>Мария Петрова</b> · Ёлка" in shown
    assert text["choose"] in shown
    assert anna.buttons() == [
        "1. Ivan Petrov · Romashka",
        "2. Мария Петрова · Ёлка",
        text["mine"],
        text["close"],
    ]

    await anna.send("8 912 345 67 89")
    assert anna.last_text().startswith(text["found phone"])
    await anna.press("1. Ivan Petrov · Romashka")
    assert "👤 <b>Ivan Petrov</b>" in anna.last_text()
    assert "📞 +7 912 345-67-89" in anna.last_text()

    # Closing the card comes back to the results.
    await anna.press(text["close"])
    assert anna.last_text().startswith(text["found phone"])


@LANGUAGES
async def test_nothing_found_and_bad_queries_are_explained(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _boris = await team(harness, language)
    await anna.send(text["clients"])

    # Boris's client is not Anna's to find.
    await anna.send("sidorov")
    assert anna.last_text().startswith(text["nothing"])
    assert anna.buttons() == [text["mine"], text["close"]]

    await anna.send("…")
    assert anna.texts()[-2].startswith(text["empty"])
    await anna.send("x" * 101)
    assert anna.texts()[-2] == text["too long"]
    await anna.send_content(
        sticker={
            "file_id": "s",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    )
    assert anna.texts()[-2] == text["text please"]

    # Still listening.
    await anna.send("romashka")
    assert "Ivan Petrov" in anna.last_text()
    assert "Oleg Sidorov" not in anna.last_text()


@LANGUAGES
async def test_clients_command_with_a_query_searches_at_once(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, _boris = await team(harness, language)
    await anna.send("/clients ёлка")
    assert "Мария Петрова" in anna.last_text()
    assert text["choose"] in anna.last_text()


LIST_TEXT = {
    "en": {
        "yours": "<b>Your clients</b>\nFilters: none",
        "team": "<b>Clients of the whole team</b>\nFilters: none",
        "page 1": "Clients: 11 · Page 1 of 2",
        "page 2": "Clients: 11 · Page 2 of 2",
        "status": "Status",
        "segment": "Segment",
        "tag": "Tag",
        "silent": "No contact",
        "status set": "✅ Status",
        "active": "Active",
        "30 days": "No contact for 30+ days",
        "60 days": "No contact for 60+ days",
        "any": "Any",
        "clear": "✖️ Clear filters",
        "search": "🔍 Search",
        "close": "Close",
        "status?": "Show clients with the status:",
        "active only": "Filters: Status: active",
        "active silent": "Filters: Status: active · No contact for 30+ days",
        "vip only": "Filters: Segment: VIP",
        "tag only": "Filters: #опт",
        "none match": "No clients match these filters.",
        "ivan": "1. <b>Ivan Petrov</b> · Romashka — active, last contact 40 days ago",
        "maria": "11. <b>Мария Петрова</b> — prospect, last contact 3 days ago",
        "lead 1": "1. <b>Lead 1</b> — lead, no contact yet",
        "oleg": "(👤 Boris)",
    },
    "ru": {
        "yours": "<b>Ваши клиенты</b>\nФильтры: нет",
        "team": "<b>Клиенты всей команды</b>\nФильтры: нет",
        "page 1": "Клиентов: 11 · Страница 1 из 2",
        "page 2": "Клиентов: 11 · Страница 2 из 2",
        "status": "Статус",
        "segment": "Сегмент",
        "tag": "Тег",
        "silent": "Без контакта",
        "status set": "✅ Статус",
        "active": "Активный",
        "30 days": "Без контакта 30+ дней",
        "60 days": "Без контакта 60+ дней",
        "any": "Любой",
        "clear": "✖️ Сбросить фильтры",
        "search": "🔍 Поиск",
        "close": "Закрыть",
        "status?": "Показать клиентов со статусом:",
        "active only": "Фильтры: Статус: активный",
        "active silent": "Фильтры: Статус: активный · Без контакта 30+ дней",
        "vip only": "Фильтры: Сегмент: VIP",
        "tag only": "Фильтры: #опт",
        "none match": "Под эти фильтры клиентов нет.",
        "ivan": "1. <b>Ivan Petrov</b> · Romashka — активный, последний контакт 40 дней назад",
        "maria": "11. <b>Мария Петрова</b> — потенциальный, последний контакт 3 дня назад",
        "lead 1": "1. <b>Lead 1</b> — лид, контактов ещё не было",
        "oleg": "(👤 Boris)",
    },
}


async def base(harness: Harness, language: str) -> tuple[Person, Person]:
    """Anna's eleven clients: nine fresh leads nobody has called yet, Ivan (active, VIP,
    tagged "опт", last called 40 days ago) and Maria (a prospect called 3 days ago); and
    one client of Boris."""
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    boris = await harness.staff(BORIS, Role.SPECIALIST, "Boris", language)
    now = harness.app.clock.now()
    for number in range(1, 10):
        await add(harness, ANNA, LeadDraft(f"Lead {number}"))
    await add(
        harness,
        ANNA,
        LeadDraft("Ivan Petrov", company="Romashka", tags=("опт",)),
        status=ClientStatus.ACTIVE,
        segment=Segment.VIP,
        last_contact_at=now - timedelta(days=40),
    )
    await add(
        harness,
        ANNA,
        LeadDraft("Мария Петрова"),
        status=ClientStatus.PROSPECT,
        last_contact_at=now - timedelta(days=3),
    )
    await add(harness, BORIS, LeadDraft("Oleg Sidorov", company="Romashka"))
    return anna, boris


@LANGUAGES
async def test_my_clients_pages_and_filters(harness: Harness, language: str) -> None:
    text = LIST_TEXT[language]
    anna, _boris = await base(harness, language)
    await anna.send("/clients")
    await anna.press(TEXT[language]["mine"])

    shown = anna.last_text()
    assert shown.startswith(text["yours"])
    assert text["lead 1"] in shown
    assert text["page 1"] in shown
    assert "Oleg Sidorov" not in shown
    assert anna.buttons() == [
        *(f"{n}. Lead {n}" for n in range(1, 9)),
        "▶️",
        text["status"],
        text["segment"],
        text["tag"],
        text["silent"],
        text["search"],
        text["close"],
    ]

    await anna.press("▶️")
    assert text["page 2"] in anna.last_text()
    assert text["maria"] in anna.last_text()
    assert anna.buttons()[:4] == [
        "9. Lead 9",
        "10. Ivan Petrov · Romashka",
        "11. Мария Петрова",
        "◀️",
    ]

    await anna.press(text["status"])
    assert anna.last_text() == text["status?"]
    await anna.press(text["active"])
    shown = anna.last_text()
    assert text["active only"] in shown
    assert text["ivan"] in shown
    assert "Lead 1" not in shown
    assert text["status set"] in anna.buttons()
    assert text["clear"] in anna.buttons()

    await anna.press(text["silent"])
    await anna.press(text["30 days"])
    assert text["active silent"] in anna.last_text()
    assert text["ivan"] in anna.last_text()

    await anna.press(text["silent"])
    await anna.press(text["60 days"])
    assert text["none match"] in anna.last_text()

    await anna.press(text["clear"])
    assert text["yours"] in anna.last_text()
    assert text["page 1"] in anna.last_text()

    await anna.press(text["segment"])
    await anna.press("VIP")
    assert text["vip only"] in anna.last_text()
    assert text["ivan"] in anna.last_text()

    await anna.press(text["segment"])
    await anna.press(text["any"])
    await anna.press(text["tag"])
    assert anna.buttons() == ["#опт", text["any"], TEXT_BACK[language]]
    await anna.press("#опт")
    assert text["tag only"] in anna.last_text()
    await anna.press("1. Ivan Petrov · Romashka")
    assert "👤 <b>Ivan Petrov</b>" in anna.last_text()


TEXT_BACK = {"en": "Back", "ru": "Назад"}


@LANGUAGES
async def test_the_head_of_sales_sees_everyones_clients(harness: Harness, language: str) -> None:
    text = LIST_TEXT[language]
    await base(harness, language)
    helen = await harness.staff(HELEN, Role.HEAD, "Helen", language)
    await helen.send("/clients sidorov")
    assert "Oleg Sidorov" in helen.last_text()
    assert text["oleg"] in helen.last_text()
    assert helen.buttons()[0] == "1. Oleg Sidorov · Romashka — Boris"

    await helen.press(TEXT[language]["mine"])
    assert helen.last_text().startswith(text["team"])
    assert "Clients: 12" in helen.last_text() or "Клиентов: 12" in helen.last_text()


@LANGUAGES
async def test_a_forged_button_reveals_nothing(harness: Harness, language: str) -> None:
    anna, _boris = await base(harness, language)
    olegs = await add(harness, BORIS, LeadDraft("Oleg Junior"))
    await anna.send("/clients petrov")
    message_id, data = harness.button(ANNA, "1. Ivan Petrov · Romashka")
    forged = data.rsplit(":", 1)[0] + f":{olegs.id}"
    calls = await anna.press_data(forged, message_id)
    assert callback_answer(calls) == TEXT[language]["stale"]
    assert "Oleg" not in anna.last_text()


INLINE_TEXT = {
    "en": {"status": "lead", "card": "Status: lead"},
    "ru": {"status": "лид", "card": "Статус: лид"},
}


async def inline(harness: Harness, person: Person, query: str) -> AnswerInlineQuery:
    """Types "@bot <query>" in some chat; the bot's answer."""
    calls = await harness.feed(
        inline_query(person.user_id, query, language_code=person.language_code)
    )
    answers = [call.request for call in calls if isinstance(call.request, AnswerInlineQuery)]
    assert len(answers) == 1, calls
    return answers[0]


@LANGUAGES
async def test_inline_mode_sends_a_clients_card(harness: Harness, language: str) -> None:
    text = INLINE_TEXT[language]
    anna, _boris = await team(harness, language)
    # Telegram only delivers inline queries to a bot that asks for them.
    assert "inline_query" in allowed_updates(harness.app.dispatcher)

    answer = await inline(harness, anna, "petrov")
    assert answer.is_personal
    assert [r.title for r in answer.results] == ["Ivan Petrov · Romashka", "Мария Петрова · Ёлка"]
    ivan = answer.results[0]
    assert ivan.description == f"+7 912 345-67-89, ivan@romashka.ru · {text['status']}"
    card = ivan.input_message_content.message_text
    assert card.startswith("👤 <b>Ivan Petrov</b>")
    assert text["card"] in card

    # Boris's client is not hers to send, and an empty query offers her recent clients.
    assert (await inline(harness, anna, "sidorov")).results == []
    recent = await inline(harness, anna, "")
    assert {r.title for r in recent.results} == {"Ivan Petrov · Romashka", "Мария Петрова · Ёлка"}


@LANGUAGES
async def test_inline_mode_reveals_nothing_to_others(harness: Harness, language: str) -> None:
    await team(harness, language)
    stranger = harness.person(77, first_name="Stranger", language_code=language)
    answer = await inline(harness, stranger, "petrov")
    assert answer.results == []
    assert answer.is_personal

    client = harness.person(78, first_name="Maria", language_code=language)
    await client.become_client(language)
    answer = await inline(harness, client, "romashka")
    assert answer.results == []
    assert answer.is_personal
