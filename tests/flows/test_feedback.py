"""A client rates a resolved request, leaves praise or a complaint, answers the NPS question;
low scores reach the head of sales (or the admin when there is none)."""

from __future__ import annotations

from sqlalchemy import select

from bot.notify import ask_nps
from bot.storage.enums import Role
from bot.storage.models import Feedback, Request
from bot.storage.uow import UnitOfWork
from tests.conftest import ADMIN_ID
from tests.support.harness import Harness, Person, callback_answer

THANKS = "Thank you! Your feedback has been saved."


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
    await specialist.press("🔄 Status")
    await specialist.press("✅ Resolved")
    await specialist.press("Skip")


async def resolved_request(harness: Harness, language: str = "en") -> tuple[Person, Person]:
    anna = await harness.staff(2001, Role.SPECIALIST, "Anna")
    maria = await client(harness, 3001, language, name="Maria" if language == "en" else "Мария")
    await ask(maria, "Product" if language == "en" else "Товар", "Is it blue?")
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
    await ask_nps(harness.app.bot, harness.app.i18n, user)


async def english_admin(harness: Harness) -> Person:
    """The admin from ADMIN_IDS, seeded at start in the default language, switched to English."""
    async with harness.app.sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        admin = await uow.users.by_telegram_id(ADMIN_ID)
        assert admin is not None and admin.role is Role.ADMIN
        await uow.users.update(admin.id, now=harness.app.clock.now(), locale="en")
    return harness.person(ADMIN_ID, first_name="Alex", language_code="en")


def alerts(person: Person) -> list[str]:
    return [text for text in person.texts() if text.startswith("⚠️")]


async def test_the_client_is_asked_to_rate_a_resolved_request(harness: Harness) -> None:
    _anna, maria = await resolved_request(harness)

    assert maria.last_text() == "Request #1: resolved.\nHow would you rate the answer?"
    assert maria.buttons() == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐", "↩️ Reopen"]


async def test_a_good_rating_with_a_comment_is_stored_without_escalation(
    harness: Harness,
) -> None:
    anna, maria = await resolved_request(harness)
    helen = await harness.staff(2005, Role.HEAD, "Helen")

    calls = await maria.press("5 ⭐")
    assert callback_answer(calls) == "Thank you for your rating!"
    assert maria.last_text() == "Would you like to add a comment? Write it, or press Skip."
    assert maria.buttons() == ["Skip"]
    await maria.send("Quick and polite.")

    assert maria.last_text() == THANKS
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


async def test_after_a_low_rating_the_client_may_reopen_the_request(harness: Harness) -> None:
    anna, maria = await resolved_request(harness)
    await harness.staff(2005, Role.HEAD, "Helen")
    await maria.press("1 ⭐")

    await maria.press("↩️ Reopen the request")

    assert maria.last_text() == "Request #1 is reopened. Tell us what is still wrong."
    assert "The client reopened request #1." in anna.texts()
    assert (await stored_request(harness)).status == "reopened"
    [rating] = await stored_feedback(harness)
    assert rating.score == 1 and rating.comment is None


async def test_without_a_head_of_sales_the_admin_gets_the_low_rating(harness: Harness) -> None:
    anna, maria = await resolved_request(harness)
    admin = await english_admin(harness)

    await maria.press("1 ⭐")
    await maria.send("Too slow.")

    assert admin.texts()[0] == "⚠️ Low rating 1 of 5 on request #1 from Maria."
    assert "Comment: Too slow." in admin.last_text()
    assert alerts(anna) == []


async def test_a_complaint_from_the_menu_is_stored_and_escalated(harness: Harness) -> None:
    helen = await harness.staff(2005, Role.HEAD, "Helen")
    maria = await client(harness, 3001, "en")

    await maria.send("⭐ Leave feedback")
    assert maria.last_text() == "What would you like to tell us?"
    assert maria.buttons() == ["Praise", "Suggestion", "Complaint", "Cancel"]
    await maria.press("Complaint")
    assert maria.last_text() == "How do you rate us overall? 1 is very bad, 5 is excellent."
    assert maria.buttons() == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐", "Cancel"]
    await maria.press("1 ⭐")
    assert maria.last_text() == "Tell us in your own words, or press Skip."
    assert maria.buttons() == ["Skip", "Cancel"]
    await maria.send("The courier was late twice.")

    assert maria.last_text() == THANKS
    assert helen.texts() == [
        "⚠️ A complaint rated 1 of 5 from Maria.\nComment: The courier was late twice."
    ]
    [complaint] = await stored_feedback(harness)
    assert (complaint.kind, complaint.score) == ("complaint", 1)
    assert complaint.comment == "The courier was late twice."
    assert complaint.request_id is None and complaint.escalated_at is not None


async def test_praise_without_words_is_stored_without_escalation(harness: Harness) -> None:
    helen = await harness.staff(2005, Role.HEAD, "Helen")
    maria = await client(harness, 3001, "en")

    await maria.send("⭐ Leave feedback")
    await maria.press("Praise")
    await maria.press("5 ⭐")
    await maria.press("Skip")

    assert maria.last_text() == THANKS
    [praise] = await stored_feedback(harness)
    assert (praise.kind, praise.score, praise.comment) == ("praise", 5, None)
    assert praise.escalated_at is None
    assert helen.texts() == []


async def test_the_nps_answer_and_its_reason_are_stored(harness: Harness) -> None:
    maria = await client(harness, 3001, "en")

    await nps_question(harness, 3001)
    assert maria.last_text() == (
        "How likely are you to recommend us to a friend or colleague? "
        "0 is not at all, 10 is certainly."
    )
    assert maria.buttons() == [str(score) for score in range(11)]

    calls = await maria.press("9")
    assert callback_answer(calls) == "Thank you!"
    assert maria.last_text() == "Thank you! Why this score? Write a few words, or press Skip."
    await maria.send("Fast answers.")

    assert maria.last_text() == THANKS
    [nps] = await stored_feedback(harness)
    assert (nps.kind, nps.score, nps.comment) == ("nps", 9, "Fast answers.")


async def test_the_nps_reason_can_be_skipped(harness: Harness) -> None:
    helen = await harness.staff(2005, Role.HEAD, "Helen")
    maria = await client(harness, 3001, "en")
    await nps_question(harness, 3001)

    await maria.press("3")
    await maria.press("Skip")

    assert maria.last_text() == THANKS
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
