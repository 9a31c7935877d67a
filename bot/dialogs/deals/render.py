"""How deals and the pipeline read, in the viewer's language; money, dates and percents
through Babel, user content escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date
from babel.numbers import format_percent

from bot.render.crm_labels import stage_name
from bot.services.actors import Actor
from bot.services.crm.deals import DealView, Pipeline, StageLine
from bot.services.crm.money import format_money
from bot.storage.dto import ClientDTO, DealDTO, UserDTO
from bot.storage.enums import DealStage

STAGE_MARKS = {DealStage.WON: "🏆 ", DealStage.LOST: "❌ "}
BUTTON_LIMIT = 48


def count(number: int) -> str:
    return ngettext("{count} deal", "{count} deals", number).format(count=number)


def amounts(totals: Sequence[tuple[str, int]], locale: str) -> str:
    return " + ".join(format_money(minor, currency, locale) for currency, minor in totals)


def amount(deal: DealDTO, locale: str) -> str:
    return (
        "—" if deal.amount_minor is None else format_money(deal.amount_minor, deal.currency, locale)
    )


def day(value: date | None, locale: str) -> str:
    return "—" if value is None else format_date(value, "medium", locale=locale)


def percent(value: int | None, locale: str) -> str:
    return "—" if value is None else format_percent(value / 100, locale=locale)


def next_step(deal: DealDTO, reader: Actor) -> str | None:
    """The step and its day in the reader's zone, e.g. "Send the offer · Nov 30, 2026",
    escaped; None without one."""
    if deal.next_step is None:
        return None
    step = html.escape(deal.next_step)
    if deal.next_step_at is None:
        return step
    local = deal.next_step_at.astimezone(ZoneInfo(reader.timezone)).date()
    return f"{step} · {day(local, reader.locale)}"


def person(user: UserDTO | None) -> str:
    return "—" if user is None else user.display_name


def _summary(number: int, totals: Sequence[tuple[str, int]], locale: str) -> str:
    if not number:
        return _("no deals")
    return " · ".join(part for part in (count(number), amounts(totals, locale)) if part)


def stage_line(line: StageLine, locale: str) -> str:
    mark = STAGE_MARKS.get(line.stage, "")
    return f"{mark}{stage_name(line.stage)} — {_summary(line.count, line.totals, locale)}"


def whose(pipeline: Pipeline, actor: Actor) -> str:
    if pipeline.owner_id is None:
        return _("whole team")
    if pipeline.owner_id == actor.user_id:
        return _("your deals")
    return html.escape(person(pipeline.owner))


def pipeline_text(pipeline: Pipeline, actor: Actor) -> str:
    locale = actor.locale
    lines = [
        "💼 <b>" + _("Pipeline: {whose}").format(whose=whose(pipeline, actor)) + "</b>",
        _("Open: {summary}").format(
            summary=_summary(pipeline.open_count, pipeline.open_totals, locale)
        ),
        "",
        *(stage_line(line, locale) for line in pipeline.stages if line.stage.is_open),
        "",
        _("Closed this month:"),
        *(stage_line(line, locale) for line in pipeline.stages if not line.stage.is_open),
    ]
    if not any(line.count for line in pipeline.stages):
        lines += ["", _("No deals yet. Start one from a client's card or with ➕ New deal.")]
    return "\n".join(lines)


def stage_button(line: StageLine) -> str:
    return f"{STAGE_MARKS.get(line.stage, '')}{stage_name(line.stage)} · {line.count}"


def stage_header(pipeline: Pipeline, stage: DealStage, actor: Actor) -> str:
    line = pipeline.line(stage)
    title = f"{STAGE_MARKS.get(stage, '')}{stage_name(stage)} · {whose(pipeline, actor)}"
    return f"<b>{title}</b>\n{_summary(line.count, line.totals, actor.locale)}"


def deal_row(number: int, deal: DealDTO, client: ClientDTO, locale: str) -> str:
    """One deal of a stage's list: client and title, then amount and expected close."""
    details = [amount(deal, locale)]
    if deal.expected_close is not None:
        details.append(_("close by {date}").format(date=day(deal.expected_close, locale)))
    return (
        f"{number}. {html.escape(client.title)} — <b>{html.escape(deal.title)}</b>\n"
        f"    {' · '.join(details)}"
    )


def deal_button(number: int, deal: DealDTO) -> str:
    label = f"{number}. {deal.title}"
    return label if len(label) <= BUTTON_LIMIT else label[: BUTTON_LIMIT - 1] + "…"


def deal_card(view: DealView, actor: Actor) -> str:
    deal, locale = view.deal, actor.locale
    lines = [
        f"💼 <b>{html.escape(deal.title)}</b>",
        _("Client: {client}").format(client=html.escape(view.client.title)),
        _("Stage: {stage}").format(stage=STAGE_MARKS.get(deal.stage, "") + stage_name(deal.stage)),
        _("Amount: {amount}").format(amount=amount(deal, locale)),
        _("Probability: {percent}").format(percent=percent(deal.probability, locale)),
        _("Expected close: {date}").format(date=day(deal.expected_close, locale)),
    ]
    if deal.special_terms:
        lines.append(_("Special terms: {terms}").format(terms=html.escape(deal.special_terms)))
    step = next_step(deal, actor)
    if step is not None:
        lines.append(_("Next step: {step}").format(step=step))
    if deal.stage is DealStage.LOST and deal.lost_reason:
        lines.append(
            _("Reason for the loss: {reason}").format(reason=html.escape(deal.lost_reason))
        )
    if deal.owner_id != actor.user_id:
        lines.append(_("Owner: {name}").format(name=html.escape(person(view.owner))))
    return "\n".join(lines)
