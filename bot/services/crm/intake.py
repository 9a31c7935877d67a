"""Leads that come in as something a specialist was sent: a Telegram contact card or a
forwarded message. What Telegram tells of the person becomes the lead's first draft."""

from __future__ import annotations

from dataclasses import replace

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import clients
from bot.services.crm.clients import MAX_NAME, LeadDraft
from bot.services.crm.contacts import parse_phone
from bot.services.errors import ClientRejected
from bot.storage.dto import ClientDTO
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork


async def from_person(
    uow: UnitOfWork,
    region: str,
    *,
    name: str,
    telegram_id: int | None = None,
    username: str | None = None,
    phone: str | None = None,
) -> LeadDraft:
    """The draft of a person Telegram showed: his name, username and phone (a phone that
    does not validate is left for the specialist to type). A person who is our client in
    the bot is linked to his account, so the card shows his requests too."""
    phones: tuple[str, ...] = ()
    if phone:
        try:
            phones = (parse_phone(phone, region),)
        except ClientRejected:
            phones = ()
    user_id = None
    if telegram_id is not None:
        user = await uow.users.by_telegram_id(telegram_id)
        if user is not None and user.role is Role.CLIENT:
            user_id = user.id
    username = username.lstrip("@") if username else None
    shown = " ".join(name.split()) or (f"@{username}" if username else "")
    return LeadDraft(
        name=shown[:MAX_NAME],
        phones=phones,
        telegram_username=username,
        user_id=user_id,
    )


async def save(
    uow: UnitOfWork, actor: Actor, clock: Clock, draft: LeadDraft, *, note: str | None = None
) -> ClientDTO:
    """Saves the lead. A Telegram account already linked to a card stays with that card:
    a lead saved next to it (the specialist chose to) goes without the link."""
    if draft.user_id is not None and await uow.clients.by_user(draft.user_id) is not None:
        draft = replace(draft, user_id=None)
    return await clients.create(uow, actor, clock, draft, note=note)
