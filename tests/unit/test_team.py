"""Team rules: who sees the staff, who changes roles, whom nobody can change."""

from __future__ import annotations

import pytest

from bot.services import team
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


async def person(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id, role=role, locale="en", timezone="UTC", now=clock.now()
    )
    return Actor.of(user)


async def test_only_head_and_admin_see_the_team(uow: UnitOfWork, clock: FakeClock) -> None:
    head = await person(uow, clock, 1, Role.HEAD)
    specialist = await person(uow, clock, 2, Role.SPECIALIST)
    client = await person(uow, clock, 3, Role.CLIENT)

    assert [u.telegram_id for u in await team.members(uow, head)] == [1, 2]
    for outsider in (specialist, client):
        with pytest.raises(NotAllowed):
            await team.members(uow, outsider)
    with pytest.raises(NotAllowed):
        await team.member(uow, head, client.user_id)


async def test_admin_changes_roles_and_revokes(uow: UnitOfWork, clock: FakeClock) -> None:
    admin = await person(uow, clock, 1, Role.ADMIN)
    specialist = await person(uow, clock, 2, Role.SPECIALIST)

    target = await team.member(uow, admin, specialist.user_id)
    assert team.role_options(admin, target, admin_ids=()) == (Role.HEAD, Role.ADMIN)
    promoted = await team.change_role(uow, clock, admin, target.id, Role.HEAD, admin_ids=())
    assert promoted.role is Role.HEAD

    revoked = await team.revoke(uow, clock, admin, target.id, admin_ids=())
    assert revoked.role is Role.CLIENT and not revoked.has_consent
    actions = [r.action for r in await uow.audit.for_entity("user", target.id)]
    assert actions == ["staff.role_changed", "staff.revoked"]


async def test_the_head_of_sales_changes_nobody(uow: UnitOfWork, clock: FakeClock) -> None:
    head = await person(uow, clock, 1, Role.HEAD)
    specialist = await person(uow, clock, 2, Role.SPECIALIST)
    with pytest.raises(NotAllowed):
        await team.change_role(uow, clock, head, specialist.user_id, Role.HEAD, admin_ids=())
    with pytest.raises(NotAllowed):
        await team.revoke(uow, clock, head, specialist.user_id, admin_ids=())


async def test_nobody_changes_himself_or_an_admin_from_settings(
    uow: UnitOfWork, clock: FakeClock
) -> None:
    admin = await person(uow, clock, 1, Role.ADMIN)
    seeded = await person(uow, clock, 2, Role.ADMIN)
    with pytest.raises(NotAllowed):
        await team.revoke(uow, clock, admin, admin.user_id, admin_ids=(2,))
    with pytest.raises(NotAllowed):
        await team.change_role(uow, clock, admin, seeded.user_id, Role.HEAD, admin_ids=(2,))
    assert not team.can_revoke(admin, seeded.user, admin_ids=(2,))
