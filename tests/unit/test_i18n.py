"""Every string the code shows exists in ru and en, and the catalogs match the code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import SUPPORTED_LOCALES, ensure_compiled, format_datetime, supported_locale

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "__": None, "N_": None}


def code_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "bot", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(locale: str):
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "bot.po").open("rb") as po_file:
        return read_po(po_file, locale=locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(locale) if m.id}
    missing = sorted(code_msgids() - set(messages))
    assert not missing, f"run `make i18n` and translate: {missing}"
    untranslated = sorted(
        key
        for key, m in messages.items()
        if not (all(m.string) if isinstance(m.string, tuple) else m.string) or m.fuzzy
    )
    assert not untranslated, f"{locale} lacks translations for {untranslated}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_stale_messages(locale: str) -> None:
    messages = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(locale) if m.id}
    stale = sorted(messages - code_msgids())
    assert not stale, f"no longer in the code, run `make i18n`: {stale}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    import re

    placeholder = re.compile(r"\{[a-z_]+\}")
    for message in catalog(locale):
        if message.id and isinstance(message.id, str):
            assert set(placeholder.findall(message.id)) == set(
                placeholder.findall(message.string)
            ), message.id


def test_catalogs_compile(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    for compiled in (tmp_path / "locales").glob("*/LC_MESSAGES/*.mo"):
        compiled.unlink()
    ensure_compiled(tmp_path / "locales")
    for locale in SUPPORTED_LOCALES:
        assert (tmp_path / "locales" / locale / "LC_MESSAGES" / "bot.mo").stat().st_size > 0


def test_dates_follow_the_locale_and_time_zone() -> None:
    moment = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert format_datetime(moment, "en", "Europe/Moscow") == "Dec 4, 2026, 12:00\u202fPM"
    assert format_datetime(moment, "ru", "Europe/Minsk") == "4 дек. 2026\u202fг., 12:00"
    assert format_datetime(moment, "en", "Asia/Tokyo") == "Dec 4, 2026, 6:00\u202fPM"


@pytest.mark.parametrize(
    ("code", "locale"), [("ru", "ru"), ("en-US", "en"), ("uk", "ru"), (None, "ru"), ("EN", "en")]
)
def test_telegram_language_is_mapped_to_ours(code: str | None, locale: str) -> None:
    assert supported_locale(code, "ru") == locale


def test_a_read_only_install_keeps_its_catalogs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    import bot.i18n

    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    for compiled in (tmp_path / "locales").glob("*/LC_MESSAGES/*.mo"):
        compiled.unlink()

    def read_only(*_args: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(bot.i18n, "write_mo", read_only)
    ensure_compiled(tmp_path / "locales")
    assert "Cannot compile" in caplog.text
