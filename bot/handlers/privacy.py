"""/privacy: what is stored about a client, and erasure on withdrawal of consent."""

from __future__ import annotations

import html
import json

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.i18n import LANGUAGE_NAMES, format_datetime
from bot.keyboards import inline
from bot.keyboards.callbacks import PrivacyAction, PrivacyStep
from bot.keyboards.menu import PRIVACY
from bot.middlewares.actor import VISITOR_LOCALE_KEY
from bot.services import privacy
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.errors import NotAllowed
from bot.storage.dto import UserDTO
from bot.storage.uow import UnitOfWork
from bot.texts import stale_button


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(on_privacy, Command("privacy"))
    r.message.register(on_privacy, F.text == PRIVACY)
    r.callback_query.register(on_privacy_action, PrivacyAction.filter())
    return r


def not_applicable(actor: Actor) -> str:
    if actor.role.is_staff:
        return _("Your staff profile is managed by the administrator.")
    return _("Nothing is stored about you: you have not given consent. Send /start to begin.")


def stored_summary(user: UserDTO, actor: Actor, requests: int, feedback: int) -> str:
    dash = "—"
    rows = [
        _("This is what ClientDesk stores about you:"),
        _("Telegram id: {value}").format(value=user.telegram_id),
        _("Name: {value}").format(value=html.escape(user.full_name or dash)),
        _("Username: {value}").format(
            value=html.escape(f"@{user.username}" if user.username else dash)
        ),
        _("Language: {value}").format(value=LANGUAGE_NAMES.get(user.locale, user.locale)),
        _("Time zone: {value}").format(value=user.timezone),
        _("Where you came from: {value}").format(value=html.escape(user.source or dash)),
    ]
    if user.consent_given_at is not None:
        when = format_datetime(user.consent_given_at, actor.locale, actor.timezone)
        rows.append(_("Consent given: {value}").format(value=when))
    rows.append(
        _(
            "Your requests with their messages and history: {requests}; feedback: {feedback}."
        ).format(requests=requests, feedback=feedback)
    )
    rows.append("")
    rows.append(_("Withdrawing consent deletes all of this at once."))
    return "\n".join(rows)


async def _summary(uow: UnitOfWork, user: UserDTO, actor: Actor) -> str:
    counts = await privacy.counts(uow, user)
    return stored_summary(user, actor, counts.requests, counts.feedback)


async def on_privacy(message: Message, actor: Actor, uow: UnitOfWork) -> None:
    try:
        user = privacy.stored_data(actor)
    except NotAllowed:
        await message.answer(not_applicable(actor))
        return
    await message.answer(await _summary(uow, user, actor), reply_markup=inline.privacy())


async def on_privacy_action(
    callback: CallbackQuery,
    callback_data: PrivacyAction,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    state: FSMContext,
    bot: Bot,
) -> None:
    chat_id = callback.from_user.id
    message_id = callback.message.message_id if callback.message else None
    try:
        user = privacy.stored_data(actor)
    except NotAllowed:
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    if message_id is None:
        return
    if callback_data.step is PrivacyStep.EXPORT:
        exported = await privacy.export(uow, clock, actor)
        document = BufferedInputFile(
            json.dumps(exported, ensure_ascii=False, indent=2).encode(),
            filename=f"clientdesk-data-{user.telegram_id}.json",
        )
        await bot.send_document(
            chat_id,
            document,
            caption=_("Everything ClientDesk stores about you, as a JSON file."),
        )
    elif callback_data.step is PrivacyStep.ASK:
        await bot.edit_message_text(
            _("Delete everything ClientDesk stores about you? This cannot be undone."),
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=inline.privacy_confirm(),
        )
    elif callback_data.step is PrivacyStep.CANCEL:
        await bot.edit_message_text(
            await _summary(uow, user, actor),
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=inline.privacy(),
        )
    else:
        erased = await privacy.withdraw_consent(uow, clock, actor)
        # Only the language choice is kept, as session state, to keep talking his language.
        await state.set_data({VISITOR_LOCALE_KEY: actor.locale})
        lines = [
            _(
                "Consent withdrawn. Deleted: your Telegram id, name, username, language, "
                "time zone, where you came from and the consent record."
            )
        ]
        if erased.requests:
            lines.append(
                _(
                    "Also deleted: the texts of your requests ({requests}), "
                    "{messages} messages and your feedback comments."
                ).format(requests=erased.requests, messages=erased.messages)
            )
        lines.append(_("Only anonymous statistics remain."))
        await bot.edit_message_text(
            "\n".join(lines),
            chat_id=chat_id,
            message_id=message_id,
        )
        await bot.send_message(
            chat_id,
            _("You can come back any time: send /start."),
            reply_markup=ReplyKeyboardRemove(),
        )
