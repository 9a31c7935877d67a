"""Deals on clients and the pipeline they make.

A deal belongs to a client: whoever may work with the client may work with his deals, and
a deal of someone else's client is answered like a missing one (NotAllowed). The deal's
owner is the client's owner when it is made (the author's, for a client without one); the
pipeline counts deals by that owner.

Every creation, stage change and edit (the next step too) is one DEAL entry on the
client's timeline and one audit record. The timeline entry's `text` is the deal's title, a
lost deal's reason is its `outcome`, and its JSON `details` are
  {"deal_id", "title", "event": "created" | "stage" | "edited", and
   for "created": "stage", "amount_minor", "currency";
   for "stage": "from", "to", "reason" (None unless lost);
   for "edited": "field", "from", "to" (an amount as {"amount_minor", "currency"}, a next
   step's moment as ISO text)}.

A deal's next step is what to do next and maybe on which day; a day becomes one reminder
for the deal's owner at 09:00 of his time zone (reminders.follow_deal_next_step), replaced
when the step changes, gone when it is cleared or the deal is won or lost.

Winning a deal makes the client active (through `clients.update`, so that change is on the
timeline too): someone who signed a contract is a client the company works with now.
Reopening a won deal leaves the client's status alone; only people change it back.

The pipeline shows every open deal, and the deals won or lost in the current calendar month
of the viewer's time zone: a working view with this month's result, not an archive (older
results stay on the clients' cards).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_date_format

from bot.services import reminders
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access, clients, money
from bot.services.errors import ClientProblem, ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO, DealDTO, UserDTO
from bot.storage.enums import OPEN_DEAL_STAGES, ClientStatus, DealStage, TimelineKind
from bot.storage.uow import UnitOfWork

MAX_TITLE = 256
MAX_TEXT = 4000
# A next step is as long as one on a note or a card may be.
MAX_NEXT_STEP = clients.TEXT_FIELDS["next_step"]
# What a deal at each stage usually comes to, used until the specialist gives his own.
STAGE_PROBABILITY = {
    DealStage.NEW: 10,
    DealStage.QUALIFIED: 20,
    DealStage.PROPOSAL: 40,
    DealStage.NEGOTIATION: 60,
    DealStage.CONTRACT: 80,
    DealStage.WON: 100,
    DealStage.LOST: 0,
}
# A deal is usually opened at one of these; "lost" needs a reason, so it is a move later.
CREATION_STAGES = (*OPEN_DEAL_STAGES, DealStage.WON)
AUDIT_ACTIONS = {"created": "deal_created", "stage": "deal_stage_changed", "edited": "deal_edited"}
EDITABLE = frozenset({"title", "amount", "expected_close", "probability", "special_terms"})

_DATE = re.compile(r"^\s*(\d{1,4})\s*([./-])\s*(\d{1,2})\s*[./-]\s*(\d{1,4})\s*$")
_PERCENT = re.compile(r"^\s*(\d{1,3})\s*%?\s*$")


@dataclass(frozen=True, slots=True)
class DealDraft:
    """A new deal, with its values already parsed (see the parse_* helpers)."""

    title: str
    currency: str
    amount_minor: int | None = None
    stage: DealStage = DealStage.NEW
    expected_close: date | None = None
    probability: int | None = None
    special_terms: str | None = None


@dataclass(frozen=True, slots=True)
class DealView:
    deal: DealDTO
    client: ClientDTO
    owner: UserDTO | None


@dataclass(frozen=True, slots=True)
class StageLine:
    """One stage of the pipeline: how many deals, and their amounts per currency (largest
    first; deals without an amount are counted but add nothing)."""

    stage: DealStage
    count: int
    totals: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Pipeline:
    owner_id: int | None  # None: the whole team
    owner: UserDTO | None
    month: date  # the first day of the month whose won and lost deals are shown
    stages: tuple[StageLine, ...]  # every stage, in the order of DealStage

    @property
    def open_count(self) -> int:
        return sum(line.count for line in self.stages if line.stage.is_open)

    @property
    def open_totals(self) -> tuple[tuple[str, int], ...]:
        """The amounts of all open deals together, per currency."""
        sums: dict[str, int] = defaultdict(int)
        for line in self.stages:
            if line.stage.is_open:
                for currency, minor in line.totals:
                    sums[currency] += minor
        return _ordered(sums)

    def line(self, stage: DealStage) -> StageLine:
        return next(line for line in self.stages if line.stage is stage)


# Parsing what the specialist types ---------------------------------------------------


def clean_title(text: str | None) -> str:
    title = clients.clean_text(text, MAX_TITLE, required=True)
    assert title is not None
    return title


def clean_terms(text: str | None) -> str | None:
    return clients.clean_text(text, MAX_TEXT)


def parse_amount(text: str, locale: str, default_currency: str) -> tuple[int, str]:
    """(minor units, currency); raises ClientRejected(BAD_AMOUNT)."""
    return money.parse_money(text, locale, default_currency)


def parse_probability(text: str) -> int:
    """ "70" or "70 %"; raises ClientRejected(BAD_NUMBER) for anything but 0–100."""
    found = _PERCENT.match(text or "")
    if not found or int(found.group(1)) > 100:
        raise ClientRejected(ClientProblem.BAD_NUMBER)
    return int(found.group(1))


def parse_date(text: str, locale: str) -> date:
    """A typed date: 31.12.2026 or 31-12-26 (day first), 2026-12-31, and with slashes in
    the order of the locale (12/31/2026 in English). Raises ClientRejected(BAD_DATE)."""
    found = _DATE.match(text or "")
    if not found:
        raise ClientRejected(ClientProblem.BAD_DATE)
    first, separator, second, third = found.groups()
    if len(first) == 4:
        year, month, day = first, second, third
    elif separator == "/" and _month_first(locale):
        month, day, year = first, second, third
    else:
        day, month, year = first, second, third
    full_year = int(year) + (2000 if len(year) <= 2 else 0)
    try:
        return date(full_year, int(month), int(day))
    except ValueError as exc:
        raise ClientRejected(ClientProblem.BAD_DATE) from exc


def check_close(day: date | None, today: date) -> date | None:
    """An expected close date, or a next step's day, cannot lie in the past: a deal that
    should have closed is moved on, won or lost, not planned backwards."""
    if day is not None and day < today:
        raise ClientRejected(ClientProblem.PAST_DATE)
    return day


def check_probability(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise ClientRejected(ClientProblem.BAD_NUMBER)
    return value


def today(clock: Clock, actor: Actor) -> date:
    """Today in the actor's time zone: the earliest expected close date."""
    return clock.now().astimezone(ZoneInfo(actor.timezone)).date()


def next_stage(stage: DealStage) -> DealStage | None:
    """The stage after this one on the way to "won"; None once the deal is closed."""
    if not stage.is_open:
        return None
    way = (*OPEN_DEAL_STAGES, DealStage.WON)
    return way[way.index(stage) + 1]


def _month_first(locale: str) -> bool:
    return get_date_format("short", locale=locale).pattern.lstrip().lower().startswith("m")


# Deals -------------------------------------------------------------------------------


async def create(
    uow: UnitOfWork, actor: Actor, clock: Clock, client_id: int, draft: DealDraft
) -> DealDTO:
    client = await access.client_for(uow, actor, client_id)
    author_id = access.require_staff(actor)
    if draft.stage not in CREATION_STAGES:
        raise ClientRejected(ClientProblem.BAD_CHOICE)
    if draft.amount_minor is not None and draft.amount_minor < 0:
        raise ClientRejected(ClientProblem.BAD_AMOUNT)
    probability = check_probability(draft.probability)
    now = clock.now()
    deal = await uow.deals.add(
        now=now,
        client_id=client.id,
        owner_id=client.owner_id or author_id,
        title=clean_title(draft.title),
        amount_minor=draft.amount_minor,
        currency=draft.currency,
        stage=draft.stage,
        expected_close=check_close(draft.expected_close, today(clock, actor)),
        probability=STAGE_PROBABILITY[draft.stage] if probability is None else probability,
        special_terms=clean_terms(draft.special_terms),
    )
    await _record(
        uow,
        deal,
        author_id,
        now,
        "created",
        {"stage": deal.stage.value, "amount_minor": deal.amount_minor, "currency": deal.currency},
    )
    if deal.stage is DealStage.WON:
        await _client_won(uow, actor, clock, client)
    return deal


async def view(uow: UnitOfWork, actor: Actor, deal_id: int) -> DealView:
    deal, client = await _deal_for(uow, actor, deal_id)
    return DealView(deal, client, await uow.users.find(deal.owner_id))


async def of_client(uow: UnitOfWork, actor: Actor, client_id: int) -> list[DealDTO]:
    """The client's deals, newest first (for his card)."""
    client = await access.client_for(uow, actor, client_id)
    return await uow.deals.of_client(client.id)


async def move(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    deal_id: int,
    stage: DealStage,
    reason: str | None = None,
) -> DealDTO:
    """Moves the deal to any stage; "lost" needs a reason (ClientRejected(EMPTY) without).
    A probability still at its stage's usual value follows the stage (one typed by hand
    stays); won is 100 and lost 0."""
    deal, client = await _deal_for(uow, actor, deal_id)
    author_id = access.require_staff(actor)
    lost_reason = (
        clients.clean_text(reason, MAX_TEXT, required=True) if stage is DealStage.LOST else None
    )
    if stage is deal.stage and lost_reason == deal.lost_reason:
        return deal
    probability = deal.probability
    if not stage.is_open or probability in (None, STAGE_PROBABILITY[deal.stage]):
        probability = STAGE_PROBABILITY[stage]
    now = clock.now()
    moved = await uow.deals.update(
        deal.id, now=now, stage=stage, lost_reason=lost_reason, probability=probability
    )
    await _record(
        uow,
        moved,
        author_id,
        now,
        "stage",
        {"from": deal.stage.value, "to": stage.value, "reason": lost_reason},
        outcome=lost_reason,
    )
    if stage.is_open != deal.stage.is_open:
        await reminders.follow_deal_next_step(uow, clock, moved)
    if stage is DealStage.WON:
        await _client_won(uow, actor, clock, client)
    return moved


async def edit(
    uow: UnitOfWork, actor: Actor, clock: Clock, deal_id: int, **changes: Any
) -> DealDTO:
    """Changes the deal's title, amount ((minor, currency) or None), expected_close,
    probability or special_terms; each changed field is one timeline entry and one audit
    record with its old and new value."""
    unknown = changes.keys() - EDITABLE
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    deal, _client = await _deal_for(uow, actor, deal_id)
    author_id = access.require_staff(actor)
    values: dict[str, Any] = {}
    recorded: dict[str, tuple[Any, Any]] = {}
    if "title" in changes and (title := clean_title(changes["title"])) != deal.title:
        values["title"] = title
        recorded["title"] = (deal.title, title)
    if "special_terms" in changes:
        terms = clean_terms(changes["special_terms"])
        if terms != deal.special_terms:
            values["special_terms"] = terms
            recorded["special_terms"] = (deal.special_terms, terms)
    if "probability" in changes:
        probability = check_probability(changes["probability"])
        if probability != deal.probability:
            values["probability"] = probability
            recorded["probability"] = (deal.probability, probability)
    if "expected_close" in changes and changes["expected_close"] != deal.expected_close:
        day = check_close(changes["expected_close"], today(clock, actor))
        values["expected_close"] = day
        recorded["expected_close"] = (_iso(deal.expected_close), _iso(day))
    if "amount" in changes:
        minor, currency = changes["amount"] or (None, deal.currency)
        if minor is not None and minor < 0:
            raise ClientRejected(ClientProblem.BAD_AMOUNT)
        if (minor, currency) != (deal.amount_minor, deal.currency):
            values.update(amount_minor=minor, currency=currency)
            recorded["amount"] = (
                {"amount_minor": deal.amount_minor, "currency": deal.currency},
                {"amount_minor": minor, "currency": currency},
            )
    return await _save_edits(uow, clock, deal, author_id, values, recorded)


async def set_next_step(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    deal_id: int,
    step: str | None,
    day: date | None = None,
) -> DealDTO:
    """Sets what is to be done next on the deal, and maybe on which day (at MORNING in the
    owner's time zone: that is when he is reminded). An empty step clears it with its day;
    a day before the actor's today is ClientRejected(PAST_DATE). Whoever may edit the deal
    may set it; each changed part is one "edited" entry, and the reminder follows."""
    deal, _client = await _deal_for(uow, actor, deal_id)
    author_id = access.require_staff(actor)
    text = clients.clean_text(step, MAX_NEXT_STEP)
    moment = None
    if text is not None and day is not None:
        check_close(day, today(clock, actor))
        owner = await uow.users.find(deal.owner_id)
        moment = reminders.at_local(day, reminders.MORNING, (owner or actor).timezone)
    values: dict[str, Any] = {}
    recorded: dict[str, tuple[Any, Any]] = {}
    if text != deal.next_step:
        values["next_step"] = text
        recorded["next_step"] = (deal.next_step, text)
    if moment != deal.next_step_at:
        values["next_step_at"] = moment
        recorded["next_step_at"] = (_iso(deal.next_step_at), _iso(moment))
    edited = await _save_edits(uow, clock, deal, author_id, values, recorded)
    if values:
        await reminders.follow_deal_next_step(uow, clock, edited)
    return edited


async def _save_edits(
    uow: UnitOfWork,
    clock: Clock,
    deal: DealDTO,
    author_id: int,
    values: dict[str, Any],
    recorded: dict[str, tuple[Any, Any]],
) -> DealDTO:
    """Stores the changed values, each recorded field with its old and new value."""
    if not values:
        return deal
    now = clock.now()
    edited = await uow.deals.update(deal.id, now=now, **values)
    for field, (old, new) in recorded.items():
        await _record(
            uow, edited, author_id, now, "edited", {"field": field, "from": old, "to": new}
        )
    return edited


async def _deal_for(uow: UnitOfWork, actor: Actor, deal_id: int) -> tuple[DealDTO, ClientDTO]:
    """The deal and its client, if this actor may work with the client."""
    access.require_staff(actor)
    deal = await uow.deals.get(deal_id)
    if deal is None:
        raise NotAllowed("deal")
    return deal, await access.client_for(uow, actor, deal.client_id)


async def _client_won(uow: UnitOfWork, actor: Actor, clock: Clock, client: ClientDTO) -> None:
    if client.status is not ClientStatus.ACTIVE:
        await clients.update(uow, actor, clock, client.id, status=ClientStatus.ACTIVE)


async def _record(
    uow: UnitOfWork,
    deal: DealDTO,
    author_id: int,
    now: datetime,
    event: str,
    extra: dict[str, Any],
    *,
    outcome: str | None = None,
) -> None:
    details = {"deal_id": deal.id, "title": deal.title, "event": event, **extra}
    await uow.timeline.add(
        client_id=deal.client_id,
        kind=TimelineKind.DEAL,
        author_id=author_id,
        happened_at=now,
        now=now,
        text=deal.title,
        outcome=outcome,
        details=json.dumps(details, ensure_ascii=False),
    )
    await uow.audit.add(
        actor_id=author_id,
        action=AUDIT_ACTIONS[event],
        entity="deal",
        entity_id=deal.id,
        now=now,
        details={"client_id": deal.client_id, **details},
    )


def _iso(day: date | datetime | None) -> str | None:
    return day.isoformat() if day else None


# The pipeline ------------------------------------------------------------------------


async def pipeline(
    uow: UnitOfWork, actor: Actor, clock: Clock, owner_id: int | None = None
) -> Pipeline:
    """A specialist's own pipeline; for the head of sales and admins the team's, or one
    specialist's when `owner_id` is given."""
    owner_id = _owner_scope(actor, owner_id)
    month, since = _month_start(clock, actor)
    sums: dict[DealStage, dict[str, int]] = defaultdict(dict)
    counts: dict[DealStage, int] = defaultdict(int)
    for total in await uow.deals.stage_totals(owner_id, since):
        counts[total.stage] += total.count
        if total.amount_minor is not None:
            sums[total.stage][total.currency] = total.amount_minor
    stages = tuple(StageLine(s, counts[s], _ordered(sums[s])) for s in DealStage)
    return Pipeline(owner_id, await uow.users.find(owner_id), month, stages)


async def stage_deals(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    stage: DealStage,
    owner_id: int | None,
    *,
    offset: int,
    limit: int,
) -> list[tuple[DealDTO, ClientDTO]]:
    """One page of a pipeline stage's deals, each with its client."""
    owner_id = _owner_scope(actor, owner_id)
    _month, since = _month_start(clock, actor)
    found = await uow.deals.in_stage(stage, owner_id, since, offset=offset, limit=limit)
    by_id = {client.id: client for client in await uow.clients.many(d.client_id for d in found)}
    return [(deal, by_id[deal.client_id]) for deal in found if deal.client_id in by_id]


async def specialists(uow: UnitOfWork, actor: Actor) -> list[UserDTO]:
    """Whose pipeline the head of sales may choose: everyone on the team."""
    if access.owner_scope(actor) is not None:
        raise NotAllowed("team")
    return await uow.users.staff()


def _owner_scope(actor: Actor, owner_id: int | None) -> int | None:
    own = access.owner_scope(actor)
    if own is None:
        return owner_id
    if owner_id not in (None, own):
        raise NotAllowed("pipeline")
    return own


def _month_start(clock: Clock, actor: Actor) -> tuple[date, datetime]:
    """The first day of the actor's current month, and the moment it began."""
    zone = ZoneInfo(actor.timezone)
    first = clock.now().astimezone(zone).date().replace(day=1)
    return first, datetime(first.year, first.month, 1, tzinfo=zone).astimezone(UTC)


def _ordered(sums: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(sums.items(), key=lambda item: (-item[1], item[0])))
