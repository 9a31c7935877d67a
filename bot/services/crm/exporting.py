"""The actor's clients as an XLSX workbook and a CSV file: a specialist's own, everyone's for
the head of sales and admins. Clients are read a page at a time with their phones, e-mails
and tags fetched per page, so a base of 100k clients is never held as objects at once and
never costs a query per client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access
from bot.services.crm.contacts import pretty_phone
from bot.services.crm.spreadsheet import Cell, CsvWriter, XlsxWriter
from bot.storage.dto import ClientDTO
from bot.storage.enums import ClientStatus, ContactKind
from bot.storage.uow import UnitOfWork

PAGE = 1000
# The columns in their order, with their width in the workbook (in characters).
COLUMNS: dict[str, int] = {
    "id": 8,
    "name": 28,
    "company": 28,
    "position": 20,
    "phones": 22,
    "emails": 28,
    "status": 14,
    "segment": 12,
    "tags": 20,
    "owner": 20,
    "source": 18,
    "needs": 30,
    "budget": 14,
    "currency": 10,
    "special_terms": 30,
    "competitors": 24,
    "next_step": 30,
    "next_step_at": 18,
    "last_contact_at": 18,
    "created_at": 18,
}


@dataclass(frozen=True, slots=True)
class Labels:
    """How the reader names the columns and the values, and his time zone: the handler fills
    it in his language; `plain` is the stored values, for scripts."""

    titles: Mapping[str, str]
    status: Callable[[ClientStatus], str]
    segment: Callable[[str], str]
    source: Callable[[str], str]
    timezone: str
    sheet: str = "Clients"

    @classmethod
    def plain(cls, timezone: str = "UTC") -> Labels:
        return cls({key: key for key in COLUMNS}, lambda s: s.value, str, str, timezone)


@dataclass(frozen=True, slots=True)
class ExportFiles:
    xlsx: bytes
    csv: bytes
    count: int


async def export(uow: UnitOfWork, actor: Actor, clock: Clock, labels: Labels) -> ExportFiles:
    """Both files of the clients the actor may see, oldest first; NotAllowed for non-staff.
    Each page is turned into cells and written in a worker thread: building a workbook is
    slow pure computation, and the bot keeps answering others meanwhile."""
    author_id = access.require_staff(actor)
    owner_id = access.owner_scope(actor)
    headers = [labels.titles[key] for key in COLUMNS]
    files = _Files(labels, headers)
    owners = {user.id: user.display_name for user in await uow.users.staff()}
    count = after = 0
    while page := await uow.clients.export_page(owner_id, after, PAGE):
        ids = [client.id for client in page]
        contacts = await uow.clients.contact_values_of(ids)
        tags = await uow.clients.tags_of(ids)
        for owner in {c.owner_id for c in page if c.owner_id is not None} - owners.keys():
            user = await uow.users.find(owner)
            owners[owner] = user.display_name if user else ""
        rows = [(client, contacts[client.id], tags[client.id]) for client in page]
        await asyncio.to_thread(files.add, rows, owners)
        count += len(page)
        after = page[-1].id
    xlsx, csv = await asyncio.to_thread(files.contents)
    await uow.audit.add(
        actor_id=author_id,
        action="clients_exported",
        entity="client",
        entity_id=None,
        now=clock.now(),
        details={"count": count},
    )
    return ExportFiles(xlsx, csv, count)


class _Files:
    """The workbook and the CSV being written, row by row."""

    def __init__(self, labels: Labels, headers: list[str]) -> None:
        self._labels = labels
        self._zone = ZoneInfo(labels.timezone)
        self._xlsx = XlsxWriter(labels.sheet, headers, list(COLUMNS.values()))
        self._csv = CsvWriter(headers)

    def add(
        self,
        rows: Sequence[tuple[ClientDTO, Sequence[tuple[ContactKind, str]], Sequence[str]]],
        owners: Mapping[int, str],
    ) -> None:
        for client, contacts, tags in rows:
            cells = self._cells(client, contacts, tags, owners)
            self._xlsx.add(cells)
            self._csv.add(cells)

    def contents(self) -> tuple[bytes, bytes]:
        return self._xlsx.content(), self._csv.content()

    def _local(self, moment: datetime | None) -> datetime | None:
        # Spreadsheets know no time zones: the reader's wall-clock time.
        return moment.astimezone(self._zone).replace(tzinfo=None) if moment else None

    def _cells(
        self,
        client: ClientDTO,
        contacts: Sequence[tuple[ContactKind, str]],
        tags: Sequence[str],
        owners: Mapping[int, str],
    ) -> list[Cell]:
        labels = self._labels
        return [
            client.id,
            client.name,
            client.company,
            client.position,
            ", ".join(pretty_phone(value) for kind, value in contacts if kind is ContactKind.PHONE),
            ", ".join(value for kind, value in contacts if kind is ContactKind.EMAIL),
            labels.status(client.status),
            labels.segment(client.segment),
            ", ".join(tags),
            owners.get(client.owner_id, "") if client.owner_id is not None else "",
            labels.source(client.source) if client.source else None,
            client.needs,
            _amount(client.budget_minor, client.budget_currency),
            client.budget_currency if client.budget_minor is not None else None,
            client.special_terms,
            client.competitors,
            client.next_step,
            self._local(client.next_step_at),
            self._local(client.last_contact_at),
            self._local(client.created_at),
        ]


def _amount(minor: int | None, currency: str | None) -> Decimal | None:
    """The budget with its currency's decimals ("150000.50"): a number in both files, read
    back the same in either language (no thousands separators)."""
    if minor is None or not currency:
        return None
    return Decimal(minor).scaleb(-get_currency_precision(currency))
