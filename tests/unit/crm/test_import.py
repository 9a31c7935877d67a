"""A specialist imports his clients from a CSV or XLSX file: headers in Russian or English,
Excel's encodings and separators, every row validated, duplicates merged, another
specialist's clients left alone, 10k rows in one go."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.services.actors import Actor
from bot.services.crm import clients, importing
from bot.services.crm.clients import LeadDraft
from bot.services.crm.import_map import field_of, map_headers
from bot.services.crm.import_rows import RowIssue, RowProblem
from bot.services.crm.importing import ImportResult
from bot.services.crm.spreadsheet import ImportProblem, ImportRejected, read_table
from bot.services.errors import NotAllowed
from bot.storage.enums import ClientStatus, ContactKind, Role, TimelineKind
from bot.storage.models import AuditRecord, Client, TimelineEntry
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

RU_CSV = (
    "Фамилия;Имя;Компания;Должность;Телефон;E-mail;Статус;Сегмент;Источник;Теги;Бюджет;"
    "Комментарий\n"
    "Иванов;Пётр;ООО «Ромашка»;Директор;8 (912) 345-67-89;petr@romashka.ru;потенциальный;"
    "ключевой;выставка;опт, expo;150 000;Просил КП до пятницы\n"
)


async def staff(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="ru",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name=f"{role} {telegram_id}",
    )
    return Actor.of(user)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def boris(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 2, Role.SPECIALIST)


async def load(
    uow: UnitOfWork,
    actor: Actor,
    clock: FakeClock,
    data: bytes,
    name: str = "clients.csv",
    locale: str = "ru",
) -> ImportResult:
    return await importing.import_file(
        uow, actor, clock, data, name, region="RU", locale=locale, currency="RUB"
    )


async def every_client(uow: UnitOfWork) -> list[Client]:
    rows = await uow.session.scalars(select(Client).order_by(Client.id))
    return list(rows)


async def timeline_of(uow: UnitOfWork, client_id: int) -> list[TimelineEntry]:
    rows = await uow.session.scalars(
        select(TimelineEntry).where(TimelineEntry.client_id == client_id).order_by(TimelineEntry.id)
    )
    return list(rows)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Header mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ФИО", "name"),
        ("  Имя клиента ", "name"),
        ("Full Name", "name"),
        ("CONTACT PERSON", "name"),
        ("Организация", "company"),
        ("company_name", "company"),
        ("Тел.", "phone"),
        ("Телефон 2", "phone"),
        ("Mobile phone", "phone"),
        ("E-Mail", "email"),
        ("Эл. почта", "email"),
        ("Статус", "status"),
        ("Segment", "segment"),
        ("Источник лида", "source"),
        ("Потребности", "needs"),
        ("#Теги", "tags"),
        ("Бюджет", "budget"),
        ("Заметки", "notes"),
        ("Комментарий", "notes"),
        ("Особые условия", "special_terms"),
        ("Next step", "next_step"),
    ],
)
def test_headers_are_read_in_russian_and_english_whatever_the_case_and_spacing(
    header: str, field: str
) -> None:
    assert field_of(header) == field


def test_the_columns_of_a_table_by_field_and_those_not_read() -> None:
    columns = map_headers(["Фамилия", "Имя", "ID", "Город", "Телефон", "Телефон 2"])
    assert columns.fields == {"name": (0, 1), "phone": (4, 5)}
    assert columns.ignored == ("Город",)


def test_a_table_without_a_name_or_company_column_is_refused_naming_its_columns() -> None:
    with pytest.raises(ImportRejected) as caught:
        map_headers(["Телефон", "Email", "Город"])
    assert caught.value.problem is ImportProblem.NO_NAME_COLUMN
    assert caught.value.columns == ("Телефон", "Email", "Город")


# Reading the file


async def test_a_russian_excel_csv_in_cp1251_with_semicolons_is_imported(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    result = await load(uow, anna, clock, RU_CSV.encode("cp1251"))

    assert (result.rows, result.created, result.merged, result.rejected) == (1, 1, 0, [])
    [client] = await every_client(uow)
    assert (client.name, client.company, client.position) == (
        "Иванов Пётр",
        "ООО «Ромашка»",
        "Директор",
    )
    assert (client.status, client.segment, client.source) == ("prospect", "key", "exhibition")
    assert (client.budget_minor, client.budget_currency) == (15_000_000, "RUB")
    assert client.owner_id == client.created_by == anna.user_id
    contacts = await uow.clients.contacts(client.id)
    assert [(c.kind, c.value) for c in contacts] == [
        (ContactKind.PHONE, "+79123456789"),
        (ContactKind.EMAIL, "petr@romashka.ru"),
    ]
    assert sorted(await uow.clients.tags(client.id)) == ["expo", "опт"]
    created, note = await timeline_of(uow, client.id)
    assert (created.kind, created.text, json.loads(created.details)) == (
        "created",
        "exhibition",
        {"via": "import"},
    )
    assert (note.kind, note.text, note.author_id) == ("note", "Просил КП до пятницы", anna.user_id)
    assert created.happened_at == note.happened_at == clock.now()
    # Search finds him by his name, company, e-mail and tags, as a lead typed in.
    for word in ("иванов", "петр", "ромашка", "romashka", "опт"):
        assert await uow.clients.ids_with_word_prefix(word, anna.user_id, 10) == [client.id]
    audit = await uow.session.scalar(
        select(AuditRecord).where(AuditRecord.action == "clients_imported")
    )
    assert audit is not None and audit.actor_id == anna.user_id
    assert json.loads(audit.details) == {
        "rows": 1,
        "created": 1,
        "merged": 0,
        "unchanged": 0,
        "rejected": 0,
    }


async def test_an_english_utf8_csv_with_bom_commas_and_several_phone_columns(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    data = (
        "\ufeffFull Name , Company,Phone,Mobile,  E-MAIL ,Status,Tags,Budget,Currency\r\n"
        'John Smith,Acme,"+44 20 7946 0958; +7 912 000-00-01",8 912 000 00 02,'
        "john@acme.com,Active,vip,2500.50,USD\r\n"
        ",Globex,,,,,,,\r\n"
    ).encode()
    result = await load(uow, anna, clock, data, locale="en")

    assert (result.created, result.rejected, result.ignored) == (2, [], ())
    john, globex = await every_client(uow)
    assert (john.name, john.status, john.budget_minor, john.budget_currency) == (
        "John Smith",
        "active",
        250_050,
        "USD",
    )
    phones = [c.value for c in await uow.clients.contacts(john.id) if c.kind is ContactKind.PHONE]
    assert phones == ["+442079460958", "+79120000001", "+79120000002"]
    # A row with a company and no name: the company names the card.
    assert (globex.name, globex.company, globex.status) == ("Globex", "Globex", "lead")


async def test_a_tab_separated_utf16_file_as_excel_saves_unicode_text(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    data = "Имя\tТелефон\nМария\t+7 912 345-67-80\n".encode("utf-16")
    result = await load(uow, anna, clock, data, "clients.txt")
    assert result.created == 1
    [client] = await every_client(uow)
    assert client.name == "Мария"


async def test_an_xlsx_workbook_with_numbers_for_phones_is_imported(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    data = xlsx(
        [
            ["Name", "Phone", "Budget", None],
            ["Anna Lee", 79123456781, 1500, None],
            [None, None, None, None],
            ["Olga", "8 912 345 67 82", 99.5, None],
        ]
    )
    result = await load(uow, anna, clock, data, "base.xlsx", locale="en")

    assert result.created == 2
    lee, olga = await every_client(uow)
    assert [c.value for c in await uow.clients.contacts(lee.id)] == ["+79123456781"]
    assert (lee.budget_minor, olga.budget_minor) == (150_000, 9_950)


@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (b"", "clients.csv", ImportProblem.EMPTY),
        (b"\n ;;\n", "clients.csv", ImportProblem.EMPTY),
        ("Имя;Телефон\n".encode(), "clients.csv", ImportProblem.NO_ROWS),
        (bytes(range(256)) * 40, "photo.jpg", ImportProblem.NOT_A_TABLE),
        (b"%PDF-1.4\n\x00\x01\x02binary\xff\xfe", "act.pdf", ImportProblem.NOT_A_TABLE),
        (b"PK\x03\x04 this is not a workbook", "clients.xlsx", ImportProblem.BROKEN_XLSX),
        (b"Name\nAnna\n", "clients.xlsx", ImportProblem.BROKEN_XLSX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls", ImportProblem.OLD_EXCEL),
        (b"Name\n" + b"x" * (5 * 1024 * 1024), "big.csv", ImportProblem.TOO_BIG),
        (b"Name\n" + b"a\n" * 20_001, "many.csv", ImportProblem.TOO_MANY_ROWS),
    ],
)
async def test_a_file_that_cannot_be_imported_is_refused_with_its_problem(
    uow: UnitOfWork, anna: Actor, clock: FakeClock, data: bytes, name: str, problem: ImportProblem
) -> None:
    with pytest.raises(ImportRejected) as caught:
        await load(uow, anna, clock, data, name)
    assert caught.value.problem is problem
    assert await every_client(uow) == []


async def test_a_damaged_workbook_is_refused(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    whole = xlsx([["Name"], ["Anna"]])
    with pytest.raises(ImportRejected) as caught:
        await load(uow, anna, clock, whole[: len(whole) // 2], "cut.xlsx")
    assert caught.value.problem is ImportProblem.BROKEN_XLSX


async def test_only_staff_import(uow: UnitOfWork, clock: FakeClock) -> None:
    user = await uow.users.add(
        telegram_id=9, role=Role.CLIENT, locale="ru", timezone="Europe/Moscow", now=clock.now()
    )
    with pytest.raises(NotAllowed):
        await load(uow, Actor.of(user), clock, RU_CSV.encode())


# Validating rows


async def test_bad_rows_are_rejected_with_their_numbers_and_reasons(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    data = (
        "Имя,Компания,Телефон,Email,Статус,Сегмент,Бюджет,Теги,Должность\n"
        "Анна,,+7 912 345-67-89,anna@example.com,лид,VIP,100,,\n"
        "Борис,,12345,,,,,,\n"
        "Вера,,,vera@,,,,,\n"
        ",,+7 912 000-00-09,,,,,,\n"
        "Глеб,,,,спит,золотой,много,,\n"
        f"Дарья,,,,,,,,{'д' * 129}\n"
        f"Егор,,,,,,,{' '.join(f't{i}' for i in range(21))},\n"
    ).encode()
    result = await load(uow, anna, clock, data)

    assert (result.rows, result.created) == (7, 1)
    assert [(row.number, row.issues) for row in result.rejected] == [
        (3, (RowIssue(RowProblem.BAD_PHONE, "Телефон", "12345"),)),
        (4, (RowIssue(RowProblem.BAD_EMAIL, "Email", "vera@"),)),
        (5, (RowIssue(RowProblem.NO_NAME),)),
        (
            6,
            (
                RowIssue(RowProblem.BAD_STATUS, "Статус", "спит"),
                RowIssue(RowProblem.BAD_SEGMENT, "Сегмент", "золотой"),
                RowIssue(RowProblem.BAD_BUDGET, "Бюджет", "много"),
            ),
        ),
        (7, (RowIssue(RowProblem.TOO_LONG, "Должность"),)),
        (8, (RowIssue(RowProblem.BAD_TAGS, "Теги"),)),
    ]
    assert result.rejected[0].cells[:3] == ("Борис", "", "12345")
    [anna_client] = await every_client(uow)
    assert (anna_client.name, anna_client.segment) == ("Анна", "vip")


# Duplicates


async def test_a_row_with_a_known_phone_fills_the_empty_fields_of_that_client(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    known = await clients.create(
        uow, anna, clock, LeadDraft(name="Пётр Иванов", phones=("+79123456789",), tags=("опт",))
    )
    clock.advance(hours=1)

    result = await load(uow, anna, clock, RU_CSV.encode())

    assert (result.created, result.merged, result.unchanged) == (0, 1, 0)
    [client] = await every_client(uow)
    # Nothing typed on the card is overwritten; what it lacked is filled.
    assert (client.name, client.company, client.status) == ("Пётр Иванов", "ООО «Ромашка»", "lead")
    assert client.budget_minor == 15_000_000
    assert [c.value for c in await uow.clients.contacts(known.id)] == [
        "+79123456789",
        "petr@romashka.ru",
    ]
    assert sorted(await uow.clients.tags(known.id)) == ["expo", "опт"]
    edits = [
        json.loads(e.details)["field"]
        for e in await timeline_of(uow, known.id)
        if e.kind == TimelineKind.EDIT.value
    ]
    assert edits == [
        "company",
        "position",
        "source",
        "budget_minor",
        "budget_currency",
        "email",
        "tags",
    ]
    assert await uow.clients.ids_with_word_prefix("romashka", None, 10) == [known.id]

    # The same file again brings nothing new: no doubled contacts, tags, notes or entries.
    entries = len(await timeline_of(uow, known.id))
    again = await load(uow, anna, clock, RU_CSV.encode())
    assert (again.created, again.merged, again.unchanged) == (0, 0, 1)
    assert len(await timeline_of(uow, known.id)) == entries
    assert len(await uow.clients.contacts(known.id)) == 2


async def test_an_email_with_a_quote_in_it_is_found_again(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    data = b"Name,Email\nPat O'Neil,o'neil@example.com\n"
    await load(uow, anna, clock, data)
    again = await load(uow, anna, clock, data)
    assert (again.created, again.unchanged) == (0, 1)


async def test_rows_of_the_file_with_the_same_contact_merge_into_the_first(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    data = (
        b"Name,Company,Phone,Email,Tags\n"
        b"Ivan Petrov,,+7 912 345-67-89,,a\n"
        b"I. Petrov,Acme,89123456789,ivan@acme.com,b\n"
        b"Ivan,Other,,IVAN@acme.com,c\n"
    )
    result = await load(uow, anna, clock, data, locale="en")

    assert (result.created, result.merged) == (1, 2)
    [client] = await every_client(uow)
    assert (client.name, client.company) == ("Ivan Petrov", "Acme")
    assert [c.value for c in await uow.clients.contacts(client.id)] == [
        "+79123456789",
        "ivan@acme.com",
    ]
    assert sorted(await uow.clients.tags(client.id)) == ["a", "b", "c"]
    assert [e.kind for e in await timeline_of(uow, client.id)] == ["created"]


async def test_another_specialists_client_is_not_touched_nor_revealed(
    uow: UnitOfWork, anna: Actor, boris: Actor, clock: FakeClock
) -> None:
    borises = await clients.create(
        uow, boris, clock, LeadDraft(name="Secret Client", emails=("vip@corp.com",))
    )
    data = b"Name,Email,Phone\nSomeone,vip@corp.com,\nNew One,,+7 912 111-11-11\n"

    result = await load(uow, anna, clock, data, locale="en")

    assert result.created == 1
    [rejected] = result.rejected
    assert rejected.issues == (RowIssue(RowProblem.OTHERS_CLIENT),)
    kept = await uow.clients.get(borises.id)
    assert kept is not None and (kept.name, kept.owner_id) == ("Secret Client", boris.user_id)


async def test_the_head_of_sales_merges_into_anyones_client_who_keeps_his_owner(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    head = await staff(uow, clock, 3, Role.HEAD)
    annas = await clients.create(uow, anna, clock, LeadDraft(name="Olga", phones=("+79120000005",)))
    data = "Имя;Телефон;Компания\nОльга;+7 912 000-00-05;Вектор\nНовый;+7 912 000-00-06;\n"

    result = await load(uow, head, clock, data.encode())

    assert (result.created, result.merged) == (1, 1)
    olga, new = await every_client(uow)
    assert (olga.id, olga.company, olga.owner_id) == (annas.id, "Вектор", anna.user_id)
    assert new.owner_id == head.user_id


async def test_a_row_matching_two_clients_is_rejected(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    await clients.create(uow, anna, clock, LeadDraft(name="A", phones=("+79120000001",)))
    await clients.create(uow, anna, clock, LeadDraft(name="B", emails=("b@example.com",)))
    data = b"Name,Phone,Email\nAB,+79120000001,b@example.com\n"

    result = await load(uow, anna, clock, data)

    assert [row.issues for row in result.rejected] == [(RowIssue(RowProblem.SEVERAL_CLIENTS),)]


# Size


async def test_ten_thousand_rows_are_imported_in_one_go(
    uow: UnitOfWork, anna: Actor, clock: FakeClock
) -> None:
    lines = ["Name,Company,Phone,Email,Tags,Notes"]
    lines += [
        f"Client {i},Company {i % 300},+7 912 {i // 10_000:03d}-{i // 100 % 100:02d}-{i % 100:02d},"
        f"client{i}@example.com,tag{i % 7},Note {i}"
        for i in range(10_000)
    ]
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    result = await importing.import_file(
        uow,
        anna,
        clock,
        "\n".join(lines).encode(),
        "big.csv",
        region="RU",
        locale="en",
        currency="RUB",
        progress=progress,
    )

    assert (result.rows, result.created, result.rejected) == (10_000, 10_000, [])
    assert await uow.clients.count(anna.user_id) == 10_000
    entries = await uow.session.scalar(select(func.count()).select_from(TimelineEntry))
    assert entries == 20_000
    assert seen[-1] == (10_000, 10_000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) == 20
    [last] = await uow.clients.with_contact(["79120009999"])
    client = await uow.clients.get(last)
    assert client is not None and (client.name, client.status) == ("Client 9999", ClientStatus.LEAD)


def test_a_workbook_over_the_row_limit_is_refused_however_many_blank_rows_it_has() -> None:
    rows: list[list[object]] = [["Name"], ["A"], [None], [None], ["B"], [None]]
    assert [cells for _, cells in read_table(xlsx(rows), "x.xlsx", max_rows=2).rows] == [
        ("A",),
        ("B",),
    ]
    with pytest.raises(ImportRejected) as caught:
        read_table(xlsx([*rows, ["C"]]), "x.xlsx", max_rows=2)
    assert caught.value.problem is ImportProblem.TOO_MANY_ROWS
