"""Clients imported from a CSV or XLSX file (spreadsheet.py reads it, import_map.py knows
its columns).

Every row is validated; a bad one is rejected with its reasons, the others become clients
owned by whoever imports them. A row with the phone or e-mail of a client the importer may
see is merged into that client: empty fields are filled, new phones, e-mails, tags and notes
added, nothing doubled, nothing overwritten. A row with a contact of a client he may not see
is rejected without saying whose. Rows of the file sharing a contact merge into the first.

Fast on purpose: the file's contacts are looked up in the base a few hundred at a time, and
clients, contacts, tags, search words and timeline entries are written with one statement
per batch of clients, never one per row.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access
from bot.services.crm import import_map as cols
from bot.services.crm.clients import MAX_TAGS
from bot.services.crm.import_rows import Row, RowIssue, RowProblem, RowReader
from bot.services.crm.spreadsheet import read_table
from bot.services.crm.text import index_words
from bot.storage.dto import ClientDTO
from bot.storage.enums import ClientStatus, ContactKind, PaymentHabit, Segment, TimelineKind
from bot.storage.uow import UnitOfWork

BATCH = 500  # clients written per statement
LOOKUP = 500  # values per IN (...) when reading what the base has

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    number: int  # as the spreadsheet shows it (the header is row 1)
    cells: tuple[str, ...]
    issues: tuple[RowIssue, ...]


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    created: int  # rows that became new clients
    merged: int  # rows that added something to a client (in the base or earlier in the file)
    unchanged: int  # rows of clients already in the base with nothing new
    rejected: list[RejectedRow]
    headers: tuple[str, ...]
    ignored: tuple[str, ...]  # columns not recognised


@dataclass(slots=True)
class _Record:
    """A client the import writes: a new one, or one in the base that rows merge into.
    For a new client `fields` are all its fields; for one in the base, those filled."""

    first: int  # the index of its first row
    existing: ClientDTO | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    contacts: dict[str, tuple[ContactKind, str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    had_tags: list[str] = field(default_factory=list)
    had_notes: set[str] = field(default_factory=set)
    client_id: int = 0  # known once written

    def absorb(self, row: Row, in_base: Container[str]) -> bool:
        """Takes what the row adds (`in_base`: contacts the base has); True if anything."""
        added = False
        for key, value in row.fields.items():
            if key == "budget_currency" or key in self.fields:
                continue
            if self.existing is not None and getattr(self.existing, key) is not None:
                continue
            self.fields[key] = value
            if key == "budget_minor":
                # The amount and its currency are one value: filled together.
                self.fields["budget_currency"] = row.fields["budget_currency"]
            added = True
        for key, contact in row.contacts.items():
            if key not in self.contacts and key not in in_base:
                self.contacts[key] = contact
                added = True
        for tag in row.tags:
            room = len(self.had_tags) + len(self.tags) < MAX_TAGS
            if room and tag not in self.tags and tag not in self.had_tags:
                self.tags.append(tag)
                added = True
        if row.note and row.note not in self.notes and row.note not in self.had_notes:
            self.notes.append(row.note)
            added = True
        return added

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.contacts or self.tags or self.notes)

    @property
    def emails(self) -> list[str]:
        """The e-mails this record adds."""
        return [value for kind, value in self.contacts.values() if kind is ContactKind.EMAIL]


async def import_file(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    data: bytes,
    file_name: str | None,
    *,
    region: str,
    locale: str,
    currency: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Imports the file's rows as the actor's clients. Raises ImportRejected for a file that
    cannot be read at all; `progress(rows done, rows)` is awaited after each batch."""
    author_id = access.require_staff(actor)
    table = read_table(data, file_name)
    columns = cols.map_headers(table.headers)
    rejected: dict[int, tuple[RowIssue, ...]] = {}
    rows: list[Row] = []
    reader = RowReader(columns, table.headers, region=region, locale=locale, currency=currency)
    for index, (_number, cells) in enumerate(table.rows):
        if index and not index % BATCH:
            # Validating is pure computation: other chats get their turn meanwhile.
            await asyncio.sleep(0)
        parsed = reader.read(index, cells)
        if isinstance(parsed, Row):
            rows.append(parsed)
        else:
            rejected[index] = tuple(parsed)

    holders = await _holders(uow, {key for row in rows for key in row.contacts})
    base = await _clients(uow, {cid for ids in holders.values() for cid in ids})
    history = await _history(
        uow,
        [cid for cid, client in base.items() if access.may_see(actor, client)],
        with_notes=cols.NOTES in columns.fields,
    )
    records, outcomes = _plan(actor, rows, holders, base, history, rejected)

    now = clock.now()
    total = len(table.rows)
    for start in range(0, len(records), BATCH):
        await _write(uow, records[start : start + BATCH], author_id, now)
        if progress is not None:
            following = start + BATCH
            await progress(records[following].first if following < len(records) else total, total)

    counts = {name: outcomes.count(name) for name in ("created", "merged", "unchanged")}
    await uow.audit.add(
        actor_id=author_id,
        action="clients_imported",
        entity="client",
        entity_id=None,
        now=now,
        details={"rows": total, "rejected": len(rejected), **counts},
    )
    return ImportResult(
        rows=total,
        rejected=[
            RejectedRow(table.rows[index][0], table.rows[index][1], issues)
            for index, issues in sorted(rejected.items())
        ],
        headers=table.headers,
        ignored=columns.ignored,
        **counts,
    )


async def _holders(uow: UnitOfWork, keys: set[str]) -> dict[str, set[int]]:
    """The clients in the base having each of these contacts."""
    found: dict[str, set[int]] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), LOOKUP):
        for key, client_id in await uow.clients.contact_holders(ordered[start : start + LOOKUP]):
            found.setdefault(key, set()).add(client_id)
    return found


async def _clients(uow: UnitOfWork, ids: set[int]) -> dict[int, ClientDTO]:
    ordered = sorted(ids)
    found: dict[int, ClientDTO] = {}
    for start in range(0, len(ordered), LOOKUP):
        found.update((c.id, c) for c in await uow.clients.many(ordered[start : start + LOOKUP]))
    return found


def _plan(
    actor: Actor,
    rows: list[Row],
    holders: dict[str, set[int]],
    base: dict[int, ClientDTO],
    history: dict[int, tuple[list[str], set[str]]],
    rejected: dict[int, tuple[RowIssue, ...]],
) -> tuple[list[_Record], list[str]]:
    """Which client each valid row becomes or merges into, in the file's order; a row
    matching a client the actor may not see, or several clients, is rejected."""
    records: list[_Record] = []
    outcomes: list[str] = []
    in_file: dict[str, _Record] = {}
    of_client: dict[int, _Record] = {}
    for row in rows:
        in_base = {cid for key in row.contacts for cid in holders.get(key, ()) if cid in base}
        if not all(access.may_see(actor, base[cid]) for cid in in_base):
            rejected[row.index] = (RowIssue(RowProblem.OTHERS_CLIENT),)
            continue
        targets: dict[tuple[str, int], _Record | int] = {("client", cid): cid for cid in in_base}
        for key in row.contacts:
            if (record := in_file.get(key)) is not None:
                existing = record.existing
                targets[("client", existing.id) if existing else ("record", id(record))] = record
        if len(targets) > 1:
            rejected[row.index] = (RowIssue(RowProblem.SEVERAL_CLIENTS),)
            continue
        if not targets:
            target = _Record(row.index)
            target.absorb(row, holders)
            records.append(target)
            outcomes.append("created")
        else:
            (found,) = targets.values()
            if isinstance(found, int) and found not in of_client:
                tags, notes = history.get(found, ([], set()))
                of_client[found] = _Record(row.index, base[found], had_tags=tags, had_notes=notes)
                records.append(of_client[found])
            target = of_client[found] if isinstance(found, int) else found
            added = target.absorb(row, holders)
            outcomes.append("merged" if added or target.existing is None else "unchanged")
        for key in row.contacts:
            in_file.setdefault(key, target)
    return records, outcomes


async def _history(
    uow: UnitOfWork, client_ids: list[int], *, with_notes: bool
) -> dict[int, tuple[list[str], set[str]]]:
    """The tags and note texts of these clients in the base, so nothing is added twice."""
    history: dict[int, tuple[list[str], set[str]]] = {}
    ordered = sorted(client_ids)
    for start in range(0, len(ordered), LOOKUP):
        chunk = ordered[start : start + LOOKUP]
        for client_id, tags in (await uow.clients.tags_of(chunk)).items():
            history[client_id] = (tags, set())
        if with_notes:
            for client_id, text in await uow.timeline.texts_of(chunk, TimelineKind.NOTE):
                history[client_id][1].add(text)
    return history


async def _write(uow: UnitOfWork, records: list[_Record], author_id: int, now: datetime) -> None:
    """One batch: new clients with their contacts, tags, words and a CREATED entry; clients
    in the base get what was merged into them, an EDIT entry per change (as an edit on the
    card would) and fresh search words."""
    new = [r for r in records if r.existing is None]
    merged = [r for r in records if r.existing is not None and r.changed]
    ids = await uow.clients.add_many([_new_client(r, author_id) for r in new], now=now)
    for record, client_id in zip(new, ids, strict=True):
        record.client_id = client_id
    for record in merged:
        record.client_id = record.existing.id  # type: ignore[union-attr]
    written = new + merged
    await uow.clients.add_contacts(
        [
            (r.client_id, kind, value, key)
            for r in written
            for key, (kind, value) in r.contacts.items()
        ]
    )
    await uow.clients.add_tags([(r.client_id, tag) for r in written for tag in r.tags])
    await uow.clients.update_many([{"id": r.client_id, **r.fields} for r in merged], now=now)
    await uow.clients.add_words(
        {
            r.client_id: _words(
                r.fields[cols.NAME], r.fields.get(cols.COMPANY), None, r.emails, r.tags
            )
            for r in new
        }
    )
    await uow.clients.replace_words(await _merged_words(uow, merged))
    entries = [
        _entry(r.client_id, TimelineKind.CREATED, author_id, now, r.fields.get(cols.SOURCE))
        for r in new
    ]
    for record in merged:
        entries.extend(_edits(record, author_id, now))
    entries.extend(
        _entry(r.client_id, TimelineKind.NOTE, author_id, now, note)
        for r in written
        for note in r.notes
    )
    await uow.timeline.add_many(entries, now=now)


async def _merged_words(uow: UnitOfWork, merged: list[_Record]) -> dict[int, list[tuple[str, str]]]:
    """Fresh search words of clients in the base whose company, e-mails or tags changed."""
    changed = {r.client_id: r for r in merged if cols.COMPANY in r.fields or r.tags or r.emails}
    contacts = await uow.clients.contacts_of(list(changed))
    tags = await uow.clients.tags_of(list(changed))
    words = {}
    for client_id, record in changed.items():
        client = record.existing
        assert client is not None
        emails = [c.value for c in contacts[client_id] if c.kind is ContactKind.EMAIL]
        company = record.fields.get(cols.COMPANY, client.company)
        words[client_id] = _words(
            client.name, company, client.telegram_username, emails, tags[client_id]
        )
    return words


def _new_client(record: _Record, author_id: int) -> dict[str, Any]:
    fields = record.fields
    return {
        "user_id": None,
        "name": fields[cols.NAME],
        "company": fields.get(cols.COMPANY),
        "position": fields.get(cols.POSITION),
        "telegram_username": None,
        "status": fields.get(cols.STATUS, ClientStatus.LEAD),
        "segment": fields.get(cols.SEGMENT, Segment.STANDARD),
        "owner_id": author_id,
        "source": fields.get(cols.SOURCE),
        "needs": fields.get(cols.NEEDS),
        "budget_minor": fields.get("budget_minor"),
        "budget_currency": fields.get("budget_currency"),
        "special_terms": fields.get(cols.SPECIAL_TERMS),
        "competitors": fields.get(cols.COMPETITORS),
        "next_step": fields.get(cols.NEXT_STEP),
        "payment": PaymentHabit.UNKNOWN,
        "created_by": author_id,
    }


def _words(
    name: str, company: str | None, username: str | None, emails: list[str], tags: list[str]
) -> list[tuple[str, str]]:
    """The search words of a client, as `clients.reindex` builds them."""
    spaced = [email.replace("@", " ").replace(".", " ") for email in emails]
    return index_words([name, company, username, *spaced, *tags])


def _entry(
    client_id: int | None,
    kind: TimelineKind,
    author_id: int,
    now: datetime,
    text: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # A CREATED entry carries the source as its text, as a lead typed in does; the import
    # itself is told by the details.
    if kind is TimelineKind.CREATED:
        details = {"via": "import"}
    return {
        "client_id": client_id,
        "kind": kind,
        "author_id": author_id,
        "happened_at": now,
        "text": text,
        "details": json.dumps(details, ensure_ascii=False, default=str) if details else None,
    }


def _edits(record: _Record, author_id: int, now: datetime) -> list[dict[str, Any]]:
    """What was merged into a client in the base, one EDIT entry per field, phone, e-mail
    and the tags, in the form `clients.record_edit` writes."""
    client = record.existing
    assert client is not None
    changes: list[tuple[str, object, object]] = [
        (key, getattr(client, key), value) for key, value in record.fields.items()
    ]
    changes.extend((kind.value, None, value) for kind, value in record.contacts.values())
    if record.tags:
        changes.append(("tags", " ".join(record.had_tags), " ".join(record.had_tags + record.tags)))
    return [
        _entry(
            client.id,
            TimelineKind.EDIT,
            author_id,
            now,
            details={"field": key, "from": _plain(old), "to": _plain(new)},
        )
        for key, old, new in changes
    ]


def _plain(value: object) -> object:
    return value.value if isinstance(value, StrEnum) else value
