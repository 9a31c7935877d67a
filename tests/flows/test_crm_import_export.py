"""A specialist imports his clients from a file and exports his base: /import asks for the
file, one message shows the progress and then the summary, rejected rows come back as a file
with the reasons; /export sends an Excel workbook and a CSV. Clients get nothing."""

from __future__ import annotations

import csv
import io

import pytest
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook
from sqlalchemy import select

from bot.handlers import crm_files
from bot.storage.enums import Role
from bot.storage.models import Client
from tests.support.harness import Harness, Person

NBSP = "\u00a0"
TEXT = {
    "en": {
        "anna": "Anna",
        "send me": "📥 Send me a CSV or XLSX file with your clients (up to 5 MB and 20,000 rows).",
        "reading": "⏳ Reading the file…",
        "progress": ["⏳ Imported 500 of 1,200 rows…", "⏳ Imported 1,000 of 1,200 rows…"],
        "summary": (
            "<b>✅ Import finished: 1,200 rows.</b>\n"
            "1,196 new clients added.\n"
            "1 row merged into clients with the same phone or e-mail.\n"
            "3 rows rejected: the reasons are in the file below."
        ),
        "rejected caption": (
            "Rejected rows with the reason for each. Fix them and send the file with /import again."
        ),
        "reasons": [
            "phone number not recognised: 12345",
            "e-mail not recognised: not-an-email",
            "no name and no company",
        ],
        "extra columns": ["Row", "Reason"],
        "empty": "The file is empty.",
        "no name column": (
            "I can't find the name or company column. Columns in the file: Phone, City.\n"
            "I need at least one of them: Name (Имя, ФИО, Client, Контакт) or Company "
            "(Компания, Организация)."
        ),
        "send another": "Send a corrected file, or anything else to do something different.",
        "one": (
            "<b>✅ Import finished: 1 row.</b>\n1 new client added.\nColumns not imported: City."
        ),
        "xlsx caption": "📤 Your client base: 2 clients.",
        "csv caption": "The same as CSV: UTF-8, columns separated by semicolons.",
        "header": ["ID", "Name", "Company", "Position", "Phones", "E-mails", "Status"],
        "lead": "lead",
        "nothing": "There are no clients to export yet.",
        "unknown": "I don't know this command. /help lists what I can do.",
    },
    "ru": {
        "anna": "Анна",
        "send me": (
            f"📥 Пришлите файл CSV или XLSX с вашими клиентами (до 5 МБ и 20{NBSP}000 строк)."
        ),
        "reading": "⏳ Читаю файл…",
        "progress": [
            f"⏳ Загружено 500 из 1{NBSP}200 строк…",
            f"⏳ Загружено 1{NBSP}000 из 1{NBSP}200 строк…",
        ],
        "summary": (
            f"<b>✅ Импорт завершён: 1{NBSP}200 строк.</b>\n"
            f"Добавлено 1{NBSP}196 новых клиентов.\n"
            "1 строка объединена с клиентами с тем же телефоном или e-mail.\n"
            "3 строки не загружены: причины — в файле ниже."
        ),
        "rejected caption": (
            "Незагруженные строки с причиной для каждой. "
            "Исправьте их и снова пришлите файл через /import."
        ),
        "reasons": [
            "не удалось распознать телефон: 12345",
            "не удалось распознать e-mail: not-an-email",
            "нет ни имени, ни компании",
        ],
        "extra columns": ["Строка", "Причина"],
        "empty": "Файл пустой.",
        "no name column": (
            "Не нашёл столбец с именем или компанией. Столбцы в файле: Phone, City.\n"
            "Нужен хотя бы один из них: Имя (ФИО, Клиент, Контакт, Name) или Компания "
            "(Организация, Company)."
        ),
        "send another": "Пришлите исправленный файл — или займитесь другим делом, импорт подождёт.",
        "one": (
            "<b>✅ Импорт завершён: 1 строка.</b>\n"
            "Добавлен 1 новый клиент.\n"
            "Не загружены столбцы: City."
        ),
        "xlsx caption": "📤 Ваша клиентская база: 2 клиента.",
        "csv caption": "То же в формате CSV: кодировка UTF-8, столбцы разделены точкой с запятой.",
        "header": ["ID", "Имя", "Компания", "Должность", "Телефоны", "E-mail", "Статус"],
        "lead": "лид",
        "nothing": "Пока нечего выгружать: клиентов нет.",
        "unknown": "Я не знаю такой команды. /help — что я умею.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


@pytest.fixture(autouse=True)
def progress_at_every_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch edits the progress message (the real pace is once a second)."""
    monkeypatch.setattr(crm_files, "PROGRESS_INTERVAL", 0.0)


def base_csv() -> bytes:
    """1,200 rows: a duplicate of the first by phone, and three bad rows at the end."""
    lines = ["Name;Company;Phone;E-mail"]
    lines += [
        f"Client {i};Company {i % 50};+7 912 000-{i // 100:02d}-{i % 100:02d};client{i}@example.com"
        for i in range(1196)
    ]
    lines.append("Client zero again;;8 912 000-00-00;")
    lines.append("Bad phone;;12345;")
    lines.append("Bad e-mail;;;not-an-email")
    lines.append(";;+7 912 999-99-99;")
    return "\n".join(lines).encode()


async def stored_clients(harness: Harness) -> list[Client]:
    async with harness.app.sessionmaker() as session:
        return list(await session.scalars(select(Client).order_by(Client.id)))


def documents(harness: Harness, person: Person) -> list[SendDocument]:
    return [call.request for call in harness.sent_to(person.user_id, "SendDocument")]


def content(request: SendDocument) -> bytes:
    assert isinstance(request.document, BufferedInputFile)
    return request.document.data


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@LANGUAGES
async def test_the_specialist_imports_a_file_and_gets_the_rejected_rows_back(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)

    await anna.send("/import")
    assert anna.last_text().startswith(text["send me"])
    before = len(anna.texts())
    await anna.send_file("clients.csv", base_csv())

    assert anna.texts()[before:] == [text["reading"], *text["progress"], text["summary"]]
    edits = harness.sent_to(anna.user_id, "EditMessageText")
    assert len({call.request.message_id for call in edits}) == 1, "one message, edited"
    [rejected] = documents(harness, anna)
    assert rejected.caption == text["rejected caption"]
    assert isinstance(rejected.document, BufferedInputFile)
    assert rejected.document.filename == "rejected-rows.csv"
    header, *rows = csv_rows(content(rejected))
    assert header == ["Name", "Company", "Phone", "E-mail", *text["extra columns"]]
    assert [(row[0], row[4], row[5]) for row in rows] == [
        ("Bad phone", "1199", text["reasons"][0]),
        ("Bad e-mail", "1200", text["reasons"][1]),
        ("", "1201", text["reasons"][2]),
    ]
    stored = await stored_clients(harness)
    assert len(stored) == 1196
    assert stored[0].name == "Client 0"
    user = await harness.stored_user(2001)
    assert user is not None and {c.owner_id for c in stored} == {user.id}

    # Done: the next file is not taken for an import.
    calls = await anna.send_file("again.csv", base_csv())
    assert not any(call.method == "EditMessageText" for call in calls)


@LANGUAGES
async def test_a_file_that_cannot_be_read_is_explained_and_a_good_one_then_imported(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    await anna.send("/import")

    await anna.send_file("empty.csv", b"")
    assert anna.last_text() == f"{text['empty']}\n\n{text['send another']}"
    await anna.send_file("contacts.csv", b"Phone,City\n+79120000000,Omsk\n")
    assert anna.last_text() == f"{text['no name column']}\n\n{text['send another']}"
    await anna.send_file("fixed.csv", "Имя,Телефон,City\nОльга,+79120000000,Omsk\n".encode())

    assert anna.last_text() == text["one"]
    [olga] = await stored_clients(harness)
    assert olga.name == "Ольга"


@LANGUAGES
async def test_a_file_with_the_caption_import_is_imported_at_once(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)

    await anna.send_file(
        "one.csv", "Имя,Телефон,City\nОльга,+79120000000,Omsk\n".encode(), caption="/import"
    )

    assert anna.last_text() == text["one"]
    assert len(await stored_clients(harness)) == 1


@LANGUAGES
async def test_the_specialist_exports_his_base_to_excel_and_csv(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    boris = await harness.staff(2002, Role.SPECIALIST, "Boris", language=language)
    await boris.send("/export")
    assert boris.last_text() == text["nothing"]
    await anna.send_file(
        "two.csv",
        b"Name,Phone\n=cmd|' /C calc'!A0,+79120000001\nOlga,+79120000002\n",
        caption="/import",
    )
    await boris.send_file("his.csv", b"Name\nBoris's own\n", caption="/import")

    await anna.send("/export")

    xlsx, as_csv = documents(harness, anna)[-2:]
    assert isinstance(xlsx.document, BufferedInputFile)
    assert isinstance(as_csv.document, BufferedInputFile)
    assert (xlsx.document.filename, as_csv.document.filename) == (
        "clients-2026-11-27.xlsx",
        "clients-2026-11-27.csv",
    )
    assert (xlsx.caption, as_csv.caption) == (text["xlsx caption"], text["csv caption"])
    sheet = load_workbook(io.BytesIO(content(xlsx))).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:7] == text["header"]
    assert [(row[1], row[4], row[6]) for row in rows] == [
        ("'=cmd|' /C calc'!A0", "'+7 912 000-00-01", text["lead"]),
        ("Olga", "'+7 912 000-00-02", text["lead"]),
    ]
    csv_header, *csv_body = csv_rows(content(as_csv))
    assert csv_header == [str(title) for title in header]
    assert [row[1] for row in csv_body] == ["'=cmd|' /C calc'!A0", "Olga"]


@LANGUAGES
async def test_a_client_gets_nothing_from_import_or_export(harness: Harness, language: str) -> None:
    text = TEXT[language]
    maria = harness.person(3001, first_name="Maria", language_code=language)
    await maria.become_client(language)

    for command in ("/import", "/export"):
        calls = await maria.send(command)
        assert maria.last_text() == text["unknown"]
        assert not any(call.method == "SendDocument" for call in calls)
    await maria.send_file("base.csv", b"Name\nSomeone\n", caption="/import")
    assert maria.last_text() == text["unknown"]
    assert "Someone" not in [client.name for client in await stored_clients(harness)]


@LANGUAGES
async def test_a_file_sent_as_a_reply_to_another_message_is_not_taken_for_the_import(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    await anna.send("/import")
    question = anna.last_message_id()

    calls = await anna.send_file("for-a-client.csv", b"Name\nSomeone\n", reply_to=question - 1)
    assert not any(getattr(call.request, "text", None) == text["reading"] for call in calls)
    assert await stored_clients(harness) == []

    await anna.send_file("base.csv", b"Name\nOlga\n", reply_to=question)
    assert [client.name for client in await stored_clients(harness)] == ["Olga"]


@LANGUAGES
async def test_import_from_inside_another_flow_closes_it_and_takes_the_file(
    harness: Harness, language: str
) -> None:
    text = TEXT[language]
    anna = await harness.staff(2001, Role.SPECIALIST, text["anna"], language=language)
    await anna.send("/clients")

    await anna.send("/import")
    await anna.send_file("base.csv", b"Name\nOlga\n")

    assert [client.name for client in await stored_clients(harness)] == ["Olga"]
