"""One row of an imported table read into a client's fields, phones, e-mails, tags and a
note, with everything wrong with it: phones and e-mails validated as on the card, statuses
and segments in either language, budgets as people type them, lengths within the card's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from babel.numbers import is_currency

from bot.services.crm import import_map as cols
from bot.services.crm.clients import MAX_TEXT, TEXT_FIELDS, clean_tags
from bot.services.crm.contacts import normalized, parse_email, parse_phone
from bot.services.crm.money import parse_money
from bot.services.errors import ClientRejected
from bot.storage.enums import ContactKind

# Several phones or e-mails in one cell are split on these.
PHONES_SPLIT = re.compile(r"[,;\n]+")
EMAILS_SPLIT = re.compile(r"[,;\s]+")
# Plain text fields of the card a row can fill besides the name; several columns of one
# field are joined.
TEXTS = (
    cols.COMPANY,
    cols.POSITION,
    cols.SOURCE,
    cols.NEEDS,
    cols.SPECIAL_TERMS,
    cols.COMPETITORS,
    cols.NEXT_STEP,
)


class RowProblem(StrEnum):
    NO_NAME = "no_name"
    TOO_LONG = "too_long"
    BAD_PHONE = "bad_phone"
    BAD_EMAIL = "bad_email"
    BAD_STATUS = "bad_status"
    BAD_SEGMENT = "bad_segment"
    BAD_BUDGET = "bad_budget"
    BAD_TAGS = "bad_tags"
    OTHERS_CLIENT = "others_client"
    SEVERAL_CLIENTS = "several_clients"


@dataclass(frozen=True, slots=True)
class RowIssue:
    problem: RowProblem
    column: str | None = None  # the header of the column at fault
    value: str | None = None  # the value at fault, as written


@dataclass(slots=True)
class Row:
    index: int
    fields: dict[str, Any]  # named as ClientDTO's
    contacts: dict[str, tuple[ContactKind, str]]  # normalized → (kind, value)
    tags: list[str]
    note: str | None


class RowReader:
    """Reads the rows of one table (its columns mapped); phones without a country code are
    `region`'s, amounts are read as `locale` writes them, in `currency` unless one is given."""

    def __init__(
        self,
        columns: cols.Columns,
        headers: Sequence[str],
        *,
        region: str,
        locale: str,
        currency: str,
    ) -> None:
        self._columns = columns.fields
        self._headers = {
            name: headers[indexes[0]] for name, indexes in columns.fields.items() if indexes
        }
        self._locale = locale
        self._currency = currency
        self._contacts = (
            (ContactKind.PHONE, cols.PHONE, PHONES_SPLIT, lambda t: parse_phone(t, region)),
            (ContactKind.EMAIL, cols.EMAIL, EMAILS_SPLIT, parse_email),
        )

    def read(self, index: int, cells: Sequence[str]) -> Row | list[RowIssue]:
        """The row's fields, contacts, tags and note, or everything wrong with it."""
        issues: list[RowIssue] = []
        fields = self._texts(cells, issues)
        self._choices(cells, fields, issues)
        contacts = self._contacts_of(cells, issues)
        tags: list[str] = []
        if raw_tags := self._values(cells, cols.TAGS):
            try:
                tags = clean_tags(text.replace(";", ",") for text in raw_tags)
            except ClientRejected:
                issues.append(RowIssue(RowProblem.BAD_TAGS, self._headers[cols.TAGS]))
        if budget := " ".join(self._values(cells, cols.BUDGET)):
            code = " ".join(self._values(cells, cols.CURRENCY)).strip().upper()
            money = _money(budget, code, self._locale, self._currency)
            if money is None:
                issues.append(RowIssue(RowProblem.BAD_BUDGET, self._headers[cols.BUDGET], budget))
            else:
                fields["budget_minor"], fields["budget_currency"] = money
        note = "\n".join(self._values(cells, cols.NOTES)) or None
        if note is not None and len(note) > MAX_TEXT:
            issues.append(RowIssue(RowProblem.TOO_LONG, self._headers[cols.NOTES]))
        if issues:
            return issues
        return Row(index, fields, contacts, tags, note)

    def _values(self, cells: Sequence[str], name: str) -> list[str]:
        return [cells[i] for i in self._columns.get(name, ()) if cells[i]]

    def _texts(self, cells: Sequence[str], issues: list[RowIssue]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for name in (cols.NAME, *TEXTS):
            text = (" " if name == cols.NAME else "\n").join(self._values(cells, name))
            if len(text) > TEXT_FIELDS[name]:
                issues.append(RowIssue(RowProblem.TOO_LONG, self._headers[name]))
            elif text:
                fields[name] = cols.source_of(text) if name == cols.SOURCE else text
        if cols.NAME not in fields:
            if cols.COMPANY in fields:
                # A company alone: its name names the card.
                fields[cols.NAME] = fields[cols.COMPANY]
            elif not issues:
                issues.append(RowIssue(RowProblem.NO_NAME))
        return fields

    def _choices(
        self, cells: Sequence[str], fields: dict[str, Any], issues: list[RowIssue]
    ) -> None:
        for name, read, problem in (
            (cols.STATUS, cols.status_of, RowProblem.BAD_STATUS),
            (cols.SEGMENT, cols.segment_of, RowProblem.BAD_SEGMENT),
        ):
            for text in self._values(cells, name)[:1]:
                value = read(text)
                if value is None:
                    issues.append(RowIssue(problem, self._headers[name], text))
                else:
                    fields[name] = value

    def _contacts_of(
        self, cells: Sequence[str], issues: list[RowIssue]
    ) -> dict[str, tuple[ContactKind, str]]:
        contacts: dict[str, tuple[ContactKind, str]] = {}
        for kind, name, split, parse in self._contacts:
            for text in _parts(self._values(cells, name), split):
                try:
                    value = parse(text)
                except ClientRejected:
                    issues.append(RowIssue(_BAD[kind], self._headers[name], text))
                    continue
                contacts.setdefault(normalized(kind, value), (kind, value))
        return contacts


_BAD = {ContactKind.PHONE: RowProblem.BAD_PHONE, ContactKind.EMAIL: RowProblem.BAD_EMAIL}


@lru_cache(maxsize=4096)
def _money(text: str, code: str, locale: str, default: str) -> tuple[int, str] | None:
    """(minor units, currency) of a budget; `code` is the currency column's value. Cached:
    a base repeats its round budgets, and Babel's parsing is the slow part of a row."""
    if code and not is_currency(code):
        return None
    try:
        return parse_money(text, locale, code or default)
    except ClientRejected:
        return None


def _parts(cells: Iterable[str], split: re.Pattern[str]) -> list[str]:
    return [part.strip() for cell in cells for part in split.split(cell) if part.strip()]
