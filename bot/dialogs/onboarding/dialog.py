"""A new client: language, then consent to personal data processing, then the menu.

Nothing about the client is stored until he agrees: the chosen language and the source
live in the dialog's state only.
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.onboarding.states import Onboarding
from bot.dialogs.widgets import choice
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES
from bot.keyboards.menu import main_menu
from bot.middlewares.actor import VISITOR_LOCALE_KEY
from bot.services import onboarding
from bot.services.actors import Actor

LANGUAGE_SELECT = "language"
AGREE = "agree"
DECLINE = "decline"
RECONSIDER = "reconsider"


async def language_getter(dialog_manager: DialogManager, **_kwargs: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    ordered = sorted(SUPPORTED_LOCALES, key=lambda code: code != actor.locale)
    return {
        "prompt": _("Welcome to ClientDesk!") + "\n" + _("Choose your language:"),
        "languages": [(code, LANGUAGE_NAMES[code]) for code in ordered],
    }


async def consent_getter(**_kwargs: Any) -> dict[str, Any]:
    text = "\n\n".join(
        [
            _("<b>Consent to personal data processing</b>"),
            _(
                "What we store: your Telegram id, name and username, your language and time "
                "zone, where you came from (for example an exhibition), and the requests and "
                "messages you send here."
            ),
            _(
                "Why: so that your client relations specialist can answer your questions, "
                "handle your claims and keep in touch with you."
            ),
            _(
                "How to withdraw: at any time with /privacy; everything about you is deleted "
                "at once. Until you agree, nothing about you is stored."
            ),
        ]
    )
    return {"text": text, "agree": _("✅ I agree"), "decline": _("Decline")}


async def declined_getter(**_kwargs: Any) -> dict[str, Any]:
    return {
        "text": _(
            "Understood: nothing about you is stored. Without consent I cannot take your "
            "requests. If you change your mind, press the button or send /start."
        ),
        "reconsider": _("I changed my mind"),
    }


async def on_language(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, code: str
) -> None:
    if code not in SUPPORTED_LOCALES:
        return
    state: FSMContext = manager.middleware_data["state"]
    await state.update_data({VISITOR_LOCALE_KEY: code})
    i18n: I18n = manager.middleware_data["i18n"]
    i18n.current_locale = code
    manager.dialog_data["locale"] = code
    await manager.switch_to(Onboarding.consent)


async def on_agree(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    actor: Actor = data["actor"]
    locale = manager.dialog_data.get("locale", actor.locale)
    start_data = manager.start_data if isinstance(manager.start_data, dict) else {}
    user = await onboarding.give_consent(
        data["uow"],
        data["clock"],
        data["profile"],
        locale=locale,
        defaults=data["defaults"],
        source=start_data.get("source"),
    )
    # The language now lives on the user; the session copy is no longer needed.
    state: FSMContext = data["state"]
    session_data = await state.get_data()
    session_data.pop(VISITOR_LOCALE_KEY, None)
    await state.set_data(session_data)
    await manager.done()
    member = Actor.of(user)
    if callback.message is not None:
        await callback.message.edit_text(_("Thank you! Your consent is recorded."))
        await callback.message.answer(
            _("How can I help? Choose an action in the menu below."), reply_markup=main_menu(member)
        )


def dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{prompt}"),
            Row(choice(LANGUAGE_SELECT, "languages", on_language)),
            state=Onboarding.language,
            getter=language_getter,
        ),
        Window(
            Format("{text}"),
            Row(
                Button(Format("{agree}"), id=AGREE, on_click=on_agree),
                SwitchTo(Format("{decline}"), id=DECLINE, state=Onboarding.declined),
            ),
            state=Onboarding.consent,
            getter=consent_getter,
        ),
        Window(
            Format("{text}"),
            SwitchTo(Format("{reconsider}"), id=RECONSIDER, state=Onboarding.consent),
            state=Onboarding.declined,
            getter=declined_getter,
        ),
    )
