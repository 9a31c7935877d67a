"""Texts and files of /import and /export in the reader's language: column titles, the
answers to files that cannot be imported, reasons of rejected rows, progress and summary."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal

from bot.render.crm_labels import client_status_name, segment_name, source_name
from bot.services.actors import Actor
from bot.services.crm.clients import MAX_TAG, MAX_TAGS
from bot.services.crm.exporting import Labels
from bot.services.crm.import_rows import RowIssue, RowProblem
from bot.services.crm.importing import ImportResult
from bot.services.crm.spreadsheet import (
    MAX_BYTES,
    MAX_ROWS,
    CsvWriter,
    ImportProblem,
    ImportRejected,
)
from bot.storage.enums import ClientStatus, Segment


def number(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale)


def column_titles() -> dict[str, str]:
    """The export's column titles; the import reads them back in either language."""
    return {
        "id": _("ID"),
        "name": _("Name"),
        "company": _("Company"),
        "position": _("Position"),
        "phones": _("Phones"),
        "emails": _("E-mails"),
        "status": _("Status"),
        "segment": _("Segment"),
        "tags": _("Tags"),
        "owner": _("Owner"),
        "source": _("Source"),
        "needs": _("Needs"),
        "budget": _("Budget"),
        "currency": _("Currency"),
        "special_terms": _("Special terms"),
        "competitors": _("Competitors"),
        "next_step": _("Next step"),
        "next_step_at": _("Next step date"),
        "last_contact_at": _("Last contact"),
        "created_at": _("Date added"),
    }


def export_labels(actor: Actor) -> Labels:
    return Labels(
        titles=column_titles(),
        status=client_status_name,
        segment=segment_name,
        source=source_name,
        timezone=actor.timezone,
        sheet=_("Clients"),
    )


def import_prompt(locale: str) -> str:
    return _(
        "📥 Send me a CSV or XLSX file with your clients (up to {size} MB and {rows} rows).\n\n"
        "The first row names the columns, in Russian or English: <b>Name</b> or "
        "<b>Company</b>, and any of Phone, E-mail, Position, Status, Segment, Source, "
        "Needs, Tags, Budget, Notes. A row with a phone or e-mail already in your base is "
        "merged into that client."
    ).format(size=MAX_BYTES // (1024 * 1024), rows=number(MAX_ROWS, locale))


def import_problem_text(rejected: ImportRejected, locale: str) -> str:
    problem = rejected.problem
    if problem is ImportProblem.NO_NAME_COLUMN:
        return _(
            "I can't find the name or company column. Columns in the file: {found}.\n"
            "I need at least one of them: Name (Имя, ФИО, Client, Контакт) or Company "
            "(Компания, Организация)."
        ).format(found=html.escape(", ".join(rejected.columns)) or "—")
    texts = {
        ImportProblem.EMPTY: _("The file is empty."),
        ImportProblem.TOO_BIG: _("The file is too big: up to {size} MB, please.").format(
            size=MAX_BYTES // (1024 * 1024)
        ),
        ImportProblem.TOO_MANY_ROWS: _(
            "The file has more than {rows} rows. Please split it into several files."
        ).format(rows=number(MAX_ROWS, locale)),
        ImportProblem.NOT_A_TABLE: _(
            "I can't read this file as a table. Please send a CSV file (saved from Excel or "
            "Google Sheets) or an Excel workbook (.xlsx)."
        ),
        ImportProblem.OLD_EXCEL: _(
            "This is an old Excel file (.xls). Please save it as .xlsx or CSV and send it again."
        ),
        ImportProblem.BROKEN_XLSX: _(
            "This Excel file is damaged and can't be opened. Please save it again or send it "
            "as CSV."
        ),
        ImportProblem.NO_ROWS: _("The file has column names but no clients below them."),
    }
    return texts[problem]


def send_another() -> str:
    return _("Send a corrected file, or anything else to do something different.")


def progress_text(done: int, total: int, locale: str) -> str:
    return ngettext(
        "⏳ Imported {done} of {total} row…", "⏳ Imported {done} of {total} rows…", total
    ).format(done=number(done, locale), total=number(total, locale))


def reading_text() -> str:
    return _("⏳ Reading the file…")


def summary_text(result: ImportResult, locale: str) -> str:
    count = result.rows
    lines = [
        "<b>"
        + ngettext(
            "✅ Import finished: {count} row.", "✅ Import finished: {count} rows.", count
        ).format(count=number(count, locale))
        + "</b>",
        ngettext("{count} new client added.", "{count} new clients added.", result.created).format(
            count=number(result.created, locale)
        ),
    ]
    if result.merged:
        lines.append(
            ngettext(
                "{count} row merged into clients with the same phone or e-mail.",
                "{count} rows merged into clients with the same phone or e-mail.",
                result.merged,
            ).format(count=number(result.merged, locale))
        )
    if result.unchanged:
        lines.append(
            ngettext(
                "{count} row is already in the base, nothing new in it.",
                "{count} rows are already in the base, nothing new in them.",
                result.unchanged,
            ).format(count=number(result.unchanged, locale))
        )
    if result.rejected:
        lines.append(
            ngettext(
                "{count} row rejected: the reasons are in the file below.",
                "{count} rows rejected: the reasons are in the file below.",
                len(result.rejected),
            ).format(count=number(len(result.rejected), locale))
        )
    if result.ignored:
        lines.append(
            _("Columns not imported: {columns}.").format(
                columns=html.escape(", ".join(result.ignored))
            )
        )
    return "\n".join(lines)


def rejected_caption() -> str:
    return _(
        "Rejected rows with the reason for each. Fix them and send the file with /import again."
    )


def rejected_file(result: ImportResult) -> bytes:
    """The rejected rows as they were, with their row number and reasons: fixed, the file
    imports as it is (the extra columns are not read)."""
    writer = CsvWriter([*result.headers, _("Row"), _("Reason")])
    for row in result.rejected:
        reasons = "; ".join(reason(issue) for issue in row.issues)
        writer.add([*row.cells, str(row.number), reasons])
    return writer.content()


def reason(issue: RowIssue) -> str:
    """Why a row was rejected, for a CSV cell (plain text, not HTML)."""
    problem, value = issue.problem, issue.value or ""
    if problem is RowProblem.BAD_STATUS:
        names = ", ".join(client_status_name(status) for status in ClientStatus)
        return _("unknown status «{value}» (one of: {names})").format(value=value, names=names)
    if problem is RowProblem.BAD_SEGMENT:
        names = ", ".join(segment_name(segment.value) for segment in Segment)
        return _("unknown segment «{value}» (one of: {names})").format(value=value, names=names)
    texts = {
        RowProblem.NO_NAME: _("no name and no company"),
        RowProblem.TOO_LONG: _("«{column}» is too long"),
        RowProblem.BAD_PHONE: _("phone number not recognised: {value}"),
        RowProblem.BAD_EMAIL: _("e-mail not recognised: {value}"),
        RowProblem.BAD_BUDGET: _("budget not recognised: {value}"),
        RowProblem.BAD_TAGS: _("more than {count} tags, or a tag longer than {length} characters"),
        RowProblem.OTHERS_CLIENT: _("the phone or e-mail belongs to another specialist's client"),
        RowProblem.SEVERAL_CLIENTS: _("the phones and e-mails match several different clients"),
    }
    return texts[problem].format(
        value=value, column=issue.column or "", count=MAX_TAGS, length=MAX_TAG
    )


def nothing_to_export() -> str:
    return _("There are no clients to export yet.")


def export_caption(count: int, locale: str) -> str:
    return ngettext(
        "📤 Your client base: {count} client.", "📤 Your client base: {count} clients.", count
    ).format(count=number(count, locale))


def csv_caption() -> str:
    return _("The same as CSV: UTF-8, columns separated by semicolons.")
