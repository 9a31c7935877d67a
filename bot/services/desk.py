"""The desk's configuration: request categories, SLA targets, working hours, departments.

Defaults live in `bot/desk.toml`. A company file replaces them section by section, so a file
with only `[[departments]]` keeps the default categories, SLA and hours.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.working_time import WorkingCalendar
from bot.storage.enums import RequestKind

DEFAULTS_NAME = "bot/desk.toml"
FALLBACK_TIMEZONE = "UTC"
MIB = 1024 * 1024

_KEY_PATTERN = re.compile(r"[a-z0-9_]{1,32}")
_TIME_PATTERN = re.compile(r"(\d{2}):(\d{2})")
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_SCALARS = ("timezone", "reopen_days", "max_attachments", "max_attachment_mb")
_TOP_LEVEL = (*_SCALARS, "working_hours", "categories", "sla", "segments", "departments")
_SLA_KEYS = ("first_response", "resolution")


_KINDS = frozenset(kind.value for kind in RequestKind)


@dataclass(frozen=True, slots=True)
class Label:
    """A name in both interface languages."""

    ru: str
    en: str

    def __call__(self, locale: str) -> str:
        return self.ru if locale == "ru" else self.en


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    label: Label


@dataclass(frozen=True, slots=True)
class Department:
    key: str
    label: Label
    chat_id: int  # a Telegram user id (> 0) or a group/supergroup chat id (< 0)


@dataclass(frozen=True, slots=True)
class SlaTarget:
    first_response: timedelta
    resolution: timedelta


def _scale(duration: timedelta, factor: float) -> timedelta:
    minutes = math.floor(duration / timedelta(minutes=1) * factor + 0.5)
    # A target of zero would make a request due the moment it is filed.
    return timedelta(minutes=max(1, minutes))


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    defaults: Mapping[RequestKind, SlaTarget]
    overrides: Mapping[tuple[RequestKind, str], SlaTarget]
    segment_factors: Mapping[str, float]

    def target(self, kind: RequestKind, category: str, segment: str | None) -> SlaTarget:
        base = self.overrides.get((kind, category)) or self.defaults[kind]
        factor = self.segment_factors.get(segment, 1.0) if segment is not None else 1.0
        return SlaTarget(_scale(base.first_response, factor), _scale(base.resolution, factor))


@dataclass(frozen=True, slots=True)
class DeskConfig:
    categories: tuple[Category, ...]
    departments: tuple[Department, ...]
    sla: SlaPolicy
    calendar: WorkingCalendar
    reopen_window: timedelta = timedelta(days=7)
    max_attachments: int = 10
    max_attachment_bytes: int = 20 * MIB

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def department(self, key: str) -> Department | None:
        return next((d for d in self.departments if d.key == key), None)

    def department_by_chat(self, chat_id: int) -> Department | None:
        return next((d for d in self.departments if d.chat_id == chat_id), None)


class DeskConfigError(Exception):
    """The desk file is unusable; the message names the file and the key, fit for an operator."""


# --- loading -------------------------------------------------------------------------------


def load_desk_config(path: str | Path | None = None, *, timezone: str | None = None) -> DeskConfig:
    defaults = _parse(_read_defaults(), DEFAULTS_NAME)
    sections = _sections(defaults, DEFAULTS_NAME)
    if path is not None:
        name = str(path)
        sections |= _sections(_parse(_read_file(Path(path)), name), name)
    return _build(sections, timezone)


def _read_defaults() -> str:
    return (files("bot") / "desk.toml").read_text(encoding="utf-8")


def _read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(str(path), "the file is not UTF-8 text")
    except OSError as exc:
        _fail(str(path), f"the file cannot be read ({exc.strerror or exc})")


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        _fail(source, f"the file is not valid TOML ({exc})")


# A section is what a company file replaces as a whole; each carries the file it came from so
# an error points at the file the operator has to fix.
_Sections = dict[str, tuple[Any, str]]


def _sections(document: dict[str, Any], source: str) -> _Sections:
    sections: _Sections = {}
    for key, value in document.items():
        if key not in _TOP_LEVEL:
            _fail(source, f"{key} is not a known key (known: {', '.join(_TOP_LEVEL)})")
        if key != "sla":
            sections[key] = (value, source)
            continue
        for kind, table in _table(source, "sla", value).items():
            if kind not in _KINDS:
                known = ", ".join(k.value for k in RequestKind)
                _fail(source, f"sla.{kind} is not a known request kind (known: {known})")
            sections[f"sla.{kind}"] = (table, source)
    return sections


def _build(sections: _Sections, timezone: str | None) -> DeskConfig:
    categories = _categories(*sections["categories"])
    departments = _departments(*sections.get("departments", ([], DEFAULTS_NAME)))
    return DeskConfig(
        categories=categories,
        departments=departments,
        sla=_sla(sections, categories),
        calendar=_calendar(sections, timezone),
        reopen_window=timedelta(days=_number(*_scalar(sections, "reopen_days"))),
        max_attachments=_count(*_scalar(sections, "max_attachments")),
        max_attachment_bytes=int(_number(*_scalar(sections, "max_attachment_mb")) * MIB),
    )


def _scalar(sections: _Sections, key: str) -> tuple[str, str, Any]:
    value, source = sections[key]
    return source, key, value


def _calendar(sections: _Sections, timezone: str | None) -> WorkingCalendar:
    if "timezone" in sections:
        value, source = sections["timezone"]
        zone = _zone(source, "timezone", value)
    elif timezone is not None:
        zone = _zone("load_desk_config", "the timezone argument", timezone)
    else:
        zone = FALLBACK_TIMEZONE

    raw, source = sections["working_hours"]
    table = _keys(
        source, "working_hours", raw, required=("days", "start", "end"), optional=("holidays",)
    )
    days = _list(source, "working_hours.days", table["days"])
    if not days:
        _fail(source, 'working_hours.days is empty; list at least one day such as "mon"')
    weekdays = frozenset(
        _weekday(source, f"working_hours.days[{i}]", day) for i, day in enumerate(days)
    )
    start = _time(source, "working_hours.start", table["start"])
    end = _time(source, "working_hours.end", table["end"])
    if end <= start:
        _fail(source, f"working_hours.end ({end:%H:%M}) must be later than start ({start:%H:%M})")
    holidays = frozenset(
        _date(source, f"working_hours.holidays[{i}]", d)
        for i, d in enumerate(_list(source, "working_hours.holidays", table.get("holidays", [])))
    )
    return WorkingCalendar(zone, weekdays, start, end, holidays)


def _categories(raw: Any, source: str) -> tuple[Category, ...]:
    entries = _tables(source, "categories", raw)
    if not entries:
        _fail(source, "categories is empty; define at least one [[categories]] entry")
    categories = []
    for i, entry in enumerate(entries):
        where = f"categories[{i}]"
        table = _keys(source, where, entry, required=("key", "ru", "en"))
        key = _key(source, f"{where}.key", table["key"])
        if any(c.key == key for c in categories):
            _fail(source, f"{where}.key {key!r} is a duplicate of an earlier category")
        categories.append(Category(key, _label(source, where, table)))
    return tuple(categories)


def _departments(raw: Any, source: str) -> tuple[Department, ...]:
    departments: list[Department] = []
    for i, entry in enumerate(_tables(source, "departments", raw)):
        where = f"departments[{i}]"
        table = _keys(source, where, entry, required=("key", "ru", "en", "chat_id"))
        key = _key(source, f"{where}.key", table["key"])
        chat_id = table["chat_id"]
        if isinstance(chat_id, bool) or not isinstance(chat_id, int) or chat_id == 0:
            _fail(source, f"{where}.chat_id must be a non-zero whole number, got {chat_id!r}")
        if any(d.key == key for d in departments):
            _fail(source, f"{where}.key {key!r} is a duplicate of an earlier department")
        if any(d.chat_id == chat_id for d in departments):
            _fail(source, f"{where}.chat_id {chat_id} is already used by another department")
        departments.append(Department(key, _label(source, where, table), chat_id))
    return tuple(departments)


def _sla(sections: _Sections, categories: tuple[Category, ...]) -> SlaPolicy:
    known = {c.key for c in categories}
    categories_source = sections["categories"][1]
    defaults: dict[RequestKind, SlaTarget] = {}
    overrides: dict[tuple[RequestKind, str], SlaTarget] = {}
    for kind in RequestKind:
        where = f"sla.{kind}"
        raw, source = sections[where]
        table = _keys(source, where, raw, required=_SLA_KEYS, optional=("categories",))
        base = SlaTarget(*(_hours(source, f"{where}.{k}", table[k]) for k in _SLA_KEYS))
        defaults[kind] = base
        for category, entry in _table(
            source, f"{where}.categories", table.get("categories", {})
        ).items():
            at = f"{where}.categories.{category}"
            if category not in known:
                # The defaults' examples must not break a company file that drops a category.
                if source == DEFAULTS_NAME and categories_source != DEFAULTS_NAME:
                    continue
                _fail(source, f"{at} names a category that is not defined in [[categories]]")
            override = _keys(source, at, entry, optional=_SLA_KEYS)
            if not override:
                _fail(source, f"{at} is empty; set first_response, resolution or both")
            overrides[(kind, category)] = SlaTarget(
                *(
                    _hours(source, f"{at}.{k}", override[k]) if k in override else getattr(base, k)
                    for k in _SLA_KEYS
                )
            )
    raw_segments, source = sections.get("segments", ({}, DEFAULTS_NAME))
    factors = {
        _key(source, f"segments.{name}", name): _number(source, f"segments.{name}", factor)
        for name, factor in _table(source, "segments", raw_segments).items()
    }
    return SlaPolicy(
        defaults=MappingProxyType(defaults),
        overrides=MappingProxyType(overrides),
        segment_factors=MappingProxyType(factors),
    )


# --- value checks --------------------------------------------------------------------------


def _fail(source: str, problem: str) -> NoReturn:
    raise DeskConfigError(f"{source}: {problem}.")


def _table(source: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(source, f"{key} must be a table, got {type(value).__name__}")
    return value


def _tables(source: str, key: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        _fail(source, f"{key} must be written as [[{key}]] entries")
    return value


def _list(source: str, key: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        _fail(source, f"{key} must be a list, got {value!r}")
    return value


def _keys(
    source: str,
    where: str,
    value: Any,
    *,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
) -> dict[str, Any]:
    table = _table(source, where, value)
    allowed = (*required, *optional)
    for key in table:
        if key not in allowed:
            _fail(source, f"{where}.{key} is not a known key (known: {', '.join(allowed)})")
    for key in required:
        if key not in table:
            _fail(source, f"{where}.{key} is missing")
    return table


def _key(source: str, where: str, value: Any) -> str:
    if not isinstance(value, str) or not _KEY_PATTERN.fullmatch(value):
        _fail(
            source,
            f"{where} {value!r} must be 1-32 lowercase letters, digits or underscores",
        )
    return value


def _label(source: str, where: str, table: dict[str, Any]) -> Label:
    names = []
    for locale in ("ru", "en"):
        name = table[locale]
        if not isinstance(name, str) or not name.strip():
            _fail(source, f"{where}.{locale} must be a non-empty string")
        names.append(name.strip())
    return Label(*names)


def _number(source: str, key: str, value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        _fail(source, f"{key} must be a positive number, got {value!r}")
    return value


def _hours(source: str, key: str, value: Any) -> timedelta:
    return timedelta(hours=_number(source, key, value))


def _count(source: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(source, f"{key} must be a whole number of 0 or more, got {value!r}")
    return value


def _zone(source: str, key: str, value: Any) -> str:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        _fail(source, f'{key} {value!r} is not an IANA time zone such as "Europe/Moscow"')
    return value


def _weekday(source: str, key: str, value: Any) -> int:
    day = _WEEKDAYS.get(value.lower()) if isinstance(value, str) else None
    if day is None:
        _fail(source, f"{key} {value!r} is not a weekday (use {', '.join(_WEEKDAYS)})")
    return day


def _time(source: str, key: str, value: Any) -> time:
    # TOML's own local time (start = 09:00:00) is accepted as well as the "09:00" string.
    if isinstance(value, time) and value.tzinfo is None:
        return value
    match = _TIME_PATTERN.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        _fail(source, f'{key} must be a time written as "HH:MM", got {value!r}')
    return time(int(match[1]), int(match[2]))


def _date(source: str, key: str, value: Any) -> date:
    # TOML's own date (2027-01-01, unquoted) is accepted as well as the "2027-01-01" string.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_PATTERN.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _fail(source, f'{key} must be a date written as "YYYY-MM-DD", got {value!r}')
