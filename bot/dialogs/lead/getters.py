"""What each window of the lead flow shows, in the reader's language."""

from __future__ import annotations

import html
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram_dialog import DialogManager

from bot.dialogs.lead import progress
from bot.dialogs.lead.progress import LEAD, MATCHES, NOTE, SAVED
from bot.dialogs.lead.states import Lead
from bot.render.cards import excerpt
from bot.render.crm_labels import source_name
from bot.services.actors import Actor
from bot.services.crm.contacts import pretty_phone
from bot.services.crm.duplicates import MatchReason
from bot.storage.enums import LeadSource


def _buttons() -> dict[str, str]:
    return {"skip": _("Skip"), "back": _("⬅️ Back"), "cancel": _("Cancel")}


def _current(manager: DialogManager) -> str | None:
    """The answer already given to the question shown again (editing or going back)."""
    fields = progress.lead(manager)
    state = manager.current_context().state
    value: Any = {
        Lead.name: fields["name"],
        Lead.company: fields["company"],
        Lead.phone: ", ".join(pretty_phone(p) for p in fields["phones"]),
        Lead.email: ", ".join(fields["emails"]),
        Lead.source: fields["source"] and source_name(fields["source"]),
        Lead.needs: fields["needs"],
    }.get(state)
    return value or None


def _header(manager: DialogManager) -> str:
    name = progress.lead(manager)["name"]
    if not name:
        return "➕ <b>" + _("New lead") + "</b>"
    return "➕ <b>" + html.escape(name) + "</b>"


async def step_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    questions = {
        Lead.name: _("What is the person's name?"),
        Lead.company: _("Which company is he or she from?"),
        Lead.phone: _("Phone number? Type it or send a contact card (📎 → Contact)."),
        Lead.email: _("E-mail?"),
        Lead.source: _("Where did the lead come from? Choose below or type your own."),
        Lead.needs: _("What does the lead need? A few words are enough."),
    }
    state = dialog_manager.current_context().state
    lines = [_header(dialog_manager), questions[state]]
    current = _current(dialog_manager)
    if current:
        lines.append(_("Now: {value}").format(value=excerpt(current, 300)))
    return {
        "text": "\n".join(lines),
        "sources": [(source.value, _capital(source_name(source.value))) for source in LeadSource],
        "can_go_back": state is not Lead.name,
        "can_skip": state is not Lead.name,
        **_buttons(),
    }


def _capital(label: str) -> str:
    """Source names are made to stand inside a sentence; a button starts with a capital."""
    return label[:1].upper() + label[1:]


def _short(text: str, limit: int = 40) -> str:
    """Button labels stay on one line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _or_dash(value: str | None) -> str:
    return html.escape(value) if value else "—"


async def summary_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    fields = progress.lead(dialog_manager)
    lines = [
        _("Check the new lead:"),
        "",
        _("Name: {value}").format(value=_or_dash(fields["name"])),
        _("Company: {value}").format(value=_or_dash(fields["company"])),
        _("Phone: {value}").format(
            value=_or_dash(", ".join(pretty_phone(p) for p in fields["phones"]))
        ),
        _("E-mail: {value}").format(value=_or_dash(", ".join(fields["emails"]))),
        _("Source: {value}").format(
            value=_or_dash(fields["source"] and source_name(fields["source"]))
        ),
        _("Needs: {value}").format(value=_or_dash(fields["needs"])),
    ]
    if fields["telegram_username"]:
        username = "@" + html.escape(fields["telegram_username"])
        lines.append(_("Telegram: {value}").format(value=username))
    note = dialog_manager.dialog_data.get(NOTE)
    if note:
        lines.append(_("First note: {value}").format(value=excerpt(note, 500)))
    return {
        "text": "\n".join(lines),
        "save": _("✅ Save"),
        "edit": _("✏️ Edit"),
        "cancel": _("Cancel"),
    }


async def edit_getter(**_kw: Any) -> dict[str, Any]:
    return {
        "text": _("What would you like to change?"),
        "fields": [
            ("name", _("Name")),
            ("company", _("Company")),
            ("phone", _("Phone")),
            ("email", _("E-mail")),
            ("source", _("Source")),
            ("needs", _("Needs")),
        ],
        "back": _("⬅️ Back"),
    }


def _reason(reason: str) -> str:
    return {
        MatchReason.PHONE.value: _("the same phone"),
        MatchReason.EMAIL.value: _("the same e-mail"),
        MatchReason.TELEGRAM.value: _("the same Telegram account"),
        MatchReason.NAME.value: _("a similar name"),
    }[reason]


async def duplicates_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    matches = dialog_manager.dialog_data.get(MATCHES, [])
    shown = [m for m in matches if m.get("id")]
    lines = [_("⚠️ This lead may already be in the base:")]
    for match in matches:
        if not match.get("id"):
            lines.append(
                "• "
                + (
                    _("already in the base of {owner}").format(owner=html.escape(match["owner"]))
                    if match.get("owner")
                    else _("already in the base")
                )
            )
            continue
        line = "• <b>{title}</b> — {reason}".format(
            title=html.escape(match["title"]), reason=_reason(match["reason"])
        )
        if match.get("owner") and match.get("owner_id") != actor.user_id:
            line += " · " + _("owner: {name}").format(name=html.escape(match["owner"]))
        lines.append(line)
    lines.append("")
    lines.append(
        _("Open the existing card, merge the new data into it, or save the lead anyway?")
        if shown
        else _("Save the lead anyway?")
    )
    single = len(shown) == 1
    return {
        "text": "\n".join(lines),
        "to_open": [
            (str(m["id"]), _("📂 Open existing") if single else "📂 " + _short(m["title"]))
            for m in shown
        ],
        "to_merge": [
            (
                str(m["id"]),
                _("🔗 Merge")
                if single
                else _("🔗 Merge into {title}").format(title=_short(m["title"])),
            )
            for m in shown
        ],
        "save_anyway": _("💾 Save anyway"),
        "back": _("⬅️ Back"),
        "cancel": _("Cancel"),
    }


async def resume_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    kept = await progress.recall(dialog_manager) or {}
    name = (kept.get(LEAD) or {}).get("name") or ""
    return {
        "text": _("You have a lead you did not finish: <b>{name}</b>.").format(
            name=html.escape(name)
        ),
        "continue": _("▶️ Continue {name}").format(name=_short(name)),
        "start_over": _("🆕 Start over"),
        "close": _("Close"),
    }


async def saved_getter(dialog_manager: DialogManager, **_kw: Any) -> dict[str, Any]:
    saved = dialog_manager.dialog_data[SAVED]
    title = html.escape(saved["title"])
    text = (
        _("🔗 Merged into the card of <b>{title}</b>.")
        if saved["merged"]
        else _("✅ Lead saved: <b>{title}</b>.")
    )
    return {
        "text": text.format(title=title),
        "open": _("📂 Open card"),
        "another": _("➕ Another lead"),
        "close": _("Close"),
    }
