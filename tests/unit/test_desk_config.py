"""Desk configuration: defaults, a company file merged section by section, clear errors."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from bot.services.desk import (
    DeskConfig,
    DeskConfigError,
    Label,
    RequestKind,
    SlaTarget,
    load_desk_config,
)

CATEGORIES = """
[[categories]]
key = "billing"
ru = "Оплата"
en = "Billing"
"""


def company_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "company.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, **options: str) -> DeskConfig:
    return load_desk_config(company_file(tmp_path, text), **options)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def test_the_defaults_offer_five_categories_in_order() -> None:
    config = load_desk_config()

    assert [c.key for c in config.categories] == ["product", "order", "payment", "service", "other"]
    assert [c.label("ru") for c in config.categories] == [
        "Товар",
        "Заказ и доставка",
        "Счёт и оплата",
        "Сервис",
        "Другое",
    ]
    assert config.category("order").label("en") == "Order and delivery"  # type: ignore[union-attr]
    assert config.category("nothing") is None
    assert config.departments == ()


def test_the_defaults_set_sla_targets_in_working_hours() -> None:
    sla = load_desk_config().sla

    assert sla.target(RequestKind.INQUIRY, "product", None) == SlaTarget(hours(4), hours(16))
    assert sla.target(RequestKind.CLAIM, "product", None) == SlaTarget(hours(2), hours(40))
    assert sla.target(RequestKind.CLAIM, "payment", None) == SlaTarget(hours(1), hours(24))
    assert dict(sla.segment_factors) == {"standard": 1.0, "key": 0.75, "vip": 0.5}


def test_the_defaults_set_hours_limits_and_the_given_time_zone() -> None:
    config = load_desk_config(timezone="Europe/Berlin")

    calendar = config.calendar
    assert calendar.timezone == "Europe/Berlin"
    assert calendar.weekdays == frozenset(range(5))
    assert (calendar.start, calendar.end, calendar.holidays) == (time(9), time(18), frozenset())
    assert config.reopen_window == timedelta(days=7)
    assert config.max_attachments == 10
    assert config.max_attachment_bytes == 20 * 1024 * 1024


def test_without_any_time_zone_the_desk_runs_on_utc() -> None:
    assert load_desk_config().calendar.timezone == "UTC"


def test_a_company_file_with_only_departments_keeps_every_other_default(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [[departments]]
        key = "quality"
        ru = "Отдел качества"
        en = "Quality department"
        chat_id = -1001234567890
        """,
    )

    assert config.departments[0].chat_id == -1001234567890
    assert config.categories == load_desk_config().categories
    assert config.sla == load_desk_config().sla
    assert config.calendar == load_desk_config().calendar


def test_a_section_in_the_company_file_replaces_the_default_section(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        'timezone = "Asia/Yekaterinburg"\nmax_attachments = 3\n'
        + CATEGORIES
        + """
        [working_hours]
        days = ["Mon", "wed", "sat"]
        start = "10:30"
        end = "19:00"
        holidays = ["2027-01-01", 2027-01-07]

        [sla.inquiry]
        first_response = 0.5
        resolution = 8
        """,
        timezone="Europe/Moscow",
    )

    assert [c.key for c in config.categories] == ["billing"]
    calendar = config.calendar
    assert calendar.timezone == "Asia/Yekaterinburg"
    assert calendar.weekdays == frozenset({0, 2, 5})
    assert (calendar.start, calendar.end) == (time(10, 30), time(19))
    assert calendar.holidays == frozenset({date(2027, 1, 1), date(2027, 1, 7)})
    assert config.sla.target(RequestKind.INQUIRY, "billing", None) == SlaTarget(
        timedelta(minutes=30), hours(8)
    )
    # Sections the file leaves out still come from the defaults.
    assert config.sla.target(RequestKind.CLAIM, "billing", None) == SlaTarget(hours(2), hours(40))
    assert config.max_attachments == 3
    assert config.reopen_window == timedelta(days=7)


def test_the_default_override_is_dropped_with_a_category_the_company_removed(
    tmp_path: Path,
) -> None:
    config = load(tmp_path, CATEGORIES)

    assert dict(config.sla.overrides) == {}


def test_a_segment_factor_shortens_the_targets() -> None:
    sla = load_desk_config().sla

    assert sla.target(RequestKind.INQUIRY, "order", "vip") == SlaTarget(hours(2), hours(8))
    assert sla.target(RequestKind.INQUIRY, "order", "key") == SlaTarget(hours(3), hours(12))
    assert sla.target(RequestKind.INQUIRY, "order", "standard") == SlaTarget(hours(4), hours(16))


def test_an_unknown_segment_keeps_the_full_target() -> None:
    sla = load_desk_config().sla

    assert sla.target(RequestKind.INQUIRY, "order", "gold") == SlaTarget(hours(4), hours(16))


def test_scaled_targets_are_rounded_to_whole_minutes(tmp_path: Path) -> None:
    config = load(tmp_path, "[segments]\nodd = 0.3333\n")

    # 4 h * 0.3333 = 79.99 min; 16 h * 0.3333 = 319.97 min.
    assert config.sla.target(RequestKind.INQUIRY, "other", "odd") == SlaTarget(
        timedelta(minutes=80), timedelta(minutes=320)
    )


def test_a_category_override_applies_to_its_kind_only_and_stacks_with_the_segment() -> None:
    sla = load_desk_config().sla

    assert sla.target(RequestKind.CLAIM, "payment", "vip") == SlaTarget(
        timedelta(minutes=30), hours(12)
    )
    assert sla.target(RequestKind.INQUIRY, "payment", None) == SlaTarget(hours(4), hours(16))


def test_an_override_that_sets_one_target_keeps_the_kind_s_other_target(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [sla.inquiry]
        first_response = 4
        resolution = 16

        [sla.inquiry.categories.service]
        resolution = 48
        """,
    )

    assert config.sla.target(RequestKind.INQUIRY, "service", None) == SlaTarget(hours(4), hours(48))


def test_departments_are_found_by_key_and_by_chat(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [[departments]]
        key = "quality"
        ru = "Отдел качества"
        en = "Quality department"
        chat_id = -1001234567890

        [[departments]]
        key = "legal"
        ru = "Юристы"
        en = "Legal"
        chat_id = 42
        """,
    )

    assert config.department_by_chat(-1001234567890).key == "quality"  # type: ignore[union-attr]
    assert config.department_by_chat(42) == config.department("legal")
    assert config.department_by_chat(-1) is None
    assert config.department("nobody") is None


def test_a_label_speaks_russian_for_ru_and_english_for_anything_else() -> None:
    label = Label(ru="Товар", en="Product")

    assert label("ru") == "Товар"
    assert label("en") == "Product"
    assert label("de") == "Product"
    assert label("") == "Product"


DEPARTMENT = '[[departments]]\nkey = "quality"\nru = "Качество"\nen = "Quality"\n'


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("colour = 'red'\n", "colour"),
        ("[working_hours]\ndays = ['mon']\nstart = '09:00'\nend = '18:00'\nlunch = 1\n", "lunch"),
        ("[sla.inquiry]\nfirst_response = 1\nresolution = 2\nescalate = 1\n", "escalate"),
        ("[sla.complaint]\nfirst_response = 1\nresolution = 2\n", "sla.complaint"),
        ("[[categories]]\nkey = 'x'\nru = 'Икс'\n", "categories[0].en"),
        ("[[categories]]\nkey = 'x'\nen = 'X'\n", "categories[0].ru"),
        (DEPARTMENT.replace('en = "Quality"\n', "chat_id = -1\n"), "departments[0].en"),
        (CATEGORIES + CATEGORIES, "categories[1].key"),
        (DEPARTMENT + "chat_id = 1\n" + DEPARTMENT + "chat_id = 2\n", "departments[1].key"),
        ("[[categories]]\nkey = 'Billing'\nru = 'О'\nen = 'B'\n", "categories[0].key"),
        ("[[categories]]\nkey = 'a-b'\nru = 'О'\nen = 'B'\n", "categories[0].key"),
        ("[[categories]]\nkey = '" + "x" * 33 + "'\nru = 'О'\nen = 'B'\n", "categories[0].key"),
        ("[working_hours]\ndays = ['mon']\nstart = '9:00'\nend = '18:00'\n", "working_hours.start"),
        ("[working_hours]\ndays = ['mon']\nstart = '09:00'\nend = '24:00'\n", "working_hours.end"),
        ("[working_hours]\ndays = ['mon']\nstart = '18:00'\nend = '09:00'\n", "working_hours.end"),
        ("[working_hours]\ndays = ['mon']\nstart = '09:00'\nend = '09:00'\n", "working_hours.end"),
        ("[working_hours]\ndays = ['mon', 'fun']\nstart = '09:00'\nend = '18:00'\n", "days[1]"),
        ("[working_hours]\ndays = []\nstart = '09:00'\nend = '18:00'\n", "working_hours.days"),
        (
            "[working_hours]\ndays = ['mon']\nstart = '09:00'\nend = '18:00'\n"
            "holidays = ['2027-02-30']\n",
            "working_hours.holidays[0]",
        ),
        (
            "[working_hours]\ndays = ['mon']\nstart = '09:00'\nend = '18:00'\n"
            "holidays = ['01.01.2027']\n",
            "working_hours.holidays[0]",
        ),
        ("[sla.claim]\nfirst_response = 0\nresolution = 40\n", "sla.claim.first_response"),
        ("[sla.claim]\nfirst_response = 2\nresolution = -1\n", "sla.claim.resolution"),
        ("[sla.claim]\nfirst_response = '2'\nresolution = 40\n", "sla.claim.first_response"),
        (
            "[sla.claim]\nfirst_response = 2\nresolution = 40\n"
            "[sla.claim.categories.payment]\nresolution = 0\n",
            "sla.claim.categories.payment.resolution",
        ),
        (
            "[sla.claim]\nfirst_response = 2\nresolution = 40\n"
            "[sla.claim.categories.paymnet]\nresolution = 4\n",
            "sla.claim.categories.paymnet",
        ),
        ("[segments]\nvip = 0\n", "segments.vip"),
        ("timezone = 'Mars/Base'\n", "timezone"),
        (DEPARTMENT + "chat_id = '-100123'\n", "departments[0].chat_id"),
        (DEPARTMENT + "chat_id = 1.5\n", "departments[0].chat_id"),
        (DEPARTMENT + "chat_id = true\n", "departments[0].chat_id"),
        (
            DEPARTMENT + "chat_id = 7\n" + DEPARTMENT.replace("quality", "legal") + "chat_id = 7\n",
            "departments[1].chat_id",
        ),
        ("reopen_days = 0\n", "reopen_days"),
        ("max_attachments = -1\n", "max_attachments"),
        ("max_attachment_mb = 'lots'\n", "max_attachment_mb"),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(DeskConfigError) as error:
        load(tmp_path, text)

    message = str(error.value)
    assert named in message
    assert "company.toml" in message
    assert message.count("\n") == 0 and message.endswith(".")


def test_unreadable_toml_quotes_the_parser(tmp_path: Path) -> None:
    with pytest.raises(DeskConfigError) as error:
        load(tmp_path, "[working_hours\nstart = 9\n")

    message = str(error.value)
    assert "company.toml" in message and "not valid TOML" in message
    assert "line 1" in message


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(DeskConfigError, match=r"absent\.toml"):
        load_desk_config(tmp_path / "absent.toml")


def test_a_bad_time_zone_from_the_settings_is_rejected() -> None:
    with pytest.raises(DeskConfigError, match="timezone"):
        load_desk_config(timezone="Mars/Base")
