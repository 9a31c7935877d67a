"""Is this lead already in the base? The same phone, e-mail or Telegram account, or a name
and company close enough to be the same person written another way.

The whole base is checked, not only the actor's clients: a lead another specialist already
works with is worth knowing about. Such a match carries only its owner's name, so the
check reveals nothing else of a client the actor may not see.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

from bot.services.actors import Actor
from bot.services.crm import access
from bot.services.crm.clients import LeadDraft
from bot.services.crm.contacts import normalized
from bot.services.crm.text import fold, skeleton, words
from bot.storage.dto import ClientDTO
from bot.storage.enums import ContactKind
from bot.storage.uow import UnitOfWork

# token_sort_ratio of "name company" at which two people are taken for one: "Ivan Petrov,
# Acme" and "Petrov Ivan, ACME" score 100, "Ivan Petrov" and "Ivan Petrova" 96,
# "Ivan Petrov" and "Ivan Sidorov" 70.
CLOSE_NAME = 85
MIN_WORD = 3  # shorter words ("ООО", "Li") find too many to be worth a look
CANDIDATES_PER_WORD = 100
SHOWN = 5


class MatchReason(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    TELEGRAM = "telegram"
    NAME = "name"

    @property
    def is_exact(self) -> bool:
        return self is not MatchReason.NAME


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A client the lead may be. `client` is None when the actor may not see him: then only
    the name of whoever owns him is told."""

    reason: MatchReason
    client: ClientDTO | None
    owner_name: str | None

    @property
    def visible(self) -> bool:
        return self.client is not None


async def find(
    uow: UnitOfWork,
    actor: Actor,
    draft: LeadDraft,
    *,
    exclude: Set[int] = frozenset(),
    limit: int = SHOWN,
) -> list[Duplicate]:
    """Clients the draft may be a second card of: exact matches first, then the closest
    names. `exclude` leaves out cards the caller already knows about."""
    access.require_staff(actor)
    reasons: dict[int, MatchReason] = {}
    for client_id, reason in await exact(uow, draft):
        if client_id not in exclude:
            reasons.setdefault(client_id, reason)
    for client_id, _score in await _close_names(uow, draft, exclude | reasons.keys()):
        reasons[client_id] = MatchReason.NAME
    found = []
    for client in await uow.clients.many(list(reasons)[:limit]):
        owner = await uow.users.find(client.owner_id)
        found.append(
            Duplicate(
                reason=reasons[client.id],
                client=client if access.may_see(actor, client) else None,
                owner_name=owner.display_name if owner else None,
            )
        )
    return found


async def exact(uow: UnitOfWork, draft: LeadDraft) -> list[tuple[int, MatchReason]]:
    """Clients having one of the draft's phones or e-mails or his Telegram account."""
    found: list[tuple[int, MatchReason]] = []
    for kind, values in ((ContactKind.PHONE, draft.phones), (ContactKind.EMAIL, draft.emails)):
        keys = [normalized(kind, value) for value in values]
        reason = MatchReason.PHONE if kind is ContactKind.PHONE else MatchReason.EMAIL
        found.extend((client_id, reason) for client_id in await uow.clients.with_contact(keys))
    if draft.user_id is not None:
        linked = await uow.clients.by_user(draft.user_id)
        if linked is not None:
            found.append((linked.id, MatchReason.TELEGRAM))
    if draft.telegram_username:
        username = fold(draft.telegram_username.lstrip("@"))
        # The username is one of the client's search words: its index finds him.
        for client in await uow.clients.many(
            await uow.clients.ids_with_word_prefix(username, None, CANDIDATES_PER_WORD)
        ):
            if client.telegram_username and fold(client.telegram_username) == username:
                found.append((client.id, MatchReason.TELEGRAM))
    return found


def _name_key(name: str, company: str | None) -> str:
    """Folded words only: quotes, dots and "<>" say nothing of who he is."""
    return " ".join(words(name) + words(company))


async def _close_names(
    uow: UnitOfWork, draft: LeadDraft, exclude: Set[int]
) -> list[tuple[int, float]]:
    """(client id, score) of clients whose name and company read like the draft's, best
    first. Candidates come from the search words, so this stays an indexed lookup."""
    looked_up = {w for w in words(draft.name) + words(draft.company) if len(w) >= MIN_WORD}
    candidates: set[int] = set()
    for word in looked_up:
        pairs = await uow.clients.words_like(word, skeleton(word), None, CANDIDATES_PER_WORD)
        candidates.update(client_id for client_id, _word in pairs)
    candidates -= exclude
    scored = []
    for client in await uow.clients.many(sorted(candidates)):
        score = _similarity(draft, client)
        if score >= CLOSE_NAME:
            scored.append((client.id, score))
    scored.sort(key=lambda pair: -pair[1])
    return scored


def _similarity(draft: LeadDraft, client: ClientDTO) -> float:
    """A company known on one side only says nothing either way: names alone are compared."""
    if draft.company and client.company:
        return fuzz.token_sort_ratio(
            _name_key(draft.name, draft.company), _name_key(client.name, client.company)
        )
    return fuzz.token_sort_ratio(_name_key(draft.name, None), _name_key(client.name, None))
