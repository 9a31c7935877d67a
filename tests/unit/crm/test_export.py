"""The client base exported to XLSX and CSV: a specialist gets his own clients, the head of
sales everyone's; no cell ever runs as a formula; the files import back as they were."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiogram.utils.i18n import I18n
from openpyxl import load_workbook
from sqlalchemy import delete

from bot.i18n import create_i18n
from bot.render.crm_files import export_labels
from bot.services.actors import Actor
from bot.services.crm import clients, exporting, importing
from bot.services.crm.clients import LeadDraft
from bot.services.crm.exporting import ExportFiles, Labels
from bot.services.errors import NotAllowed
from bot.storage.enums import ClientStatus, Role, Segment
from bot.storage.models import Client
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock


async def staff(uow: UnitOfWork, clock: FakeClock, telegram_id: int, role: Role) -> Actor:
    user = await uow.users.add(
        telegram_id=telegram_id,
        role=role,
        locale="ru",
        timezone="Asia/Yekaterinburg",
        now=clock.now(),
        full_name=f"Staff {telegram_id}",
    )
    return Actor.of(user)


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 1, Role.SPECIALIST)


@pytest.fixture
async def boris(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await staff(uow, clock, 2, Role.SPECIALIST)


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n("en")


@contextmanager
def speaking(i18n: I18n, locale: str) -> Iterator[None]:
    with i18n.context(), i18n.use_locale(locale):
        yield


def csv_rows(files: ExportFiles) -> list[list[str]]:
    assert files.csv.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads Cyrillic right"
    return list(csv.reader(io.StringIO(files.csv.decode("utf-8-sig")), delimiter=";"))


def sheet_rows(files: ExportFiles) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(files.xlsx))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


async def plain_export(uow: UnitOfWork, actor: Actor, clock: FakeClock) -> ExportFiles:
    return await exporting.export(uow, actor, clock, Labels.plain("Asia/Yekaterinburg"))


async def test_a_specialist_exports_his_own_clients_and_the_head_everyones(
    uow: UnitOfWork, anna: Actor, boris: Actor, clock: FakeClock
) -> None:
    await clients.create(uow, anna, clock, LeadDraft(name="Anna's client"))
    await clients.create(uow, boris, clock, LeadDraft(name="Boris's client"))
    head = await staff(uow, clock, 3, Role.HEAD)

    annas = await plain_export(uow, anna, clock)
    everyone = await plain_export(uow, head, clock)

    assert annas.count == 1
    assert [row[1] for row in csv_rows(annas)] == ["name", "Anna's client"]
    assert everyone.count == 2
    assert [row[1] for row in sheet_rows(everyone)[1:]] == ["Anna's client", "Boris's client"]
    assert [row[9] for row in csv_rows(everyone)[1:]] == ["Staff 1", "Staff 2"]


async def test_only_staff_export(uow: UnitOfWork, clock: FakeClock) -> None:
    user = await uow.users.add(
        telegram_id=9, role=Role.CLIENT, locale="ru", timezone="Europe/Moscow", now=clock.now()
    )
    with pytest.raises(NotAllowed):
        await plain_export(uow, Actor.of(user), clock)


async def test_every_field_is_exported_with_dates_in_the_readers_time_zone(
    uow: UnitOfWork, anna: Actor, clock: FakeClock, i18n: I18n
) -> None:
    client = await clients.create(
        uow,
        anna,
        clock,
        LeadDraft(
            name="Пётр Иванов",
            company="ООО «Ромашка»",
            phones=("+79123456789", "+442079460958"),
            emails=("petr@romashka.ru",),
            tags=("опт", "expo"),
            source="exhibition",
        ),
    )
    await clients.update(
        uow,
        anna,
        clock,
        client.id,
        status=ClientStatus.ACTIVE,
        segment=Segment.VIP,
        budget_minor=15_000_050,
        budget_currency="RUB",
        next_step="Отправить КП",
        next_step_at=clock.now() + timedelta(days=1),
    )

    with speaking(i18n, "ru"):
        files = await exporting.export(uow, anna, clock, export_labels(anna))

    header, row = sheet_rows(files)
    assert header[:8] == [
        "ID",
        "Имя",
        "Компания",
        "Должность",
        "Телефоны",
        "E-mail",
        "Статус",
        "Сегмент",
    ]
    as_read = dict(zip(header, row, strict=True))
    assert as_read["Телефоны"] == "'+7 912 345-67-89, +44 20 7946 0958"
    assert (as_read["Статус"], as_read["Сегмент"], as_read["Источник"]) == (
        "активный",
        "VIP",
        "выставка",
    )
    assert as_read["Теги"] == "expo, опт"
    assert (as_read["Бюджет"], as_read["Валюта"]) == (150000.5, "RUB")
    # 09:00 UTC is 14:00 in Yekaterinburg.
    assert as_read["Дата добавления"].isoformat() == "2026-11-27T14:00:00"
    assert as_read["Дата следующего шага"].isoformat() == "2026-11-28T14:00:00"
    assert as_read["Ответственный"] == "Staff 1"

    [csv_header, csv_row] = csv_rows(files)
    assert csv_header == header
    as_written = dict(zip(csv_header, csv_row, strict=True))
    assert (as_written["Бюджет"], as_written["Дата добавления"]) == (
        "150000.50",
        "2026-11-27 14:00",
    )
    assert as_written["Компания"] == "ООО «Ромашка»"


@pytest.mark.parametrize("dangerous", ["=1+2", "+7 cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
async def test_no_cell_starts_like_a_formula_in_either_file(
    uow: UnitOfWork, anna: Actor, clock: FakeClock, dangerous: str
) -> None:
    client = await clients.create(uow, anna, clock, LeadDraft(name="Safe"))
    # Straight into storage: the card's own input trims a leading tab, a file may not have.
    await uow.clients.update(
        client.id, now=clock.now(), name=dangerous, company=dangerous, needs=dangerous
    )

    files = await plain_export(uow, anna, clock)

    row = sheet_rows(files)[1]
    # XML reads a carriage return back as a line feed.
    assert (row[1], row[2], row[11]) == ("'" + dangerous.replace("\r", "\n"),) * 3
    workbook = load_workbook(io.BytesIO(files.xlsx))
    [cells] = workbook.worksheets[0].iter_rows(min_row=2)
    assert all(cell.data_type != "f" for cell in cells)
    written = csv_rows(files)[1]
    assert (written[1], written[2], written[11]) == (f"'{dangerous}",) * 3


async def test_a_big_base_is_read_page_by_page(
    uow: UnitOfWork, anna: Actor, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exporting, "PAGE", 2)
    for i in range(5):
        await clients.create(uow, anna, clock, LeadDraft(name=f"Client {i}", tags=(f"t{i}",)))

    files = await plain_export(uow, anna, clock)

    assert files.count == 5
    assert [(row[1], row[8]) for row in csv_rows(files)[1:]] == [
        (f"Client {i}", f"t{i}") for i in range(5)
    ]


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
async def test_an_export_imports_back_as_it_was(
    uow: UnitOfWork, anna: Actor, clock: FakeClock, i18n: I18n, language: str, kind: str
) -> None:
    drafts = [
        LeadDraft(
            name="Пётр Иванов",
            company="ООО «Ромашка»",
            position="Директор",
            phones=("+79123456789", "+79120000001"),
            emails=("petr@romashka.ru",),
            tags=("опт", "expo"),
            source="cold_call",
            needs="Поставки по регионам",
        ),
        LeadDraft(name='=HYPERLINK("http://x")', emails=("x@example.com",), source="Flyer"),
        LeadDraft(name="John Smith", company="Acme", phones=("+442079460958",)),
    ]
    first, *_ = [await clients.create(uow, anna, clock, draft) for draft in drafts]
    await clients.update(
        uow,
        anna,
        clock,
        first.id,
        status=ClientStatus.PROSPECT,
        segment=Segment.KEY,
        budget_minor=250_050,
        budget_currency="USD",
        special_terms="-5% на первый заказ",
        competitors="Альфа",
        next_step="Позвонить",
    )
    before = await snapshot(uow)

    with speaking(i18n, language):
        files = await exporting.export(uow, anna, clock, export_labels(anna))
    # Into the same base: everything is already there.
    data = files.xlsx if kind == "xlsx" else files.csv
    again = await importing.import_file(
        uow, anna, clock, data, f"export.{kind}", region="RU", locale=language, currency="RUB"
    )
    assert (again.created, again.merged, again.unchanged) == (0, 0, 3)
    assert (again.rejected, again.ignored) == ([], ())
    # Into an empty base: the same clients again.
    await uow.session.execute(delete(Client))
    restored = await importing.import_file(
        uow, anna, clock, data, f"export.{kind}", region="RU", locale=language, currency="RUB"
    )
    assert (restored.created, restored.rejected, restored.ignored) == (3, [], ())
    assert await snapshot(uow) == before


async def snapshot(uow: UnitOfWork) -> list[tuple[object, ...]]:
    """What the card shows of each client, in the order they were added."""
    found = []
    for client in await uow.clients.export_page(None, 0, 100):
        contacts = await uow.clients.contacts(client.id)
        found.append(
            (
                client.name,
                client.company,
                client.position,
                client.status,
                client.segment,
                client.source,
                client.needs,
                client.budget_minor,
                client.budget_currency,
                client.special_terms,
                client.competitors,
                client.next_step,
                client.owner_id,
                sorted(c.value for c in contacts),
                sorted(await uow.clients.tags(client.id)),
            )
        )
    return found
