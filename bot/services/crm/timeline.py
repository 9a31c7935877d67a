"""A client's timeline, a page at a time: his own entries with the requests and messages
of his Telegram account among them, newest first.

Only the page asked for is read (plus one entry to know whether an older page exists), so
a card with thousands of entries opens as fast as one with ten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.services.actors import Actor
from bot.services.crm import access
from bot.services.errors import NotAllowed
from bot.storage.dto import ClientDTO, TimelineDTO, UserDTO
from bot.storage.enums import TimelineKind
from bot.storage.uow import UnitOfWork

PAGE_SIZE = 10
# Edits whose old and new values are user ids: the page names these people too.
PERSON_FIELDS = frozenset({"owner_id"})


@dataclass(frozen=True, slots=True)
class Edit:
    """What an edit entry changed: the field and its old and new values as stored."""

    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class TimelinePage:
    client: ClientDTO
    entries: list[TimelineDTO]
    people: dict[int, UserDTO]
    page: int
    has_newer: bool
    has_older: bool

    def author(self, entry: TimelineDTO) -> UserDTO | None:
        return self.people.get(entry.author_id) if entry.author_id is not None else None


def edit_of(entry: TimelineDTO) -> Edit | None:
    """The change an EDIT, STATUS or SCORE entry records, if it records one."""
    if entry.kind not in (TimelineKind.EDIT, TimelineKind.STATUS, TimelineKind.SCORE):
        return None
    try:
        details = json.loads(entry.details or "")
    except ValueError:
        return None
    if not isinstance(details, dict) or "field" not in details:
        return None
    return Edit(str(details["field"]), details.get("from"), details.get("to"))


async def page(
    uow: UnitOfWork, actor: Actor, client_id: int, page: int, page_size: int = PAGE_SIZE
) -> TimelinePage:
    """Page `page` (0 is the newest) of the client's timeline; NotAllowed as for his card."""
    client = await access.client_for(uow, actor, client_id)
    page = max(0, page)
    rows = await uow.timeline.page(
        client.id, client.user_id, offset=page * page_size, limit=page_size + 1
    )
    entries = rows[:page_size]
    wanted: set[int] = {entry.author_id for entry in entries if entry.author_id is not None}
    for entry in entries:
        edit = edit_of(entry)
        if edit is not None and edit.field in PERSON_FIELDS:
            wanted |= {value for value in (edit.old, edit.new) if isinstance(value, int)}
    people = await uow.users.many(wanted)
    return TimelinePage(
        client=client,
        entries=entries,
        people=people,
        page=page,
        has_newer=page > 0,
        has_older=len(rows) > page_size,
    )


async def attachment(
    uow: UnitOfWork, actor: Actor, client_id: int, entry_id: int
) -> tuple[str, str | None]:
    """(file_id, file kind) of the voice message or photo attached to one of the client's
    own entries; NotAllowed for an entry of another client or without a file."""
    client = await access.client_for(uow, actor, client_id)
    entry = await uow.timeline.get(entry_id)
    if entry is None or entry.client_id != client.id or not entry.file_id:
        raise NotAllowed("attachment")
    return entry.file_id, entry.file_kind
