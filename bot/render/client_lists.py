"""Clients in lists, search results and inline results, and the filters of a list. User
content is escaped here."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.render.crm_labels import client_status_name, segment_name
from bot.services.crm.contacts import pretty_phone
from bot.services.crm.lists import ClientFilter
from bot.storage.dto import ClientDTO, ContactDTO, UserDTO
from bot.storage.enums import ContactKind

BUTTON = 60
SHORT_CONTACTS = 10


def contacts_line(contacts: list[ContactDTO]) -> str:
    """The first phone and the first e-mail: "+7 912 345-67-89, ivan@example.com"."""
    phone = next((c.value for c in contacts if c.kind is ContactKind.PHONE), None)
    email = next((c.value for c in contacts if c.kind is ContactKind.EMAIL), None)
    return ", ".join(
        part for part in (pretty_phone(phone) if phone else None, email) if part is not None
    )


def silence(client: ClientDTO, now: datetime) -> str:
    """How long nobody has been in touch: "no contact yet", "last contact today",
    "last contact 12 days ago"."""
    if client.last_contact_at is None:
        return _("no contact yet")
    days = max(0, (now - client.last_contact_at).days)
    if days == 0:
        return _("last contact today")
    return ngettext("last contact {days} day ago", "last contact {days} days ago", days).format(
        days=days
    )


def entry(
    number: int,
    client: ClientDTO,
    contacts: list[ContactDTO],
    owner: UserDTO | None,
    now: datetime,
    *,
    everyone: bool,
) -> str:
    """One client in a list: "3. <b>Ivan Petrov</b> · Romashka — lead, last contact
    today; +7 912 345-67-89 (👤 Anna)"."""
    company = f" · {html.escape(client.company)}" if client.company else ""
    line = (
        f"{number}. <b>{html.escape(client.name)}</b>{company} — "
        f"{client_status_name(client.status)}, {silence(client, now)}"
    )
    reach = contacts_line(contacts)
    if reach:
        line += f"; {html.escape(reach)}"
    if everyone:
        line += f" (👤 {html.escape(owner.display_name) if owner else '—'})"
    return line


def button(number: int, client: ClientDTO, owner: UserDTO | None, *, everyone: bool) -> str:
    """A button opening the client's card: "3. Ivan Petrov · Romashka" (and the owner's
    name for those who see everyone's clients). Buttons show plain text: no escaping."""
    label = f"{number}. {client.title}"
    if everyone and owner is not None:
        label += f" — {owner.display_name}"
    return label if len(label) <= BUTTON else label[: BUTTON - 1] + "…"


def silent_name(days: int) -> str:
    return ngettext("No contact for {days}+ day", "No contact for {days}+ days", days).format(
        days=days
    )


def filter_summary(chosen: ClientFilter) -> str:
    """ "Status: lead · Segment: VIP · #vip · No contact for 30+ days", or that there is
    no filter."""
    parts = []
    if chosen.status is not None:
        parts.append(_("Status: {status}").format(status=client_status_name(chosen.status)))
    if chosen.segment is not None:
        parts.append(
            _("Segment: {segment}").format(segment=html.escape(segment_name(chosen.segment)))
        )
    if chosen.tag is not None:
        parts.append(f"#{html.escape(chosen.tag)}")
    if chosen.silent_days is not None:
        parts.append(silent_name(chosen.silent_days))
    if not parts:
        return _("Filters: none")
    return _("Filters: {filters}").format(filters=" · ".join(parts))


def inline_title(client: ClientDTO) -> str:
    """The title of an inline result: plain text, no escaping."""
    return client.title


def inline_description(client: ClientDTO, contacts: list[ContactDTO]) -> str:
    """Under an inline result's title: "+7 912 345-67-89, ivan@example.com · lead"."""
    parts = [contacts_line(contacts), client_status_name(client.status)]
    return " · ".join(part for part in parts if part)


def short_card(client: ClientDTO, contacts: list[ContactDTO]) -> str:
    """A client's name, company and contacts: what is sent when the whole card is too long
    for one message."""
    lines = [f"👤 <b>{html.escape(client.title)}</b>"]
    lines += [
        pretty_phone(c.value) if c.kind is ContactKind.PHONE else html.escape(c.value)
        for c in contacts[:SHORT_CONTACTS]
    ]
    return "\n".join(lines)
