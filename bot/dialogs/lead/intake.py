"""Leads from what a staff member sends: a contact card, a message forwarded from a person,
or a .vcf file of contacts.

Outside any flow the intake router (bot/handlers/crm_intake.py) passes them here; so do
the lead flow's windows that are answered with buttons, so that the next lead can come in
right after one is saved.
"""

from __future__ import annotations

import html
from dataclasses import asdict

from aiogram import Bot
from aiogram.types import Message, MessageOriginHiddenUser, MessageOriginUser
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram_dialog import DialogManager, StartMode

from bot.dialogs.lead.states import Lead
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import intake, vcard
from bot.services.crm.clients import LeadDraft
from bot.services.crm.vcard import VCardProblem, VCardRejected
from bot.storage.uow import UnitOfWork

VCARD_TYPES = frozenset({"text/vcard", "text/x-vcard", "text/directory"})
LISTED = 20  # names listed in the answer to a file; the rest are counted


def is_vcard(message: Message) -> bool:
    document = message.document
    if document is None:
        return False
    name = (document.file_name or "").lower()
    return name.endswith((".vcf", ".vcard")) or document.mime_type in VCARD_TYPES


def is_capture(message: Message) -> bool:
    return message.contact is not None or is_vcard(message) or message.forward_origin is not None


async def capture(message: Message, manager: DialogManager) -> None:
    """A contact card or a person's forwarded message opens the lead flow prefilled; a .vcf
    file is saved card by card at once."""
    data = manager.middleware_data
    uow: UnitOfWork = data["uow"]
    region = data["settings"].default_region
    if message.contact is not None:
        await _from_contact(message, manager, uow, region)
    elif is_vcard(message):
        await _from_vcard(message, data["bot"], uow, data["actor"], data["clock"], region)
    else:
        await _from_forward(message, manager, uow, region)


async def _start_lead(manager: DialogManager, draft: LeadDraft, note: str | None = None) -> None:
    prefill = {key: list(v) if isinstance(v, tuple) else v for key, v in asdict(draft).items()}
    await manager.start(
        Lead.name, data={"prefill": prefill, "note": note}, mode=StartMode.RESET_STACK
    )


async def _from_contact(
    message: Message, manager: DialogManager, uow: UnitOfWork, region: str
) -> None:
    contact = message.contact
    assert contact is not None
    draft = await intake.from_person(
        uow,
        region,
        name=" ".join(filter(None, (contact.first_name, contact.last_name))),
        telegram_id=contact.user_id,
        phone=contact.phone_number,
    )
    await _start_lead(manager, draft)


async def _from_forward(
    message: Message, manager: DialogManager, uow: UnitOfWork, region: str
) -> None:
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser) and not origin.sender_user.is_bot:
        sender = origin.sender_user
        draft = await intake.from_person(
            uow,
            region,
            name=sender.full_name,
            telegram_id=sender.id,
            username=sender.username,
        )
    elif isinstance(origin, MessageOriginHiddenUser):
        # He hides his account in forwards: only the name he goes by is known.
        draft = await intake.from_person(uow, region, name=origin.sender_user_name)
    else:
        await message.answer(
            _(
                "A lead is made from a person's message, and this one comes from a channel, "
                "a group or a bot. Forward a message a person wrote, or send his contact card."
            )
        )
        return
    await _start_lead(manager, draft, note=message.text or message.caption)


async def _from_vcard(
    message: Message, bot: Bot, uow: UnitOfWork, actor: Actor, clock: Clock, region: str
) -> None:
    document = message.document
    assert document is not None
    try:
        vcard.check_size(document.file_size)
        downloaded = await bot.download(document.file_id)
        assert downloaded is not None
        cards, nameless = vcard.parse(downloaded.read(), region)
    except VCardRejected as error:
        await message.answer(_problem_text(error.problem))
        return
    saved = await vcard.save(uow, actor, clock, cards, nameless)
    await message.answer(_summary(saved))


def _problem_text(problem: VCardProblem) -> str:
    return {
        VCardProblem.TOO_BIG: _("This file is too big. Please send a .vcf file of up to 1 MB."),
        VCardProblem.UNREADABLE: _(
            "I could not read contacts from this file. Please export them from your phone "
            "or address book again as a .vcf (vCard) file."
        ),
        VCardProblem.EMPTY: _("There are no contacts in this file."),
        VCardProblem.TOO_MANY: _(
            "There are more than {count} contacts in this file. Please send them in smaller files."
        ).format(count=vcard.MAX_CARDS),
    }[problem]


def _names(names: list[str]) -> str:
    listed = ", ".join(html.escape(name) for name in names[:LISTED])
    rest = len(names) - LISTED
    if rest > 0:
        listed += " " + ngettext("and {count} more", "and {count} more", rest).format(count=rest)
    return listed


def _summary(saved: vcard.Saved) -> str:
    created = [client.title for client in saved.created]
    lines: list[str] = []
    if created:
        lines.append(
            ngettext(
                "✅ {count} new lead saved from the file: {names}.",
                "✅ {count} new leads saved from the file: {names}.",
                len(created),
            ).format(count=len(created), names=_names(created))
        )
    else:
        lines.append(_("No new leads in this file."))
    if saved.already_known:
        count = len(saved.already_known)
        lines.append(
            ngettext(
                "{count} contact is already in the base and was skipped: {names}.",
                "{count} contacts are already in the base and were skipped: {names}.",
                count,
            ).format(count=count, names=_names(saved.already_known))
        )
    if saved.nameless:
        lines.append(
            ngettext(
                "{count} contact has no name and was skipped.",
                "{count} contacts have no name and were skipped.",
                saved.nameless,
            ).format(count=saved.nameless)
        )
    if saved.left_out:
        lines.append(
            ngettext(
                "{count} phone number or e-mail could not be read and was left out.",
                "{count} phone numbers or e-mails could not be read and were left out.",
                saved.left_out,
            ).format(count=saved.left_out)
        )
    return "\n".join(lines)
