"""Business rules without Telegram: invites, admins, consent, sources, erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services import onboarding, privacy, staff
from bot.services.actors import Actor, Defaults, Profile, load_actor
from bot.services.errors import InviteProblem, InviteRejected, NotAllowed
from bot.storage.dto import UserDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

DEFAULTS = Defaults(locale="ru", timezone="Europe/Moscow")


def profile(telegram_id: int, name: str = "Ivan", language: str | None = "en") -> Profile:
    return Profile(telegram_id, name, None, language)


def actor_of(user: UserDTO) -> Actor:
    return Actor.of(user)


async def member(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role} {telegram_id}",
    )
    return actor_of(user)


@pytest.mark.parametrize(
    ("role", "may_invite"),
    [
        (Role.ADMIN, (Role.SPECIALIST, Role.HEAD, Role.ADMIN)),
        (Role.HEAD, (Role.SPECIALIST,)),
        (Role.SPECIALIST, ()),
        (Role.CLIENT, ()),
    ],
)
async def test_who_may_invite_whom(
    uow: UnitOfWork, clock: FakeClock, role: Role, may_invite: tuple[Role, ...]
) -> None:
    inviter = await member(uow, clock, 1, role)
    assert staff.invitable_roles(inviter) == may_invite
    for target in (Role.SPECIALIST, Role.HEAD, Role.ADMIN):
        if target in may_invite:
            created = await staff.create_invite(uow, clock, inviter, target, ttl_days=7)
            assert created.invite.expires_at == clock.now() + timedelta(days=7)
        else:
            with pytest.raises(NotAllowed):
                await staff.create_invite(uow, clock, inviter, target, ttl_days=7)


async def test_a_visitor_may_not_invite(uow: UnitOfWork, clock: FakeClock) -> None:
    visitor = Actor(5, Role.CLIENT, "en", "UTC", None)
    with pytest.raises(NotAllowed):
        await staff.create_invite(uow, clock, visitor, Role.SPECIALIST, ttl_days=7)


async def test_invite_token_is_stored_only_as_a_hash(uow: UnitOfWork, clock: FakeClock) -> None:
    admin = await member(uow, clock, 1, Role.ADMIN)
    created = await staff.create_invite(uow, clock, admin, Role.SPECIALIST, ttl_days=7)
    assert len(created.payload) <= 64 and created.payload.startswith("inv_")
    assert await uow.invites.by_token_hash(created.token) is None
    assert await uow.invites.by_token_hash(staff.hash_token(created.token)) is not None


async def test_redeeming_makes_staff_once_and_is_audited(uow: UnitOfWork, clock: FakeClock) -> None:
    admin = await member(uow, clock, 1, Role.ADMIN)
    created = await staff.create_invite(uow, clock, admin, Role.HEAD, ttl_days=7)

    user = await staff.redeem_invite(
        uow, clock, profile(2), created.payload, locale="en", defaults=DEFAULTS
    )
    assert user.role is Role.HEAD
    assert [r.action for r in await uow.audit.for_entity("user", user.id)] == ["invite.redeemed"]

    with pytest.raises(InviteRejected) as rejected:
        await staff.redeem_invite(
            uow, clock, profile(3), created.payload, locale="en", defaults=DEFAULTS
        )
    assert rejected.value.problem is InviteProblem.USED


async def test_an_existing_client_can_become_staff(uow: UnitOfWork, clock: FakeClock) -> None:
    admin = await member(uow, clock, 1, Role.ADMIN)
    client = await member(uow, clock, 2, Role.CLIENT)
    created = await staff.create_invite(uow, clock, admin, Role.SPECIALIST, ttl_days=1)
    user = await staff.redeem_invite(
        uow, clock, profile(2), created.payload, locale="en", defaults=DEFAULTS
    )
    assert user.id == client.user_id and user.role is Role.SPECIALIST


async def test_staff_do_not_burn_an_invite(uow: UnitOfWork, clock: FakeClock) -> None:
    admin = await member(uow, clock, 1, Role.ADMIN)
    created = await staff.create_invite(uow, clock, admin, Role.SPECIALIST, ttl_days=1)
    with pytest.raises(InviteRejected) as rejected:
        await staff.redeem_invite(
            uow, clock, profile(1), created.payload, locale="en", defaults=DEFAULTS
        )
    assert rejected.value.problem is InviteProblem.ALREADY_STAFF
    invite = await uow.invites.by_token_hash(staff.hash_token(created.token))
    assert invite is not None and invite.used_at is None


async def test_expired_and_unknown_invites(uow: UnitOfWork, clock: FakeClock) -> None:
    admin = await member(uow, clock, 1, Role.ADMIN)
    created = await staff.create_invite(uow, clock, admin, Role.SPECIALIST, ttl_days=1)
    clock.advance(days=1)
    with pytest.raises(InviteRejected) as expired:
        await staff.redeem_invite(
            uow, clock, profile(2), created.payload, locale="en", defaults=DEFAULTS
        )
    assert expired.value.problem is InviteProblem.EXPIRED
    with pytest.raises(InviteRejected) as unknown:
        await staff.redeem_invite(
            uow, clock, profile(2), "inv_nothing", locale="en", defaults=DEFAULTS
        )
    assert unknown.value.problem is InviteProblem.UNKNOWN


async def test_admin_ids_become_admins_and_adopt_their_language(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    await member(uow, clock, 20, Role.SPECIALIST)
    admins = await staff.ensure_admins(uow, clock, (10, 20), DEFAULTS)
    assert [a.role for a in admins] == [Role.ADMIN, Role.ADMIN]
    again = await staff.ensure_admins(uow, clock, (10, 20), DEFAULTS)
    assert [a.id for a in again] == [a.id for a in admins], "seeding is idempotent"

    async def english() -> str:
        return "en"

    actor = await load_actor(uow, clock, profile(10, "Olga", "en"), english, DEFAULTS)
    assert actor.locale == "en" and actor.user is not None and actor.user.full_name == "Olga"


async def test_a_user_who_blocked_the_bot_is_reachable_again_when_he_writes(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    olga = await member(uow, clock, 40, Role.SPECIALIST)
    assert olga.user is not None
    await uow.users.set_unreachable(olga.telegram_id, clock.now())
    blocked = await uow.users.get(olga.user.id)
    assert blocked is not None and blocked.unreachable_at == clock.now()

    async def english() -> str:
        return "en"

    name = olga.user.full_name or ""
    actor = await load_actor(uow, clock, profile(40, name, "en"), english, DEFAULTS)

    assert actor.user is not None and actor.user.unreachable_at is None
    stored = await uow.users.get(olga.user.id)
    assert stored is not None and stored.unreachable_at is None


async def test_consent_stores_the_client_with_his_first_source(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    user = await onboarding.give_consent(
        uow, clock, profile(30), locale="ru", defaults=DEFAULTS, source="expo2026"
    )
    assert user.has_consent and user.source == "expo2026" and user.role is Role.CLIENT

    await onboarding.record_source(uow, clock, actor_of(user), "fair2027")
    assert (await uow.users.get(user.id)).source == "expo2026", "first touch wins"


@pytest.mark.parametrize(
    ("payload", "source"),
    [
        ("expo2026", "expo2026"),
        ("Fair-Minsk_1", "fair-minsk_1"),
        ("bad payload!", None),
        ("x" * 65, None),
        (None, None),
        ("", None),
    ],
)
def test_deep_link_sources_are_cleaned(payload: str | None, source: str | None) -> None:
    assert onboarding.clean_source(payload) == source


async def test_withdrawing_consent_erases_the_client(uow: UnitOfWork, clock: FakeClock) -> None:
    user = await onboarding.give_consent(
        uow, clock, profile(40), locale="en", defaults=DEFAULTS, source="expo2026"
    )
    await privacy.withdraw_consent(uow, clock, actor_of(user))
    assert await uow.users.by_telegram_id(40) is None


async def test_staff_and_visitors_have_no_privacy_page(uow: UnitOfWork, clock: FakeClock) -> None:
    specialist = await member(uow, clock, 50, Role.SPECIALIST)
    with pytest.raises(NotAllowed):
        privacy.stored_data(specialist)
    with pytest.raises(NotAllowed):
        privacy.stored_data(Actor(51, Role.CLIENT, "en", "UTC", None))


async def test_open_invites_and_cancelling(uow: UnitOfWork, clock: FakeClock) -> None:
    admin = await member(uow, clock, 1, Role.ADMIN)
    head = await member(uow, clock, 2, Role.HEAD)
    by_admin = await staff.create_invite(uow, clock, admin, Role.SPECIALIST, ttl_days=7)
    by_head = await staff.create_invite(uow, clock, head, Role.SPECIALIST, ttl_days=1)

    assert [i.id for i in await staff.open_invites(uow, clock, admin)] == [
        by_head.invite.id,
        by_admin.invite.id,
    ], "soonest to expire first"
    assert [i.id for i in await staff.open_invites(uow, clock, head)] == [by_head.invite.id]
    with pytest.raises(NotAllowed):
        await staff.cancel_invite(uow, clock, head, by_admin.invite.id)

    cancelled = await staff.cancel_invite(uow, clock, admin, by_head.invite.id)
    assert cancelled.revoked_at == clock.now() and not cancelled.is_open(clock.now())
    with pytest.raises(NotAllowed):
        await staff.cancel_invite(uow, clock, admin, by_head.invite.id)
    with pytest.raises(InviteRejected) as rejected:
        await staff.redeem_invite(
            uow, clock, profile(3), by_head.payload, locale="en", defaults=DEFAULTS
        )
    assert rejected.value.problem is InviteProblem.REVOKED

    clock.advance(days=7)
    assert await staff.open_invites(uow, clock, admin) == [], "expired links are not listed"
