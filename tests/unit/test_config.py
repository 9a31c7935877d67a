"""Settings: defaults work, bad values stop start-up with the setting's name."""

from __future__ import annotations

import pytest

from bot.config import MISSING_TOKEN_MESSAGE, Mode, SettingsError, load_settings
from tests.conftest import TOKEN


def settings(**values: object):
    return load_settings(_env_file=None, **values)


def test_defaults_run_on_sqlite_in_polling() -> None:
    loaded = settings(bot_token=TOKEN)
    assert loaded.database_url == "sqlite+aiosqlite:///./data/clientdesk.db"
    assert loaded.mode is Mode.POLLING
    assert loaded.telegram_api_url == "https://api.telegram.org"
    assert (loaded.default_locale, loaded.default_timezone) == ("ru", "Europe/Moscow")
    assert loaded.redis_url is None and loaded.admin_ids == ()


def test_missing_token_explains_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError) as error:
        settings()
    assert str(error.value) == MISSING_TOKEN_MESSAGE
    assert "@BotFather" in str(error.value)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"bot_token": "not-a-token"}, "BOT_TOKEN"),
        ({"database_url": "mysql://x"}, "DATABASE_URL"),
        ({"telegram_api_url": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"admin_ids": "12, abc"}, "ADMIN_IDS"),
        ({"default_locale": "de"}, "DEFAULT_LOCALE"),
        ({"default_timezone": "Mars/Base"}, "DEFAULT_TIMEZONE"),
        ({"mode": "carrier-pigeon"}, "MODE"),
        ({"web_port": 70000}, "WEB_PORT"),
        ({"log_level": "LOUD"}, "LOG_LEVEL"),
        ({"log_format": "xml"}, "LOG_FORMAT"),
        ({"redis_url": "http://x"}, "REDIS_URL"),
        ({"webhook_secret": "has spaces"}, "WEBHOOK_SECRET"),
        ({"mode": "webhook", "webhook_base_url": "https://bot.example.com"}, "WEBHOOK_SECRET"),
        ({"mode": "webhook", "webhook_secret": "s3cret"}, "WEBHOOK_BASE_URL"),
        ({"deal_stuck_days": {"won": 3}}, "DEAL_STUCK_DAYS"),
        ({"deal_stuck_days": {"new": 0}}, "DEAL_STUCK_DAYS"),
        ({"no_contact_days_vip": 0}, "NO_CONTACT_DAYS_VIP"),
        ({"reminder_interval_seconds": 0}, "REMINDER_INTERVAL_SECONDS"),
    ],
)
def test_a_bad_value_names_the_setting(values: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError) as error:
        settings(**({"bot_token": TOKEN} | values))
    assert named in str(error.value)


def test_admin_ids_are_comma_separated() -> None:
    assert settings(bot_token=TOKEN, admin_ids=" 12, 34 ,").admin_ids == (12, 34)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_IDS", "5,6")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("MODE", "webhook")
    monkeypatch.setenv("WEBHOOK_BASE_URL", "https://bot.example.com")
    monkeypatch.setenv("WEBHOOK_SECRET", "abc_DEF-123")
    loaded = load_settings(_env_file=None)
    assert loaded.admin_ids == (5, 6)
    assert loaded.telegram_api_url == "http://127.0.0.1:8081"
    assert loaded.mode is Mode.WEBHOOK


def test_settings_come_from_a_dotenv_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(f"BOT_TOKEN={TOKEN}\nDEFAULT_LOCALE=en\nADMIN_IDS=\nREDIS_URL=\n")
    loaded = load_settings(_env_file=env_file)
    assert loaded.default_locale == "en" and loaded.admin_ids == () and loaded.redis_url is None


def test_nudge_days_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("NO_CONTACT_DAYS_VIP", "3")
    monkeypatch.setenv("DEAL_STUCK_DAYS", '{"negotiation": 30}')

    loaded = load_settings(_env_file=None)

    assert loaded.no_contact_days == {"vip": 3, "key": 14, "standard": 30}
    assert loaded.deal_stuck_days == {"negotiation": 30}
