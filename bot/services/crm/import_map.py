"""Which column of an imported table is which field of the card, and what its values mean:
header names and values in Russian or English, in any case and spacing, with the usual
synonyms. The export's own column titles and labels (both languages) are among them, so an
exported file imports back cleanly."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.services.crm.spreadsheet import ImportProblem, ImportRejected
from bot.services.crm.text import fold
from bot.storage.enums import ClientStatus, LeadSource, Segment

# Fields a column can fill. SKIP: columns of the export that are not read back (the base
# keeps its own id, owner and dates).
NAME = "name"
COMPANY = "company"
POSITION = "position"
PHONE = "phone"
EMAIL = "email"
STATUS = "status"
SEGMENT = "segment"
SOURCE = "source"
NEEDS = "needs"
TAGS = "tags"
BUDGET = "budget"
CURRENCY = "currency"
SPECIAL_TERMS = "special_terms"
COMPETITORS = "competitors"
NEXT_STEP = "next_step"
NOTES = "notes"
SKIP = "skip"

T = TypeVar("T")

HEADERS: dict[str, tuple[str, ...]] = {
    # Several name columns (surname, first name, patronymic) are joined in their order.
    NAME: (
        "name", "full name", "client", "client name", "contact", "contact name",
        "contact person", "first name", "last name", "surname", "middle name",
        "имя", "фио", "ф.и.о.", "клиент", "контакт", "контактное лицо", "фамилия",
        "отчество", "имя клиента",
    ),
    COMPANY: (
        "company", "company name", "organization", "organisation", "account",
        "компания", "организация", "название компании", "наименование",
        "наименование организации", "фирма",
    ),
    POSITION: ("position", "job title", "job", "должность"),
    PHONE: (
        "phone", "phones", "phone number", "telephone", "tel", "mobile", "mobile phone",
        "work phone", "телефон", "телефоны", "тел", "номер телефона", "мобильный",
        "мобильный телефон", "рабочий телефон", "сотовый",
    ),
    EMAIL: (
        "email", "e-mail", "emails", "e-mails", "mail", "email address", "почта",
        "электронная почта", "эл. почта", "емейл", "имейл",
    ),
    STATUS: ("status", "статус"),
    SEGMENT: ("segment", "tier", "сегмент"),
    SOURCE: ("source", "lead source", "источник", "источник лида", "канал"),
    NEEDS: ("needs", "need", "interest", "потребности", "потребность", "интерес"),
    TAGS: ("tags", "tag", "labels", "теги", "тег", "метки", "метка"),
    BUDGET: ("budget", "бюджет"),
    CURRENCY: ("currency", "валюта"),
    SPECIAL_TERMS: (
        "special terms", "terms", "discount", "discounts", "особые условия", "условия",
        "скидка", "скидки",
    ),
    COMPETITORS: ("competitors", "competitor", "конкуренты", "конкурент"),
    NEXT_STEP: ("next step", "следующий шаг"),
    NOTES: (
        "notes", "note", "comment", "comments", "remarks", "заметки", "заметка",
        "комментарий", "комментарии", "примечание", "примечания",
    ),
    SKIP: (
        "id", "owner", "ответственный", "next step date", "дата следующего шага",
        "last contact", "последний контакт", "date added", "дата добавления", "created",
        "создан",
        # The file of rejected rows adds these two; fixed, it is imported again.
        "row", "строка", "reason", "причина",
    ),
}  # fmt: skip

STATUSES: dict[ClientStatus, tuple[str, ...]] = {
    ClientStatus.LEAD: ("lead", "лид", "new", "новый"),
    ClientStatus.PROSPECT: (
        "prospect", "потенциальный", "потенциальный клиент", "перспективный",
    ),
    ClientStatus.ACTIVE: ("active", "активный", "действующий"),
    ClientStatus.INACTIVE: ("inactive", "неактивный"),
    ClientStatus.LOST: ("lost", "потерян", "потеряна", "потерянный", "отказ"),
}  # fmt: skip

SEGMENTS: dict[Segment, tuple[str, ...]] = {
    Segment.STANDARD: ("standard", "стандарт", "стандартный", "обычный"),
    Segment.KEY: ("key", "ключевой"),
    Segment.VIP: ("vip", "вип"),
}

SOURCES: dict[LeadSource, tuple[str, ...]] = {
    LeadSource.EXHIBITION: ("exhibition", "выставка"),
    LeadSource.FAIR: ("fair", "ярмарка"),
    LeadSource.PRESENTATION: ("presentation", "презентация"),
    LeadSource.ADVERTISING: ("advertising", "ads", "реклама"),
    LeadSource.REFERRAL: ("referral", "рекомендация", "по рекомендации"),
    LeadSource.COLD_CALL: ("cold call", "холодный звонок"),
    LeadSource.WEBSITE: ("website", "site", "сайт"),
    LeadSource.DEEP_LINK: ("link to the bot", "deep link", "ссылка на бота"),
    LeadSource.OTHER: ("other", "другое"),
}

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_TRAILING_DIGITS = re.compile(r"\d+$")


def value_key(text: str) -> str:
    """What a value is compared by: folded, letters and digits only ("Cold call",
    "cold_call" and "COLD-CALL" are one)."""
    return _NOT_ALNUM.sub("", fold(text))


def header_key(text: str) -> str:
    """A header compared as a value, with a number at its end dropped ("Phone 2")."""
    return _TRAILING_DIGITS.sub("", value_key(text))


def _lookup(
    table: Mapping[T, tuple[str, ...]], key: Callable[[str], str] = value_key
) -> dict[str, T]:
    return {key(name): item for item, names in table.items() for name in names}


_HEADERS = _lookup(HEADERS, header_key)
_STATUSES = _lookup(STATUSES)
_SEGMENTS = _lookup(SEGMENTS)
_SOURCES = {**_lookup(SOURCES), **{value_key(s.value): s for s in LeadSource}}


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each field is in the table: field → the indexes of its columns, in order."""

    fields: dict[str, tuple[int, ...]]
    ignored: tuple[str, ...]

    def first(self, field: str) -> int | None:
        indexes = self.fields.get(field, ())
        return indexes[0] if indexes else None


def field_of(header: str) -> str | None:
    """The field a column with this header fills (SKIP: known, not read), None if unknown."""
    return _HEADERS.get(header_key(header))


def map_headers(headers: Sequence[str]) -> Columns:
    """The table's columns by field. A table with neither a name nor a company column is
    refused, naming the columns it has."""
    fields: dict[str, list[int]] = {}
    ignored = []
    for index, header in enumerate(headers):
        field = field_of(header)
        if field is None:
            if header:
                ignored.append(header)
        elif field != SKIP:
            fields.setdefault(field, []).append(index)
    if NAME not in fields and COMPANY not in fields:
        raise ImportRejected(ImportProblem.NO_NAME_COLUMN, [h for h in headers if h])
    return Columns({k: tuple(v) for k, v in fields.items()}, tuple(ignored))


def status_of(text: str) -> ClientStatus | None:
    return _STATUSES.get(value_key(text))


def segment_of(text: str) -> Segment | None:
    return _SEGMENTS.get(value_key(text))


def source_of(text: str) -> str:
    """A known source as its stored value, any other as written."""
    known = _SOURCES.get(value_key(text))
    return known.value if known else text
