"""One person, one card: a new lead's data merged into the card he already has, or two
existing cards of the same person made one.

What the kept card already says wins; only its empty fields are filled. Phones, e-mails
and tags are added without doubles. The merge is one timeline entry and one audit record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access
from bot.services.crm.clients import (
    MAX_TEXT,
    TEXT_FIELDS,
    LeadDraft,
    clean_tags,
    clean_text,
    first_note,
    reindex,
)
from bot.services.crm.contacts import normalized
from bot.services.errors import ClientProblem, ClientRejected
from bot.storage.dto import ClientDTO
from bot.storage.enums import ContactKind, PaymentHabit, TimelineKind
from bot.storage.uow import UnitOfWork

# Fields of a dropped card that fill the kept card's empty ones. A budget travels with its
# currency, a score override with its reason and a next step with its date: each pair is
# copied whole or not at all.
COPIED = (
    "company",
    "position",
    "telegram_username",
    "source",
    "needs",
    "special_terms",
    "competitors",
)
PAIRS = (
    ("budget_minor", "budget_currency"),
    ("score_override", "score_reason"),
    ("next_step", "next_step_at"),
)


@dataclass(frozen=True, slots=True)
class Merged:
    """The kept card after the merge, and what it gained."""

    client: ClientDTO
    filled: tuple[str, ...]
    added_contacts: tuple[str, ...]


async def merge(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    keep_id: int,
    draft: LeadDraft,
    *,
    note: str | None = None,
) -> Merged:
    """The new lead's data lands on the card `keep_id` instead of a second card."""
    keep = await access.client_for(uow, actor, keep_id)
    author_id = access.require_staff(actor)
    now = clock.now()
    offered: dict[str, Any] = {
        "company": draft.company,
        "position": draft.position,
        "source": draft.source,
        "needs": draft.needs,
        "telegram_username": draft.telegram_username,
    }
    changes = {
        key: clean_text(value, TEXT_FIELDS.get(key, MAX_TEXT))
        for key, value in offered.items()
        if value and not getattr(keep, key)
    }
    if (
        draft.user_id is not None
        and keep.user_id is None
        and await uow.clients.by_user(draft.user_id) is None
    ):
        changes["user_id"] = draft.user_id
    added = await _add_contacts(
        uow,
        keep.id,
        [(ContactKind.PHONE, p) for p in draft.phones]
        + [(ContactKind.EMAIL, e) for e in draft.emails],
    )
    await _add_tags(uow, keep.id, clean_tags(draft.tags))
    kept = await _finish(
        uow, keep, author_id, now, changes, added, details={"lead": draft.name}, note=note
    )
    return Merged(kept, tuple(changes), tuple(added))


async def merge_clients(
    uow: UnitOfWork, actor: Actor, clock: Clock, keep_id: int, drop_id: int
) -> Merged:
    """The card `drop_id` is folded into `keep_id` and deleted: its contacts, tags,
    timeline and deals move over, and it fills the kept card's empty fields."""
    if keep_id == drop_id:
        raise ClientRejected(ClientProblem.SAME_CLIENT)
    keep = await access.client_for(uow, actor, keep_id)
    drop = await access.client_for(uow, actor, drop_id)
    author_id = access.require_staff(actor)
    now = clock.now()
    changes: dict[str, Any] = {
        key: getattr(drop, key) for key in COPIED if getattr(drop, key) and not getattr(keep, key)
    }
    for first, second in PAIRS:
        if getattr(keep, first) is None and getattr(drop, first) is not None:
            changes[first], changes[second] = getattr(drop, first), getattr(drop, second)
    if keep.payment is PaymentHabit.UNKNOWN and drop.payment is not PaymentHabit.UNKNOWN:
        changes["payment"] = drop.payment
    if drop.last_contact_at and (
        keep.last_contact_at is None or keep.last_contact_at < drop.last_contact_at
    ):
        changes["last_contact_at"] = drop.last_contact_at
    if keep.user_id is None and drop.user_id is not None:
        # The Telegram link is unique: it leaves the dropped card before it joins the kept.
        await uow.clients.update(drop.id, now=now, user_id=None)
        changes["user_id"] = drop.user_id
    added = await _move_contacts(uow, drop.id, keep.id)
    await _add_tags(uow, keep.id, await uow.clients.tags(drop.id))
    await uow.timeline.move(drop.id, keep.id)
    await uow.deals.move(drop.id, keep.id)
    await uow.clients.delete(drop.id)
    kept = await _finish(
        uow,
        keep,
        author_id,
        now,
        changes,
        added,
        details={"merged": drop.title, "merged_id": drop.id},
    )
    return Merged(kept, tuple(changes), tuple(added))


async def _add_contacts(
    uow: UnitOfWork, client_id: int, contacts: list[tuple[ContactKind, str]]
) -> list[str]:
    """Adds the contacts the card does not have yet; returns their values."""
    known = {c.normalized for c in await uow.clients.contacts(client_id)}
    added = []
    for kind, value in contacts:
        key = normalized(kind, value)
        if key not in known:
            known.add(key)
            await uow.clients.add_contact(client_id, kind, value, key)
            added.append(value)
    return added


async def _move_contacts(uow: UnitOfWork, from_id: int, to_id: int) -> list[str]:
    """Moves the contacts `to_id` lacks; doubles are dropped first so none is ever stored
    twice. Returns the moved values."""
    known = {c.normalized for c in await uow.clients.contacts(to_id)}
    moved = []
    for contact in await uow.clients.contacts(from_id):
        if contact.normalized in known:
            await uow.clients.remove_contact(from_id, contact.id)
        else:
            known.add(contact.normalized)
            moved.append(contact.value)
    await uow.clients.move_contacts(from_id, to_id)
    return moved


async def _add_tags(uow: UnitOfWork, client_id: int, tags: list[str]) -> None:
    old = await uow.clients.tags(client_id)
    union = old + [tag for tag in tags if tag not in old]
    if len(union) != len(old):
        await uow.clients.set_tags(client_id, union)


async def _finish(
    uow: UnitOfWork,
    keep: ClientDTO,
    author_id: int,
    now: datetime,
    changes: dict[str, Any],
    added: list[str],
    *,
    details: dict[str, Any],
    note: str | None = None,
) -> ClientDTO:
    kept = await uow.clients.update(keep.id, now=now, **changes) if changes else keep
    await reindex(uow, keep.id)
    record = {**details, "filled": sorted(changes), "contacts": added}
    await uow.timeline.add(
        client_id=keep.id,
        kind=TimelineKind.MERGE,
        author_id=author_id,
        happened_at=now,
        now=now,
        details=json.dumps(record, ensure_ascii=False, default=str),
    )
    await first_note(uow, keep.id, author_id, now, note)
    await uow.audit.add(
        actor_id=author_id,
        action="client_merged",
        entity="client",
        entity_id=keep.id,
        now=now,
        details=record,
    )
    return kept
