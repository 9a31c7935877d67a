"""The staff list: the head of sales and admins see it; admins change roles and revoke access.

An admin never changes himself, nor an admin listed in ADMIN_IDS (start-up would make him
admin again): so there is always an admin left and the settings stay the truth.
"""

from __future__ import annotations

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.errors import NotAllowed
from bot.services.permissions import Permission, can, require
from bot.storage.dto import UserDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork

STAFF_ROLES = (Role.SPECIALIST, Role.HEAD, Role.ADMIN)


async def members(uow: UnitOfWork, actor: Actor) -> list[UserDTO]:
    require(actor, Permission.VIEW_TEAM)
    return await uow.users.staff()


async def member(uow: UnitOfWork, actor: Actor, user_id: int) -> UserDTO:
    """A staff member; anything else (a client, an unknown id) is refused alike."""
    require(actor, Permission.VIEW_TEAM)
    user = await uow.users.get(user_id)
    if user is None or not user.role.is_staff:
        raise NotAllowed("team member")
    return user


def _is_changeable(actor: Actor, target: UserDTO, admin_ids: tuple[int, ...]) -> bool:
    return (
        can(actor, Permission.MANAGE_TEAM)
        and target.id != actor.user_id
        and target.telegram_id not in admin_ids
    )


def role_options(actor: Actor, target: UserDTO, admin_ids: tuple[int, ...]) -> tuple[Role, ...]:
    if not _is_changeable(actor, target, admin_ids):
        return ()
    return tuple(role for role in STAFF_ROLES if role is not target.role)


def can_revoke(actor: Actor, target: UserDTO, admin_ids: tuple[int, ...]) -> bool:
    return _is_changeable(actor, target, admin_ids)


async def change_role(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    user_id: int,
    role: Role,
    admin_ids: tuple[int, ...],
) -> UserDTO:
    target = await member(uow, actor, user_id)
    if role not in role_options(actor, target, admin_ids):
        raise NotAllowed("role change")
    details = {"from": target.role.value, "to": role.value}
    return await _set_role(uow, clock, actor, target, role, "staff.role_changed", details)


async def revoke(
    uow: UnitOfWork, clock: Clock, actor: Actor, user_id: int, admin_ids: tuple[int, ...]
) -> UserDTO:
    """Takes staff access away; the person is a visitor again, with no consent on file."""
    target = await member(uow, actor, user_id)
    if not can_revoke(actor, target, admin_ids):
        raise NotAllowed("revoke")
    details = {"from": target.role.value}
    return await _set_role(uow, clock, actor, target, Role.CLIENT, "staff.revoked", details)


async def _set_role(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    target: UserDTO,
    role: Role,
    action: str,
    details: dict[str, str],
) -> UserDTO:
    """Stores the new role and the audit record of who changed it."""
    now = clock.now()
    updated = await uow.users.update(target.id, now=now, role=role)
    await uow.audit.add(
        actor_id=actor.user_id,
        action=action,
        entity="user",
        entity_id=target.id,
        now=now,
        details=details,
    )
    return updated
