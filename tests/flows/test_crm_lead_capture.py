"""A specialist captures leads on the phone: typed in a few steps, from a contact card, a
forwarded message or a .vcf file; duplicates are caught before saving; a flow left half
way is offered to be continued. Clients from a deep link are leads with its source."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.render.crm_labels import source_name
from bot.services.actors import Actor
from bot.services.crm import clients
from bot.services.crm.clients import LeadDraft
from bot.storage.dto import ClientDTO
from bot.storage.enums import Role
from bot.storage.models import Client, ClientContact, TimelineEntry
from bot.storage.uow import UnitOfWork
from tests.support.harness import Harness, Person, callback_answer

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "new lead": "➕ New lead",
        "clients": "🗂 Clients",
        "name?": "What is the person's name?",
        "company?": "Which company is he or she from?",
        "phone?": "Phone number? Type it or send a contact card",
        "email?": "E-mail?",
        "source?": "Where did the lead come from?",
        "needs?": "What does the lead need?",
        "skip": "Skip",
        "back": "⬅️ Back",
        "cancel": "Cancel",
        "exhibition": "Exhibition",
        "sources": [
            "Exhibition",
            "Fair",
            "Presentation",
            "Advertising",
            "Referral",
            "Cold call",
            "Website",
            "Link to the bot",
            "Other",
        ],
        "saved": "✅ Lead saved: <b>{title}</b>.",
        "after saving": ["📂 Open card", "➕ Another lead", "Close"],
        "bad phone": "This does not look like a phone number.",
        "bad email": "This does not look like an e-mail address.",
        "now": "Now: {value}",
        "maybe": "⚠️ This lead may already be in the base:",
        "same phone": "<b>Ivan Petrov · Acme</b> — the same phone",
        "choice": ["📂 Open existing", "🔗 Merge", "💾 Save anyway", "⬅️ Back", "Cancel"],
        "open": "📂 Open existing",
        "merge": "🔗 Merge",
        "save anyway": "💾 Save anyway",
        "close": "Close",
        "merged": "🔗 Merged into the card of <b>Ivan Petrov · Acme</b>.",
        "hidden": "already in the base of Boris",
        "anyway?": "Save the lead anyway?",
        "hidden choice": ["💾 Save anyway", "⬅️ Back", "Cancel"],
        "stale": "This button is no longer active.",
        "check": "Check the new lead:",
        "summary buttons": ["✅ Save", "✏️ Edit", "Cancel"],
        "save": "✅ Save",
        "edit": "✏️ Edit",
        "company": "Company",
        "name line": "Name: {value}",
        "phone line": "Phone: {value}",
        "company line": "Company: {value}",
        "telegram line": "Telegram: {value}",
        "note line": "First note: {value}",
        "not a person": "A lead is made from a person's message",
        "unfinished": "You have a lead you did not finish: <b>Ivan Petrov</b>.",
        "resume buttons": ["▶️ Continue Ivan Petrov", "🆕 Start over", "Close"],
        "continue": "▶️ Continue Ivan Petrov",
        "start over": "🆕 Start over",
        "file saved": "✅ 2 new leads saved from the file: Ivan Petrov · Acme, Maria Smirnova.",
        "none new": "No new leads in this file.",
        "file known": (
            "2 contacts are already in the base and were skipped: Ivan Petrov, Maria Smirnova."
        ),
        "left out": "1 phone number or e-mail could not be read and was left out.",
        "broken": "I could not read contacts from this file.",
        "too big": "This file is too big. Please send a .vcf file of up to 1 MB.",
    },
    "ru": {
        "new lead": "➕ Новый лид",
        "clients": "🗂 Клиенты",
        "name?": "Как зовут клиента?",
        "company?": "Из какой он компании?",
        "phone?": "Номер телефона? Введите его или отправьте контакт",
        "email?": "E-mail?",
        "source?": "Откуда пришёл лид?",
        "needs?": "Что нужно клиенту?",
        "skip": "Пропустить",
        "back": "⬅️ Назад",
        "cancel": "Отмена",
        "exhibition": "Выставка",
        "sources": None,  # the names come from crm_labels; the English list checks the set
        "saved": "✅ Лид сохранён: <b>{title}</b>.",
        "after saving": ["📂 Открыть карточку", "➕ Ещё лид", "Закрыть"],
        "bad phone": "Это не похоже на номер телефона.",
        "bad email": "Это не похоже на адрес e-mail.",
        "now": "Сейчас: {value}",
        "maybe": "⚠️ Похоже, этот лид уже есть в базе:",
        "same phone": "<b>Ivan Petrov · Acme</b> — тот же телефон",
        "choice": [
            "📂 Открыть карточку",
            "🔗 Объединить",
            "💾 Всё равно сохранить",
            "⬅️ Назад",
            "Отмена",
        ],
        "open": "📂 Открыть карточку",
        "merge": "🔗 Объединить",
        "save anyway": "💾 Всё равно сохранить",
        "close": "Закрыть",
        "merged": "🔗 Данные добавлены в карточку <b>Ivan Petrov · Acme</b>.",
        "hidden": "уже есть в базе, ответственный — Boris",
        "anyway?": "Всё равно сохранить лида?",
        "hidden choice": ["💾 Всё равно сохранить", "⬅️ Назад", "Отмена"],
        "stale": "Эта кнопка больше не действует.",
        "check": "Проверьте нового лида:",
        "summary buttons": ["✅ Сохранить", "✏️ Изменить", "Отмена"],
        "save": "✅ Сохранить",
        "edit": "✏️ Изменить",
        "company": "Компания",
        "name line": "Имя: {value}",
        "phone line": "Телефон: {value}",
        "company line": "Компания: {value}",
        "telegram line": "Telegram: {value}",
        "note line": "Первая заметка: {value}",
        "not a person": "Лид создаётся из сообщения человека",
        "unfinished": "У вас есть незаконченный лид: <b>Ivan Petrov</b>.",
        "resume buttons": ["▶️ Продолжить: Ivan Petrov", "🆕 Начать заново", "Закрыть"],
        "continue": "▶️ Продолжить: Ivan Petrov",
        "start over": "🆕 Начать заново",
        "file saved": ("✅ Из файла сохранено 2 новых лида: Ivan Petrov · Acme, Maria Smirnova."),
        "none new": "Новых лидов в этом файле нет.",
        "file known": "2 контакта уже есть в базе и пропущены: Ivan Petrov, Maria Smirnova.",
        "left out": "1 телефон или e-mail не удалось прочитать, он не сохранён.",
        "broken": "Не получилось прочитать контакты из этого файла.",
        "too big": "Файл слишком большой. Пришлите файл .vcf размером до 1 МБ.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])
ANNA, BORIS = 2001, 2002
TWO_CARDS = b"""BEGIN:VCARD
VERSION:3.0
FN:Ivan Petrov
ORG:Acme
TEL;TYPE=CELL:+7 912 345-67-89
EMAIL:ivan@acme.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Smirnova;Maria;;;
TEL:8 495 123 45 67
TEL:call me
END:VCARD
"""


async def specialist(harness: Harness, language: str, user_id: int = ANNA) -> Person:
    name = "Anna" if user_id == ANNA else "Boris"
    return await harness.staff(user_id, Role.SPECIALIST, name, language=language)


async def in_base(harness: Harness, owner_telegram_id: int, draft: LeadDraft) -> ClientDTO:
    """A client already in `owner`'s base."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        owner = await uow.users.by_telegram_id(owner_telegram_id)
        assert owner is not None
        return await clients.create(uow, Actor.of(owner), harness.app.clock, draft)


async def stored_clients(harness: Harness) -> list[Client]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(Client).order_by(Client.id)))


async def contacts_of(harness: Harness, client_id: int) -> list[str]:
    async with harness.app.sessionmaker() as session:
        rows = await session.scalars(
            select(ClientContact.value)
            .where(ClientContact.client_id == client_id)
            .order_by(ClientContact.id)
        )
        return list(rows)


async def timeline_of(harness: Harness, client_id: int) -> list[TimelineEntry]:
    async with harness.app.sessionmaker() as session:
        rows = await session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.client_id == client_id)
            .order_by(TimelineEntry.id)
        )
        return list(rows)


async def typed_lead(anna: Person, text: dict[str, Any], phone: str) -> None:
    """Ivan Petrov with only a phone: every other step skipped."""
    await anna.send(text["new lead"])
    await anna.send("Ivan Petrov")
    await anna.press(text["skip"])
    await anna.send(phone)
    for _step in ("email", "source", "needs"):
        await anna.press(text["skip"])


@LANGUAGES
async def test_a_lead_in_seconds_with_the_optional_steps_skipped(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)

    await anna.send(text["new lead"])
    assert text["name?"] in anna.last_text()
    assert anna.buttons() == [text["cancel"]], "the name is the one step not skipped"
    await anna.send("Ivan <Petrov>")
    assert "Ivan &lt;Petrov&gt;" in anna.last_text()
    assert text["company?"] in anna.last_text()
    assert anna.buttons() == [text["back"], text["skip"], text["cancel"]]
    await anna.press(text["skip"])
    assert text["phone?"] in anna.last_text()
    await anna.send("8 912 345-67-89")
    assert text["email?"] in anna.last_text()
    await anna.press(text["skip"])
    assert text["source?"] in anna.last_text()
    if text["sources"]:
        assert anna.buttons()[:9] == text["sources"]
    await anna.press(text["exhibition"])
    assert text["needs?"] in anna.last_text()
    await anna.send("Forklifts for the <new> warehouse")

    assert anna.last_text() == text["saved"].format(title="Ivan &lt;Petrov&gt;")
    assert anna.buttons() == text["after saving"]
    [lead] = await stored_clients(harness)
    anna_user = await harness.stored_user(ANNA)
    assert anna_user is not None
    assert (lead.name, lead.company, lead.source, lead.needs, lead.status) == (
        "Ivan <Petrov>",
        None,
        "exhibition",
        "Forklifts for the <new> warehouse",
        "lead",
    )
    assert lead.owner_id == lead.created_by == anna_user.id
    assert await contacts_of(harness, lead.id) == ["+79123456789"]
    assert [entry.kind for entry in await timeline_of(harness, lead.id)] == ["created"]


@LANGUAGES
async def test_a_typed_source_and_a_step_back(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)

    await anna.send(text["new lead"])
    await anna.send("Olga")
    await anna.send("Romashka")
    await anna.press(text["back"])
    assert text["company?"] in anna.last_text()
    assert text["now"].format(value="Romashka") in anna.last_text()
    await anna.send("Romashka LLC")
    await anna.press(text["skip"])
    await anna.press(text["skip"])
    await anna.send("Partner's webinar")
    await anna.press(text["skip"])

    [lead] = await stored_clients(harness)
    assert (lead.company, lead.source) == ("Romashka LLC", "Partner's webinar")


@LANGUAGES
async def test_a_bad_phone_is_explained_and_asked_again(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await anna.send(text["new lead"])
    await anna.send("Ivan Petrov")
    await anna.press(text["skip"])

    await anna.send("12-34")

    explanation, question = anna.texts()[-2:]
    assert explanation.startswith(text["bad phone"])
    assert text["phone?"] in question
    await anna.send("+7 (912) 345 67 89")
    assert text["email?"] in anna.last_text()
    for _step in ("email", "source", "needs"):
        await anna.press(text["skip"])
    [lead] = await stored_clients(harness)
    assert await contacts_of(harness, lead.id) == ["+79123456789"]


@LANGUAGES
async def test_a_contact_card_answers_the_phone_question(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await anna.send(text["new lead"])
    await anna.send("Ivan Petrov")
    await anna.press(text["skip"])

    await anna.send_content(contact={"phone_number": "79123456789", "first_name": "Ivan"})

    assert text["email?"] in anna.last_text()
    for _step in ("email", "source", "needs"):
        await anna.press(text["skip"])
    [lead] = await stored_clients(harness)
    assert await contacts_of(harness, lead.id) == ["+79123456789"]


@LANGUAGES
async def test_a_bad_email_is_explained_and_asked_again(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await anna.send(text["new lead"])
    await anna.send("Ivan Petrov")
    await anna.press(text["skip"])
    await anna.press(text["skip"])

    await anna.send("ivan@@acme")

    explanation, question = anna.texts()[-2:]
    assert explanation.startswith(text["bad email"])
    assert text["email?"] in question
    await anna.send("Ivan@Acme.COM")
    assert text["source?"] in anna.last_text()
    await anna.send(text["exhibition"].lower())  # typed, the name of a known source
    await anna.press(text["skip"])
    [lead] = await stored_clients(harness)
    assert await contacts_of(harness, lead.id) == ["Ivan@acme.com"]
    assert lead.source == "exhibition"


@LANGUAGES
async def test_forged_buttons_in_the_lead_flow_change_nothing(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await anna.send(text["new lead"])
    message_id, cancel = harness.button(ANNA, text["cancel"])

    calls = await anna.press_data(cancel.replace("__cancel__", "skip"), message_id)
    assert callback_answer(calls) == text["stale"], "the name cannot be skipped"
    await anna.send("Ivan Petrov")
    for _step in ("company", "phone", "email"):
        await anna.press(text["skip"])
    message_id, cancel = harness.button(ANNA, text["cancel"])
    calls = await anna.press_data(cancel.replace("__cancel__", "source:made_up"), message_id)
    assert callback_answer(calls) == text["stale"]
    assert text["source?"] in anna.last_text()
    assert await stored_clients(harness) == []


@LANGUAGES
async def test_a_duplicate_by_phone_can_be_opened(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    ivan = await in_base(
        harness, ANNA, LeadDraft("Ivan Petrov", company="Acme", phones=("+79123456789",))
    )

    await typed_lead(anna, text, "8 (912) 345-67-89")

    shown = anna.last_text()
    assert shown.startswith(text["maybe"]) and text["same phone"] in shown
    assert anna.buttons() == text["choice"]
    await anna.press(text["open"])
    assert "Ivan Petrov" in anna.last_text() and "Acme" in anna.last_text(), "his card"
    await anna.press(text["close"])
    assert anna.last_text().startswith(text["maybe"]), "back to the choice"
    assert [c.id for c in await stored_clients(harness)] == [ivan.id]


@LANGUAGES
async def test_a_duplicate_by_phone_is_merged(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    ivan = await in_base(
        harness, ANNA, LeadDraft("Ivan Petrov", company="Acme", phones=("+79123456789",))
    )
    await anna.send(text["new lead"])
    await anna.send("Ivan Petrov")
    await anna.press(text["skip"])
    await anna.send("+79123456789")
    await anna.send("ivan@acme.com")
    await anna.press(text["exhibition"])
    await anna.send("Forklifts")

    await anna.press(text["merge"])

    assert anna.last_text() == text["merged"]
    [kept] = await stored_clients(harness)
    assert kept.id == ivan.id
    assert (kept.source, kept.needs) == ("exhibition", "Forklifts")
    assert await contacts_of(harness, ivan.id) == ["+79123456789", "ivan@acme.com"]
    assert [e.kind for e in await timeline_of(harness, ivan.id)] == ["created", "merge"]


@LANGUAGES
async def test_a_duplicate_by_phone_is_saved_anyway(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await in_base(harness, ANNA, LeadDraft("Ivan Petrov", company="Acme", phones=("+79123456789",)))

    await typed_lead(anna, text, "+79123456789")
    await anna.press(text["save anyway"])

    assert anna.last_text() == text["saved"].format(title="Ivan Petrov")
    assert [c.name for c in await stored_clients(harness)] == ["Ivan Petrov", "Ivan Petrov"]


@LANGUAGES
async def test_another_specialists_duplicate_reveals_nothing(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await specialist(harness, language, BORIS)
    borises = await in_base(
        harness,
        BORIS,
        LeadDraft("Secret Client", company="Hidden Ltd", phones=("+79123456789",)),
    )

    await typed_lead(anna, text, "+79123456789")

    shown = anna.last_text()
    assert text["hidden"] in shown and text["anyway?"] in shown
    assert "Secret" not in shown and "Hidden" not in shown
    assert anna.buttons() == text["hidden choice"]
    # A forged "merge" button with his client's id changes nothing and tells nothing.
    message_id, data = harness.button(ANNA, text["save anyway"])
    forged = data.replace("save_anyway", f"merge:{borises.id}")
    assert callback_answer(await anna.press_data(forged, message_id)) == text["stale"]
    [his] = await stored_clients(harness)
    assert (his.name, his.needs) == ("Secret Client", None)
    await anna.press(text["save anyway"])
    assert len(await stored_clients(harness)) == 2


@LANGUAGES
async def test_a_contact_card_sent_to_the_bot_starts_a_lead(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)

    await anna.send_content(
        contact={"phone_number": "+7 912 345 67 89", "first_name": "Ivan", "last_name": "Petrov"}
    )

    summary = anna.last_text()
    assert summary.startswith(text["check"])
    assert text["name line"].format(value="Ivan Petrov") in summary
    assert text["phone line"].format(value="+7 912 345-67-89") in summary
    assert anna.buttons() == text["summary buttons"]
    await anna.press(text["edit"])
    await anna.press(text["company"])
    await anna.send("Acme")
    assert text["company line"].format(value="Acme") in anna.last_text(), "back to the summary"
    await anna.press(text["save"])

    assert anna.last_text() == text["saved"].format(title="Ivan Petrov · Acme")
    [lead] = await stored_clients(harness)
    assert (lead.name, lead.company, lead.user_id) == ("Ivan Petrov", "Acme", None)
    assert await contacts_of(harness, lead.id) == ["+79123456789"]


@LANGUAGES
async def test_a_forwarded_message_makes_a_lead_of_its_sender(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    sender = {"id": 777001, "is_bot": False, "first_name": "Oleg", "username": "oleg_k"}

    await anna.send_content(
        text="Hello! Do you deliver <forklifts> to Kazan?",
        forward_origin={"type": "user", "date": 1_700_000_000, "sender_user": sender},
    )

    summary = anna.last_text()
    assert text["name line"].format(value="Oleg") in summary
    assert text["telegram line"].format(value="@oleg_k") in summary
    assert (
        text["note line"].format(value="Hello! Do you deliver &lt;forklifts&gt; to Kazan?")
        in summary
    )
    await anna.press(text["save"])

    [lead] = await stored_clients(harness)
    assert (lead.name, lead.telegram_username) == ("Oleg", "oleg_k")
    created, note = await timeline_of(harness, lead.id)
    assert (created.kind, note.kind) == ("created", "note")
    assert note.text == "Hello! Do you deliver <forklifts> to Kazan?"


@LANGUAGES
async def test_a_forward_from_a_hidden_account_or_a_channel(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)

    await anna.send_content(
        text="Big sale!",
        forward_origin={
            "type": "channel",
            "date": 1,
            "chat": {"id": -100123, "type": "channel", "title": "News"},
            "message_id": 5,
        },
    )
    assert anna.last_text().startswith(text["not a person"])

    await anna.send_content(
        text="Call me tomorrow",
        forward_origin={"type": "hidden_user", "date": 1, "sender_user_name": "Masha K."},
    )
    assert text["name line"].format(value="Masha K.") in anna.last_text()
    await anna.press(text["save"])
    [masha] = await stored_clients(harness)
    assert (masha.name, masha.telegram_username, masha.user_id) == ("Masha K.", None, None)

    # Right after the save, the next forwarded message is the next lead.
    await anna.send_content(
        text="Hi, it's Petr",
        forward_origin={
            "type": "user",
            "date": 1,
            "sender_user": {"id": 5, "is_bot": False, "first_name": "Petr"},
        },
    )
    assert text["name line"].format(value="Petr") in anna.last_text()


@LANGUAGES
async def test_a_vcf_file_becomes_one_lead_per_card(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)

    await anna.send_file("contacts.vcf", TWO_CARDS)

    assert anna.last_text() == "\n".join([text["file saved"], text["left out"]])
    ivan, maria = await stored_clients(harness)
    assert (ivan.name, ivan.company, maria.name) == ("Ivan Petrov", "Acme", "Maria Smirnova")
    assert await contacts_of(harness, ivan.id) == ["+79123456789", "ivan@acme.com"]
    assert await contacts_of(harness, maria.id) == ["+74951234567"]

    await anna.send_file("contacts.vcf", TWO_CARDS)
    assert anna.last_text() == "\n".join([text["none new"], text["file known"], text["left out"]])
    assert len(await stored_clients(harness)) == 2


@LANGUAGES
async def test_a_broken_or_too_big_vcf_file_is_refused(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)

    await anna.send_file("contacts.vcf", b"BEGIN:VCARD\nFN:Never ends\n")
    assert anna.last_text().startswith(text["broken"])

    before = len(harness.calls("GetFile"))
    await anna.send_content(
        document={
            "file_id": "huge",
            "file_unique_id": "huge",
            "file_name": "all.vcf",
            "file_size": 5_000_000,
        }
    )
    assert anna.last_text() == text["too big"]
    assert len(harness.calls("GetFile")) == before, "not downloaded"
    assert await stored_clients(harness) == []


@LANGUAGES
async def test_a_lead_left_half_way_is_continued_or_started_over(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await anna.send(text["new lead"])
    await anna.send("Ivan Petrov")
    await anna.send("Acme")
    await anna.send(text["clients"])  # another menu button: the lead flow is left

    await anna.send(text["new lead"])
    assert anna.last_text() == text["unfinished"]
    assert anna.buttons() == text["resume buttons"]
    await anna.press(text["continue"])
    assert "Ivan Petrov" in anna.last_text() and text["phone?"] in anna.last_text()
    await anna.send("+79123456789")
    await anna.send(text["clients"])

    await anna.send(text["new lead"])
    await anna.press(text["continue"])
    assert text["email?"] in anna.last_text()
    for _step in ("email", "source", "needs"):
        await anna.press(text["skip"])
    [lead] = await stored_clients(harness)
    assert (lead.name, lead.company) == ("Ivan Petrov", "Acme")

    await anna.send(text["new lead"])
    assert text["name?"] in anna.last_text(), "a saved lead is not offered again"
    await anna.send("Maria")
    await anna.send(text["clients"])
    await anna.send(text["new lead"])
    await anna.press(text["start over"])
    assert text["name?"] in anna.last_text()
    await anna.send(text["clients"])
    await anna.send(text["new lead"])
    assert text["name?"] in anna.last_text(), "started over: Maria is gone"


@LANGUAGES
async def test_cancel_forgets_the_lead(harness: Harness, language: str) -> None:
    text = TEXT[language]
    anna = await specialist(harness, language)
    await anna.send(text["new lead"])
    await anna.send("Ivan Petrov")
    await anna.press(text["cancel"])

    await anna.send(text["new lead"])

    assert text["name?"] in anna.last_text()
    assert await stored_clients(harness) == []


@LANGUAGES
async def test_a_clients_contact_card_is_not_a_lead(harness: Harness, language: str) -> None:
    await specialist(harness, language)
    maria = harness.person(3001, first_name="Maria", language_code=language)
    await maria.become_client(language)
    [own_card] = await stored_clients(harness)

    await maria.send_content(
        contact={"phone_number": "+79123456789", "first_name": "Ivan", "user_id": 3001}
    )
    await maria.send_content(
        text="Look at this",
        forward_origin={
            "type": "user",
            "date": 1,
            "sender_user": {"id": 5, "is_bot": False, "first_name": "Petr"},
        },
    )

    assert [c.id for c in await stored_clients(harness)] == [own_card.id]
    assert not any(TEXT[language]["check"] in t for t in maria.texts())


@LANGUAGES
async def test_a_client_from_a_deep_link_is_a_lead_with_its_source(
    harness: Harness, language: str
) -> None:
    maria = harness.person(3002, first_name="Maria", language_code=language)

    await maria.send("/start exhibition2026")
    assert await stored_clients(harness) == [], "nothing is stored before consent"
    await maria.press({"en": "English", "ru": "Русский"}[language])
    await maria.press({"en": "✅ I agree", "ru": "✅ Согласен(на)"}[language])

    [lead] = await stored_clients(harness)
    user = await harness.stored_user(3002)
    assert user is not None
    assert (lead.user_id, lead.status, lead.source, lead.name) == (
        user.id,
        "lead",
        "exhibition2026",
        "Maria",
    )
    i18n = harness.app.i18n
    with i18n.context(), i18n.use_locale(language):
        assert source_name(lead.source) == "exhibition2026", "a source of its own, as typed"
    [created] = await timeline_of(harness, lead.id)
    assert (created.kind, created.text) == ("created", "exhibition2026")
    assert json.loads(created.details or "null") is None
