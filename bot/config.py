"""Settings from the environment and `.env`; imports nothing from `bot`."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from babel.numbers import is_currency
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.storage.enums import DealStage, Segment

TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{35}$")
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SUPPORTED_LOCALES = ("ru", "en")

MISSING_TOKEN_MESSAGE = (
    "BOT_TOKEN is not set: open @BotFather in Telegram, send /newbot, and put the token it "
    "gives you into .env as BOT_TOKEN=<token> (see .env.example)."
)


class Mode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class DatabaseSettings(BaseSettings):
    """What `python -m bot migrate` needs: no token, just the database and logging."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = "sqlite+aiosqlite:///./data/clientdesk.db"
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.TEXT

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value


class Settings(DatabaseSettings):
    bot_token: SecretStr
    telegram_api_url: str = "https://api.telegram.org"
    redis_url: str | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    default_locale: str = "ru"
    default_timezone: str = "Europe/Moscow"
    mode: Mode = Mode.POLLING
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    invite_ttl_days: int = Field(default=7, ge=1, le=365)
    shutdown_grace_seconds: float = Field(default=10.0, ge=0, le=300)
    # Categories, SLA, working hours and departments (TOML); bot/desk.toml when unset.
    desk_config: str | None = None
    flood_limit_per_minute: int = Field(default=20, ge=1, le=1000)
    redelivery_interval_seconds: float = Field(default=60.0, ge=1, le=3600)
    # Phones typed without a country code are read as this country's (ISO 3166 code).
    default_region: str = "RU"
    # Deal amounts and budgets typed without a currency are in this one (ISO 4217 code).
    default_currency: str = "RUB"
    # Off when bot workers are scaled out and `python -m bot scheduler` runs the jobs alone.
    scheduler_in_bot: bool = True
    # How often due reminders are looked for: a reminder goes out within this of its time.
    reminder_interval_seconds: float = Field(default=2.0, ge=0.5, le=60)
    # Days without contact before a client's owner is nudged, by the client's segment.
    no_contact_days_vip: int = Field(default=7, ge=1, le=365)
    no_contact_days_key: int = Field(default=14, ge=1, le=365)
    no_contact_days_standard: int = Field(default=30, ge=1, le=365)

    # Days an open deal may stay in a stage before its owner is nudged (JSON in the env).
    deal_stuck_days: dict[str, int] = Field(
        default_factory=lambda: {
            "new": 7,
            "qualified": 14,
            "proposal": 14,
            "negotiation": 21,
            "contract": 14,
        }
    )

    @field_validator("deal_stuck_days")
    @classmethod
    def _open_stages(cls, value: dict[str, int]) -> dict[str, int]:
        stages = {stage.value for stage in DealStage if stage.is_open}
        unknown = sorted(set(value) - stages)
        if unknown:
            raise ValueError(f"unknown stages {unknown}; open stages are {sorted(stages)}")
        if any(days < 1 for days in value.values()):
            raise ValueError("days must be 1 or more")
        return value

    @property
    def no_contact_days(self) -> dict[str, int]:
        return {
            Segment.VIP.value: self.no_contact_days_vip,
            Segment.KEY.value: self.no_contact_days_key,
            Segment.STANDARD.value: self.no_contact_days_standard,
        }

    @field_validator("bot_token")
    @classmethod
    def _token_format(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("must look like 123456789:AA... as given by @BotFather")
        return value

    @field_validator("telegram_api_url", "webhook_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None if value == "" else value
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"\d+", part) for part in parts):
                raise ValueError("must be comma-separated Telegram user ids, e.g. 1234,5678")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("must be an IANA time zone such as Europe/Moscow") from exc
        return value

    @field_validator("default_region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("must be a two-letter country code such as RU or BY")
        return value.upper()

    @field_validator("default_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not is_currency(value.upper()):
            raise ValueError("must be a currency code such as RUB, USD or EUR")
        return value.upper()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not WEBHOOK_SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.mode is Mode.WEBHOOK:
            if self.webhook_secret is None:
                raise ValueError("WEBHOOK_SECRET is required when MODE=webhook")
            if not self.webhook_base_url:
                raise ValueError("WEBHOOK_BASE_URL is required when MODE=webhook")
        return self


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it and is fit for a user."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def load_database_settings(**overrides: object) -> DatabaseSettings:
    try:
        return DatabaseSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else ""
        if name == "BOT_TOKEN" and (error["type"] == "missing" or error.get("input") == ""):
            return MISSING_TOKEN_MESSAGE
        message = error["msg"].removeprefix("Value error, ")
        lines.append(
            f"Invalid setting {name}: {message}" if name else f"Invalid settings: {message}"
        )
    return "\n".join(lines)
