"""Clients of the CRM base: the card, its phones and e-mails, tags and search words."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import (
    Select,
    bindparam,
    delete,
    exists,
    false,
    func,
    insert,
    intersect,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.storage.bulk import insert_rows, reserve_ids
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


def reversed_digits(kind: ContactKind, normalized: str) -> str | None:
    """A phone's digits backwards: its last digits become a prefix an index can serve."""
    return normalized[::-1] if kind is ContactKind.PHONE else None


def prefix_range(column, prefix: str):  # type: ignore[no-untyped-def]
    """`column` starts with `prefix`, as a range an ordinary index serves on both databases
    (the column is binary-collated: SQLite's default, "C" on PostgreSQL)."""
    return (column >= prefix) & (column < prefix + "\U0010ffff")


# A search word's prefix shorter than this matches too many words to be read in full.
BROAD_PREFIX = 3


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
            client_id=client_id,
            kind=kind.value,
            value=value,
            normalized=normalized,
            reversed_digits=reversed_digits(kind, normalized),
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

    async def touch(self, client_id: int, at: datetime) -> None:
        """The client was in contact at `at` (an earlier contact logged late changes
        nothing); his card counts as updated then."""
        await self._session.execute(
            update(Client)
            .where(Client.id == client_id, _contact_before(at))
            .values(last_contact_at=at, updated_at=at)
        )

    async def touch_user(self, user_id: int, at: datetime) -> None:
        """The card linked to this Telegram account was in contact at `at`."""
        await self._session.execute(
            update(Client)
            .where(Client.user_id == user_id, _contact_before(at))
            .values(last_contact_at=at)
        )

    async def search_words(
        self,
        terms: Sequence[tuple[Sequence[str], Sequence[str]]],
        owner_id: int | None,
        limit: int,
        exclude: Collection[int] = (),
        candidates: int = 100,
    ) -> list[ClientDTO]:
        """Clients every term matches a word of, by name among the first `candidates`. A
        term is (prefixes, words): a word starting with one of `prefixes` or equal to one of
        `words`. One term is a walk on the word index that stops at `candidates`; several
        intersect (each a range on the index, hashed: a nested check per row was 30 times
        slower on PostgreSQL); a term of one or two letters ("ivanov i") would read half
        the index, so it is only checked on the clients the others find."""
        if not terms:
            return []
        narrow = [term for term in terms if not _broad(term)] or [terms[0]]
        broad = [term for term in terms if all(term is not n for n in narrow)]
        selects = [
            select(ClientWord.client_id).where(_word_term(ClientWord, prefixes, exact))
            for prefixes, exact in narrow
        ]
        if len(selects) == 1:
            found, client_id = selects[0], ClientWord.client_id
        else:
            both = intersect(*selects).subquery()
            found, client_id = select(both.c.client_id), both.c.client_id
        # The owner first: one lookup that most candidates of a specialist fail.
        if owner_id is not None:
            found = found.where(_owned_by(client_id, owner_id))
        for prefixes, exact in broad:
            other = aliased(ClientWord)
            found = found.where(
                exists().where(other.client_id == client_id, _word_term(other, prefixes, exact))
            )
        if exclude:
            found = found.where(client_id.not_in(list(exclude)))
        return await self._by_name(found.limit(candidates), limit)

    async def vocabulary_like(self, prefix: str, skeleton: str, limit: int) -> list[str]:
        """Distinct words starting with `prefix` or having `skeleton`: the few candidates a
        word typed with a typo is compared with (words, not clients, so the list is short)."""
        conditions = [prefix_range(ClientWord.word, prefix)]
        if skeleton:
            conditions.append(ClientWord.skeleton == skeleton)
        rows = await self._session.scalars(
            select(ClientWord.word).where(or_(*conditions)).distinct().limit(limit)
        )
        return list(rows)

    async def with_tag(
        self,
        tag: str,
        owner_id: int | None,
        limit: int,
        *,
        prefix: bool = False,
        exclude: Collection[int] = (),
        candidates: int = 100,
    ) -> list[ClientDTO]:
        """Clients tagged `tag` (or a tag starting with it), by name among the first
        `candidates` on the tag index."""
        condition = prefix_range(ClientTag.tag, tag) if prefix else ClientTag.tag == tag
        found = select(ClientTag.client_id).where(condition)
        if owner_id is not None:
            found = found.where(_owned_by(ClientTag.client_id, owner_id))
        if exclude:
            found = found.where(ClientTag.client_id.not_in(list(exclude)))
        return await self._by_name(found.limit(candidates), limit)

    async def ids_with_contact_prefix(
        self, prefixes: Sequence[str], owner_id: int | None, limit: int
    ) -> list[int]:
        """Clients a phone's digits or an e-mail of whom starts with one of `prefixes`
        (a range on the index each)."""
        if not prefixes:
            return []
        query = select(ClientContact.client_id).where(
            or_(*(prefix_range(ClientContact.normalized, p) for p in prefixes))
        )
        if owner_id is not None:
            query = query.where(_owned_by(ClientContact.client_id, owner_id))
        rows = await self._session.scalars(query.limit(limit))
        return list(dict.fromkeys(rows))

    async def ids_with_phone_part(self, part: str, owner_id: int | None, limit: int) -> list[int]:
        """Clients a phone of whom ends with these digits (the last ones someone remembers:
        a range on the index of the reversed digits), else contains them (a walk over the
        phones' part of the contact index, e-mails left aside)."""
        ending = select(ClientContact.client_id).where(
            prefix_range(ClientContact.reversed_digits, part[::-1])
        )
        if owner_id is not None:
            ending = ending.where(_owned_by(ClientContact.client_id, owner_id))
        found = list(dict.fromkeys(await self._session.scalars(ending.limit(limit))))
        if found:
            return found
        query = select(ClientContact.client_id).where(
            ClientContact.normalized >= "0",
            ClientContact.normalized < ":",
            ClientContact.normalized.contains(part, autoescape=True),
        )
        if owner_id is not None:
            query = query.where(_owned_by(ClientContact.client_id, owner_id))
        rows = await self._session.scalars(query.limit(limit))
        return list(dict.fromkeys(rows))

    async def _by_name(self, client_ids: Select[tuple[int]], limit: int) -> list[ClientDTO]:
        rows = await self._session.scalars(
            select(Client)
            .where(Client.id.in_(client_ids))
            .order_by(Client.name, Client.id)
            .limit(limit)
        )
        return [to_dto(row) for row in rows]

    # Client lists ("My clients", bot/services/crm/lists.py)

    async def listed(
        self,
        owner_id: int | None,
        *,
        status: ClientStatus | None = None,
        segment: str | None = None,
        tag: str | None = None,
        silent_before: datetime | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> list[ClientDTO]:
        """A page of clients matching the filters, the longest without contact first (never
        contacted ones before all); a specialist's are narrowed by the (owner, last
        contact) index first."""
        query = _listing(owner_id, status, segment, tag, silent_before, select(Client))
        rows = await self._session.scalars(
            query.order_by(Client.last_contact_at.asc().nulls_first(), Client.id)
            .offset(offset)
            .limit(limit)
        )
        return [to_dto(row) for row in rows]

    async def count_listed(
        self,
        owner_id: int | None,
        *,
        status: ClientStatus | None = None,
        segment: str | None = None,
        tag: str | None = None,
        silent_before: datetime | None = None,
    ) -> int:
        query = _listing(
            owner_id, status, segment, tag, silent_before, select(func.count()).select_from(Client)
        )
        return int(await self._session.scalar(query) or 0)

    async def tags_in_use(self, owner_id: int | None, limit: int) -> list[str]:
        """The tags of `owner_id`'s clients (everyone's for None), the most used first."""
        query = select(ClientTag.tag, func.count().label("uses"))
        if owner_id is not None:
            query = query.where(_owned_by(ClientTag.client_id, owner_id))
        rows = await self._session.execute(
            query.group_by(ClientTag.tag).order_by(func.count().desc(), ClientTag.tag).limit(limit)
        )
        return [tag for tag, _ in rows.all()]

    async def recently_updated(self, owner_id: int, *, limit: int) -> list[ClientDTO]:
        """The owner's clients whose card changed last (a contact, an edit), newest first;
        the owner index narrows it to his clients before they are sorted."""
        rows = await self._session.scalars(
            select(Client)
            .where(Client.owner_id == owner_id)
            .order_by(Client.updated_at.desc(), Client.id.desc())
            .limit(limit)
        )
        return [to_dto(row) for row in rows]

    # Import and export (bot/services/crm/importing.py, exporting.py): one statement per
    # batch of clients, never one per client

    async def contact_holders(self, normalized: Sequence[str]) -> list[tuple[str, int]]:
        """(normalized contact, client id) for every client having one of these contacts."""
        if not normalized:
            return []
        rows = await self._session.execute(
            select(ClientContact.normalized, ClientContact.client_id).where(
                ClientContact.normalized.in_(list(normalized))
            )
        )
        return [(value, client_id) for value, client_id in rows.all()]

    async def add_many(self, rows: Sequence[Mapping[str, object]], *, now: datetime) -> list[int]:
        """Inserts clients (each a dict of the same columns) in one go; returns their ids
        in the order given. On PostgreSQL the ids are taken from the sequence first and the
        rows copied with them. On SQLite they come from one RETURNING executemany, and as
        it does not promise the order of its rows, each id is matched to its row by the
        values returned with it: rows equal in every column are interchangeable."""
        if not rows:
            return []
        keys = sorted(rows[0])
        table = Client.__table__
        stored = [{**_stored(dict(row)), "created_at": now, "updated_at": now} for row in rows]
        reserved = await reserve_ids(self._session, table, len(stored))
        if reserved is not None:
            await insert_rows(
                self._session,
                table,
                [{"id": i, **row} for i, row in zip(reserved, stored, strict=True)],
            )
            return reserved
        result = await self._session.execute(
            insert(table).returning(table.c.id, *(table.c[key] for key in keys)), stored
        )
        waiting: defaultdict[tuple[object, ...], deque[int]] = defaultdict(deque)
        for index, row in enumerate(stored):
            waiting[tuple(row[key] for key in keys)].append(index)
        ids = [0] * len(rows)
        for returned in result.all():
            ids[waiting[tuple(returned[1:])].popleft()] = returned[0]
        return ids

    async def add_contacts(self, rows: Sequence[tuple[int, ContactKind, str, str]]) -> None:
        """(client id, kind, value, normalized) rows in one executemany."""
        if rows:
            await insert_rows(
                self._session,
                ClientContact.__table__,
                [
                    {
                        "client_id": c,
                        "kind": k.value,
                        "value": v,
                        "normalized": n,
                        "reversed_digits": reversed_digits(k, n),
                    }
                    for c, k, v, n in rows
                ],
            )

    async def add_tags(self, rows: Sequence[tuple[int, str]]) -> None:
        """(client id, tag) rows the clients do not have yet, in one executemany."""
        if rows:
            await insert_rows(
                self._session,
                ClientTag.__table__,
                [{"client_id": client_id, "tag": tag} for client_id, tag in rows],
            )

    async def add_words(self, words: Mapping[int, Iterable[tuple[str, str]]]) -> None:
        """Search words of clients that have none yet (see `set_words`), in one executemany."""
        rows = [
            {"client_id": client_id, "word": word, "skeleton": skeleton}
            for client_id, pairs in words.items()
            for word, skeleton in dict(pairs).items()
        ]
        await insert_rows(self._session, ClientWord.__table__, rows)

    async def replace_words(self, words: Mapping[int, Iterable[tuple[str, str]]]) -> None:
        """Sets the search words of many clients at once (see `set_words`)."""
        if words:
            await self._session.execute(
                delete(ClientWord).where(ClientWord.client_id.in_(list(words)))
            )
            await self.add_words(words)

    async def update_many(self, changes: Sequence[Mapping[str, object]], *, now: datetime) -> None:
        """Sets different fields of different clients: each change is a dict with the
        client's "id" and the fields to set; one executemany per set of fields."""
        table = Client.__table__
        groups: defaultdict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
        for change in changes:
            fields = _stored({k: v for k, v in change.items() if k != "id"})
            groups[tuple(sorted(fields))].append(
                {"b_id": change["id"], **{f"b_{k}": v for k, v in fields.items()}}
            )
        for keys, params in groups.items():
            values = {key: bindparam(f"b_{key}") for key in keys}
            await self._session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(**values, updated_at=now),
                params,
            )

    async def contact_values_of(
        self, client_ids: Sequence[int]
    ) -> dict[int, list[tuple[ContactKind, str]]]:
        """(kind, value) of each client's phones and e-mails in the order added: what an
        export writes, read as plain rows."""
        result: dict[int, list[tuple[ContactKind, str]]] = {i: [] for i in client_ids}
        if not client_ids:
            return result
        rows = await self._session.execute(
            select(ClientContact.client_id, ClientContact.kind, ClientContact.value)
            .where(ClientContact.client_id.in_(client_ids))
            .order_by(ClientContact.id)
        )
        for client_id, kind, value in rows.all():
            result[client_id].append((ContactKind(kind), value))
        return result

    async def export_page(self, owner_id: int | None, after_id: int, limit: int) -> list[ClientDTO]:
        """The next `limit` clients by id after `after_id` (`owner_id`'s only when given):
        a keyset page, as fast at the end of a big base as at its start."""
        table = Client.__table__
        # Plain rows, not ORM objects: a whole base is read, and tracking costs more than
        # reading here.
        query = select(table).where(table.c.id > after_id)
        if owner_id is not None:
            query = query.where(table.c.owner_id == owner_id)
        rows = await self._session.execute(query.order_by(table.c.id).limit(limit))
        return [to_dto(row) for row in rows]  # type: ignore[arg-type]


def _contact_before(at: datetime):  # type: ignore[no-untyped-def]
    return or_(Client.last_contact_at.is_(None), Client.last_contact_at < at)


def _stored(fields: dict[str, object]) -> dict[str, object]:
    """Enums are stored as their values."""
    return {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items()}


def _word_term(words, prefixes: Sequence[str], exact: Sequence[str]):  # type: ignore[no-untyped-def]
    """A word of `words` (ClientWord or an alias) that starts with one of `prefixes` or is
    one of `exact`."""
    conditions = [prefix_range(words.word, prefix) for prefix in prefixes if prefix]
    if exact:
        conditions.append(words.word.in_(list(exact)))
    return or_(*conditions) if conditions else false()


def _listing(  # type: ignore[no-untyped-def]
    owner_id: int | None,
    status: ClientStatus | None,
    segment: str | None,
    tag: str | None,
    silent_before: datetime | None,
    query,
):
    """The filters of a client list on `query` (a select from clients)."""
    if owner_id is not None:
        query = query.where(Client.owner_id == owner_id)
    if status is not None:
        query = query.where(Client.status == status.value)
    if segment is not None:
        query = query.where(Client.segment == segment)
    if tag is not None:
        if owner_id is not None:
            # The owner index has narrowed the clients: each is checked on the tag key.
            query = query.where(
                exists().where(ClientTag.client_id == Client.id, ClientTag.tag == tag)
            )
        else:
            # Everyone's: the tag index names the clients to read.
            query = query.where(
                Client.id.in_(select(ClientTag.client_id).where(ClientTag.tag == tag))
            )
    if silent_before is not None:
        query = query.where(
            or_(Client.last_contact_at.is_(None), Client.last_contact_at < silent_before)
        )
    return query


def _broad(term: tuple[Sequence[str], Sequence[str]]) -> bool:
    """A term whose prefix is a letter or two: it matches a large part of the index."""
    prefixes, _exact = term
    return any(len(prefix) < BROAD_PREFIX for prefix in prefixes)


def _owned_by(client_id, owner_id: int):  # type: ignore[no-untyped-def]
    """The client `client_id` (a column) is `owner_id`'s: checked per candidate on the
    primary key, so the search keeps walking the word index (an IN over the owner's
    clients makes SQLite walk all of them instead)."""
    return exists().where(Client.id == client_id, Client.owner_id == owner_id)
