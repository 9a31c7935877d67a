"""Deals on the phone: a specialist opens a deal for a client he finds by name, answering
question by question (a bad amount, date or probability is explained and asked again);
moves it along the pipeline and loses it with a reason; the head of sales sees the team's
pipeline and each specialist's; a forged button for another's deal reveals nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.services.actors import Actor
from bot.services.crm import clients, deals
from bot.services.crm.clients import LeadDraft
from bot.services.crm.deals import DealDraft
from bot.storage.enums import ClientStatus, DealStage, Role, TimelineKind
from bot.storage.models import AuditRecord, Deal, TimelineEntry
from bot.storage.uow import UnitOfWork
from tests.support.harness import Harness, Person, callback_answer

ANNA, BORIS, HEAD = 801, 802, 803
NBSP = "\u00a0"

TEXT = {
    "en": {
        "pipeline": "💼 <b>Pipeline: your deals</b>",
        "team": "💼 <b>Pipeline: whole team</b>",
        "boris": "💼 <b>Pipeline: Boris</b>",
        "nothing yet": "No deals yet. Start one from a client's card or with ➕ New deal.",
        "new deal": "➕ New deal",
        "which client": "Which client is the deal for?",
        "new deal for": "💼 New deal for <b>Иван Петров · Ромашка</b>",
        "title?": "What is the deal?",
        "amount?": "What is the amount?",
        "bad amount": "I could not read the amount.",
        "stage?": "Which stage is the deal at?",
        "close?": "When do you expect to close it?",
        "bad date": "I could not read the date.",
        "past date": "This day has passed. Please choose today or a later day.",
        "probability?": "How likely is it to be won",
        "bad number": "Please type a whole number from 0 to 100.",
        "terms?": "Any special terms or discounts for this deal?",
        "saved": "The deal is saved.",
        "skip": "Skip",
        "stage new": "New",
        "proposal": "Proposal",
        "contract": "Contract",
        "new 1": "New · 1",
        "new 2": "New · 2",
        "amount": "Amount: RUB\u00a0150,000.00",
        "stage proposal": "Stage: Proposal",
        "probability": "Probability: 60%",
        "close": "Expected close: Dec 31, 2026",
        "terms": "Special terms: 5% off for a prepayment",
        "open line": "New — 1 deal · RUB\u00a0100,000.00",
        "team open": "Open: 2 deals · RUB\u00a0120,000.00",
        "next": "➡️ Next stage",
        "moved": "Stage: Qualified",
        "move": "🔀 Stage",
        "lost": "❌ Lost",
        "why lost": "Why was <b>Pumps</b> lost?",
        "empty": "This cannot be empty. Please type it.",
        "reason": "Reason for the loss: Went to a competitor",
        "stage lost": "Stage: ❌ Lost",
        "won": "🏆 Won",
        "stage won": "Stage: 🏆 Won",
        "edit": "✏️ Edit",
        "amount field": "Amount",
        "usd": "Amount: $2,500.00",
        "specialist": "👤 Specialist",
        "stale": "This button is no longer active.",
        "row": "1. Иван Петров · Ромашка — <b>Pumps</b>\n    RUB\u00a0100,000.00",
        "client": "👤 Client",
        "card deals": "💼 Deals",
        "back": "⬅️ Back",
        "ten": "New · 10",
        "november 30": "Expected close: Nov 30, 2026",
    },
    "ru": {
        "pipeline": "💼 <b>Воронка: ваши сделки</b>",
        "team": "💼 <b>Воронка: вся команда</b>",
        "boris": "💼 <b>Воронка: Boris</b>",
        "nothing yet": (
            "Сделок пока нет. Начните сделку из карточки клиента или кнопкой «➕ Новая сделка»."
        ),
        "new deal": "➕ Новая сделка",
        "which client": "С каким клиентом сделка?",
        "new deal for": "💼 Новая сделка с клиентом <b>Иван Петров · Ромашка</b>",
        "title?": "Что за сделка?",
        "amount?": "Какая сумма?",
        "bad amount": "Не получилось прочитать сумму.",
        "stage?": "На каком этапе сделка?",
        "close?": "Когда планируете закрыть сделку?",
        "bad date": "Не получилось прочитать дату.",
        "past date": "Этот день уже прошёл. Выберите сегодняшний или более поздний день.",
        "probability?": "Какова вероятность выигрыша",
        "bad number": "Введите целое число от 0 до 100.",
        "terms?": "Есть ли по сделке особые условия или скидки?",
        "saved": "Сделка сохранена.",
        "skip": "Пропустить",
        "stage new": "Новая",
        "proposal": "Предложение",
        "contract": "Договор",
        "new 1": "Новая · 1",
        "new 2": "Новая · 2",
        "amount": f"Сумма: 150{NBSP}000,00{NBSP}₽",
        "stage proposal": "Этап: Предложение",
        "probability": f"Вероятность: 60{NBSP}%",
        "close": "Ожидаемое закрытие: 31 дек. 2026\u202fг.",
        "terms": "Особые условия: 5% off for a prepayment",
        "open line": f"Новая — 1 сделка · 100{NBSP}000,00{NBSP}₽",
        "team open": f"В работе: 2 сделки · 120{NBSP}000,00{NBSP}₽",
        "next": "➡️ Следующий этап",
        "moved": "Этап: Квалифицирована",
        "move": "🔀 Этап",
        "lost": "❌ Проиграна",
        "why lost": "Почему сделка <b>Pumps</b> проиграна?",
        "empty": "Это поле не может быть пустым",
        "reason": "Причина проигрыша: Went to a competitor",
        "stage lost": "Этап: ❌ Проиграна",
        "won": "🏆 Выиграна",
        "stage won": "Этап: 🏆 Выиграна",
        "edit": "✏️ Изменить",
        "amount field": "Сумма",
        "usd": f"Сумма: 2{NBSP}500,00{NBSP}$",
        "specialist": "👤 Специалист",
        "stale": "Эта кнопка больше не действует.",
        "row": f"1. Иван Петров · Ромашка — <b>Pumps</b>\n    100{NBSP}000,00{NBSP}₽",
        "client": "👤 Клиент",
        "card deals": "💼 Сделки",
        "back": "⬅️ Назад",
        "ten": "Новая · 10",
        "november 30": "Ожидаемое закрытие: 30 нояб. 2026\u202fг.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def client_of(harness: Harness, owner: int, name: str, company: str) -> int:
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(owner)
        assert user is not None
        client = await clients.create(
            uow, Actor.of(user), harness.app.clock, LeadDraft(name, company=company)
        )
        return client.id


async def deal_of(harness: Harness, owner: int, client_id: int, title: str, amount: int) -> int:
    """A deal in roubles (`amount` in roubles) at the stage "new"."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(owner)
        assert user is not None
        deal = await deals.create(
            uow,
            Actor.of(user),
            harness.app.clock,
            client_id,
            DealDraft(title=title, currency="RUB", amount_minor=amount * 100),
        )
        return deal.id


async def stored_deal(harness: Harness, deal_id: int) -> Deal:
    async with harness.app.sessionmaker() as session:
        deal = await session.get(Deal, deal_id)
        assert deal is not None
        return deal


async def open_deal(person: Person, stage_button: str) -> None:
    """/deals → the stage → the first deal in it."""
    await person.send("/deals")
    await person.press(stage_button)
    await person.press("1. Pumps")


@LANGUAGES
async def test_a_specialist_opens_a_deal_for_a_client_found_by_name(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    client_id = await client_of(harness, ANNA, "Иван Петров", "Ромашка")

    await anna.send("/deals")
    assert anna.last_text().startswith(text["pipeline"])
    assert text["nothing yet"] in anna.last_text()
    await anna.press(text["new deal"])
    assert anna.last_text().startswith(text["which client"])
    await anna.send("петров")
    await anna.press("Иван Петров · Ромашка")
    assert anna.last_text().startswith(text["new deal for"])
    assert text["title?"] in anna.last_text()

    await anna.send("Pumps for the new plant")
    assert text["amount?"] in anna.last_text()
    await anna.send("a lot")
    assert text["bad amount"] in anna.texts()[-2]
    assert text["amount?"] in anna.last_text()
    await anna.send("150 000")
    assert text["stage?"] in anna.last_text()
    await anna.press(text["proposal"])
    assert text["close?"] in anna.last_text()
    await anna.send("01.01.2020")  # in the past
    assert text["past date"] in anna.texts()[-2]
    await anna.send("someday")
    assert text["bad date"] in anna.texts()[-2]
    await anna.send("31.12.2026")
    assert text["probability?"] in anna.last_text()
    await anna.send("150")
    assert text["bad number"] in anna.texts()[-2]
    await anna.send("60")
    assert text["terms?"] in anna.last_text()
    await anna.send("5% off for a prepayment")

    assert anna.texts()[-2] == text["saved"]
    card = anna.last_text()
    assert card.startswith("💼 <b>Pumps for the new plant</b>")
    for line in ("amount", "stage proposal", "probability", "close", "terms"):
        assert text[line] in card
    async with harness.app.sessionmaker() as session:
        deal = await session.scalar(select(Deal).where(Deal.client_id == client_id))
    assert deal is not None
    assert (deal.title, deal.amount_minor, deal.currency, deal.stage) == (
        "Pumps for the new plant",
        15_000_000,
        "RUB",
        "proposal",
    )
    assert (str(deal.expected_close), deal.probability) == ("2026-12-31", 60)


@LANGUAGES
async def test_skipping_everything_after_the_title_makes_a_new_deal(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    client_id = await client_of(harness, ANNA, "Иван Петров", "Ромашка")

    await anna.send("/deals")
    await anna.press(text["new deal"])
    await anna.send("Ромашка")
    await anna.press("Иван Петров · Ромашка")
    await anna.send("Pumps")
    await anna.press(text["skip"])
    await anna.press(text["stage new"])
    await anna.press(text["skip"])
    await anna.press(text["skip"])
    calls = await anna.press(text["skip"])

    assert callback_answer(calls) == text["saved"]
    assert anna.last_text().startswith("💼 <b>Pumps</b>")
    async with harness.app.sessionmaker() as session:
        deal = await session.scalar(select(Deal).where(Deal.client_id == client_id))
    assert deal is not None
    assert (deal.amount_minor, deal.currency, deal.stage, deal.probability) == (
        None,
        "RUB",
        "new",
        10,
    )


@LANGUAGES
async def test_a_deal_moves_along_the_pipeline_and_is_lost_with_a_reason(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    client_id = await client_of(harness, ANNA, "Иван Петров", "Ромашка")
    deal_id = await deal_of(harness, ANNA, client_id, "Pumps", 100_000)

    await anna.send("/deals")
    assert text["open line"] in anna.last_text()
    await anna.press(text["new 1"])
    assert text["row"] in anna.last_text()
    await anna.press("1. Pumps")
    message_id, next_stage = harness.button(ANNA, text["next"])
    calls = await anna.press_data(next_stage, message_id)
    assert callback_answer(calls) == text["moved"]
    assert text["moved"] in anna.last_text()
    await anna.press_data(next_stage, message_id)  # a double tap moves it only once
    assert (await stored_deal(harness, deal_id)).stage == "qualified"
    await anna.press(text["move"])
    await anna.press(text["contract"])
    await anna.press(text["lost"])
    assert anna.last_text().startswith(text["why lost"])
    await anna.send("   ")
    assert text["empty"] in anna.texts()[-2]
    await anna.send("Went to a competitor")

    assert text["stage lost"] in anna.last_text()
    assert text["reason"] in anna.last_text()
    deal = await stored_deal(harness, deal_id)
    assert (deal.stage, deal.lost_reason) == ("lost", "Went to a competitor")
    async with harness.app.sessionmaker() as session:
        entries = await session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.client_id == client_id, TimelineEntry.kind == TimelineKind.DEAL)
            .order_by(TimelineEntry.id)
        )
        moves = [json.loads(e.details) for e in entries]
        actions = await session.scalars(
            select(AuditRecord.action)
            .where(AuditRecord.entity == "deal", AuditRecord.entity_id == deal_id)
            .order_by(AuditRecord.id)
        )
        audit = list(actions)
    assert [(m.get("from"), m.get("to")) for m in moves] == [
        (None, None),
        ("new", "qualified"),
        ("qualified", "contract"),
        ("contract", "lost"),
    ]
    assert moves[-1]["reason"] == "Went to a competitor"
    assert audit == ["deal_created"] + ["deal_stage_changed"] * 3


@LANGUAGES
async def test_a_won_deal_makes_the_client_active_and_an_edited_amount_shows(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    client_id = await client_of(harness, ANNA, "Иван Петров", "Ромашка")
    await deal_of(harness, ANNA, client_id, "Pumps", 100_000)
    await open_deal(anna, text["new 1"])

    await anna.press(text["edit"])
    await anna.press(text["amount field"])
    await anna.send("many")
    assert text["bad amount"] in anna.texts()[-2]
    await anna.send("2500 USD")
    assert text["usd"] in anna.last_text()
    await anna.press(text["won"])

    assert text["stage won"] in anna.last_text()
    assert text["won"] not in anna.buttons()
    async with harness.app.sessionmaker() as session:
        client = await UnitOfWork(session).clients.get(client_id)
    assert client is not None and client.status is ClientStatus.ACTIVE


@LANGUAGES
async def test_the_head_sees_the_teams_pipeline_and_one_specialists(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(ANNA, Role.SPECIALIST, "Anna", "en")
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")
    head = await harness.staff(HEAD, Role.HEAD, "Helen", language)
    await deal_of(
        harness, ANNA, await client_of(harness, ANNA, "Иван Петров", "Ромашка"), "Pumps", 100_000
    )
    await deal_of(
        harness, BORIS, await client_of(harness, BORIS, "John Smith", "Acme"), "Valves", 20_000
    )

    await head.send("/deals")
    assert head.last_text().startswith(text["team"])
    assert text["team open"] in head.last_text()
    assert text["new 2"] in head.buttons()
    await head.press(text["specialist"])
    await head.press("Boris")

    assert head.last_text().startswith(text["boris"])
    assert text["new 1"] in head.buttons()
    await head.press(text["new 1"])
    assert "Valves" in head.last_text() and "Pumps" not in head.last_text()


@LANGUAGES
async def test_a_specialist_sees_only_his_own_pipeline(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")
    await deal_of(
        harness, ANNA, await client_of(harness, ANNA, "Иван Петров", "Ромашка"), "Pumps", 100_000
    )
    await deal_of(
        harness, BORIS, await client_of(harness, BORIS, "John Smith", "Acme"), "Valves", 20_000
    )

    await anna.send("/deals")

    assert text["open line"] in anna.last_text()
    assert text["specialist"] not in anna.buttons()


@LANGUAGES
async def test_a_forged_button_for_anothers_deal_reveals_nothing(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    await harness.staff(BORIS, Role.SPECIALIST, "Boris", "en")
    await deal_of(
        harness, ANNA, await client_of(harness, ANNA, "Иван Петров", "Ромашка"), "Pumps", 100_000
    )
    borises = await deal_of(
        harness,
        BORIS,
        await client_of(harness, BORIS, "John Smith", "Acme"),
        "Secret valves",
        20_000,
    )
    await anna.send("/deals")
    await anna.press(text["new 1"])
    message_id, genuine = harness.button(ANNA, "1. Pumps")
    sent_before = len(anna.texts())

    calls = await anna.press_data(genuine.rsplit(":", 1)[0] + f":{borises}", message_id)

    assert callback_answer(calls) == text["stale"]
    assert all("Secret" not in t and "John" not in t for t in anna.texts()[sent_before:])
    deal = await stored_deal(harness, borises)
    assert deal.stage == DealStage.NEW


@LANGUAGES
async def test_a_deal_made_from_the_clients_card_goes_back_to_the_card(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    client_id = await client_of(harness, ANNA, "Иван Петров", "Ромашка")
    await deal_of(harness, ANNA, client_id, "Pumps", 100_000)
    await open_deal(anna, text["new 1"])

    await anna.press(text["client"])
    assert anna.last_text().startswith("👤 <b>Иван Петров</b>")
    await anna.press(text["card deals"])
    await anna.press(text["new deal"])  # the card starts Deals.new with the client's id
    assert anna.last_text().startswith(text["new deal for"])
    await anna.send("Valves")
    await anna.send("2500 USD")
    await anna.press(text["contract"])
    await anna.press("30")  # a day in the calendar: Monday, 30 November
    for _question in ("probability", "terms"):
        await anna.press(text["skip"])
    assert text["usd"] in anna.last_text()
    assert text["november 30"] in anna.last_text()
    await anna.press(text["back"])

    assert any(label.startswith("Valves") for label in anna.buttons())
    async with harness.app.sessionmaker() as session:
        made = await session.scalar(select(Deal).where(Deal.title == "Valves"))
    assert made is not None and (made.client_id, made.stage) == (client_id, "contract")


@LANGUAGES
async def test_a_long_stage_is_shown_page_by_page(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await harness.staff(ANNA, Role.SPECIALIST, "Anna", language)
    client_id = await client_of(harness, ANNA, "Иван Петров", "Ромашка")
    for number in range(10):
        await deal_of(harness, ANNA, client_id, f"Deal {number}", 1_000)

    await anna.send("/deals")
    await anna.press(text["ten"])
    assert anna.buttons()[:8] == [f"{n + 1}. Deal {9 - n}" for n in range(8)]
    await anna.press("▶️")
    assert anna.buttons()[:2] == ["9. Deal 1", "10. Deal 0"]
    await anna.press("10. Deal 0")
    assert anna.last_text().startswith("💼 <b>Deal 0</b>")
    await anna.press(text["back"])

    assert anna.buttons()[:2] == ["9. Deal 1", "10. Deal 0"]
