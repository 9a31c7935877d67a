"""Leads and clients: creating them, editing any field of the card, merging two cards.

Every change lands in the client's timeline and in the audit log, with who and when.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.services import reminders
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access
from bot.services.crm.contacts import normalized
from bot.services.crm.text import fold, index_words
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO, ContactDTO, UserDTO
from bot.storage.enums import ClientStatus, ContactKind, PaymentHabit, Role, Segment, TimelineKind
from bot.storage.uow import UnitOfWork

MAX_NAME = 256
MAX_SHORT = 128
MAX_TEXT = 4000
MAX_TAG = 64
MAX_TAGS = 20

# Card fields set as plain text, with their length limit.
TEXT_FIELDS: dict[str, int] = {
    "name": MAX_NAME,
    "company": MAX_NAME,
    "position": MAX_SHORT,
    "source": MAX_SHORT,
    "needs": MAX_TEXT,
    "special_terms": MAX_TEXT,
    "competitors": MAX_TEXT,
    "next_step": MAX_TEXT,
}
# Fields whose change is copied to the client's Telegram account, where the desk reads it.
USER_MIRRORED = ("segment", "owner_id")


@dataclass(frozen=True, slots=True)
class LeadDraft:
    """What is known of a new lead; phones in E.164 and e-mails already validated."""

    name: str
    company: str | None = None
    position: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    source: str | None = None
    needs: str | None = None
    telegram_username: str | None = None
    tags: tuple[str, ...] = ()
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class ClientCard:
    """A client with what his card shows besides the card's own fields."""

    client: ClientDTO
    contacts: list[ContactDTO]
    tags: list[str]
    owner: UserDTO | None
    user: UserDTO | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def phones(self) -> list[ContactDTO]:
        return [c for c in self.contacts if c.kind is ContactKind.PHONE]

    @property
    def emails(self) -> list[ContactDTO]:
        return [c for c in self.contacts if c.kind is ContactKind.EMAIL]


def clean_text(value: str | None, limit: int, *, required: bool = False) -> str | None:
    """Trimmed text, None for empty; raises ClientRejected for empty-when-required or
    over-long."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ClientRejected(ClientProblem.EMPTY)
        return None
    if len(text) > limit:
        raise ClientRejected(ClientProblem.TOO_LONG)
    return text


def clean_tags(values: Iterable[str]) -> list[str]:
    """Tags folded to lower case, without "#", unique, in the order given."""
    tags: list[str] = []
    for value in values:
        for raw in value.replace(",", " ").split():
            tag = fold(raw.lstrip("#").strip())
            if not tag:
                continue
            if len(tag) > MAX_TAG:
                raise ClientRejected(ClientProblem.TOO_LONG)
            if tag not in tags:
                tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ClientRejected(ClientProblem.TOO_LONG)
    return tags


async def create(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    draft: LeadDraft,
    *,
    owner_id: int | None = None,
    status: ClientStatus = ClientStatus.LEAD,
    note: str | None = None,
) -> ClientDTO:
    """Saves a new lead, owned by the staff member who captured him unless `owner_id` says
    otherwise. Duplicates are the caller's question (see `duplicates`)."""
    author_id = access.require_staff(actor)
    now = clock.now()
    client = await uow.clients.add(
        now=now,
        user_id=draft.user_id,
        name=clean_text(draft.name, MAX_NAME, required=True),
        company=clean_text(draft.company, MAX_NAME),
        position=clean_text(draft.position, MAX_SHORT),
        telegram_username=draft.telegram_username,
        status=status,
        segment=Segment.STANDARD,
        owner_id=owner_id or author_id,
        source=clean_text(draft.source, MAX_SHORT),
        needs=clean_text(draft.needs, MAX_TEXT),
        payment=PaymentHabit.UNKNOWN,
        created_by=author_id,
    )
    for phone in dict.fromkeys(draft.phones):
        await uow.clients.add_contact(
            client.id, ContactKind.PHONE, phone, normalized(ContactKind.PHONE, phone)
        )
    for email in dict.fromkeys(draft.emails):
        await uow.clients.add_contact(
            client.id, ContactKind.EMAIL, email, normalized(ContactKind.EMAIL, email)
        )
    if draft.tags:
        await uow.clients.set_tags(client.id, clean_tags(draft.tags))
    await reindex(uow, client.id)
    await uow.timeline.add(
        client_id=client.id,
        kind=TimelineKind.CREATED,
        author_id=author_id,
        happened_at=now,
        now=now,
        text=draft.source,
    )
    await first_note(uow, client.id, author_id, now, note)
    await uow.audit.add(
        actor_id=author_id, action="client_created", entity="client", entity_id=client.id, now=now
    )
    return client


async def first_note(
    uow: UnitOfWork, client_id: int, author_id: int, now: datetime, note: str | None
) -> None:
    """The note a lead came with (a forwarded message's text), as his timeline's note."""
    if note:
        await uow.timeline.add(
            client_id=client_id,
            kind=TimelineKind.NOTE,
            author_id=author_id,
            happened_at=now,
            now=now,
            text=clean_text(note, MAX_TEXT),
        )


async def for_telegram_user(
    uow: UnitOfWork, clock: Clock, user: UserDTO, *, source: str | None = None
) -> ClientDTO:
    """The card of a client who uses the bot, made on his first visit: a lead with the
    source of the link he came by, owned by his owner when he has one."""
    existing = await uow.clients.by_user(user.id)
    if existing is not None:
        return existing
    now = clock.now()
    client = await uow.clients.add(
        now=now,
        user_id=user.id,
        name=user.full_name
        or (f"@{user.username}" if user.username else f"Telegram {user.telegram_id}"),
        telegram_username=user.username,
        status=ClientStatus.LEAD,
        segment=user.segment,
        owner_id=user.owner_id,
        source=source or user.source,
        payment=PaymentHabit.UNKNOWN,
    )
    await reindex(uow, client.id)
    await uow.timeline.add(
        client_id=client.id,
        kind=TimelineKind.CREATED,
        author_id=None,
        happened_at=now,
        now=now,
        text=client.source,
    )
    return client


async def adopt(uow: UnitOfWork, user: UserDTO, owner_id: int, now: datetime) -> None:
    """The desk made `owner_id` the single contact of this Telegram client: his card in the
    base follows (it is made now if he had none)."""
    client = await uow.clients.by_user(user.id)
    if client is None:
        client = await for_telegram_user(uow, _At(now), user)
    if client.owner_id != owner_id:
        await uow.clients.update(client.id, now=now, owner_id=owner_id)
        await record_edit(uow, client, None, now, "owner_id", client.owner_id, owner_id)


async def forget_user(uow: UnitOfWork, user_id: int) -> None:
    """The client withdrew his consent: a card the bot made from his Telegram profile goes;
    a card staff made keeps what staff wrote but loses his Telegram name and link."""
    client = await uow.clients.by_user(user_id)
    if client is None:
        return
    if client.created_by is None:
        await uow.clients.delete(client.id)
        return
    await uow.clients.update(client.id, now=client.updated_at, user_id=None, telegram_username=None)
    await reindex(uow, client.id)


@dataclass(frozen=True, slots=True)
class _At:
    """A clock stopped at one moment, for code that takes a clock."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


async def card(uow: UnitOfWork, actor: Actor, client_id: int) -> ClientCard:
    client = await access.client_for(uow, actor, client_id)
    return ClientCard(
        client=client,
        contacts=await uow.clients.contacts(client.id),
        tags=await uow.clients.tags(client.id),
        owner=await uow.users.find(client.owner_id),
        user=await uow.users.find(client.user_id),
    )


async def update(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int, **changes: Any
) -> ClientDTO:
    """Sets card fields (already validated values). Each changed field is one timeline
    entry and one audit record with its old and new value."""
    client = await access.client_for(uow, actor, client_id)
    author_id = access.require_staff(actor)
    if "owner_id" in changes:
        await _check_owner(uow, actor, changes["owner_id"])
    changed = {
        key: value
        for key, value in changes.items()
        if _plain(getattr(client, key)) != _plain(value)
    }
    if not changed:
        return client
    now = clock.now()
    updated = await uow.clients.update(client.id, now=now, **changed)
    for key, value in changed.items():
        await record_edit(uow, updated, author_id, now, key, getattr(client, key), value)
    mirrored = {key: changed[key] for key in USER_MIRRORED if key in changed}
    if "owner_id" in changed:
        await uow.deals.hand_over_open(client.id, changed["owner_id"], now=now)
        await reminders.follow_deals_of(uow, clock, client.id)
    if mirrored and client.user_id is not None:
        await uow.users.update(
            client.user_id, now=now, **{k: _plain(v) for k, v in mirrored.items()}
        )
    if {"name", "company"} & changed.keys():
        await reindex(uow, client.id)
    if {"next_step", "next_step_at", "owner_id"} & changed.keys():
        await reminders.follow_next_step(uow, clock, updated)
    return updated


async def record_edit(
    uow: UnitOfWork,
    client: ClientDTO,
    author_id: int | None,
    now: datetime,
    key: str,
    old: object,
    new: object,
) -> None:
    kind = TimelineKind.STATUS if key == "status" else TimelineKind.EDIT
    details = {"field": key, "from": _plain(old), "to": _plain(new)}
    await uow.timeline.add(
        client_id=client.id,
        kind=kind,
        author_id=author_id,
        happened_at=now,
        now=now,
        details=json.dumps(details, ensure_ascii=False, default=str),
    )
    await uow.audit.add(
        actor_id=author_id,
        action="client_edited",
        entity="client",
        entity_id=client.id,
        now=now,
        details=details,
    )


async def set_tags(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int, tags: Sequence[str]
) -> list[str]:
    client = await access.client_for(uow, actor, client_id)
    cleaned = clean_tags(tags)
    old = await uow.clients.tags(client.id)
    if sorted(old) == sorted(cleaned):
        return old
    await uow.clients.set_tags(client.id, cleaned)
    await reindex(uow, client.id)
    await record_edit(
        uow, client, actor.user_id, clock.now(), "tags", " ".join(old), " ".join(cleaned)
    )
    return sorted(cleaned)


async def add_contact(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int, kind: ContactKind, value: str
) -> ContactDTO:
    """Adds a validated phone (E.164) or e-mail; one already on the card is not doubled."""
    client = await access.client_for(uow, actor, client_id)
    key = normalized(kind, value)
    for contact in await uow.clients.contacts(client.id):
        if contact.normalized == key:
            return contact
    contact = await uow.clients.add_contact(client.id, kind, value, key)
    await reindex(uow, client.id)
    await record_edit(uow, client, actor.user_id, clock.now(), kind.value, None, value)
    return contact


async def remove_contact(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int, contact_id: int
) -> None:
    client = await access.client_for(uow, actor, client_id)
    contacts = {c.id: c for c in await uow.clients.contacts(client.id)}
    contact = contacts.get(contact_id)
    if contact is None:
        raise NotAllowed("contact")
    await uow.clients.remove_contact(client.id, contact_id)
    await reindex(uow, client.id)
    await record_edit(
        uow, client, actor.user_id, clock.now(), contact.kind.value, contact.value, None
    )


async def touch(uow: UnitOfWork, client_id: int, at: datetime) -> None:
    """A conversation with the client happened at `at`: "no contact for N days" restarts."""
    await uow.clients.touch(client_id, at)


async def touch_user(uow: UnitOfWork, user_id: int, at: datetime) -> None:
    """Like `touch`, for the card of a client who uses the bot (one statement)."""
    await uow.clients.touch_user(user_id, at)


async def reindex(uow: UnitOfWork, client_id: int) -> None:
    """Rebuilds the words search finds the client by: name, company, e-mails, tags."""
    client = await uow.clients.get(client_id)
    if client is None:
        return
    contacts = await uow.clients.contacts(client_id)
    tags = await uow.clients.tags(client_id)
    emails = [
        c.value.replace("@", " ").replace(".", " ") for c in contacts if c.kind is ContactKind.EMAIL
    ]
    await uow.clients.set_words(
        client_id,
        index_words([client.name, client.company, client.telegram_username, *emails, *tags]),
    )


async def _check_owner(uow: UnitOfWork, actor: Actor, owner_id: object) -> None:
    """Only the head of sales and admins hand clients over, and only to staff."""
    if not access.sees_everyone(actor):
        raise NotAllowed("owner")
    owner = await uow.users.find(owner_id if isinstance(owner_id, int) else None)
    if owner is None or owner.role is Role.CLIENT:
        raise ClientRejected(ClientProblem.NOT_STAFF_OWNER)


def _plain(value: object) -> object:
    return value.value if hasattr(value, "value") else value
