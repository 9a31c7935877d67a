"""A lead from what Telegram shows of a person: his name, username and phone; a client of
the bot is linked to his account, and a lead saved next to his card goes without the link."""

from __future__ import annotations

from bot.services.actors import Actor
from bot.services.crm import clients, duplicates, intake
from bot.services.crm.clients import LeadDraft
from bot.services.crm.duplicates import MatchReason
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


async def person(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role} {telegram_id}",
        username="pavel_k" if role is Role.CLIENT else None,
        consent_given_at=clock.now() if role is Role.CLIENT else None,
    )
    return Actor.of(user)


async def test_a_stranger_is_a_draft_of_what_telegram_shows(uow: UnitOfWork) -> None:
    draft = await intake.from_person(
        uow, "RU", name="  Oleg   Ivanov ", telegram_id=999, username="@oleg", phone="8912 3456789"
    )

    assert draft == LeadDraft(
        "Oleg Ivanov", phones=("+79123456789",), telegram_username="oleg", user_id=None
    )


async def test_a_phone_that_does_not_validate_is_left_out(uow: UnitOfWork) -> None:
    draft = await intake.from_person(uow, "RU", name="", username="oleg", phone="12")
    assert (draft.name, draft.phones) == ("@oleg", ())


async def test_a_client_of_the_bot_is_linked_staff_is_not(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    client = await person(uow, clock, 50, Role.CLIENT)
    colleague = await person(uow, clock, 2, Role.SPECIALIST)

    assert (await intake.from_person(uow, "RU", name="P", telegram_id=50)).user_id == (
        client.user_id
    )
    assert (await intake.from_person(uow, "RU", name="S", telegram_id=2)).user_id is None
    assert colleague.user_id is not None


async def test_a_lead_next_to_his_card_is_saved_without_the_link(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    anna = await person(uow, clock, 1, Role.SPECIALIST)
    client = await person(uow, clock, 50, Role.CLIENT)
    assert client.user is not None
    card = await clients.for_telegram_user(uow, clock, client.user)
    draft = await intake.from_person(uow, "RU", name="Pavel", telegram_id=50, username="pavel_k")

    [match] = await duplicates.find(uow, anna, draft)
    assert match.reason is MatchReason.TELEGRAM and match.client is None, "nobody's client yet"

    lead = await intake.save(uow, anna, clock, draft, note="From a forward")
    assert lead.user_id is None and lead.id != card.id
    assert (await uow.clients.by_user(client.user.id)) == card
