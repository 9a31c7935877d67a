"""Meeting and call notes: what the specialist logs after talking to a client (or just
wants to remember about him), with the outcome and the next step.

A note lands in the client's timeline. A meeting, call, visit or online meeting is a contact:
it restarts "no contact for N days". A next step becomes the client's next step on his card
(recorded like any card edit); the reminders issue turns its date into a reminder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access, clients
from bot.services.crm.clients import MAX_TEXT, clean_text
from bot.services.errors import ClientProblem, ClientRejected
from bot.storage.dto import ClientDTO, TimelineDTO
from bot.storage.enums import CONTACT_KINDS, TimelineKind
from bot.storage.uow import UnitOfWork

# What a note can be about, in the order the specialist is offered them.
NOTE_KINDS = (
    TimelineKind.MEETING,
    TimelineKind.CALL,
    TimelineKind.VISIT,
    TimelineKind.ONLINE,
    TimelineKind.NOTE,
)
# A note records what happened: a moment later than this past "now" is a typing slip, not
# a plan (plans are the next step). The slack covers a time picked to the hour.
FUTURE_SLACK = timedelta(hours=1)
# A next step set for a day that is already over is a slip too; today (any hour) is fine.
PAST_STEP_SLACK = timedelta(days=1)
RECENT_CLIENTS = 5


class AttachmentKind(StrEnum):
    """Files a note keeps: a voice message recorded after the meeting, a photo of a
    whiteboard or a business card."""

    VOICE = "voice"
    PHOTO = "photo"


@dataclass(frozen=True, slots=True)
class NoteDraft:
    kind: TimelineKind
    text: str | None = None
    happened_at: datetime | None = None  # None: now
    file_id: str | None = None
    file_kind: AttachmentKind | None = None
    outcome: str | None = None
    next_step: str | None = None
    next_step_at: datetime | None = None


def check_kind(value: str) -> TimelineKind:
    """The kind a button stands for; ClientRejected(BAD_CHOICE) for anything else."""
    try:
        kind = TimelineKind(value)
    except ValueError:
        raise ClientRejected(ClientProblem.BAD_CHOICE) from None
    if kind not in NOTE_KINDS:
        raise ClientRejected(ClientProblem.BAD_CHOICE)
    return kind


def clean_notes(text: str | None, *, has_file: bool = False) -> str | None:
    """The note's text: required unless a voice message or photo says it."""
    return clean_text(text, MAX_TEXT, required=not has_file)


def check_when(moment: datetime, now: datetime) -> datetime:
    if moment > now + FUTURE_SLACK:
        raise ClientRejected(ClientProblem.FUTURE_DATE)
    return moment


def check_next_step_at(moment: datetime, now: datetime) -> datetime:
    if moment < now - PAST_STEP_SLACK:
        raise ClientRejected(ClientProblem.PAST_DATE)
    return moment


async def log(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int, draft: NoteDraft
) -> TimelineDTO:
    """Saves the note on the client's timeline. NotAllowed for a client this actor does not
    work with; ClientRejected for input that cannot be taken (nothing is saved then)."""
    client = await access.client_for(uow, actor, client_id)
    author_id = access.require_staff(actor)
    now = clock.now()
    kind = check_kind(draft.kind)
    happened_at = check_when(draft.happened_at or now, now)
    if (draft.file_id is None) != (draft.file_kind is None):
        raise ClientRejected(ClientProblem.BAD_CHOICE)
    text = clean_notes(draft.text, has_file=draft.file_id is not None)
    outcome = clean_text(draft.outcome, MAX_TEXT)
    next_step = clean_text(draft.next_step, MAX_TEXT)
    next_step_at = None
    if next_step is not None and draft.next_step_at is not None:
        next_step_at = check_next_step_at(draft.next_step_at, now)
    entry = await uow.timeline.add(
        client_id=client.id,
        kind=kind,
        author_id=author_id,
        happened_at=happened_at,
        now=now,
        text=text,
        outcome=outcome,
        next_step=next_step,
        next_step_at=next_step_at,
        file_id=draft.file_id,
        file_kind=draft.file_kind.value if draft.file_kind else None,
    )
    if kind in CONTACT_KINDS:
        await clients.touch(uow, client.id, happened_at)
    if next_step is not None:
        await clients.update(
            uow, actor, clock, client.id, next_step=next_step, next_step_at=next_step_at
        )
    await uow.audit.add(
        actor_id=author_id,
        action="note_logged",
        entity="client",
        entity_id=client.id,
        now=now,
        details={"entry_id": entry.id, "kind": kind.value},
    )
    return entry


async def recent_clients(
    uow: UnitOfWork, actor: Actor, limit: int = RECENT_CLIENTS
) -> list[ClientDTO]:
    """The clients this staff member worked on last, newest first: those he wrote on
    lately (notes, edits, leads he captured), then his own clients changed most recently.
    Only clients he may still see."""
    author_id = access.require_staff(actor)
    touched = await uow.timeline.clients_touched_by(author_id, limit=limit * 2)
    chosen = _visible(actor, await uow.clients.many(touched), limit)
    if len(chosen) < limit:
        known = {client.id for client in chosen}
        owned = await uow.clients.recently_updated(author_id, limit=limit + len(known))
        chosen += _visible(actor, [c for c in owned if c.id not in known], limit - len(chosen))
    return chosen


def _visible(actor: Actor, found: Sequence[ClientDTO], limit: int) -> list[ClientDTO]:
    return [client for client in found if access.may_see(actor, client)][:limit]
