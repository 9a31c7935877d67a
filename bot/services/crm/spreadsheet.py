"""Tables in and out: CSV (any encoding Excel in Russia saves, `,` `;` or tab) and XLSX read
into rows of text; rows written to XLSX and CSV with no cell a spreadsheet would run as a
formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# The first bytes of a ZIP archive (XLSX is one) and of an OLE file (Excel 97-2003 .xls).
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A spreadsheet runs a cell starting with one of these as a formula (tab and CR too, as
# some programs strip them first): a single quote in front makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# CSV is written with `;`: Excel in Russia (and most of Europe) splits columns on it when the
# file is opened with a double click, and it never occurs in numbers written with a comma.
CSV_DELIMITER = ";"
BOM = "\ufeff"
# A text with more control characters than this share is binary, not a table.
CONTROL_SHARE = 0.01

Cell = str | int | Decimal | datetime | None


class ImportProblem(StrEnum):
    """Why a file cannot be imported at all."""

    EMPTY = "empty"
    TOO_BIG = "too_big"
    TOO_MANY_ROWS = "too_many_rows"
    NOT_A_TABLE = "not_a_table"
    OLD_EXCEL = "old_excel"
    BROKEN_XLSX = "broken_xlsx"
    NO_NAME_COLUMN = "no_name_column"
    NO_ROWS = "no_rows"


class ImportRejected(Exception):
    """The file cannot be imported; `columns` are the headers found (for NO_NAME_COLUMN)."""

    def __init__(self, problem: ImportProblem, columns: Sequence[str] = ()) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.columns = tuple(columns)


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    # (the row's number as the spreadsheet shows it, its cells as text, one per header)
    rows: list[tuple[int, tuple[str, ...]]]


def read_table(data: bytes, file_name: str | None = None, *, max_rows: int = MAX_ROWS) -> Table:
    """The file's first sheet (XLSX) or its text (CSV): headers and the non-blank rows.
    Raises ImportRejected."""
    if not data.strip():
        raise ImportRejected(ImportProblem.EMPTY)
    if len(data) > MAX_BYTES:
        raise ImportRejected(ImportProblem.TOO_BIG)
    name = (file_name or "").casefold()
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise ImportRejected(ImportProblem.OLD_EXCEL)
    if data.startswith(ZIP_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(data, max_rows)
    else:
        records = _csv_records(_decode(data))
    return _table(records, max_rows)


def _table(records: list[list[str]], max_rows: int) -> Table:
    cleaned = [[_clean(cell) for cell in record] for record in records]
    start = next((i for i, cells in enumerate(cleaned) if any(cells)), None)
    if start is None:
        raise ImportRejected(ImportProblem.EMPTY)
    header = cleaned[start]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows: list[tuple[int, tuple[str, ...]]] = []
    for index in range(start + 1, len(cleaned)):
        cells = cleaned[index][:width]
        if not any(cells):
            continue
        if len(rows) == max_rows:
            raise ImportRejected(ImportProblem.TOO_MANY_ROWS)
        rows.append((index + 1, tuple(cells + [""] * (width - len(cells)))))
    if not rows:
        raise ImportRejected(ImportProblem.NO_ROWS, header)
    return Table(tuple(header), rows)


def _clean(cell: str) -> str:
    """Trimmed, and a cell this module neutralised on export read back as it was."""
    if cell.startswith("'") and cell[1:2] in FORMULA_STARTS:
        cell = cell[1:]
    return cell.strip()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else
    Windows-1251 (Excel's CSV in Russia). Binary data is not a table."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1251"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for char in text if char < " " and char not in "\t\r\n")
        if "\x00" in text or controls > len(text) * CONTROL_SHARE:
            break
        return text
    raise ImportRejected(ImportProblem.NOT_A_TABLE)


def _csv_records(text: str) -> list[list[str]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as exc:
        raise ImportRejected(ImportProblem.NOT_A_TABLE) from exc


def _xlsx_records(data: bytes, max_rows: int) -> list[list[str]]:
    """The first sheet's rows, read no further than one row past the limit. Whatever goes
    wrong inside the archive (a bad ZIP, broken XML, a missing part) means a damaged file."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRejected(ImportProblem.BROKEN_XLSX) from exc
    try:
        records: list[list[str]] = []
        filled = 0
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            records.append([_text(value) for value in values])
            filled += any(records[-1])
            if filled > max_rows + 1:  # the header and one row too many
                break
        return records
    except Exception as exc:
        raise ImportRejected(ImportProblem.BROKEN_XLSX) from exc
    finally:
        workbook.close()


def _text(value: object) -> str:
    """A cell's value as the person sees it: a phone typed as a number keeps its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def neutralised(value: str) -> str:
    """The text as a cell that is never run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class XlsxWriter:
    """An XLSX workbook written row by row with XlsxWriter in constant-memory mode (each row
    goes to a temporary file as it is written), a bold frozen header, dates as dates.

    openpyxl reads the imports; writing, XlsxWriter is about twice as fast, which is
    half a minute saved on an export of 100k clients."""

    def __init__(self, title: str, headers: Sequence[str], widths: Sequence[int] = ()) -> None:
        self._buffer = io.BytesIO()
        self._workbook = xlsxwriter.Workbook(
            self._buffer,
            {
                "constant_memory": True,
                # Text is text: never a formula, a link or a number guessed from it.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._sheet = self._workbook.add_worksheet(title[:31])
        for index, width in enumerate(widths):
            self._sheet.set_column(index, index, width)
        self._sheet.freeze_panes(1, 0)
        self._date = self._workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._sheet.write_row(
            0, 0, [_xlsx_value(text) for text in headers], self._workbook.add_format({"bold": True})
        )
        self._row = 1

    def add(self, cells: Sequence[Cell]) -> None:
        sheet, row = self._sheet, self._row
        for column, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(row, column, value, self._date)
            elif isinstance(value, str):
                sheet.write_string(row, column, _xlsx_value(value))
            else:
                sheet.write_number(row, column, value)
        self._row += 1

    def content(self) -> bytes:
        self._workbook.close()
        return self._buffer.getvalue()


def _xlsx_value(value: str) -> str:
    """Text neutralised (a person editing the cell would turn "=…" into a formula), without
    the control characters XLSX cannot hold, and with line breaks as spreadsheets write
    them (a bare CR would be stored as the escape "_x000D_")."""
    text = neutralised(ILLEGAL_CHARACTERS_RE.sub("", value))
    return text.replace("\r\n", "\n").replace("\r", "\n")


class CsvWriter:
    """CSV in UTF-8 with a BOM (so Excel reads Cyrillic right), columns split by `;`."""

    def __init__(self, headers: Sequence[str]) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, delimiter=CSV_DELIMITER)
        self.add(headers)

    def add(self, cells: Sequence[Cell]) -> None:
        self._writer.writerow([_csv_cell(value) for value in cells])

    def content(self) -> bytes:
        return (BOM + self._buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal | int):
        return str(value)
    return neutralised(value)
