"""Clients of the CRM base: the card, its phones and e-mails, tags and search words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dto import ClientDTO, ContactDTO
from bot.storage.enums import ClientStatus, ContactKind, PaymentHabit
from bot.storage.models import Client, ClientContact, ClientTag, ClientWord
from bot.storage.repositories.rows import from_row


def to_dto(row: Client) -> ClientDTO:
    return from_row(
        ClientDTO, row, status=ClientStatus(row.status), payment=PaymentHabit(row.payment)
    )


def _contact(row: ClientContact) -> ContactDTO:
    return from_row(ContactDTO, row, kind=ContactKind(row.kind))


def prefix_range(column, prefix: str):  # type: ignore[no-untyped-def]
    """`column` starts with `prefix`, as a range an ordinary index serves on both databases
    (the column is binary-collated: SQLite's default, "C" on PostgreSQL)."""
    return (column >= prefix) & (column < prefix + "\U0010ffff")


class ClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *, now: datetime, **fields: object) -> ClientDTO:
        row = Client(**_stored(fields), created_at=now, updated_at=now)
        self._session.add(row)
        await self._session.flush()
        return to_dto(row)

    async def get(self, client_id: int) -> ClientDTO | None:
        row = await self._session.get(Client, client_id)
        return to_dto(row) if row else None

    async def many(self, client_ids: Iterable[int]) -> list[ClientDTO]:
        """The clients with these ids, in the order given (missing ones left out)."""
        ids = list(dict.fromkeys(client_ids))
        if not ids:
            return []
        rows = await self._session.scalars(select(Client).where(Client.id.in_(ids)))
        found = {row.id: to_dto(row) for row in rows}
        return [found[i] for i in ids if i in found]

    async def by_user(self, user_id: int) -> ClientDTO | None:
        row = await self._session.scalar(select(Client).where(Client.user_id == user_id))
        return to_dto(row) if row else None

    async def update(self, client_id: int, *, now: datetime, **fields: object) -> ClientDTO:
        await self._session.execute(
            update(Client).where(Client.id == client_id).values(**_stored(fields), updated_at=now)
        )
        row = await self._session.get(Client, client_id, populate_existing=True)
        assert row is not None
        return to_dto(row)

    async def delete(self, client_id: int) -> None:
        await self._session.execute(delete(Client).where(Client.id == client_id))

    async def count(self, owner_id: int | None = None) -> int:
        query = select(func.count()).select_from(Client)
        if owner_id is not None:
            query = query.where(Client.owner_id == owner_id)
        return int(await self._session.scalar(query) or 0)

    # Phones and e-mails

    async def contacts(self, client_id: int) -> list[ContactDTO]:
        rows = await self._session.scalars(
            select(ClientContact)
            .where(ClientContact.client_id == client_id)
            .order_by(ClientContact.id)
        )
        return [_contact(row) for row in rows]

    async def contacts_of(self, client_ids: Sequence[int]) -> dict[int, list[ContactDTO]]:
        result: dict[int, list[ContactDTO]] = {i: [] for i in client_ids}
        if not client_ids:
            return result
        rows = await self._session.scalars(
            select(ClientContact)
            .where(ClientContact.client_id.in_(client_ids))
            .order_by(ClientContact.id)
        )
        for row in rows:
            result[row.client_id].append(_contact(row))
        return result

    async def add_contact(
        self, client_id: int, kind: ContactKind, value: str, normalized: str
    ) -> ContactDTO:
        row = ClientContact(
            client_id=client_id, kind=kind.value, value=value, normalized=normalized
        )
        self._session.add(row)
        await self._session.flush()
        return _contact(row)

    async def remove_contact(self, client_id: int, contact_id: int) -> bool:
        result = await self._session.execute(
            delete(ClientContact).where(
                ClientContact.id == contact_id, ClientContact.client_id == client_id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def move_contacts(self, from_id: int, to_id: int) -> None:
        await self._session.execute(
            update(ClientContact).where(ClientContact.client_id == from_id).values(client_id=to_id)
        )

    async def with_contact(self, normalized: Iterable[str]) -> list[int]:
        """Ids of clients having any of these phones (digits) or e-mails (lower case)."""
        values = list(normalized)
        if not values:
            return []
        rows = await self._session.scalars(
            select(ClientContact.client_id).where(ClientContact.normalized.in_(values)).distinct()
        )
        return list(rows)

    # Tags

    async def tags(self, client_id: int) -> list[str]:
        rows = await self._session.scalars(
            select(ClientTag.tag).where(ClientTag.client_id == client_id).order_by(ClientTag.tag)
        )
        return list(rows)

    async def tags_of(self, client_ids: Sequence[int]) -> dict[int, list[str]]:
        result: dict[int, list[str]] = {i: [] for i in client_ids}
        if not client_ids:
            return result
        rows = await self._session.execute(
            select(ClientTag.client_id, ClientTag.tag)
            .where(ClientTag.client_id.in_(client_ids))
            .order_by(ClientTag.tag)
        )
        for client_id, tag in rows.all():
            result[client_id].append(tag)
        return result

    async def set_tags(self, client_id: int, tags: Iterable[str]) -> None:
        await self._session.execute(delete(ClientTag).where(ClientTag.client_id == client_id))
        self._session.add_all(ClientTag(client_id=client_id, tag=tag) for tag in set(tags))
        await self._session.flush()

    # Search words (kept by the service that knows how to fold text)

    async def set_words(self, client_id: int, words: Iterable[tuple[str, str]]) -> None:
        await self._session.execute(delete(ClientWord).where(ClientWord.client_id == client_id))
        self._session.add_all(
            ClientWord(client_id=client_id, word=word, skeleton=skeleton)
            for word, skeleton in dict(words).items()
        )
        await self._session.flush()

    async def ids_with_word_prefix(
        self, prefix: str, owner_id: int | None, limit: int
    ) -> list[int]:
        """Clients having a word that starts with `prefix`; only `owner_id`'s when given."""
        query = select(ClientWord.client_id).where(prefix_range(ClientWord.word, prefix))
        if owner_id is not None:
            query = query.join(Client, Client.id == ClientWord.client_id).where(
                Client.owner_id == owner_id
            )
        rows = await self._session.scalars(query.distinct().limit(limit))
        return list(rows)

    async def words_like(
        self, prefix: str, skeleton: str, owner_id: int | None, limit: int
    ) -> list[tuple[int, str]]:
        """(client id, word) of words that start with `prefix` or share `skeleton`:
        the candidates a fuzzy match is then scored on."""
        conditions = [prefix_range(ClientWord.word, prefix)]
        if skeleton:
            conditions.append(ClientWord.skeleton == skeleton)
        query = select(ClientWord.client_id, ClientWord.word).where(or_(*conditions))
        if owner_id is not None:
            query = query.join(Client, Client.id == ClientWord.client_id).where(
                Client.owner_id == owner_id
            )
        rows = await self._session.execute(query.limit(limit))
        return [(client_id, word) for client_id, word in rows.all()]

    async def ids_with_contact_part(self, part: str, owner_id: int | None, limit: int) -> list[int]:
        """Clients a phone's digits or an e-mail of whom contains `part`."""
        query = select(ClientContact.client_id).where(ClientContact.normalized.contains(part))
        if owner_id is not None:
            query = query.join(Client, Client.id == ClientContact.client_id).where(
                Client.owner_id == owner_id
            )
        rows = await self._session.scalars(query.distinct().limit(limit))
        return list(rows)


def _stored(fields: dict[str, object]) -> dict[str, object]:
    """Enums are stored as their values."""
    return {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items()}
