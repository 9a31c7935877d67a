"""Staff onboarding: admins from settings, single-use invites for roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.services.actors import Actor, Defaults, Profile
from bot.services.clock import Clock
from bot.services.errors import InviteProblem, InviteRejected, NotAllowed
from bot.services.permissions import INVITABLE_ROLES, Permission, can
from bot.storage.dto import InviteDTO, UserDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork

INVITE_PREFIX = "inv_"


@dataclass(frozen=True, slots=True)
class CreatedInvite:
    token: str
    invite: InviteDTO

    @property
    def payload(self) -> str:
        """The `/start` payload; fits Telegram's 64-character limit."""
        return INVITE_PREFIX + self.token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitable_roles(actor: Actor) -> tuple[Role, ...]:
    if not can(actor, Permission.INVITE_STAFF):
        return ()
    return INVITABLE_ROLES.get(actor.role, ())


async def create_invite(
    uow: UnitOfWork, clock: Clock, actor: Actor, role: Role, ttl_days: int
) -> CreatedInvite:
    if role not in invitable_roles(actor) or actor.user is None:
        raise NotAllowed("invite")
    now = clock.now()
    token = secrets.token_urlsafe(24)
    invite = await uow.invites.add(
        token_hash=hash_token(token),
        role=role,
        created_by=actor.user.id,
        now=now,
        expires_at=now + timedelta(days=ttl_days),
    )
    await uow.audit.add(
        actor_id=actor.user.id,
        action="invite.created",
        entity="invite",
        entity_id=invite.id,
        now=now,
        details={"role": role.value},
    )
    return CreatedInvite(token, invite)


def _invites_in_reach(actor: Actor) -> int | None:
    """Whose open links this actor manages: None for all (admin), else his own id."""
    if not invitable_roles(actor) or actor.user is None:
        raise NotAllowed("invites")
    return None if actor.role is Role.ADMIN else actor.user.id


async def open_invites(uow: UnitOfWork, clock: Clock, actor: Actor) -> list[InviteDTO]:
    """Links still waiting to be opened: an admin sees all, the head of sales his own."""
    return await uow.invites.open_ones(clock.now(), created_by=_invites_in_reach(actor))


async def cancel_invite(uow: UnitOfWork, clock: Clock, actor: Actor, invite_id: int) -> InviteDTO:
    """Cancels a link sent to the wrong person, or no longer needed."""
    creator = _invites_in_reach(actor)
    now = clock.now()
    invite = await uow.invites.get(invite_id)
    if invite is None or not invite.is_open(now) or creator not in (None, invite.created_by):
        raise NotAllowed("invite")
    if not await uow.invites.revoke(invite_id, now=now):
        raise NotAllowed("invite")
    await uow.audit.add(
        actor_id=actor.user_id,
        action="invite.revoked",
        entity="invite",
        entity_id=invite_id,
        now=now,
    )
    cancelled = await uow.invites.get(invite_id)
    assert cancelled is not None
    return cancelled


async def redeem_invite(
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    payload: str,
    *,
    locale: str,
    defaults: Defaults,
) -> UserDTO:
    """Makes the person staff with the invite's role, once; raises InviteRejected otherwise."""
    now = clock.now()
    invite = await uow.invites.by_token_hash(hash_token(payload.removeprefix(INVITE_PREFIX)))
    if invite is None:
        raise InviteRejected(InviteProblem.UNKNOWN)
    if invite.used_at is not None:
        raise InviteRejected(InviteProblem.USED)
    if invite.revoked_at is not None:
        raise InviteRejected(InviteProblem.REVOKED)
    if invite.expires_at <= now:
        raise InviteRejected(InviteProblem.EXPIRED)
    user = await uow.users.by_telegram_id(profile.telegram_id)
    if user is not None and user.role.is_staff:
        raise InviteRejected(InviteProblem.ALREADY_STAFF)
    if user is None:
        user = await uow.users.add(
            telegram_id=profile.telegram_id,
            role=invite.role,
            locale=locale,
            timezone=defaults.timezone,
            now=now,
            full_name=profile.full_name,
            username=profile.username,
        )
    else:
        user = await uow.users.update(user.id, now=now, role=invite.role)
    if not await uow.invites.mark_used(invite.id, user_id=user.id, now=now):
        raise InviteRejected(InviteProblem.USED)
    await uow.audit.add(
        actor_id=user.id,
        action="invite.redeemed",
        entity="user",
        entity_id=user.id,
        now=now,
        details={"invite_id": invite.id, "role": invite.role.value},
    )
    return user


async def ensure_admins(
    uow: UnitOfWork, clock: Clock, admin_ids: tuple[int, ...], defaults: Defaults
) -> list[UserDTO]:
    """ADMIN_IDS are admins from the first start; their names arrive with their first update."""
    now = clock.now()
    admins = []
    for telegram_id in admin_ids:
        user = await uow.users.by_telegram_id(telegram_id)
        if user is None:
            user = await uow.users.add(
                telegram_id=telegram_id,
                role=Role.ADMIN,
                locale=defaults.locale,
                timezone=defaults.timezone,
                now=now,
            )
            await uow.audit.add(
                actor_id=None, action="admin.seeded", entity="user", entity_id=user.id, now=now
            )
        elif user.role is not Role.ADMIN:
            user = await uow.users.update(user.id, now=now, role=Role.ADMIN)
            await uow.audit.add(
                actor_id=None, action="admin.seeded", entity="user", entity_id=user.id, now=now
            )
        admins.append(user)
    return admins
