"""Which role may do what. Handlers never decide this themselves."""

from __future__ import annotations

from enum import StrEnum

from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.storage.enums import Role


class Permission(StrEnum):
    INVITE_STAFF = "invite_staff"
    VIEW_TEAM = "view_team"
    MANAGE_TEAM = "manage_team"


# Whom each role may bring in: admins any staff role, the head of sales his specialists.
INVITABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.ADMIN: (Role.SPECIALIST, Role.HEAD, Role.ADMIN),
    Role.HEAD: (Role.SPECIALIST,),
}

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.INVITE_STAFF: frozenset(INVITABLE_ROLES),
    Permission.VIEW_TEAM: frozenset({Role.HEAD, Role.ADMIN}),
    Permission.MANAGE_TEAM: frozenset({Role.ADMIN}),
}


def can(actor: Actor, permission: Permission) -> bool:
    return actor.is_registered and actor.role in GRANTS[permission]


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise NotAllowed(permission.value)
