"""A client rates a resolved request, leaves praise or a complaint, answers the NPS question;
low scores reach the head of sales (or the admin when there is none)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.notify import nps_question as question
from bot.storage.enums import Role
from bot.storage.models import Feedback, Request
from bot.storage.uow import UnitOfWork
from tests.conftest import ADMIN_ID
from tests.support.harness import Harness, Person, callback_answer

THANKS = "Thank you! Your feedback has been saved."
# What the client and the staff read, per language (they speak the same one here).
TEXT = {
    "en": {
        "maria": "Maria",
        "product": "Product",
        "status": "🔄 Status",
        "resolved": "✅ Resolved",
        "skip": "Skip",
        "rate": "Request #1: resolved.\nHow would you rate the answer?",
        "reopen": "↩️ Reopen",
        "thanks for rating": "Thank you for your rating!",
        "comment?": "Would you like to add a comment? Write it, or press Skip.",
        "thanks": THANKS,
        "reopen the request": "↩️ Reopen the request",
        "reopened": "Request #1 is reopened. Tell us what is still wrong.",
        "client reopened": "The client reopened request #1.",
        "low rating": "⚠️ Low rating 1 of 5 on request #1 from Maria.",
        "comment": "Comment: Too slow.",
        "feedback": "⭐ Leave feedback",
        "what to tell?": "What would you like to tell us?",
        "kinds": ["Praise", "Suggestion", "Complaint", "Cancel"],
        "praise": "Praise",
        "complaint": "Complaint",
        "overall?": "How do you rate us overall? 1 is very bad, 5 is excellent.",
        "scores": ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐", "Cancel"],
        "own words?": "Tell us in your own words, or press Skip.",
        "say or skip": ["Skip", "Cancel"],
        "complaint alert": (
            "⚠️ A complaint rated 1 of 5 from Maria.\nComment: The courier was late twice."
        ),
        "nps?": (
            "How likely are you to recommend us to a friend or colleague? "
            "0 is not at all, 10 is certainly."
        ),
        "thank you": "Thank you!",
        "why?": "Thank you! Why this score? Write a few words, or press Skip.",
    },
    "ru": {
        "maria": "Мария",
        "product": "Товар",
        "status": "🔄 Статус",
        "resolved": "✅ Решена",
        "skip": "Пропустить",
        "rate": "Заявка #1: решена.\nКак вы оцените ответ?",
        "reopen": "↩️ Открыть повторно",
        "thanks for rating": "Спасибо за оценку!",
        "comment?": "Хотите добавить комментарий? Напишите его или нажмите «Пропустить».",
        "thanks": "Спасибо! Ваш отзыв сохранён.",
        "reopen the request": "↩️ Открыть заявку повторно",
        "reopened": "Заявка #1 открыта повторно. Расскажите, что всё ещё не так.",
        "client reopened": "Клиент открыл заявку #1 повторно.",
        "low rating": "⚠️ Низкая оценка 1 из 5 по заявке #1, клиент: Мария.",
        "comment": "Комментарий: Too slow.",
        "feedback": "⭐ Оставить отзыв",
        "what to tell?": "Что вы хотите нам сообщить?",
        "kinds": ["Благодарность", "Предложение", "Жалоба", "Отмена"],
        "praise": "Благодарность",
        "complaint": "Жалоба",
        "overall?": "Как вы в целом оцениваете нашу работу? 1 — очень плохо, 5 — отлично.",
        "scores": ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐", "Отмена"],
        "own words?": "Расскажите своими словами или нажмите «Пропустить».",
        "say or skip": ["Пропустить", "Отмена"],
        "complaint alert": (
            "⚠️ Жалоба с оценкой 1 из 5, клиент: Мария.\nКомментарий: The courier was late twice."
        ),
        "nps?": (
            "Насколько вероятно, что вы порекомендуете нас другу или коллеге? "
            "0 — точно нет, 10 — обязательно порекомендую."
        ),
        "thank you": "Спасибо!",
        "why?": "Спасибо! Почему такая оценка? Напишите пару слов или нажмите «Пропустить».",
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


async def resolve(specialist: Person) -> None:
    """The specialist marks the request resolved from his card, without a comment."""
    text = TEXT[specialist.language_code or "en"]
    await specialist.press(text["status"])
    await specialist.press(text["resolved"])
    await specialist.press(text["skip"])


async def resolved_request(harness: Harness, language: str = "en") -> tuple[Person, Person]:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await ask(maria, text["product"], "Is it blue?")
    await resolve(anna)
    return anna, maria


async def stored_feedback(harness: Harness) -> list[Feedback]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(Feedback).order_by(Feedback.id)))


async def stored_request(harness: Harness) -> Request:
    async with harness.app.sessionmaker() as session:
        [request] = await session.scalars(select(Request))
        return request


async def nps_question(harness: Harness, telegram_id: int) -> None:
    async with harness.app.sessionmaker() as session:
        user = await UnitOfWork(session).users.by_telegram_id(telegram_id)
    assert user is not None
    await harness.app.bot(question(harness.app.i18n, user))


async def the_admin(harness: Harness, language: str) -> Person:
    """The admin from ADMIN_IDS, seeded at start in the default language, set to `language`."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        admin = await uow.users.by_telegram_id(ADMIN_ID)
        assert admin is not None and admin.role is Role.ADMIN
        await uow.users.update(admin.id, now=harness.app.clock.now(), locale=language)
    return harness.person(ADMIN_ID, first_name="Alex", language_code=language)


def alerts(person: Person) -> list[str]:
    return [text for text in person.texts() if text.startswith("⚠️")]


@LANGUAGES
async def test_the_client_is_asked_to_rate_a_resolved_request(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    _anna, maria = await resolved_request(harness, language)

    assert maria.last_text() == text["rate"]
    assert maria.buttons() == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐", text["reopen"]]


@LANGUAGES
async def test_a_good_rating_with_a_comment_is_stored_without_escalation(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, maria = await resolved_request(harness, language)
    helen = await harness.staff(2005, Role.HEAD, "Helen", language=language)

    calls = await maria.press("5 ⭐")
    assert callback_answer(calls) == text["thanks for rating"]
    assert maria.last_text() == text["comment?"]
    assert maria.buttons() == [text["skip"]]
    await maria.send("Quick and polite.")

    assert maria.last_text() == text["thanks"]
    [rating] = await stored_feedback(harness)
    assert (rating.kind, rating.score, rating.comment) == ("csat", 5, "Quick and polite.")
    assert rating.request_id == 1 and rating.escalated_at is None
    assert helen.texts() == []
    assert alerts(anna) == []


async def test_a_low_rating_reaches_the_head_of_sales_with_the_card_and_the_comment(
    harness: Harness,
) -> None:
    anna, maria = await resolved_request(harness)
    helen = await harness.staff(2005, Role.HEAD, "Helen")

    await maria.press("2 ⭐")

    assert helen.texts()[0] == "⚠️ Low rating 2 of 5 on request #1 from Maria."
    assert helen.texts()[1].startswith("<b>Inquiry #1 · Product</b>\nClient: Maria\n")
    assert maria.last_text() == (
        "We are sorry it did not go well. The head of sales will look into it. "
        "Tell us what went wrong, or press Skip."
    )
    assert maria.buttons() == ["↩️ Reopen the request", "Skip"]

    await maria.send("Nobody <answered> my second question.")

    assert maria.last_text() == THANKS
    # The comment follows on its own; the card she already has is not sent again.
    assert helen.last_text() == (
        "⚠️ Low rating 2 of 5 on request #1 from Maria.\n"
        "Comment: Nobody &lt;answered&gt; my second question."
    )
    assert len(helen.texts()) == 3
    [rating] = await stored_feedback(harness)
    assert (rating.kind, rating.score) == ("csat", 2)
    assert rating.comment == "Nobody <answered> my second question."
    assert rating.escalated_at is not None
    assert alerts(anna) == []
    assert harness.sent_to(ADMIN_ID) == []  # the head of sales is there: not the admin


@LANGUAGES
async def test_after_a_low_rating_the_client_may_reopen_the_request(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, maria = await resolved_request(harness, language)
    await harness.staff(2005, Role.HEAD, "Helen", language=language)
    await maria.press("1 ⭐")

    await maria.press(text["reopen the request"])

    assert maria.last_text() == text["reopened"]
    assert text["client reopened"] in anna.texts()
    assert (await stored_request(harness)).status == "reopened"
    [rating] = await stored_feedback(harness)
    assert rating.score == 1 and rating.comment is None


@LANGUAGES
async def test_without_a_head_of_sales_the_admin_gets_the_low_rating(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna, maria = await resolved_request(harness, language)
    admin = await the_admin(harness, language)

    await maria.press("1 ⭐")
    await maria.send("Too slow.")

    assert admin.texts()[0] == text["low rating"]
    assert text["comment"] in admin.last_text()
    assert alerts(anna) == []


@LANGUAGES
async def test_a_complaint_from_the_menu_is_stored_and_escalated(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    helen = await harness.staff(2005, Role.HEAD, "Helen", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])

    await maria.send(text["feedback"])
    assert maria.last_text() == text["what to tell?"]
    assert maria.buttons() == text["kinds"]
    await maria.press(text["complaint"])
    assert maria.last_text() == text["overall?"]
    assert maria.buttons() == text["scores"]
    await maria.press("1 ⭐")
    assert maria.last_text() == text["own words?"]
    assert maria.buttons() == text["say or skip"]
    await maria.send("The courier was late twice.")

    assert maria.last_text() == text["thanks"]
    assert helen.texts() == [text["complaint alert"]]
    [complaint] = await stored_feedback(harness)
    assert (complaint.kind, complaint.score) == ("complaint", 1)
    assert complaint.comment == "The courier was late twice."
    assert complaint.request_id is None and complaint.escalated_at is not None


@LANGUAGES
async def test_praise_without_words_is_stored_without_escalation(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    helen = await harness.staff(2005, Role.HEAD, "Helen", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])

    await maria.send(text["feedback"])
    await maria.press(text["praise"])
    await maria.press("5 ⭐")
    await maria.press(text["skip"])

    assert maria.last_text() == text["thanks"]
    [praise] = await stored_feedback(harness)
    assert (praise.kind, praise.score, praise.comment) == ("praise", 5, None)
    assert praise.escalated_at is None
    assert helen.texts() == []


@LANGUAGES
async def test_the_nps_answer_and_its_reason_are_stored(harness: Harness, language: str) -> None:
    text = TEXT[language]
    maria = await client(harness, 3001, language, name=text["maria"])

    await nps_question(harness, 3001)
    assert maria.last_text() == text["nps?"]
    assert maria.buttons() == [str(score) for score in range(11)]

    calls = await maria.press("9")
    assert callback_answer(calls) == text["thank you"]
    assert maria.last_text() == text["why?"]
    await maria.send("Fast answers.")

    assert maria.last_text() == text["thanks"]
    [nps] = await stored_feedback(harness)
    assert (nps.kind, nps.score, nps.comment) == ("nps", 9, "Fast answers.")


@LANGUAGES
async def test_the_nps_reason_can_be_skipped(harness: Harness, language: str) -> None:
    text = TEXT[language]
    helen = await harness.staff(2005, Role.HEAD, "Helen", language=language)
    maria = await client(harness, 3001, language, name=text["maria"])
    await nps_question(harness, 3001)

    await maria.press("3")
    await maria.press(text["skip"])

    assert maria.last_text() == text["thanks"]
    [nps] = await stored_feedback(harness)
    assert (nps.kind, nps.score, nps.comment) == ("nps", 3, None)
    assert helen.texts() == []  # NPS is not escalated


async def test_a_russian_client_rates_low_and_a_russian_head_of_sales_is_alerted(
    harness: Harness,
) -> None:
    anna, maria = await resolved_request(harness, "ru")
    helen = await harness.staff(2005, Role.HEAD, "Елена", language="ru")

    assert maria.last_text() == "Заявка #1: решена.\nКак вы оцените ответ?"
    assert maria.buttons() == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐", "↩️ Открыть повторно"]
    calls = await maria.press("2 ⭐")

    assert callback_answer(calls) == "Спасибо за оценку!"
    assert helen.texts()[0] == "⚠️ Низкая оценка 2 из 5 по заявке #1, клиент: Мария."
    assert helen.texts()[1].startswith("<b>Обращение #1 · Товар</b>\nКлиент: Мария\n")
    assert maria.last_text() == (
        "Нам жаль, что так вышло. Начальник отдела сбыта разберётся в ситуации. "
        "Расскажите, что пошло не так, или нажмите «Пропустить»."
    )
    assert maria.buttons() == ["↩️ Открыть заявку повторно", "Пропустить"]
    await maria.send("Мне так и не ответили.")

    assert maria.last_text() == "Спасибо! Ваш отзыв сохранён."
    assert helen.last_text() == (
        "⚠️ Низкая оценка 2 из 5 по заявке #1, клиент: Мария.\nКомментарий: Мне так и не ответили."
    )
    [rating] = await stored_feedback(harness)
    assert (rating.kind, rating.score, rating.comment) == ("csat", 2, "Мне так и не ответили.")
    assert alerts(anna) == []


async def test_a_russian_client_leaves_a_complaint_and_answers_the_nps_question(
    harness: Harness,
) -> None:
    helen = await harness.staff(2005, Role.HEAD, "Helen")
    maria = await client(harness, 3001, "ru", name="Мария")

    await maria.send("⭐ Оставить отзыв")
    assert maria.last_text() == "Что вы хотите нам сообщить?"
    assert maria.buttons() == ["Благодарность", "Предложение", "Жалоба", "Отмена"]
    await maria.press("Жалоба")
    assert maria.last_text() == (
        "Как вы в целом оцениваете нашу работу? 1 — очень плохо, 5 — отлично."
    )
    await maria.press("1 ⭐")
    assert maria.last_text() == "Расскажите своими словами или нажмите «Пропустить»."
    await maria.send("Курьер дважды опоздал.")
    assert maria.last_text() == "Спасибо! Ваш отзыв сохранён."
    # The head of sales reads it in his own language.
    assert helen.texts() == [
        "⚠️ A complaint rated 1 of 5 from Мария.\nComment: Курьер дважды опоздал."
    ]

    await nps_question(harness, 3001)
    assert maria.last_text() == (
        "Насколько вероятно, что вы порекомендуете нас другу или коллеге? "
        "0 — точно нет, 10 — обязательно порекомендую."
    )
    calls = await maria.press("10")
    assert callback_answer(calls) == "Спасибо!"
    assert maria.last_text() == (
        "Спасибо! Почему такая оценка? Напишите пару слов или нажмите «Пропустить»."
    )
    await maria.press("Пропустить")

    assert maria.last_text() == "Спасибо! Ваш отзыв сохранён."
    complaint, nps = await stored_feedback(harness)
    assert (complaint.kind, complaint.score, complaint.comment) == (
        "complaint",
        1,
        "Курьер дважды опоздал.",
    )
    assert (nps.kind, nps.score, nps.comment) == ("nps", 10, None)
