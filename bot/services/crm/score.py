"""The reliability score of a lead or client: 0–100, made of five factors the card shows
in words, so the specialist sees why a number is what it is.

Weights (they add up to 100):

- DETAILS, 25: completeness of the company details — company, position, a phone, an e-mail
  and the needs, 5 points each. A prospect who tells who he is and what he wants is serious.
- CLAIMS, 20: claims filed from the client's Telegram account. None: 20; each claim takes
  5 off, so four or more leave 0. A card without a Telegram account has no claims: 20.
- PAYMENT, 25: the payment habit the specialist noted. Pays on time 25, not known yet 12
  (half: no evidence either way), sometimes late 10, often late 0.
- RESPONSIVENESS, 15: the last contact (a meeting, call, visit or online meeting) within
  30 days: 10, within 90 days: 5, older or none: 0; plus 5 when none of his requests waits
  for his answer.
- DEALS, 15: the share of won deals among closed ones (won / (won + lost)) times 15; with
  no closed deal yet, 7 (half: no evidence either way).

The specialist may override the number with a reason (`score_override`, `score_reason` on
the card); the computed score and its factors are still shown next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import clients
from bot.services.errors import ClientProblem, ClientRejected
from bot.storage.dto import ClientDTO
from bot.storage.enums import ContactKind, DealStage, PaymentHabit, RequestKind, RequestStatus
from bot.storage.uow import UnitOfWork

DETAIL_POINTS = 5
CLAIMS_WEIGHT = 20
CLAIM_PENALTY = 5
PAYMENT_POINTS = {
    PaymentHabit.ON_TIME: 25,
    PaymentHabit.UNKNOWN: 12,
    PaymentHabit.SOMETIMES_LATE: 10,
    PaymentHabit.OFTEN_LATE: 0,
}
PAYMENT_WEIGHT = 25
RECENT = timedelta(days=30)
LATELY = timedelta(days=90)
RECENT_POINTS = 10
LATELY_POINTS = 5
NOT_WAITING_POINTS = 5
RESPONSIVENESS_WEIGHT = RECENT_POINTS + NOT_WAITING_POINTS
DEALS_WEIGHT = 15
NO_DEALS_POINTS = 7
MAX_SCORE = 100


class Detail(StrEnum):
    """The company details the DETAILS factor counts."""

    COMPANY = "company"
    POSITION = "position"
    PHONE = "phone"
    EMAIL = "email"
    NEEDS = "needs"


DETAILS_WEIGHT = DETAIL_POINTS * len(Detail)


class FactorKind(StrEnum):
    DETAILS = "details"
    CLAIMS = "claims"
    PAYMENT = "payment"
    RESPONSIVENESS = "responsiveness"
    DEALS = "deals"


@dataclass(frozen=True, slots=True)
class Factor:
    """One part of the score with what it was computed from (the card puts it in words)."""

    kind: FactorKind
    points: int
    weight: int
    missing: tuple[Detail, ...] = ()
    claims: int = 0
    payment: PaymentHabit = PaymentHabit.UNKNOWN
    days_since_contact: int | None = None
    waiting: int = 0
    won: int = 0
    lost: int = 0


@dataclass(frozen=True, slots=True)
class Score:
    computed: int
    factors: tuple[Factor, ...]
    override: int | None = None
    reason: str | None = None

    @property
    def value(self) -> int:
        """What the card shows: the specialist's number when he set one."""
        return self.computed if self.override is None else self.override

    @property
    def overridden(self) -> bool:
        return self.override is not None


async def reliability(uow: UnitOfWork, client: ClientDTO, now: datetime) -> Score:
    """The client's score now; reads his contacts, requests (counted, not loaded) and deals."""
    contacts = await uow.clients.contacts(client.id)
    kinds = {contact.kind for contact in contacts}
    tally = await uow.requests.tally_of_client(client.user_id) if client.user_id else {}
    deals = await uow.deals.of_client(client.id)
    factors = (
        details_factor(client, kinds),
        claims_factor(sum(n for (kind, _), n in tally.items() if kind is RequestKind.CLAIM)),
        payment_factor(client.payment),
        responsiveness_factor(
            client.last_contact_at,
            sum(n for (_, status), n in tally.items() if status is RequestStatus.WAITING),
            now,
        ),
        deals_factor(
            sum(1 for deal in deals if deal.stage is DealStage.WON),
            sum(1 for deal in deals if deal.stage is DealStage.LOST),
        ),
    )
    computed = min(MAX_SCORE, max(0, sum(factor.points for factor in factors)))
    return Score(
        computed=computed,
        factors=factors,
        override=client.score_override,
        reason=client.score_reason,
    )


def details_factor(client: ClientDTO, kinds: set[ContactKind]) -> Factor:
    present = {
        Detail.COMPANY: bool(client.company),
        Detail.POSITION: bool(client.position),
        Detail.PHONE: ContactKind.PHONE in kinds,
        Detail.EMAIL: ContactKind.EMAIL in kinds,
        Detail.NEEDS: bool(client.needs),
    }
    missing = tuple(detail for detail, there in present.items() if not there)
    return Factor(
        FactorKind.DETAILS,
        points=DETAIL_POINTS * (len(Detail) - len(missing)),
        weight=DETAILS_WEIGHT,
        missing=missing,
    )


def claims_factor(claims: int) -> Factor:
    return Factor(
        FactorKind.CLAIMS,
        points=max(0, CLAIMS_WEIGHT - CLAIM_PENALTY * claims),
        weight=CLAIMS_WEIGHT,
        claims=claims,
    )


def payment_factor(payment: PaymentHabit) -> Factor:
    return Factor(
        FactorKind.PAYMENT,
        points=PAYMENT_POINTS[payment],
        weight=PAYMENT_WEIGHT,
        payment=payment,
    )


def responsiveness_factor(last_contact: datetime | None, waiting: int, now: datetime) -> Factor:
    points = 0 if waiting else NOT_WAITING_POINTS
    days = None
    if last_contact is not None:
        since = now - last_contact
        days = max(0, since.days)
        if since <= RECENT:
            points += RECENT_POINTS
        elif since <= LATELY:
            points += LATELY_POINTS
    return Factor(
        FactorKind.RESPONSIVENESS,
        points=points,
        weight=RESPONSIVENESS_WEIGHT,
        days_since_contact=days,
        waiting=waiting,
    )


def deals_factor(won: int, lost: int) -> Factor:
    closed = won + lost
    points = round(DEALS_WEIGHT * won / closed) if closed else NO_DEALS_POINTS
    return Factor(FactorKind.DEALS, points=points, weight=DEALS_WEIGHT, won=won, lost=lost)


def parse_score(text: str | None) -> int:
    """A score typed by hand: a whole number 0–100; ClientRejected(BAD_NUMBER) otherwise."""
    value = (text or "").strip()
    if not value.isdigit() or int(value) > MAX_SCORE:
        raise ClientRejected(ClientProblem.BAD_NUMBER)
    return int(value)


async def override(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int, value: int, reason: str | None
) -> ClientDTO:
    """The specialist's own score with his reason (required); both land in the timeline
    and the audit log as card edits. NotAllowed as for the card."""
    if not 0 <= value <= MAX_SCORE:
        raise ClientRejected(ClientProblem.BAD_NUMBER)
    cleaned = clients.clean_text(reason, clients.MAX_TEXT, required=True)
    return await clients.update(
        uow, actor, clock, client_id, score_override=value, score_reason=cleaned
    )


async def back_to_computed(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int
) -> ClientDTO:
    """Drops the specialist's number: the card shows the computed score again."""
    return await clients.update(
        uow, actor, clock, client_id, score_override=None, score_reason=None
    )
