"""Finding clients by part of a name, company, phone, e-mail or tag, with a typo forgiven.

A query is answered in tiers, each one or two indexed queries, and a later tier only runs
when the earlier ones left room: a phone or an e-mail typed in full; a tag ("#vip"); every
word of the query equal to a word of the client; every word a prefix of one; and, when
nothing is found so, every word close to one (rapidfuzz on the few words sharing the typed
word's first letters or its skeleton). A word is also looked for transliterated into the
other script. Within a tier clients come by name (typo guesses: the closest first). Only
the clients the actor works with are searched (`access.owner_scope`).
"""

from __future__ import annotations

from collections.abc import Sequence

import phonenumbers
from rapidfuzz.distance import OSA

from bot.services.actors import Actor
from bot.services.crm import access
from bot.services.crm.contacts import phone_query
from bot.services.crm.text import MAX_WORD, digits, fold, skeleton, words
from bot.services.errors import ClientProblem, ClientRejected
from bot.storage.dto import ClientDTO
from bot.storage.uow import UnitOfWork

MAX_QUERY = 100
MAX_QUERY_WORDS = 5
# A typo is forgiven in words this long and longer, when this similar (0-1, optimal string
# alignment: one letter wrong, missing, extra, or two swapped, in four; two in seven).
FUZZY_MIN_LENGTH = 4
FUZZY_MIN_SIMILARITY = 0.7
# Distinct words compared with a mistyped one, and the close ones kept.
FUZZY_CANDIDATES = 2000
FUZZY_KEPT = 20
# Clients found by guessed words that are ranked by how close they are.
GUESSED = 50
# Queries for the closest guesses, the next closest and so on, for a one-word query.
FUZZY_ROUNDS = 3
# Clients a phone's digits are looked for among before the results are ranked.
CONTACT_CANDIDATES = 200

# Names are typed in either script ("ivanov" for "Иванов", "смит" for "Smith"): a word is
# also looked for as transliterated. Longer Latin letter groups are read first.
LATIN_GROUPS = {
    "shch": "щ", "sch": "щ", "yo": "е", "jo": "е", "zh": "ж", "kh": "х", "ts": "ц",
    "tz": "ц", "ch": "ч", "sh": "ш", "yu": "ю", "ju": "ю", "ya": "я", "ja": "я", "ye": "е",
    "iy": "ий", "yi": "ый",
}  # fmt: skip
LATIN_LETTERS = {
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
    "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс",
    "z": "з",
}  # fmt: skip
LATIN_VOWELS = frozenset("aeiouy")
CYRILLIC_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

Term = tuple[Sequence[str], Sequence[str]]


def checked(query: str) -> str:
    """The query trimmed; ClientRejected(EMPTY) when nothing is left to look for,
    ClientRejected(TOO_LONG) when it is longer than anyone types."""
    text = (query or "").strip()
    if not text or not (words(text) or digits(text)):
        raise ClientRejected(ClientProblem.EMPTY)
    if len(text) > MAX_QUERY:
        raise ClientRejected(ClientProblem.TOO_LONG)
    return text


async def find(
    uow: UnitOfWork, actor: Actor, query: str, *, region: str, limit: int = 10
) -> list[ClientDTO]:
    """The clients the query finds, best first, at most `limit`. Raises NotAllowed for a
    non-staff actor and ClientRejected(EMPTY / TOO_LONG) for a query not worth running.
    A deputy's own clients come first, then those of whom he covers for."""
    scopes = access.search_scopes(actor)
    text = checked(query)
    found: dict[int, ClientDTO] = {}
    for owner_id in scopes:
        for client in await _find(uow, owner_id, text, region=region, limit=limit - len(found)):
            found.setdefault(client.id, client)
        if len(found) >= limit:
            break
    return list(found.values())


async def _find(
    uow: UnitOfWork, owner_id: int | None, text: str, *, region: str, limit: int
) -> list[ClientDTO]:
    found: dict[int, ClientDTO] = {}

    def room() -> int:
        return limit - len(found)

    def take(clients: Sequence[ClientDTO]) -> None:
        for client in clients:
            if room() > 0:
                found.setdefault(client.id, client)

    if text.startswith("#"):
        tag = fold(text.lstrip("#").strip())[:MAX_WORD]
        if tag:
            take(await uow.clients.with_tag(tag, owner_id, limit))
            if room() > 0:
                take(await uow.clients.with_tag(tag, owner_id, room(), prefix=True, exclude=found))
            return list(found.values())

    if "@" in text[1:]:
        # An e-mail, whole or its beginning ("@username" is a Telegram name: words below).
        email = text.casefold()
        ids = await uow.clients.with_contact([email]) or await uow.clients.ids_with_contact_prefix(
            [email], owner_id, CONTACT_CANDIDATES
        )
        take(await _by_contacts(uow, ids, owner_id))
        # An address typed in full is decisive: its words ("mail", "ru") would only find
        # strangers.
        if found or "." in text.rsplit("@", 1)[1]:
            return list(found.values())

    phone = phone_query(text, region)
    if phone is not None:
        take(await _by_phone(uow, phone, text, region, owner_id))
        # Digits alone are a phone: their words ("912", "345") would find nothing more.
        if found or not any(char.isalpha() for char in text):
            return list(found.values())

    # The longest word first: with a single word, or the others a letter or two long, the
    # repository walks the index on it alone.
    terms = sorted(dict.fromkeys(words(text)), key=len, reverse=True)[:MAX_QUERY_WORDS]
    if not terms:
        return list(found.values())
    spellings = [_spellings(w) for w in terms]
    take(await uow.clients.search_words([((), s) for s in spellings], owner_id, room(), found))
    if room() > 0:
        take(await uow.clients.search_words([(s, ()) for s in spellings], owner_id, room(), found))
    # A typo is only guessed at when the words as typed find no one: a guess must not
    # crowd out what was actually typed.
    if not found and any(len(w) >= FUZZY_MIN_LENGTH for w in terms):
        close = [await _close_words(uow, w) for w in terms]
        if len(terms) == 1:
            # The closest words first: "петорв" is "петров" before it is "пестов".
            for group in _by_closeness(close[0])[:FUZZY_ROUNDS]:
                if room() > 0:
                    take(await uow.clients.search_words([((), group)], owner_id, room(), found))
        elif any(close):
            fuzzy: list[Term] = [
                (s, [w for w, _ in c]) for s, c in zip(spellings, close, strict=True)
            ]
            # More than fit are read, so that the closest come first, not the first by name.
            guessed = await uow.clients.search_words(fuzzy, owner_id, GUESSED, found)
            take(sorted(guessed, key=lambda c: (-_likeness(terms, c), fold(c.name), c.id)))
    return list(found.values())


def _spellings(word: str) -> list[str]:
    """The word as typed and transliterated into the other script."""
    other = _to_cyrillic(word) if word.isascii() else _to_latin(word)
    return list(dict.fromkeys(w for w in (word, other[:MAX_WORD]) if w))


def _to_cyrillic(word: str) -> str:
    result, i = [], 0
    while i < len(word):
        for size in (4, 3, 2):
            group = LATIN_GROUPS.get(word[i : i + size])
            if group is not None:
                result.append(group)
                i += size
                break
        else:
            result.append(_latin_letter(word, i))
            i += 1
    return "".join(result)


def _latin_letter(word: str, i: int) -> str:
    """One Latin letter in Cyrillic; "y" is "й" after a vowel or first, "ий" last
    ("Dmitry"), "ы" inside ("Bykov")."""
    char = word[i]
    if char != "y":
        return LATIN_LETTERS.get(char, char)
    if i == 0 or word[i - 1] in LATIN_VOWELS:
        return "й"
    return "ий" if i == len(word) - 1 else "ы"


def _to_latin(word: str) -> str:
    return "".join(CYRILLIC_LETTERS.get(char, char) for char in word)


def _likeness(terms: Sequence[str], client: ClientDTO) -> float:
    """How close a guessed client's name and company are to the words typed."""
    own = words(client.name) + words(client.company)
    return sum(max((_similarity(t, w) for w in own), default=0.0) for t in terms)


async def _by_phone(
    uow: UnitOfWork, phone: str, text: str, region: str, owner_id: int | None
) -> list[ClientDTO]:
    """The phone typed in full first; else numbers starting with the digits typed (as
    they are, or after the country code: "912 345", "8 912 345"); else numbers containing
    them (the last digits someone remembers)."""
    exact = await uow.clients.with_contact([phone])
    if exact:
        return await _by_contacts(uow, exact, owner_id)
    typed = digits(text)
    ids = await uow.clients.ids_with_contact_prefix(
        _phone_beginnings(typed, region), owner_id, CONTACT_CANDIDATES
    )
    if not ids:
        ids = await uow.clients.ids_with_phone_part(typed, owner_id, CONTACT_CANDIDATES)
    return await _by_contacts(uow, ids, owner_id)


def _phone_beginnings(typed: str, region: str) -> list[str]:
    """How stored numbers (E.164 digits) may begin when someone types the beginning of one:
    with the country code, or in the national form (the trunk prefix "8" in Russia)."""
    country = str(phonenumbers.country_code_for_region(region) or "")
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    trunk = (metadata.national_prefix if metadata else None) or ""
    beginnings = [typed]
    if country and not typed.startswith(country):
        national = typed[len(trunk) :] if trunk and typed.startswith(trunk) else typed
        beginnings.append(country + national)
    return list(dict.fromkeys(beginnings))


async def _by_contacts(
    uow: UnitOfWork, client_ids: Sequence[int], owner_id: int | None
) -> list[ClientDTO]:
    clients = await uow.clients.many(client_ids)
    mine = [c for c in clients if owner_id is None or c.owner_id == owner_id]
    return sorted(mine, key=lambda c: (fold(c.name), c.id))


async def _close_words(uow: UnitOfWork, word: str) -> list[tuple[str, float]]:
    """Stored words close enough to `word` to be what was meant, with how close (0-1), the
    closest first: the whole word, or its beginning as long as the typed word (a mistyped
    prefix: "ivonov" for "ivanovsky")."""
    if len(word) < FUZZY_MIN_LENGTH:
        return []
    candidates = await uow.clients.vocabulary_like(word[:2], skeleton(word), FUZZY_CANDIDATES)
    close: dict[str, float] = {}
    for candidate in candidates:
        score = _similarity(word, candidate)
        if score >= FUZZY_MIN_SIMILARITY:
            close[candidate] = score
    ranked = sorted(close.items(), key=lambda pair: (-pair[1], len(pair[0]), pair[0]))
    return ranked[:FUZZY_KEPT]


def _by_closeness(close: list[tuple[str, float]]) -> list[list[str]]:
    """The close words in groups of the same closeness, the closest group first."""
    groups: dict[float, list[str]] = {}
    for word, score in close:
        groups.setdefault(round(score, 3), []).append(word)
    return [groups[score] for score in sorted(groups, reverse=True)]


def _similarity(word: str, candidate: str) -> float:
    """How alike a typed word and a stored one are (see `_close_words`)."""
    return max(
        OSA.normalized_similarity(word, candidate),
        OSA.normalized_similarity(word, candidate[: len(word)]),
    )
