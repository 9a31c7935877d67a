"""Leads from a .vcf file (a phone's address book export): one lead per card.

A card brings its name, company, position, phones and e-mails. Phones and e-mails that do
not validate are left out (and counted); a card already in the base by one of its phones
or e-mails is not saved twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import vobject

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access, clients, duplicates
from bot.services.crm.clients import MAX_NAME, MAX_SHORT, LeadDraft
from bot.services.crm.contacts import parse_email, parse_phone
from bot.services.errors import ClientRejected
from bot.storage.dto import ClientDTO
from bot.storage.uow import UnitOfWork

MAX_BYTES = 1024 * 1024
# Every card is a few queries in one update; a bigger address book goes through /import.
MAX_CARDS = 200
ENCODINGS = ("utf-8-sig", "cp1251")


class VCardProblem(StrEnum):
    TOO_BIG = "too_big"
    UNREADABLE = "unreadable"
    EMPTY = "empty"
    TOO_MANY = "too_many"


class VCardRejected(Exception):
    def __init__(self, problem: VCardProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Card:
    draft: LeadDraft
    left_out: int  # phones and e-mails that did not validate


@dataclass(frozen=True, slots=True)
class Saved:
    """What became of a file: the new leads, the names of cards already in the base, cards
    without any name, and the phones and e-mails left out."""

    created: list[ClientDTO]
    already_known: list[str]
    nameless: int
    left_out: int


def check_size(size: int | None) -> None:
    """Called before downloading: Telegram tells the size up front."""
    if size is not None and size > MAX_BYTES:
        raise VCardRejected(VCardProblem.TOO_BIG)


def parse(data: bytes, region: str) -> tuple[list[Card], int]:
    """The cards of a .vcf file and how many had no name to save them under."""
    check_size(len(data))
    text = _decode(data)
    try:
        components = [c for c in vobject.readComponents(text) if c.name == "VCARD"]
    except Exception as exc:  # vobject raises many kinds on malformed input
        raise VCardRejected(VCardProblem.UNREADABLE) from exc
    if not components:
        raise VCardRejected(VCardProblem.EMPTY)
    if len(components) > MAX_CARDS:
        raise VCardRejected(VCardProblem.TOO_MANY)
    cards, nameless = [], 0
    for component in components:
        card = _card(component, region)
        if card is None:
            nameless += 1
        else:
            cards.append(card)
    return cards, nameless


async def save(
    uow: UnitOfWork, actor: Actor, clock: Clock, cards: Sequence[Card], nameless: int = 0
) -> Saved:
    """Saves each card as a lead unless one of its phones or e-mails is already in the base
    (the file's own earlier cards included)."""
    access.require_staff(actor)
    created: list[ClientDTO] = []
    known: list[str] = []
    for card in cards:
        if await duplicates.exact(uow, card.draft):
            known.append(card.draft.name)
            continue
        created.append(await clients.create(uow, actor, clock, card.draft))
    return Saved(created, known, nameless, sum(card.left_out for card in cards))


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise VCardRejected(VCardProblem.UNREADABLE)


def _card(component: Any, region: str) -> Card | None:
    org = _first(component, "org")
    # ORG is "company;department": both are kept, readable.
    company = ", ".join(filter(None, map(_text, org))) if isinstance(org, list) else _text(org)
    name = _text(_first(component, "fn")) or _from_n(_first(component, "n")) or company
    if not name:
        return None
    phones, bad_phones = _valid(_all(component, "tel"), lambda v: parse_phone(v, region))
    emails, bad_emails = _valid(_all(component, "email"), parse_email)
    position = _text(_first(component, "title"))
    draft = LeadDraft(
        name=name[:MAX_NAME],
        company=company[:MAX_NAME] or None,
        position=position[:MAX_SHORT] or None,
        phones=tuple(phones),
        emails=tuple(emails),
    )
    return Card(draft, bad_phones + bad_emails)


def _first(component: Any, key: str) -> Any:
    lines = component.contents.get(key) or []
    return lines[0].value if lines else None


def _all(component: Any, key: str) -> list[str]:
    return [_text(line.value) for line in component.contents.get(key) or [] if _text(line.value)]


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _from_n(n: Any) -> str:
    """ "Petrov;Ivan;;;" read as "Ivan Petrov"."""
    if n is None:
        return ""
    parts: list[str] = []
    for part in (n.prefix, n.given, n.additional, n.family, n.suffix):
        parts.extend(part if isinstance(part, list) else [part])
    return _text(" ".join(p for p in parts if p))


def _valid(values: Iterable[str], check: Callable[[str], str]) -> tuple[list[str], int]:
    good: list[str] = []
    bad = 0
    for value in values:
        try:
            parsed = check(value)
        except ClientRejected:
            bad += 1
            continue
        if parsed not in good:
            good.append(parsed)
    return good, bad
