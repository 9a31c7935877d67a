"""The client card: a specialist opens the card of the client whose request he works on,
edits its fields (bad input is explained and asked again), reads the timeline page by
page, sets his own reliability score with a reason; the head of sales hands the client
over; another specialist's forged button shows nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.storage.dto import ClientDTO
from bot.storage.enums import DealStage, Role, TimelineKind
from bot.storage.models import AuditRecord
from bot.storage.uow import UnitOfWork
from tests.support.harness import Harness, Person, callback_answer

TEXT = {
    "en": {
        "anna": "Anna",
        "maria": "Maria",
        "ask": "💬 Ask a question",
        "product": "Product",
        "send": "📨 Send",
        "client": "👤 Client",
        "open card": "📇 Open the client card",
        "card buttons": [
            "✏️ Edit",
            "📊 Score",
            "💼 Deals",
            "📝 Note",
            "📜 Timeline",
            "⏰ Remind",
            "Close",
        ],
        "edit": "✏️ Edit",
        "to card": "⬅️ To the card",
        "back": "⬅️ Back",
        "company": "Company",
        "company?": "Type the new value of “Company”.\nNow: —",
        "too long": "This is too long.",
        "phones": "📞 Phones",
        "emails": "✉️ E-mails",
        "add phone": "➕ Add a phone",
        "add email": "➕ Add an e-mail",
        "phone?": "Type the phone number, e.g. +7 912 345-67-89.",
        "email?": "Type the e-mail address.",
        "bad phone": "This does not look like a phone number.",
        "bad email": "This does not look like an e-mail address.",
        "added phone": "Added: +7 912 345-67-89",
        "added email": "Added: ivan@romashka.ru",
        "two phones": "📞 Phones: 2\nPress one to remove it.",
        "one phone": "📞 Phones: 1\nPress one to remove it.",
        "removed": "Removed.",
        "status": "Status",
        "prospect": "prospect",
        "status line": "Status: prospect",
        "segment": "Segment",
        "vip": "VIP",
        "segment line": "Segment: VIP",
        "budget": "Budget",
        "budget?": "Type the client's budget",
        "bad amount": "I could not read the amount.",
        "budget line": "Budget: RUB\u00a0150,000.00",
        "next step": "Next step",
        "next step?": "What is the next step with the client?",
        "when?": "When? Pick a day, or press “No date”.",
        "next step line": "Next step: Send the offer · Nov 30, 2026, 9:00\u202fAM",
        "tags": "🏷 Tags",
        "tags line": "Tags: #москва #опт",
        "saved": "Saved.",
        "timeline": "📜 Timeline",
        "timeline title": "📜 Timeline · Maria",
        "page 2": "📜 Timeline · Maria · page 2",
        "older": "Older ▶️",
        "newer": "◀️ Newer",
        "voice": "📎 voice message · Nov 27, 2026, 12:30\u202fPM",
        "score": "📊 Score",
        "computed": "Reliability: 44/100",
        "factor": "Claims: none — 20/20",
        "own score": "✍️ Set my own score",
        "score?": "Type your score: a whole number from 0 to 100.",
        "bad number": "Please type a whole number from 0 to 100.",
        "reason?": "Why this score? The reason is kept with it on the card.",
        "overridden": "Reliability: 85/100 (set by hand; computed 44)",
        "reason line": "Reason: Partner for years",
        "back to computed": "🔄 Back to the computed score",
        "stale": "This button is no longer active.",
        "owner": "Owner",
        "boris choice": "Boris · client relations specialist",
        "owner line": "Owner: Boris",
        "edit menu": [
            "Name",
            "Company",
            "Position",
            "📞 Phones",
            "✉️ E-mails",
            "🏷 Tags",
            "Status",
            "Segment",
            "Source",
            "Needs",
            "Budget",
            "Special terms and discounts",
            "Competitors",
            "Payment",
            "Next step",
            "⬅️ To the card",
        ],
        "answer header": "💬 Answer on request #1:",
        "deals": "💼 Deals",
        "deals title": "💼 Deals of Maria: 2",
        "deal buttons": [
            "Boxes for spring · Proposal · RUB\u00a0250,000.00",
            "Sample batch · Won",
            "➕ New deal",
            "⬅️ To the card",
        ],
        "new deal": "➕ New deal",
        "note": "📝 Note",
    },
    "ru": {
        "anna": "Анна",
        "maria": "Мария",
        "ask": "💬 Задать вопрос",
        "product": "Товар",
        "send": "📨 Отправить",
        "client": "👤 Клиент",
        "open card": "📇 Открыть карточку клиента",
        "card buttons": [
            "✏️ Изменить",
            "📊 Надёжность",
            "💼 Сделки",
            "📝 Заметка",
            "📜 Хронология",
            "⏰ Напомнить",
            "Закрыть",
        ],
        "edit": "✏️ Изменить",
        "to card": "⬅️ К карточке",
        "back": "⬅️ Назад",
        "company": "Компания",
        "company?": "Введите новое значение поля «Компания».\nСейчас: —",
        "too long": "Слишком длинн",
        "phones": "📞 Телефоны",
        "emails": "✉️ E-mail",
        "add phone": "➕ Добавить телефон",
        "add email": "➕ Добавить e-mail",
        "phone?": "Введите номер телефона, например +7 912 345-67-89.",
        "email?": "Введите адрес e-mail.",
        "bad phone": "Это не похоже на номер телефона.",
        "bad email": "Это не похоже на адрес e-mail.",
        "added phone": "Добавлено: +7 912 345-67-89",
        "added email": "Добавлено: ivan@romashka.ru",
        "two phones": "📞 Телефоны: 2\nНажмите на номер или адрес, чтобы удалить его.",
        "one phone": "📞 Телефоны: 1\nНажмите на номер или адрес, чтобы удалить его.",
        "removed": "Удалено.",
        "status": "Статус",
        "prospect": "потенциальный",
        "status line": "Статус: потенциальный",
        "segment": "Сегмент",
        "vip": "VIP",
        "segment line": "Сегмент: VIP",
        "budget": "Бюджет",
        "budget?": "Введите бюджет клиента",
        "bad amount": "Не получилось прочитать сумму.",
        "budget line": "Бюджет: 150\xa0000,00\xa0₽",
        "next step": "Следующий шаг",
        "next step?": "Какой следующий шаг с клиентом?",
        "when?": "Когда? Выберите день или нажмите «Без даты».",
        "next step line": "Следующий шаг: Send the offer · 30 нояб. 2026\u202fг., 09:00",
        "tags": "🏷 Теги",
        "tags line": "Теги: #москва #опт",
        "saved": "Сохранено.",
        "timeline": "📜 Хронология",
        "timeline title": "📜 Хронология · Мария",
        "page 2": "📜 Хронология · Мария · стр. 2",
        "older": "Раньше ▶️",
        "newer": "◀️ Новее",
        "voice": "📎 голосовое сообщение · 27 нояб. 2026\u202fг., 12:30",
        "score": "📊 Надёжность",
        "computed": "Надёжность: 44/100",
        "factor": "Претензии: не было — 20/20",
        "own score": "✍️ Задать свою оценку",
        "score?": "Введите свою оценку: целое число от 0 до 100.",
        "bad number": "Введите целое число от 0 до 100.",
        "reason?": "Почему такая оценка? Причина сохранится в карточке рядом с ней.",
        "overridden": "Надёжность: 85/100 (задана вручную; по расчёту 44)",
        "reason line": "Причина: Partner for years",
        "back to computed": "🔄 Вернуть расчётную оценку",
        "stale": "Эта кнопка больше не действует.",
        "owner": "Ответственный",
        "boris choice": "Борис · специалист по работе с клиентами",
        "owner line": "Ответственный: Борис",
        "edit menu": [
            "Имя",
            "Компания",
            "Должность",
            "📞 Телефоны",
            "✉️ E-mail",
            "🏷 Теги",
            "Статус",
            "Сегмент",
            "Источник",
            "Потребности",
            "Бюджет",
            "Особые условия и скидки",
            "Конкуренты",
            "Оплата",
            "Следующий шаг",
            "⬅️ К карточке",
        ],
        "answer header": "💬 Ответ по заявке #1:",
        "deals": "💼 Сделки",
        "deals title": "💼 Сделки клиента Мария: 2",
        "deal buttons": [
            "Boxes for spring · Предложение · 250\xa0000,00\xa0₽",
            "Sample batch · Выиграна",
            "➕ Новая сделка",
            "⬅️ К карточке",
        ],
        "new deal": "➕ Новая сделка",
        "note": "📝 Заметка",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def client_with_request(harness: Harness, language: str) -> Person:
    """Maria asks a question; her card in the base goes to the specialist who answers."""
    text = TEXT[language]
    maria = harness.person(3001, first_name=text["maria"], language_code=language)
    await maria.become_client(language)
    await maria.send(text["ask"])
    await maria.press(text["product"])
    await maria.send("Do you deliver to Kazan?")
    await maria.press(text["send"])
    return maria


async def open_card(person: Person, language: str) -> None:
    """From the request card: "👤 Client", then the full card under that answer."""
    text = TEXT[language]
    await person.press_data("rq:client:1", message_id=1)
    await person.press(text["open card"])


async def anna_with_card(harness: Harness, language: str) -> tuple[Person, Person]:
    anna = await harness.staff(2001, Role.SPECIALIST, TEXT[language]["anna"], language=language)
    maria = await client_with_request(harness, language)
    await open_card(anna, language)
    return anna, maria


async def marias_client(harness: Harness) -> ClientDTO:
    async with harness.app.sessionmaker() as session:
        uow = UnitOfWork(session)
        user = await uow.users.by_telegram_id(3001)
        assert user is not None
        client = await uow.clients.by_user(user.id)
        assert client is not None
        return client


async def edit(person: Person, language: str, field: str) -> None:
    await person.press(TEXT[language]["edit"])
    await person.press(TEXT[language][field])


@LANGUAGES
async def test_the_specialist_opens_the_card_of_his_requests_client(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    await client_with_request(harness, language)

    await anna.press(text["client"])
    assert anna.buttons() == [text["open card"]]
    await anna.press(text["open card"])

    card = anna.last_text()
    assert card.startswith(f"👤 <b>{text['maria']}</b>")
    assert f'<a href="tg://user?id=3001">{text["maria"]}</a>' in card
    assert text["computed"] in card
    assert anna.buttons() == text["card buttons"]
    await anna.press(text["edit"])
    # Only the head of sales and admins hand clients over: no "Owner" for a specialist.
    assert anna.buttons() == text["edit menu"]


@LANGUAGES
async def test_a_text_field_is_edited_and_an_over_long_one_asked_again(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)

    await edit(anna, language, "company")
    assert anna.last_text() == text["company?"]
    await anna.send("Ромашка" * 50)
    assert anna.texts()[-2].startswith(text["too long"])
    assert anna.last_text() == text["company?"]
    await anna.send("Ромашка <Опт>")

    assert "🏢 Ромашка &lt;Опт&gt;" in anna.last_text()
    assert anna.buttons() == text["card buttons"]
    client = await marias_client(harness)
    assert client.company == "Ромашка <Опт>"
    async with harness.app.sessionmaker() as session:
        audit = list(
            await session.scalars(
                select(AuditRecord).where(
                    AuditRecord.entity == "client", AuditRecord.action == "client_edited"
                )
            )
        )
    assert any('"field": "company"' in (record.details or "") for record in audit)


@LANGUAGES
async def test_a_bad_email_is_explained_then_a_good_one_added(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)
    await edit(anna, language, "emails")
    await anna.press(text["add email"])
    assert anna.last_text() == text["email?"]

    await anna.send("ivan@")
    assert anna.texts()[-2].startswith(text["bad email"])
    assert anna.last_text() == text["email?"]
    await anna.send("ivan@romashka.ru")

    assert anna.texts()[-2] == text["added email"]
    assert "❌ ivan@romashka.ru" in anna.buttons()
    await anna.press(text["back"])
    await anna.press(text["to card"])
    assert "✉️ ivan@romashka.ru" in anna.last_text()


@LANGUAGES
async def test_phones_are_added_and_removed(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)
    await edit(anna, language, "phones")
    await anna.press(text["add phone"])
    await anna.send("12345")
    assert anna.texts()[-2].startswith(text["bad phone"])
    assert anna.last_text() == text["phone?"]
    await anna.send("8 912 345-67-89")
    assert anna.texts()[-2] == text["added phone"]
    await anna.press(text["add phone"])
    await anna.send("+7 495 123-45-67")
    assert anna.last_text() == text["two phones"]

    calls = await anna.press("❌ +7 912 345-67-89")

    assert callback_answer(calls) == text["removed"]
    assert anna.last_text() == text["one phone"]
    assert "❌ +7 495 123-45-67" in anna.buttons()
    client = await marias_client(harness)
    async with harness.app.sessionmaker() as session:
        contacts = await UnitOfWork(session).clients.contacts(client.id)
    assert [contact.value for contact in contacts] == ["+74951234567"]


@LANGUAGES
async def test_status_and_segment_are_chosen_with_buttons(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)

    await edit(anna, language, "status")
    calls = await anna.press(text["prospect"])
    assert callback_answer(calls) == text["saved"]
    assert text["status line"] in anna.last_text()
    await edit(anna, language, "segment")
    await anna.press(text["vip"])

    assert text["segment line"] in anna.last_text()
    client = await marias_client(harness)
    assert (client.status.value, client.segment) == ("prospect", "vip")
    # The segment shortens the SLA: the desk reads it from her Telegram account.
    maria_user = await harness.stored_user(3001)
    assert maria_user is not None and maria_user.segment == "vip"


@LANGUAGES
async def test_a_budget_that_cannot_be_read_is_asked_again(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)
    await edit(anna, language, "budget")
    assert anna.last_text().startswith(text["budget?"])

    await anna.send("a lot")
    assert anna.texts()[-2].startswith(text["bad amount"])
    assert anna.last_text().startswith(text["budget?"])
    await anna.send("150 000")

    assert text["budget line"] in anna.last_text()
    client = await marias_client(harness)
    assert (client.budget_minor, client.budget_currency) == (15_000_000, "RUB")


@LANGUAGES
async def test_the_next_step_gets_a_day_from_the_calendar(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)
    await edit(anna, language, "next step")
    assert anna.last_text().startswith(text["next step?"])

    await anna.send("Send the offer")
    assert anna.last_text() == text["when?"]
    await anna.press("30")

    assert text["next step line"] in anna.last_text()
    client = await marias_client(harness)
    assert client.next_step == "Send the offer"
    assert client.next_step_at is not None and client.next_step_at.isoformat() == (
        "2026-11-30T06:00:00+00:00"
    )


@LANGUAGES
async def test_tags_are_typed_in_one_line(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)

    await edit(anna, language, "tags")
    await anna.send("#Опт, Москва")

    assert text["tags line"] in anna.last_text()


@LANGUAGES
async def test_the_timeline_is_read_page_by_page_and_a_voice_note_played(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)
    client = await marias_client(harness)
    start = harness.app.clock.now()
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        specialist = await uow.users.by_telegram_id(2001)
        assert specialist is not None
        for number in range(12):
            moment = start + timedelta(minutes=30 + number)
            await uow.timeline.add(
                client_id=client.id,
                kind=TimelineKind.CALL,
                author_id=specialist.id,
                happened_at=moment,
                now=moment,
                text=f"Call number {number}",
                file_id="voice-file" if number == 0 else None,
                file_kind="voice" if number == 0 else None,
            )

    await anna.press(text["timeline"])
    first = anna.last_text()
    assert first.startswith(f"<b>{text['timeline title']}</b>")
    assert "Call number 11" in first and "Call number 2" in first
    assert "Call number 1\n" not in first and "Call number 0" not in first
    assert anna.buttons() == [text["older"], text["to card"]]

    await anna.press(text["older"])
    second = anna.last_text()
    assert second.startswith(f"<b>{text['page 2']}</b>")
    assert "Call number 0" in second and "Do you deliver to Kazan?" in second
    assert anna.buttons() == [text["voice"], text["newer"], text["to card"]]
    calls = await anna.press(text["voice"])
    assert [call.request.voice for call in calls if call.method == "SendVoice"] == ["voice-file"]

    await anna.press(text["newer"])
    assert anna.last_text() == first


@LANGUAGES
async def test_the_specialist_sets_his_own_score_with_a_reason(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)

    await anna.press(text["score"])
    assert text["computed"] in anna.last_text() and text["factor"] in anna.last_text()
    await anna.press(text["own score"])
    await anna.send("lots")
    assert anna.texts()[-2] == text["bad number"]
    assert anna.last_text() == text["score?"]
    await anna.send("85")
    assert anna.last_text() == text["reason?"]
    await anna.send("Partner for years")

    assert text["overridden"] in anna.last_text()
    assert text["reason line"] in anna.last_text()
    client = await marias_client(harness)
    assert (client.score_override, client.score_reason) == (85, "Partner for years")

    await anna.press(text["back to computed"])
    assert text["computed"] in anna.last_text()
    assert text["back to computed"] not in anna.buttons()
    await anna.press(text["to card"])
    assert text["computed"] in anna.last_text()


@LANGUAGES
async def test_a_forged_button_for_another_specialists_client_shows_nothing(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    await client_with_request(harness, language)
    boris = await harness.staff(2002, Role.SPECIALIST, "Boris", language=language)

    calls = await boris.press_data("rq:client_card:1", message_id=1)

    assert callback_answer(calls) == text["stale"]
    assert boris.texts() == []


@LANGUAGES
async def test_the_card_stays_open_while_the_specialist_answers_the_client(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, maria = await anna_with_card(harness, language)
    request_card = anna.harness.inline_keyboards(2001)[0][0]

    await anna.send("We do, in two days.", reply_to=request_card)

    assert maria.last_text() == text["answer header"] + "\nWe do, in two days."


@LANGUAGES
async def test_the_head_of_sales_hands_the_client_to_another_specialist(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    await client_with_request(harness, language)
    boris_name = "Boris" if language == "en" else "Борис"
    await harness.staff(2002, Role.SPECIALIST, boris_name, language=language)
    head = await harness.staff(2003, Role.HEAD, "Olga", language=language)

    await open_card(head, language)
    await edit(head, language, "owner")
    await head.press(text["boris choice"])

    assert text["owner line"] in head.last_text()
    client = await marias_client(harness)
    boris = await harness.stored_user(2002)
    maria_user = await harness.stored_user(3001)
    assert boris is not None and maria_user is not None
    assert client.owner_id == boris.id == maria_user.owner_id


@LANGUAGES
async def test_the_clients_deals_open_from_the_card(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)
    client = await marias_client(harness)
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        now = harness.app.clock.now()
        for title, stage, amount in (
            ("Sample batch", DealStage.WON, None),
            ("Boxes for spring", DealStage.PROPOSAL, 25_000_000),
        ):
            await uow.deals.add(
                now=now,
                client_id=client.id,
                owner_id=client.owner_id,
                title=title,
                amount_minor=amount,
                currency="RUB",
                stage=stage,
            )

    await anna.press(text["deals"])
    listed = anna.last_text()
    assert listed == text["deals title"]
    assert anna.buttons() == text["deal buttons"]

    # Each deal, and a new one, open in the deals dialog (not a dead button).
    calls = await anna.press(text["deal buttons"][0])
    assert callback_answer(calls) != text["stale"]
    assert "Boxes for spring" in anna.last_text() and anna.last_text() != listed


@LANGUAGES
async def test_a_new_deal_and_a_note_start_from_the_card(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna, _maria = await anna_with_card(harness, language)
    card = anna.last_text()

    calls = await anna.press(text["note"])
    assert callback_answer(calls) != text["stale"]
    assert anna.last_text() != card

    await open_card(anna, language)
    await anna.press(text["deals"])
    calls = await anna.press(text["new deal"])
    assert callback_answer(calls) != text["stale"]
    # The new deal is already on her: its first question names her.
    assert text["maria"] in anna.last_text()
