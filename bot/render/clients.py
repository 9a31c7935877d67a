"""The client card and its reliability score as the staff member reads them. User content
is escaped here."""

from __future__ import annotations

import html
import json
from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal, get_currency_precision

from bot.render.cards import Reader, excerpt, strip_tags
from bot.render.crm_labels import (
    client_status_name,
    payment_name,
    segment_name,
    source_name,
    stage_name,
    timeline_kind_name,
)
from bot.render.labels import kind_name, staff_status_name
from bot.services.crm.clients import ClientCard
from bot.services.crm.contacts import pretty_phone
from bot.services.crm.money import format_money, to_decimal
from bot.services.crm.score import Detail, Factor, FactorKind, Score
from bot.services.crm.timeline import TimelinePage, edit_of
from bot.storage.dto import TimelineDTO, UserDTO
from bot.storage.enums import (
    ClientStatus,
    DealStage,
    PaymentHabit,
    RequestKind,
    RequestStatus,
    Side,
    TimelineKind,
)

EMPTY = "—"
# Long texts are shortened where several share one message (Telegram takes 4096 characters);
# the edit window of a field shows more of it.
CARD_EXCERPT = 300
REASON_EXCERPT = 500
ENTRY_EXCERPT = 200
EDIT_EXCERPT = 80


def card_text(card: ClientCard, score: Score, reader: Reader, now: datetime) -> str:
    client = card.client
    lines = [f"👤 <b>{html.escape(client.name)}</b>"]
    work = " · ".join(html.escape(part) for part in (client.company, client.position) if part)
    if work:
        lines.append(f"🏢 {work}")
    lines += [
        "📞 " + (", ".join(pretty_phone(phone.value) for phone in card.phones) or EMPTY),
        "✉️ " + (", ".join(html.escape(email.value) for email in card.emails) or EMPTY),
    ]
    telegram = telegram_link(card)
    if telegram:
        lines.append(f"💬 {telegram}")
    lines += [
        "",
        _("Status: {status}").format(status=client_status_name(client.status)),
        _("Segment: {segment}").format(segment=html.escape(segment_name(client.segment))),
        _("Tags: {tags}").format(
            tags=" ".join(f"#{html.escape(tag)}" for tag in card.tags) or EMPTY
        ),
        _("Owner: {name}").format(
            name=html.escape(card.owner.display_name) if card.owner else EMPTY
        ),
        _("Source: {source}").format(source=html.escape(source_name(client.source))),
        _("Needs: {text}").format(text=_text(client.needs)),
        _("Budget: {amount}").format(amount=budget(card, reader)),
        _("Special terms and discounts: {text}").format(text=_text(client.special_terms)),
        _("Competitors: {text}").format(text=_text(client.competitors)),
        _("Payment: {habit}").format(habit=payment_name(client.payment)),
        score_line(score),
        "",
        _("Next step: {step}").format(step=next_step(card, reader, now)),
        _("Last contact: {when}").format(when=last_contact(card, reader, now)),
    ]
    return "\n".join(lines)


def telegram_link(card: ClientCard) -> str | None:
    """A link that opens the chat with him: by his Telegram id when his account is linked
    (works without a username), else his @username."""
    username = card.user.username if card.user else card.client.telegram_username
    if card.user is not None:
        label = f"@{username}" if username else card.user.display_name
        return f'<a href="tg://user?id={card.user.telegram_id}">{html.escape(label)}</a>'
    if username:
        return f"@{html.escape(username)}"
    return None


def budget(card: ClientCard, reader: Reader) -> str:
    client = card.client
    if client.budget_minor is None or client.budget_currency is None:
        return EMPTY
    return html.escape(format_money(client.budget_minor, client.budget_currency, reader.locale))


def next_step(card: ClientCard, reader: Reader, now: datetime) -> str:
    client = card.client
    if not client.next_step and client.next_step_at is None:
        return EMPTY
    text = excerpt(client.next_step, CARD_EXCERPT)
    if client.next_step_at is not None:
        when = reader.when(client.next_step_at)
        late = " ⚠️" if client.next_step_at < now else ""
        text = f"{text} · {when}{late}" if text else f"{when}{late}"
    return text


def last_contact(card: ClientCard, reader: Reader, now: datetime) -> str:
    moment = card.client.last_contact_at
    if moment is None:
        return _("none yet")
    days = max(0, (now - moment).days)
    ago = ngettext("{count} day ago", "{count} days ago", days).format(count=days)
    return f"{reader.when(moment)} ({ago})" if days else reader.when(moment)


def score_line(score: Score) -> str:
    if score.overridden:
        return _("Reliability: {value}/100 (set by hand; computed {computed})").format(
            value=score.value, computed=score.computed
        )
    return _("Reliability: {value}/100").format(value=score.value)


def score_text(score: Score) -> str:
    """The score window: the number, the specialist's reason if he set it, every factor."""
    lines = [f"📊 <b>{score_line(score)}</b>"]
    if score.overridden:
        lines.append(_("Reason: {reason}").format(reason=_text(score.reason, REASON_EXCERPT)))
    lines.append("")
    lines.append(_("Computed from:"))
    lines += [
        f"• {factor_text(factor)} — {factor.points}/{factor.weight}" for factor in score.factors
    ]
    return "\n".join(lines)


def detail_name(detail: Detail) -> str:
    return {
        Detail.COMPANY: _("company"),
        Detail.POSITION: _("position"),
        Detail.PHONE: _("phone"),
        Detail.EMAIL: _("e-mail"),
        Detail.NEEDS: _("needs"),
    }[detail]


def factor_text(factor: Factor) -> str:
    if factor.kind is FactorKind.DETAILS:
        if not factor.missing:
            return _("Company details: complete")
        return _("Company details: missing {fields}").format(
            fields=", ".join(detail_name(detail) for detail in factor.missing)
        )
    if factor.kind is FactorKind.CLAIMS:
        if not factor.claims:
            return _("Claims: none")
        return ngettext("Claims: {count} filed", "Claims: {count} filed", factor.claims).format(
            count=factor.claims
        )
    if factor.kind is FactorKind.PAYMENT:
        return _("Payment: {habit}").format(habit=payment_name(factor.payment))
    if factor.kind is FactorKind.RESPONSIVENESS:
        if factor.days_since_contact is None:
            contact = _("no contact recorded yet")
        elif factor.days_since_contact == 0:
            contact = _("last contact today")
        else:
            contact = ngettext(
                "last contact {count} day ago",
                "last contact {count} days ago",
                factor.days_since_contact,
            ).format(count=factor.days_since_contact)
        waiting = (
            ngettext(
                "{count} request waits for his answer",
                "{count} requests wait for his answer",
                factor.waiting,
            ).format(count=factor.waiting)
            if factor.waiting
            else _("no request waits for his answer")
        )
        return _("Responsiveness: {contact}; {waiting}").format(contact=contact, waiting=waiting)
    if not factor.won and not factor.lost:
        return _("Deals: none closed yet")
    return _("Deals: won {won}, lost {lost}").format(won=factor.won, lost=factor.lost)


def _text(value: str | None, limit: int = CARD_EXCERPT) -> str:
    return excerpt(value, limit) if value else EMPTY


def field_name(key: str) -> str:
    """A card field as the timeline names it; an unknown key as it is."""
    names = {
        "name": _("Name"),
        "company": _("Company"),
        "position": _("Position"),
        "source": _("Source"),
        "needs": _("Needs"),
        "special_terms": _("Special terms and discounts"),
        "competitors": _("Competitors"),
        "next_step": _("Next step"),
        "next_step_at": _("Next step date"),
        "status": _("Status"),
        "segment": _("Segment"),
        "owner_id": _("Owner"),
        "budget_minor": _("Budget"),
        "budget_currency": _("Budget currency"),
        "payment": _("Payment"),
        "score_override": _("Reliability set by hand"),
        "score_reason": _("Reason for the reliability"),
        "tags": _("Tags"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "telegram_username": _("Telegram"),
        "last_contact_at": _("Last contact"),
        "stage": _("Stage"),
        "title": _("Deal"),
        "lost_reason": _("Reason for the loss"),
    }
    return names.get(key, key)


def field_value(
    key: str, value: object, reader: Reader, people: dict[int, UserDTO], currency: str | None
) -> str:
    """An old or new value of an edited field, readable and escaped."""
    if value is None or value == "":
        return EMPTY
    text = str(value)
    try:
        if key == "status":
            return client_status_name(ClientStatus(text))
        if key == "stage":
            return stage_name(DealStage(text))
        if key == "payment":
            return payment_name(PaymentHabit(text))
    except ValueError:
        return excerpt(text, EDIT_EXCERPT)
    if key == "segment":
        return html.escape(segment_name(text))
    if key == "source":
        return html.escape(source_name(text))
    if key == "owner_id":
        person = people.get(value) if isinstance(value, int) else None
        return html.escape(person.display_name) if person else EMPTY
    if key == "phone":
        return html.escape(pretty_phone(text))
    if key == "budget_minor" and isinstance(value, int):
        # The currency is an entry of its own; the amount is shown in the client's one.
        precision = get_currency_precision(currency or "XXX")
        pattern = "#,##0." + "0" * precision if precision else "#,##0"
        return format_decimal(to_decimal(value, currency or "XXX"), pattern, locale=reader.locale)
    if key.endswith("_at"):
        try:
            return reader.when(datetime.fromisoformat(text))
        except ValueError:
            pass
    return excerpt(text, EDIT_EXCERPT)


def timeline_text(page: TimelinePage, reader: Reader) -> str:
    header = _("📜 Timeline · {name}").format(name=html.escape(page.client.title))
    if page.page:
        header += " · " + _("page {number}").format(number=page.page + 1)
    lines = [f"<b>{header}</b>"]
    if not page.entries:
        lines.append(_("Nothing yet."))
    for entry in page.entries:
        lines.append("")
        lines.append(timeline_entry(entry, page, reader))
    return "\n".join(lines)


def timeline_entry(entry: TimelineDTO, page: TimelinePage, reader: Reader) -> str:
    author = page.author(entry)
    head = f"<i>{reader.when(entry.happened_at)}</i> · <b>{timeline_kind_name(entry.kind)}</b>"
    if author is not None:
        head += f" · {html.escape(author.display_name)}"
    body = _entry_body(entry, page, reader)
    return f"{head}\n{body}" if body else head


def _entry_body(entry: TimelineDTO, page: TimelinePage, reader: Reader) -> str:
    if entry.kind is TimelineKind.REQUEST:
        return _request_line(entry)
    if entry.kind is TimelineKind.MESSAGE:
        return _message_line(entry)
    edit = edit_of(entry)
    if edit is not None:
        currency = page.client.budget_currency
        old = field_value(edit.field, edit.old, reader, page.people, currency)
        new = field_value(edit.field, edit.new, reader, page.people, currency)
        return f"{field_name(edit.field)}: {old} → {new}"
    if entry.kind is TimelineKind.CREATED:
        if not entry.text:
            return ""
        return _("Source: {source}").format(source=html.escape(source_name(entry.text)))
    if entry.kind is TimelineKind.DEAL:
        return _deal_line(entry)
    lines = []
    if entry.text:
        lines.append(excerpt(entry.text, ENTRY_EXCERPT))
    if entry.outcome:
        lines.append(_("Outcome: {text}").format(text=excerpt(entry.outcome, ENTRY_EXCERPT)))
    if entry.next_step or entry.next_step_at:
        step = excerpt(entry.next_step or "", ENTRY_EXCERPT)
        if entry.next_step_at is not None:
            step = f"{step} · {reader.when(entry.next_step_at)}".lstrip(" ·")
        lines.append(_("Next step: {step}").format(step=step))
    if entry.file_id:
        lines.append(f"📎 {attachment_name(entry.file_kind)}")
    return "\n".join(lines)


def _request_line(entry: TimelineDTO) -> str:
    try:
        kind = kind_name(RequestKind(entry.file_kind or ""))
        status = staff_status_name(RequestStatus(entry.outcome or ""))
    except ValueError:
        return excerpt(entry.text, ENTRY_EXCERPT)
    line = f"{kind} #{entry.request_id} · {status}"
    if entry.text:
        line += f"\n{excerpt(strip_tags(entry.text), ENTRY_EXCERPT)}"
    return line


def _deal_line(entry: TimelineDTO) -> str:
    """A deal's entry: its title, and the stage it was made in or moved to."""
    title = excerpt(entry.text, ENTRY_EXCERPT)
    try:
        details = json.loads(entry.details or "{}")
    except ValueError:
        details = {}
    event = details.get("event") if isinstance(details, dict) else None
    try:
        if event == "created":
            return f"{title} · {stage_name(DealStage(details.get('stage')))}"
        if event == "stage":
            old = stage_name(DealStage(details.get("from")))
            new = stage_name(DealStage(details.get("to")))
            line = f"{title}: {old} → {new}"
            if entry.outcome:
                line += "\n" + _("Reason: {reason}").format(
                    reason=excerpt(entry.outcome, ENTRY_EXCERPT)
                )
            return line
    except ValueError:
        pass
    return title


def side_name(side: str | None) -> str:
    return {
        Side.CLIENT.value: _("the client"),
        Side.STAFF.value: _("staff"),
        Side.DEPARTMENT.value: _("department"),
    }.get(side or "", EMPTY)


def _message_line(entry: TimelineDTO) -> str:
    text = excerpt(strip_tags(entry.text), ENTRY_EXCERPT) if entry.text else ""
    if entry.file_id or (entry.file_kind and entry.file_kind != "text"):
        text = f"📎 {text}".strip()
    return _("{side} · request #{number}: {text}").format(
        side=side_name(entry.outcome), number=entry.request_id, text=text
    )


def attachment_name(file_kind: str | None) -> str:
    return {
        "voice": _("voice message"),
        "photo": _("photo"),
        "audio": _("audio"),
        "video": _("video"),
        "video_note": _("video message"),
    }.get(file_kind or "", _("file"))


def attachment_label(entry: TimelineDTO, reader: Reader) -> str:
    """A button that sends the entry's file (plain text: buttons show no HTML)."""
    return f"📎 {attachment_name(entry.file_kind)} · {reader.when(entry.happened_at)}"
