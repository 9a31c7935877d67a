"""A client finds his requests, writes to the one he means, closes and reopens them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.enums import Role
from bot.storage.models import Feedback, Request, RequestMessage
from tests.support.clock import FakeClock
from tests.support.harness import Harness, Person, callback_answer

STALE = "This button is no longer active."
N = "\u202f"  # the narrow no-break space Babel puts in times and dates
# What the client and his specialist read, per language (they speak the same one here).
TEXT = {
    "en": {
        "maria": "Maria",
        "product": "Product",
        "service": "Service",
        "order": "Order and delivery",
        "claim": "📝 File a claim",
        "refund": "Refund",
        "skip": "Skip",
        "next": "Next ➡️",
        "confirm": "✅ Confirm",
        "my requests": "📋 My requests",
        "listing": "Your requests:\n\n<b>#2</b> · Claim · new\n",
        "listing dates": f"    due Dec 1, 2026, 10:00{N}AM · updated Nov 27, 2026, 12:00{N}PM",
        "listing buttons": [
            f"#2 · Claim · new · Dec 3, 2026, 4:05{N}PM",
            f"#1 · Inquiry · new · Dec 1, 2026, 10:00{N}AM",
            "Close",
        ],
        "no requests": "You have no requests yet.",
        "close": "Close",
        "opened": "<b>Inquiry #1 · Product</b>\nStatus: in progress\n",
        "resolution by": f"Expected resolution by Dec 1, 2026, 10:00{N}AM",
        "history": (
            f"<i>Nov 27, 2026, 12:30{N}PM</i> · Status: in progress\n"
            f"<i>Nov 27, 2026, 12:30{N}PM</i> · Specialist: Yes, navy blue."
        ),
        "request buttons": ["✍️ Add a message", "🔒 Close the request", "Back"],
        "first inquiry": "#1 · Inquiry · new",
        "add a message": "✍️ Add a message",
        "write here": "Write your message: it goes to request #1.",
        "header 1": "💬 Maria · request #1",
        "header 2": "💬 Maria · request #2",
        "close the request": "🔒 Close the request",
        "close?": "Close this request? You can reopen it within the reopen period.",
        "yes, close": "Yes, close it",
        "closed": "Request closed.",
        "client closed": "The client closed request #1.",
        "status closed": "Status: closed",
        "reopen": "↩️ Reopen",
        "reopened": "Request reopened.",
        "status reopened": "Status: reopened",
        "client reopened": "The client reopened request #1.",
        "status": "🔄 Status",
        "resolved": "✅ Resolved",
        "status resolved": "Status: resolved",
        "too late": "This request can no longer be reopened. Please file a new one.",
        "goes to 2": "Your messages go to request #2.",
        "another": "🔀 Another request",
        "which?": "Which request should your messages go to?",
        "now goes to 1": "Your messages now go to request #1. Write here.",
    },
    "ru": {
        "maria": "Мария",
        "product": "Товар",
        "service": "Сервис",
        "order": "Заказ и доставка",
        "claim": "📝 Подать претензию",
        "refund": "Возврат денег",
        "skip": "Пропустить",
        "next": "Далее ➡️",
        "confirm": "✅ Подтвердить",
        "my requests": "📋 Мои заявки",
        "listing": "Ваши заявки:\n\n<b>#2</b> · Претензия · новая\n",
        "listing dates": (
            f"    срок до 1 дек. 2026{N}г., 10:00 · обновлена 27 нояб. 2026{N}г., 12:00"
        ),
        "listing buttons": [
            f"#2 · Претензия · новая · 3 дек. 2026{N}г., 16:05",
            f"#1 · Обращение · новая · 1 дек. 2026{N}г., 10:00",
            "Закрыть",
        ],
        "no requests": "У вас пока нет заявок.",
        "close": "Закрыть",
        "opened": "<b>Обращение #1 · Товар</b>\nСтатус: в работе\n",
        "resolution by": f"Рассчитываем решить до 1 дек. 2026{N}г., 10:00",
        "history": (
            f"<i>27 нояб. 2026{N}г., 12:30</i> · Статус: в работе\n"
            f"<i>27 нояб. 2026{N}г., 12:30</i> · Специалист: Yes, navy blue."
        ),
        "request buttons": ["✍️ Добавить сообщение", "🔒 Закрыть заявку", "Назад"],
        "first inquiry": "#1 · Обращение · новая",
        "add a message": "✍️ Добавить сообщение",
        "write here": "Напишите сообщение — оно попадёт в заявку #1.",
        "header 1": "💬 Мария · заявка #1",
        "header 2": "💬 Мария · заявка #2",
        "close the request": "🔒 Закрыть заявку",
        "close?": (
            "Закрыть эту заявку? Её можно будет открыть повторно в течение установленного срока."
        ),
        "yes, close": "Да, закрыть",
        "closed": "Заявка закрыта.",
        "client closed": "Клиент закрыл заявку #1.",
        "status closed": "Статус: закрыта",
        "reopen": "↩️ Открыть повторно",
        "reopened": "Заявка открыта повторно.",
        "status reopened": "Статус: открыта повторно",
        "client reopened": "Клиент открыл заявку #1 повторно.",
        "status": "🔄 Статус",
        "resolved": "✅ Решена",
        "status resolved": "Статус: решена",
        "too late": "Эту заявку уже нельзя открыть повторно. Пожалуйста, создайте новую.",
        "goes to 2": "Ваши сообщения попадают в заявку #2.",
        "another": "🔀 Другая заявка",
        "which?": "В какую заявку отправлять ваши сообщения?",
        "now goes to 1": "Теперь ваши сообщения попадают в заявку #1. Пишите здесь.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def client(harness: Harness, user_id: int, language: str, name: str = "Maria") -> Person:
    person = harness.person(user_id, first_name=name, language_code=language)
    await person.become_client(language)
    return person


ASK = {"en": "💬 Ask a question", "ru": "💬 Задать вопрос"}
SEND = {"en": "📨 Send", "ru": "📨 Отправить"}


async def ask(person: Person, topic: str, text: str) -> None:
    language = person.language_code or "en"
    await person.send(ASK[language])
    await person.press(topic)
    await person.send(text)
    await person.press(SEND[language])


async def stored_requests(harness: Harness) -> list[Request]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(Request).order_by(Request.id)))


async def said_on(harness: Harness, request_id: int) -> list[str | None]:
    async with harness.app.sessionmaker() as session:
        messages = await session.scalars(
            select(RequestMessage)
            .where(RequestMessage.request_id == request_id)
            .order_by(RequestMessage.id)
        )
        return [m.text for m in messages]


async def open_first(maria: Person) -> None:
    """📋 My requests, then the newest one."""
    await maria.send(TEXT[maria.language_code or "en"]["my requests"])
    await maria.press(maria.buttons()[0])


async def close_it(maria: Person) -> None:
    await open_first(maria)
    await maria.press("🔒 Close the request")
    assert maria.last_text() == "Close this request? You can reopen it within the reopen period."
    assert maria.buttons() == ["Yes, close it", "Back"]
    await maria.press("Yes, close it")


@LANGUAGES
async def test_the_list_shows_number_kind_status_and_deadline(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is it blue?")
    clock.advance(minutes=5)
    await maria.send(text["claim"])
    await maria.press(text["order"])
    await maria.send("The parcel is damaged.")
    await maria.press(text["refund"])
    await maria.press(text["skip"])
    await maria.press(text["next"])
    await maria.press(text["confirm"])

    await maria.send(text["my requests"])

    listing = maria.last_text()
    assert listing.startswith(text["listing"])
    assert text["listing dates"] in listing
    # Newest activity first; an inquiry is resolved within 16 working hours, a claim in 40.
    assert maria.buttons() == text["listing buttons"]


@LANGUAGES
async def test_a_client_with_no_requests_is_told_so(harness: Harness, language: str) -> None:
    text = TEXT[language]
    maria = await client(harness, 3001, language, name=text["maria"])

    await maria.send(text["my requests"])

    assert maria.last_text() == text["no requests"]
    assert maria.buttons() == [text["close"]]


@LANGUAGES
async def test_opening_a_request_shows_its_history(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is it <blue>?")
    clock.advance(minutes=30)
    await anna.send("Yes, navy blue.", reply_to=anna.last_message_id())

    await open_first(maria)

    shown = maria.last_text()
    assert shown.startswith(text["opened"])
    assert text["resolution by"] in shown
    assert "<blockquote>Is it &lt;blue&gt;?</blockquote>" in shown
    assert shown.endswith(text["history"])
    assert maria.buttons() == text["request buttons"]


@LANGUAGES
async def test_add_a_message_makes_it_the_active_request(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is it blue?")
    clock.advance(minutes=5)
    await ask(maria, text["service"], "Do you repair kettles?")
    clock.advance(minutes=5)
    await maria.send(text["my requests"])
    assert maria.buttons()[1].startswith(text["first inquiry"])
    await maria.press(maria.buttons()[1])

    await maria.press(text["add a message"])
    assert maria.last_text() == text["write here"]
    calls = await maria.send("And in green?")

    assert anna.last_text() == text["header 1"] + "\nAnd in green?"
    assert any(call.method == "SetMessageReaction" for call in calls)
    # He was just told where it goes: the bot does not repeat it.
    assert maria.last_text() == text["write here"]
    assert await said_on(harness, 1) == ["And in green?"]
    assert await said_on(harness, 2) == []


@LANGUAGES
async def test_closing_asks_for_confirmation_and_the_client_may_reopen_within_7_days(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is it blue?")
    clock.advance(minutes=5)

    await open_first(maria)
    await maria.press(text["close the request"])
    assert maria.last_text() == text["close?"]
    calls = await maria.press(text["yes, close"])

    assert callback_answer(calls) == text["closed"]
    assert anna.last_text() == text["client closed"]
    assert text["status closed"] in maria.last_text()
    [request] = await stored_requests(harness)
    assert request.status == "closed" and request.closed_at is not None
    assert text["reopen"] in maria.buttons(), "a request the client closed can't be reopened"

    clock.advance(days=6)
    await open_first(maria)
    calls = await maria.press(text["reopen"])

    assert callback_answer(calls) == text["reopened"]
    assert text["status reopened"] in maria.last_text()
    assert text["client reopened"] in anna.texts()
    assert text["status reopened"] in anna.last_text()  # and the card again
    [request] = await stored_requests(harness)
    assert request.status == "reopened" and request.closed_at is None
    assert maria.buttons() == text["request buttons"]


@LANGUAGES
async def test_after_8_days_a_request_can_no_longer_be_reopened(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is it blue?")
    clock.advance(minutes=5)
    await anna.press(text["status"])
    await anna.press(text["resolved"])
    await anna.press(text["skip"])
    assert text["reopen"] in maria.buttons()

    clock.advance(days=8)
    await open_first(maria)

    assert text["status resolved"] in maria.last_text()
    assert text["reopen"] not in maria.buttons()
    calls = await maria.press_data("my:reopen:1:0", message_id=maria.last_message_id())
    assert callback_answer(calls) == text["too late"]
    [request] = await stored_requests(harness)
    assert request.status == "resolved"


@LANGUAGES
async def test_with_several_open_requests_a_message_goes_to_the_latest_and_can_be_redirected(
    harness: Harness, clock: FakeClock, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is it blue?")
    clock.advance(minutes=5)
    await ask(maria, text["order"], "Where is my parcel?")
    clock.advance(minutes=5)

    await maria.send("Any news?")

    assert anna.last_text() == text["header 2"] + "\nAny news?"
    assert maria.last_text() == text["goes to 2"]
    assert maria.buttons() == [text["another"]]

    clock.advance(minutes=1)
    await maria.send("It was due yesterday.")
    assert maria.last_text() == text["goes to 2"]  # said once, not again

    await maria.press(text["another"])
    assert maria.last_text() == text["which?"]
    assert [label.split(" · ")[0] for label in maria.buttons()] == ["#2", "#1"]
    await maria.press(maria.buttons()[1])
    assert maria.last_text() == text["now goes to 1"]

    clock.advance(minutes=1)
    await maria.send("And in green?")

    assert anna.last_text() == text["header 1"] + "\nAnd in green?"
    assert await said_on(harness, 1) == ["And in green?"]
    assert await said_on(harness, 2) == ["Any news?", "It was due yesterday."]


async def test_buttons_for_someone_elses_request_do_nothing(
    harness: Harness, clock: FakeClock
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "en")
    await ask(maria, "Product", "Is it blue?")
    await anna.press("🔄 Status")
    await anna.press("✅ Resolved")
    await anna.press("Skip")
    boris = await client(harness, 3002, "en", name="Boris")
    await ask(boris, "Service", "Do you repair kettles?")
    clock.advance(minutes=5)

    for data in ("my:write:1:0", "my:rate:1:5", "my:reopen:1:0"):
        calls = await boris.press_data(data, message_id=boris.last_message_id())
        assert callback_answer(calls) == STALE, data

    await boris.send("Hello?")
    request, his = await stored_requests(harness)
    assert request.status == "resolved"
    assert his.status == "new"
    async with harness.app.sessionmaker() as session:
        assert list(await session.scalars(select(Feedback))) == []
    assert await said_on(harness, 1) == []
    assert await said_on(harness, 2) == ["Hello?"]


async def test_a_message_with_no_open_request_offers_to_open_one_with_it(
    harness: Harness,
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, "en")

    await maria.send("My kettle <whistles> too loud.")

    assert maria.last_text() == "You have no open requests. Shall I open one with this message?"
    assert maria.buttons() == ["💬 Ask a question", "📝 File a claim"]
    assert await stored_requests(harness) == []

    await maria.press("💬 Ask a question")
    assert maria.last_text() == "What is your question about?"
    await maria.press("Product")
    # The message is the question: straight to the attachments.
    assert "Attach photos or documents" in maria.last_text()
    await maria.press("📨 Send")

    assert "Your inquiry is registered as #1." in maria.last_text()
    [request] = await stored_requests(harness)
    assert (request.kind, request.category) == ("inquiry", "product")
    assert request.subject == "My kettle <whistles> too loud."
    assert "<blockquote>My kettle &lt;whistles&gt; too loud.</blockquote>" in anna.last_text()


async def test_a_russian_client_lists_closes_and_reopens_his_request(
    harness: Harness, clock: FakeClock
) -> None:
    anna = await harness.staff(2001, Role.SPECIALIST, "Анна", language="ru")
    maria = await client(harness, 3001, "ru", name="Мария")
    await ask(maria, "Товар", "Он синий?")
    clock.advance(minutes=5)
    await ask(maria, "Сервис", "Вы чините чайники?")
    clock.advance(minutes=5)

    await maria.send("Есть новости?")
    assert maria.last_text() == "Ваши сообщения попадают в заявку #2."
    assert maria.buttons() == ["🔀 Другая заявка"]
    await maria.press("🔀 Другая заявка")
    assert maria.last_text() == "В какую заявку отправлять ваши сообщения?"
    await maria.press(maria.buttons()[1])
    assert maria.last_text() == "Теперь ваши сообщения попадают в заявку #1. Пишите здесь."

    await maria.send("📋 Мои заявки")
    assert maria.last_text().startswith("Ваши заявки:\n\n<b>#2</b> · Обращение · новая\n")
    assert maria.buttons() == [
        "#2 · Обращение · новая · 1 дек. 2026\u202fг., 10:05",
        "#1 · Обращение · новая · 1 дек. 2026\u202fг., 10:00",
        "Закрыть",
    ]
    await maria.press(maria.buttons()[1])
    assert maria.last_text().startswith("<b>Обращение #1 · Товар</b>\nСтатус: новая\n")
    assert maria.buttons() == ["✍️ Добавить сообщение", "🔒 Закрыть заявку", "Назад"]
    await maria.press("🔒 Закрыть заявку")
    assert maria.last_text() == (
        "Закрыть эту заявку? Её можно будет открыть повторно в течение установленного срока."
    )
    calls = await maria.press("Да, закрыть")
    assert callback_answer(calls) == "Заявка закрыта."
    assert "Статус: закрыта" in maria.last_text()
    assert "↩️ Открыть повторно" in maria.buttons()

    clock.advance(days=1)
    calls = await maria.press("↩️ Открыть повторно")

    assert callback_answer(calls) == "Заявка открыта повторно."
    assert "Статус: открыта повторно" in maria.last_text()
    assert "Клиент открыл заявку #1 повторно." in anna.texts()
    request, _other = await stored_requests(harness)
    assert request.status == "reopened"


async def test_a_russian_client_gets_the_offer_and_refusals_in_russian(harness: Harness) -> None:
    await harness.staff(2001, Role.SPECIALIST, "Анна", language="ru")
    maria = await client(harness, 3001, "ru", name="Мария")
    boris = await client(harness, 3002, "ru", name="Борис")
    await ask(boris, "Товар", "Чужая заявка")

    calls = await maria.press_data("my:write:1:0", message_id=1)
    assert callback_answer(calls) == "Эта кнопка больше не действует."

    await maria.send("Чайник свистит.")
    assert maria.last_text() == "У вас нет открытых заявок. Создать новую с этим сообщением?"
    assert maria.buttons() == ["💬 Задать вопрос", "📝 Подать претензию"]
    await maria.press("💬 Задать вопрос")
    assert maria.last_text() == "О чём ваш вопрос?"
    await maria.press("Товар")
    await maria.press("📨 Отправить")

    assert "Ваше обращение зарегистрировано: #2." in maria.last_text()
    _his, request = await stored_requests(harness)
    assert request.subject == "Чайник свистит."
