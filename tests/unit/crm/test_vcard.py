"""A .vcf file becomes one lead per card; cards already in the base are not saved twice and
a file that is not a vCard is refused."""

from __future__ import annotations

import pytest

from bot.services.actors import Actor
from bot.services.crm import clients, vcard
from bot.services.crm.clients import LeadDraft
from bot.services.crm.vcard import VCardProblem, VCardRejected
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock

REGION = "RU"
TWO_CARDS = """BEGIN:VCARD
VERSION:3.0
FN:Иван Петров
N:Петров;Иван;;;
ORG:ООО Ромашка;Отдел закупок
TITLE:Директор
TEL;TYPE=CELL:8 (912) 345-67-89
TEL;TYPE=WORK:not a phone
EMAIL:ivan@romashka.ru
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Smith;John;;Dr.;
TEL:+1 650 253 0000
EMAIL:john@
EMAIL:JOHN@EXAMPLE.COM
END:VCARD
"""
# vCard 2.1, as older phones export it: quoted-printable UTF-8.
OLD_PHONE = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2;=D0=9F=D1=91=D1=82=D1=80;;;
TEL;CELL:89123450000
END:VCARD
"""


@pytest.fixture
async def anna(uow: UnitOfWork, clock: FakeClock) -> Actor:
    user = await uow.users.add(
        telegram_id=1,
        role=Role.SPECIALIST,
        locale="en",
        timezone="Europe/Moscow",
        now=clock.now(),
        full_name="Anna",
    )
    return Actor.of(user)


def test_each_card_brings_its_name_company_position_phones_and_emails() -> None:
    (ivan, john), nameless = vcard.parse(TWO_CARDS.encode(), REGION)

    assert nameless == 0
    assert ivan.draft == LeadDraft(
        "Иван Петров",
        company="ООО Ромашка, Отдел закупок",
        position="Директор",
        phones=("+79123456789",),
        emails=("ivan@romashka.ru",),
    )
    assert ivan.left_out == 1, "the phone that is not one"
    assert john.draft.name == "Dr. John Smith", "no FN: the name is made of N"
    assert (john.draft.phones, john.draft.emails) == (("+16502530000",), ("JOHN@example.com",))
    assert john.left_out == 1


def test_old_phones_and_windows_encodings_are_read() -> None:
    [card], _ = vcard.parse(OLD_PHONE.encode(), REGION)
    assert (card.draft.name, card.draft.phones) == ("Пётр Петров", ("+79123450000",))

    [card], _ = vcard.parse(
        TWO_CARDS.split("BEGIN:VCARD\nVERSION:3.0\nN:")[0].encode("cp1251"), REGION
    )
    assert card.draft.name == "Иван Петров"


def test_a_card_without_any_name_is_counted_not_saved() -> None:
    data = b"BEGIN:VCARD\nVERSION:3.0\nTEL:+79123456789\nEND:VCARD\n"
    cards, nameless = vcard.parse(data, REGION)
    assert (cards, nameless) == ([], 1)


def test_a_company_card_is_named_after_the_company() -> None:
    data = b"BEGIN:VCARD\nVERSION:3.0\nORG:Acme\nEND:VCARD\n"
    [card], _ = vcard.parse(data, REGION)
    assert (card.draft.name, card.draft.company) == ("Acme", "Acme")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"hello, this is not a vCard", VCardProblem.UNREADABLE),
        (b"BEGIN:VCARD\nFN:Never closed\n", VCardProblem.UNREADABLE),
        (b"\xff\xfe\x00garbage\x81", VCardProblem.UNREADABLE),
        (b"", VCardProblem.EMPTY),
        (b"BEGIN:VCALENDAR\nEND:VCALENDAR\n", VCardProblem.EMPTY),
        (b"BEGIN:VCARD\nFN:A\nEND:VCARD\n" * (vcard.MAX_CARDS + 1), VCardProblem.TOO_MANY),
        (b"x" * (vcard.MAX_BYTES + 1), VCardProblem.TOO_BIG),
    ],
)
def test_a_file_that_cannot_be_taken_is_refused(data: bytes, problem: VCardProblem) -> None:
    with pytest.raises(VCardRejected) as refused:
        vcard.parse(data, REGION)
    assert refused.value.problem is problem


def test_the_size_is_checked_before_downloading() -> None:
    vcard.check_size(None)
    vcard.check_size(vcard.MAX_BYTES)
    with pytest.raises(VCardRejected):
        vcard.check_size(vcard.MAX_BYTES + 1)


async def test_new_cards_are_saved_and_known_ones_skipped(
    uow: UnitOfWork, clock: FakeClock, anna: Actor
) -> None:
    await clients.create(uow, anna, clock, LeadDraft("John", emails=("john@example.com",)))
    data = (TWO_CARDS + TWO_CARDS.split("END:VCARD\n")[0] + "END:VCARD\n").encode()
    cards, nameless = vcard.parse(data, REGION)

    saved = await vcard.save(uow, anna, clock, cards, nameless)

    assert [client.title for client in saved.created] == [
        "Иван Петров · ООО Ромашка, Отдел закупок"
    ]
    assert saved.already_known == ["Dr. John Smith", "Иван Петров"], "the base and the file"
    assert saved.left_out == 3
    [ivan] = saved.created
    assert (ivan.owner_id, ivan.status.value) == (anna.user_id, "lead")
    assert [c.value for c in await uow.clients.contacts(ivan.id)] == [
        "+79123456789",
        "ivan@romashka.ru",
    ]
