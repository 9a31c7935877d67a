"""Client lists: "My clients" (the head of sales and admins: everyone's), filtered by
status, segment, tag and how long nobody has been in touch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.services.actors import Actor
from bot.services.crm import access
from bot.services.crm.text import fold
from bot.services.errors import ClientProblem, ClientRejected
from bot.storage.dto import ClientDTO, UserDTO
from bot.storage.enums import ClientStatus, Segment
from bot.storage.uow import UnitOfWork

PAGE_SIZE = 8
# "No contact for N days": the choices offered.
SILENT_DAYS = (7, 14, 30, 60, 90)
TAG_CHOICES = 12


@dataclass(frozen=True, slots=True)
class ClientFilter:
    """What a list is narrowed to; None is "any"."""

    status: ClientStatus | None = None
    segment: Segment | None = None
    tag: str | None = None
    silent_days: int | None = None

    @property
    def is_empty(self) -> bool:
        return self == ClientFilter()

    @classmethod
    def parse(
        cls,
        *,
        status: str | None = None,
        segment: str | None = None,
        tag: str | None = None,
        silent_days: int | str | None = None,
    ) -> ClientFilter:
        """A filter from stored or pressed values; ClientRejected(BAD_CHOICE) for values no
        button offers (a forged or stale one)."""
        try:
            days = int(silent_days) if silent_days not in (None, "") else None
            result = cls(
                status=ClientStatus(status) if status else None,
                segment=Segment(segment) if segment else None,
                tag=fold(tag) if tag else None,
                silent_days=days,
            )
        except ValueError as exc:
            raise ClientRejected(ClientProblem.BAD_CHOICE) from exc
        if days is not None and days not in SILENT_DAYS:
            raise ClientRejected(ClientProblem.BAD_CHOICE)
        return result

    def stored(self) -> dict[str, str | int | None]:
        """The filter as plain values (for dialog data)."""
        return {
            "status": self.status.value if self.status else None,
            "segment": self.segment.value if self.segment else None,
            "tag": self.tag,
            "silent_days": self.silent_days,
        }


@dataclass(frozen=True, slots=True)
class ClientPage:
    items: list[ClientDTO]
    page: int
    pages: int
    total: int
    everyone: bool
    owners: dict[int, UserDTO] = field(default_factory=dict)


async def page(
    uow: UnitOfWork,
    actor: Actor,
    chosen: ClientFilter,
    number: int,
    now: datetime,
    *,
    size: int = PAGE_SIZE,
) -> ClientPage:
    """One page of the actor's clients (everyone's for the head of sales and admins), the
    longest without contact first; a page past the end is the last one."""
    owner_id = access.owner_scope(actor)
    status, tag = chosen.status, chosen.tag
    segment = chosen.segment.value if chosen.segment else None
    silent_before = now - timedelta(days=chosen.silent_days) if chosen.silent_days else None
    total = await uow.clients.count_listed(
        owner_id, status=status, segment=segment, tag=tag, silent_before=silent_before
    )
    pages = max(1, -(-total // size))
    number = min(max(0, number), pages - 1)
    items = await uow.clients.listed(
        owner_id,
        status=status,
        segment=segment,
        tag=tag,
        silent_before=silent_before,
        offset=number * size,
        limit=size,
    )
    owners: dict[int, UserDTO] = {}
    if owner_id is None:
        owners = {user.id: user for user in await uow.users.staff()}
    return ClientPage(items, number, pages, total, owner_id is None, owners)


async def tags(uow: UnitOfWork, actor: Actor) -> list[str]:
    """The tags a list can be filtered by: those of the actor's clients, most used first."""
    return await uow.clients.tags_in_use(access.owner_scope(actor), TAG_CHOICES)
