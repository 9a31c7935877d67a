"""Request cards, summaries, histories and relay headers. User content is escaped here."""

from __future__ import annotations

import html
import re
from datetime import datetime

from aiogram.utils.i18n import gettext as _

from bot.i18n import format_datetime
from bot.render.absences import covering_for
from bot.render.labels import (
    category_name,
    department_name,
    kind_name,
    outcome_name,
    staff_status_name,
    status_name,
)
from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.services.requests import RequestView
from bot.storage.dto import HandoffDTO, MessageDTO, RequestDTO, UserDTO
from bot.storage.enums import Side

HISTORY_ENTRIES = 15
EXCERPT = 300


class Reader:
    """Whose locale and time zone a text is written for."""

    def __init__(self, locale: str, timezone: str) -> None:
        self.locale = locale
        self.timezone = timezone

    @classmethod
    def of(cls, who: Actor | UserDTO) -> Reader:
        return cls(who.locale, who.timezone)

    def when(self, moment: datetime) -> str:
        return format_datetime(moment, self.locale, self.timezone)


def title(request: RequestDTO, desk: DeskConfig, reader: Reader) -> str:
    return _("{kind} {number} · {category}").format(
        kind=kind_name(request.kind),
        number=request.number,
        category=html.escape(category_name(desk, request.category, reader.locale)),
    )


def person(user: UserDTO | None) -> str:
    if user is None:
        return _("deleted client")
    name = html.escape(user.display_name)
    if user.username:
        return f"{name} (@{html.escape(user.username)})"
    return name


def excerpt(text: str | None, limit: int = EXCERPT) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text)


def _late(late: bool) -> str:
    return " ⚠️ " + _("overdue") if late else ""


def deadlines(request: RequestDTO, reader: Reader, now: datetime) -> list[str]:
    lines = []
    if request.first_response_at is None and request.status.is_open:
        lines.append(
            _("First answer by: {when}").format(when=reader.when(request.first_response_due))
            + _late(now > request.first_response_due)
        )
    if request.status.is_open:
        if request.paused_at is not None:
            lines.append(_("Deadline paused while waiting for the client"))
        else:
            lines.append(
                _("Resolve by: {when}").format(when=reader.when(request.resolution_due))
                + _late(now > request.resolution_due)
            )
    return lines


def handoff_line(handoff: HandoffDTO, desk: DeskConfig, reader: Reader) -> str:
    return _("With {department}, due {when}").format(
        department=html.escape(department_name(desk, handoff.department, reader.locale)),
        when=reader.when(handoff.due_at),
    )


def staff_card(view: RequestView, desk: DeskConfig, reader: Reader, now: datetime) -> str:
    request = view.request
    lines = [
        f"<b>{title(request, desk, reader)}</b>",
        _("Client: {client}").format(client=person(view.client)),
        _("Status: {status}").format(status=staff_status_name(request.status)),
        _("Assignee: {name}").format(
            name=html.escape(view.assignee.display_name) if view.assignee else "—"
        ),
        *([covering_for(view.covering_for)] if view.covering_for else []),
        *deadlines(request, reader, now),
    ]
    if request.wanted:
        lines.append(_("Wants: {outcome}").format(outcome=outcome_name(request.wanted)))
    if request.order_ref:
        lines.append(_("Order or contract: {ref}").format(ref=html.escape(request.order_ref)))
    if view.active_handoff:
        lines.append(handoff_line(view.active_handoff, desk, reader))
    files = sum(1 for m in view.messages if m.file_id and m.side is Side.CLIENT)
    if files:
        lines.append(_("Attachments: {count}").format(count=files))
    # Copies not tried yet are on their way (a new claim's attachments follow its card);
    # only the ones that failed are being retried.
    retrying = sum(1 for m in view.messages if m.undelivered and m.attempts)
    if retrying:
        lines.append("⚠️ " + _("Not delivered yet: {count} (retrying)").format(count=retrying))
    lines.append("")
    lines.append(f"<blockquote>{excerpt(request.subject, 1500)}</blockquote>")
    return "\n".join(lines)


def client_summary(
    request: RequestDTO, desk: DeskConfig, reader: Reader, now: datetime, handoff: HandoffDTO | None
) -> str:
    lines = [
        f"<b>{title(request, desk, reader)}</b>",
        _("Status: {status}").format(status=status_name(request.status)),
    ]
    if request.status.is_open and request.first_response_at is None:
        lines.append(
            _("You will get an answer by {when}").format(
                when=reader.when(request.first_response_due)
            )
        )
    elif request.status.is_open and request.paused_at is None:
        lines.append(
            _("Expected resolution by {when}").format(when=reader.when(request.resolution_due))
        )
    if handoff is not None and request.status.is_open:
        lines.append(handoff_line(handoff, desk, reader))
    if request.wanted:
        lines.append(_("You asked for: {outcome}").format(outcome=outcome_name(request.wanted)))
    if request.subject:
        lines.append(f"<blockquote>{excerpt(request.subject)}</blockquote>")
    return "\n".join(lines)


def _said(message: MessageDTO, view: RequestView, for_client: bool) -> str:
    if message.side is Side.CLIENT:
        who = _("You") if for_client else person(view.client)
    elif message.side is Side.DEPARTMENT:
        who = _("Department")
    else:
        who = _("Specialist") if for_client else _("Staff")
    body = excerpt(strip_tags(message.text)) if message.text else ""
    if message.file_id or message.content_type not in ("text",):
        body = f"📎 {body}".strip()
    mark = " ⚠️" if message.undelivered and not for_client else ""
    return f"{who}: {body}{mark}"


def strip_tags(text: str | None) -> str:
    """Plain text of stored HTML, for excerpts and for splitting over-long messages."""
    return html.unescape(re.sub(r"<[^>]+>", "", text or ""))


def history(view: RequestView, desk: DeskConfig, reader: Reader, *, for_client: bool) -> str:
    entries: list[tuple[datetime, int, str]] = []
    for message in view.messages:
        entries.append((message.created_at, 1, _said(message, view, for_client)))
    for event in view.events:
        if event.action == "status" and event.to_status is not None:
            text = _("Status: {status}").format(
                status=status_name(event.to_status)
                if for_client
                else staff_status_name(event.to_status)
            )
            if event.comment:
                text += f" — {excerpt(event.comment)}"
            entries.append((event.created_at, 0, text))
        elif event.action == "handoff":
            entries.append(
                (
                    event.created_at,
                    0,
                    _("Passed to {department}").format(
                        department=html.escape(
                            department_name(desk, event.comment or "", reader.locale)
                        )
                    ),
                )
            )
        elif event.action == "rated" and event.comment:
            entries.append(
                (event.created_at, 0, _("Rated: {score} of 5").format(score=event.comment))
            )
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    shown = entries[-HISTORY_ENTRIES:]
    lines = [f"<b>{title(view.request, desk, reader)}</b>"]
    if len(entries) > len(shown):
        lines.append(_("Earlier entries: {count}").format(count=len(entries) - len(shown)))
    lines += [f"<i>{reader.when(moment)}</i> · {text}" for moment, _order, text in shown]
    if len(lines) == 1:
        lines.append(_("Nothing yet."))
    return "\n".join(lines)


def list_entry(request: RequestDTO, reader: Reader, *, staff: bool, now: datetime) -> str:
    """One request in a list message: number, kind, status, deadline and last update."""
    status = staff_status_name(request.status) if staff else status_name(request.status)
    head = f"<b>{request.number}</b> · {kind_name(request.kind)} · {status}"
    if request.status.is_open and request.is_breached(now):
        head = "⚠️ " + head
    details = []
    if request.status.is_open and request.paused_at is None:
        details.append(_("due {when}").format(when=reader.when(request.resolution_due)))
    details.append(_("updated {when}").format(when=reader.when(request.updated_at)))
    return head + "\n    " + " · ".join(details)


def list_label(request: RequestDTO, reader: Reader, *, staff: bool, now: datetime) -> str:
    """One line for a list button (plain text: buttons show no HTML)."""
    status = staff_status_name(request.status) if staff else status_name(request.status)
    label = f"{request.number} · {kind_name(request.kind)} · {status}"
    if request.status.is_open:
        label += " · " + reader.when(request.resolution_due)
        if request.is_breached(now):
            label = "⚠️ " + label
    return label


def relay_header(request: RequestDTO, author: UserDTO | None, *, to_client: bool) -> str:
    if to_client:
        return _("💬 Answer on request {number}:").format(number=request.number)
    return _("💬 {client} · request {number}").format(client=person(author), number=request.number)


def department_header(request: RequestDTO, department: str) -> str:
    return _("🏢 {department} · request {number}").format(
        department=html.escape(department), number=request.number
    )
