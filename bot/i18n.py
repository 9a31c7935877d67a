"""Gettext catalogs, the locale middleware and Babel formatting in the user's locale."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.dates import (
    format_date,
    format_time,
    get_datetime_format,
    get_timezone,
    get_timezone_location,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)

DOMAIN = "bot"
SUPPORTED_LOCALES = ("ru", "en")
# Each language is named in itself, never translated: whoever cannot read the current
# language must still find his own in the list. Not msgids on purpose.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def locales_dir() -> Path:
    """The catalogs live next to the package in a checkout and in the working dir in Docker."""
    for candidate in (Path(__file__).resolve().parent.parent / "locales", Path.cwd() / "locales"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the locales/ directory with the translation catalogs is missing")


def ensure_compiled(path: Path) -> None:
    """Builds missing or outdated .mo files, so a fresh checkout runs without a build step.

    A read-only install (the Docker image compiles at build time) keeps what it has.
    """
    for po_path in path.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp_path = mo_path.with_suffix(".mo.tmp")
        try:
            with tmp_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            tmp_path.replace(mo_path)
        except OSError as error:
            logger.warning("Cannot compile %s (%s); using the catalog as it is", po_path, error)


def create_i18n(default_locale: str) -> I18n:
    path = locales_dir()
    ensure_compiled(path)
    return I18n(path=path, default_locale=default_locale, domain=DOMAIN)


def supported_locale(language_code: str | None, default: str) -> str:
    """Maps Telegram's language_code (e.g. 'en-US', 'uk') to a locale we speak."""
    if language_code:
        base = language_code.split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


class ActorLocaleMiddleware(I18nMiddleware):
    """Uses the locale resolved for the actor by the user middleware."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor = data.get("actor")
        if actor is not None:
            return actor.locale
        return self.i18n.default_locale


def format_datetime(value: datetime, locale: str, timezone: str) -> str:
    """Date and time to the minute in the reader's locale and time zone."""
    local = value.astimezone(ZoneInfo(timezone))
    pattern = get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", format_date(local, "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", locale=locale)
    )


def describe_timezone(name: str, locale: str, now: datetime) -> str:
    """'Moscow · 2:05 PM': the zone's city in the reader's language and its local time now."""
    city = get_timezone_location(get_timezone(name), locale=locale, return_city=True)
    local_time = format_time(now.astimezone(ZoneInfo(name)), "short", locale=locale)
    return f"{city} · {local_time}"
