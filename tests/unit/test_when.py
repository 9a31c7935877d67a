"""A specialist types when to be reminded, in Russian or English, and gets the moment he meant."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.when import parse_when

MOSCOW = "Europe/Moscow"
NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"

# pytest escapes non-ASCII test ids; a transliteration keeps the Russian phrases readable.
_LATIN = str.maketrans("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", "ъь") | str.maketrans(
    {
        "ё": "yo",
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ю": "yu",
        "я": "ya",
    }
)


def readable(phrase: str) -> str:
    return phrase.lower().translate(_LATIN).strip() or "(empty)"


def local(zone: str, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)  # type: ignore[misc]


# Friday 27 November 2026, 10:15:37 in Moscow; the seconds show they are dropped from offsets.
FRIDAY = local(MOSCOW, 2026, 11, 27, 10, 15, 37).astimezone(UTC)
FRIDAY_EARLY = local(MOSCOW, 2026, 11, 27, 8, 0).astimezone(UTC)
# The last day of November, where dateparser alone turns "09:00" into 1 November.
MONDAY = local(MOSCOW, 2026, 11, 30, 10, 0).astimezone(UTC)
SUNDAY_EVENING = local(MOSCOW, 2026, 11, 29, 20, 0).astimezone(UTC)
# 22:00 on Friday in New York is already Saturday in UTC: "tomorrow" is still his Saturday.
NEW_YORK_FRIDAY_NIGHT = local(NEW_YORK, 2026, 11, 27, 22, 0).astimezone(UTC)
# Berlin moves its clocks 02:00 -> 03:00 on 29 March 2026 and 03:00 -> 02:00 on 25 October.
BERLIN_SATURDAY_BEFORE_SPRING = local(BERLIN, 2026, 3, 28, 10, 0).astimezone(UTC)
BERLIN_NIGHT_OF_SPRING = local(BERLIN, 2026, 3, 29, 1, 30).astimezone(UTC)
BERLIN_NIGHT_OF_AUTUMN = local(BERLIN, 2026, 10, 25, 1, 45).astimezone(UTC)


def case(
    phrase: str,
    expected: tuple[int, ...],
    *,
    now: datetime = FRIDAY,
    zone: str = MOSCOW,
    fold: int = 0,
) -> object:
    said_at = "" if now is FRIDAY else f" (said {now.astimezone(ZoneInfo(zone)):%a %H:%M} {zone})"
    return pytest.param(
        phrase,
        now,
        zone,
        local(zone, *expected, fold=fold).astimezone(UTC),
        id=readable(phrase) + said_at,
    )


RUSSIAN = [
    case("завтра в 10", (2026, 11, 28, 10, 0)),
    case("через 2 часа", (2026, 11, 27, 12, 15)),
    case("в понедельник в 9", (2026, 11, 30, 9, 0)),
    case("в пятницу утром", (2026, 12, 4, 9, 0)),
    case("через полчаса", (2026, 11, 27, 10, 45)),
    case("через пол часа", (2026, 11, 27, 10, 45)),
    case("28.11 14:00", (2026, 11, 28, 14, 0)),
    case("через час", (2026, 11, 27, 11, 15)),
    case("через 3 дня", (2026, 11, 30, 9, 0)),
    case("послезавтра в 18:30", (2026, 11, 29, 18, 30)),
    case("сегодня в 17", (2026, 11, 27, 17, 0)),
    case("в 15:00", (2026, 11, 27, 15, 0)),
    case("28.11", (2026, 11, 28, 9, 0)),
    case("28 ноября в 10", (2026, 11, 28, 10, 0)),
    case("в 9", (2026, 11, 28, 9, 0)),
    case("в 9 вечера", (2026, 11, 27, 21, 0)),
    case("в 3 дня", (2026, 11, 27, 15, 0)),
    case("в 12 ночи", (2026, 11, 28, 0, 0)),
    case("завтра в 12 ночи", (2026, 11, 29, 0, 0)),
    case("в понедельник", (2026, 11, 30, 9, 0)),
    case("во вторник", (2026, 12, 1, 9, 0)),
    case("в среду", (2026, 12, 2, 9, 0)),
    case("в четверг в 16:00", (2026, 12, 3, 16, 0)),
    case("в пятницу", (2026, 12, 4, 9, 0)),
    case("в субботу", (2026, 11, 28, 9, 0)),
    case("в воскресенье", (2026, 11, 29, 9, 0)),
    case("в след. понедельник", (2026, 11, 30, 9, 0)),
    case("в следующий понедельник", (2026, 11, 30, 9, 0)),
    case("в следующую среду в 11", (2026, 12, 2, 11, 0)),
    case("на следующей неделе", (2026, 11, 30, 9, 0)),
    case("завтра", (2026, 11, 28, 9, 0)),
    case("послезавтра", (2026, 11, 29, 9, 0)),
    case("завтра утром", (2026, 11, 28, 9, 0)),
    case("завтра днём", (2026, 11, 28, 13, 0)),
    case("в пятницу вечером", (2026, 12, 4, 19, 0)),
    case("ночью", (2026, 11, 27, 23, 0)),
    case("вечером в 7", (2026, 11, 27, 19, 0)),
    case("в 7 вечером", (2026, 11, 27, 19, 0)),
    case("в 9 утра", (2026, 11, 28, 9, 0)),
    case("в 2 ночи", (2026, 11, 28, 2, 0)),
    case("в 11 ночи", (2026, 11, 27, 23, 0)),
    case("завтра в 10 часов", (2026, 11, 28, 10, 0)),
    case("завтра 10", (2026, 11, 28, 10, 0)),
    case("через 1 час 30 минут", (2026, 11, 27, 11, 45)),
    case("через полтора часа", (2026, 11, 27, 11, 45)),
    case("через 15 минут", (2026, 11, 27, 10, 30)),
    case("через неделю", (2026, 12, 4, 9, 0)),
    case("через 2 недели в 15:00", (2026, 12, 11, 15, 0)),
    case("3 декабря", (2026, 12, 3, 9, 0)),
    case("1-го декабря в 12 дня", (2026, 12, 1, 12, 0)),
    case("11.12", (2026, 12, 11, 9, 0)),
    case("в 14.30", (2026, 11, 27, 14, 30)),
    case("26.11 10:00", (2027, 11, 26, 10, 0)),
    case("28.11.2026 14:00", (2026, 11, 28, 14, 0)),
    case("8 марта", (2027, 3, 8, 9, 0)),
    case("на завтра", (2026, 11, 28, 9, 0)),
    case("в полдень", (2026, 11, 27, 12, 0)),
    case("в пн в 10", (2026, 11, 30, 10, 0)),
    case("завтра в 10 по мск", (2026, 11, 28, 10, 0)),
    case("  Завтра,   в 10. ", (2026, 11, 28, 10, 0)),
    case("ПОСЛЕЗАВТРА В 9 ВЕЧЕРА", (2026, 11, 29, 21, 0)),
    case("завтра в 10:15", (2026, 11, 28, 10, 15)),
    case("27.11", (2027, 11, 27, 9, 0)),
    case("27.11", (2026, 11, 27, 9, 0), now=FRIDAY_EARLY),
    case("27.11 в 12", (2026, 11, 27, 12, 0)),
    case("в понедельник", (2026, 12, 7, 9, 0), now=MONDAY),
    case("завтра в 10", (2026, 12, 1, 10, 0), now=MONDAY),
    case("в понедельник в 9", (2026, 12, 7, 9, 0), now=MONDAY),
    case("в 9", (2026, 12, 1, 9, 0), now=MONDAY),
    case("в 11", (2026, 11, 30, 11, 0), now=MONDAY),
    case("на следующей неделе", (2026, 11, 30, 9, 0), now=SUNDAY_EVENING),
    case("вечером", (2026, 11, 30, 19, 0), now=SUNDAY_EVENING),
]

ENGLISH = [
    case("tomorrow 3pm", (2026, 11, 28, 15, 0)),
    case("next monday 9:00", (2026, 11, 30, 9, 0)),
    case("in 3 days", (2026, 11, 30, 9, 0)),
    case("in 2 hours", (2026, 11, 27, 12, 15)),
    case("in half an hour", (2026, 11, 27, 10, 45)),
    case("at 5pm", (2026, 11, 27, 17, 0)),
    case("friday morning", (2026, 12, 4, 9, 0)),
    case("Dec 3 at 10am", (2026, 12, 3, 10, 0)),
    case("tonight", (2026, 11, 27, 19, 0)),
    case("tomorrow", (2026, 11, 28, 9, 0)),
    case("tomorrow morning", (2026, 11, 28, 9, 0)),
    case("monday afternoon", (2026, 11, 30, 13, 0)),
    case("friday evening", (2026, 12, 4, 19, 0)),
    case("this evening", (2026, 11, 27, 19, 0)),
    case("tonight at 8", (2026, 11, 27, 20, 0)),
    case("tomorrow at 8 in the morning", (2026, 11, 28, 8, 0)),
    case("at 7 in the evening", (2026, 11, 27, 19, 0)),
    case("in the morning", (2026, 11, 28, 9, 0)),
    case("friday night", (2026, 12, 4, 23, 0)),
    case("this morning", (2026, 11, 27, 9, 0), now=FRIDAY_EARLY),
    case("this afternoon", (2026, 11, 27, 13, 0), now=FRIDAY_EARLY),
    case("at 9", (2026, 11, 28, 9, 0)),
    case("at noon", (2026, 11, 27, 12, 0)),
    case("tomorrow at midnight", (2026, 11, 29, 0, 0)),
    case("next week", (2026, 11, 30, 9, 0)),
    case("in a week", (2026, 12, 4, 9, 0)),
    case("in 2 weeks", (2026, 12, 11, 9, 0)),
    case("in 15 minutes", (2026, 11, 27, 10, 30)),
    case("in an hour", (2026, 11, 27, 11, 15)),
    case("day after tomorrow at 10:30", (2026, 11, 29, 10, 30)),
    case("on wednesday at 4 pm", (2026, 12, 2, 16, 0)),
    case("saturday 11:30", (2026, 11, 28, 11, 30)),
    case("Dec 25", (2026, 12, 25, 9, 0)),
    case("3 december 2026 18:00", (2026, 12, 3, 18, 0)),
    case("10 a.m. tomorrow", (2026, 11, 28, 10, 0)),
    case("28.11 14:00", (2026, 11, 28, 14, 0)),
    case("tomorrow 10:00 UTC", (2026, 11, 28, 13, 0)),
    case("10:00 UTC", (2026, 11, 27, 13, 0)),
    case("next monday 9:00", (2026, 12, 7, 9, 0), now=MONDAY),
    case("monday", (2026, 12, 7, 9, 0), now=MONDAY),
    case("next week", (2026, 11, 30, 9, 0), now=SUNDAY_EVENING),
]

ELSEWHERE = [
    case("tomorrow 9am", (2026, 11, 28, 9, 0), now=NEW_YORK_FRIDAY_NIGHT, zone=NEW_YORK),
    case("завтра в 10", (2026, 11, 28, 10, 0), now=NEW_YORK_FRIDAY_NIGHT, zone=NEW_YORK),
    case("в 9", (2026, 11, 28, 9, 0), now=NEW_YORK_FRIDAY_NIGHT, zone=NEW_YORK),
    case("in 2 hours", (2026, 11, 28, 0, 0), now=NEW_YORK_FRIDAY_NIGHT, zone=NEW_YORK),
    # Wall-clock phrases keep the hour said, on either side of the spring switch.
    case("завтра в 10", (2026, 3, 29, 10, 0), now=BERLIN_SATURDAY_BEFORE_SPRING, zone=BERLIN),
    case("tomorrow 9am", (2026, 3, 29, 9, 0), now=BERLIN_SATURDAY_BEFORE_SPRING, zone=BERLIN),
    case("in 3 days", (2026, 3, 31, 9, 0), now=BERLIN_SATURDAY_BEFORE_SPRING, zone=BERLIN),
    case("в 9", (2026, 3, 29, 9, 0), now=BERLIN_NIGHT_OF_SPRING, zone=BERLIN),
    # Hour offsets are real hours: 24 hours from Saturday 10:00 CET is Sunday 11:00 CEST.
    case("через 24 часа", (2026, 3, 29, 11, 0), now=BERLIN_SATURDAY_BEFORE_SPRING, zone=BERLIN),
    case("через 2 часа", (2026, 3, 29, 4, 30), now=BERLIN_NIGHT_OF_SPRING, zone=BERLIN),
    # In autumn 02:45 happens twice: one hour from 01:45 is the first, two hours the second.
    case("in an hour", (2026, 10, 25, 2, 45), now=BERLIN_NIGHT_OF_AUTUMN, zone=BERLIN),
    case("через 2 часа", (2026, 10, 25, 2, 45), now=BERLIN_NIGHT_OF_AUTUMN, zone=BERLIN, fold=1),
]


@pytest.mark.parametrize(("phrase", "now", "zone", "expected"), RUSSIAN)
def test_a_russian_phrase_means_the_moment_a_russian_speaker_means(
    phrase: str, now: datetime, zone: str, expected: datetime
) -> None:
    moment = parse_when(phrase, now=now, tz=zone, locale="ru")

    assert moment == expected
    assert moment is not None and moment.tzinfo is UTC


@pytest.mark.parametrize(("phrase", "now", "zone", "expected"), ENGLISH)
def test_an_english_phrase_means_the_moment_an_english_speaker_means(
    phrase: str, now: datetime, zone: str, expected: datetime
) -> None:
    moment = parse_when(phrase, now=now, tz=zone, locale="en")

    assert moment == expected
    assert moment is not None and moment.tzinfo is UTC


@pytest.mark.parametrize(("phrase", "now", "zone", "expected"), ELSEWHERE)
def test_a_phrase_is_read_on_the_wall_clock_of_the_users_own_zone(
    phrase: str, now: datetime, zone: str, expected: datetime
) -> None:
    moment = parse_when(phrase, now=now, tz=zone, locale="ru")

    assert moment == expected
    assert moment is not None and moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("phrase", "locale", "expected"),
    [
        pytest.param("tomorrow 3pm", "ru", (2026, 11, 28, 15, 0), id="english for a ru user"),
        pytest.param("завтра 3pm", "ru", (2026, 11, 28, 15, 0), id="zavtra 3pm mixed"),
        pytest.param("завтра в 10", "en", (2026, 11, 28, 10, 0), id="russian for an en user"),
        pytest.param("в пятницу утром", "en", (2026, 12, 4, 9, 0), id="v pyatnitsu utrom en"),
    ],
)
def test_either_language_is_understood_whatever_the_interface_locale(
    phrase: str, locale: str, expected: tuple[int, ...]
) -> None:
    assert parse_when(phrase, now=FRIDAY, tz=MOSCOW, locale=locale) == local(MOSCOW, *expected)


def _none(phrase: str, reason: str) -> object:
    return pytest.param(phrase, id=f"{readable(phrase)} - {reason}")


@pytest.mark.parametrize(
    "phrase",
    [
        _none("", "empty"),
        _none("   ", "blank"),
        _none("мусор", "garbage"),
        _none("asdf qwerty", "garbage"),
        _none("завтра мусор", "a day with garbage"),
        _none("вчера", "past"),
        _none("yesterday", "past"),
        _none("2 days ago", "past"),
        _none("5 минут назад", "past"),
        _none("на прошлой неделе", "past"),
        _none("27.11.2025 10:00", "an explicit past date"),
        _none("сегодня в 9", "today at an hour already gone"),
        _none("this morning", "a morning already gone"),
        _none("завтра в 25:00", "no such hour"),
        _none("завтра 25:00", "no such hour"),
        _none("в 10:60", "no such minute"),
        _none("tomorrow 13pm", "no such hour"),
        _none("31.11", "no such day"),
        _none("29.02", "more than a year ahead"),
        _none("через 2 года", "more than a year ahead"),
        _none("in 3 years", "more than a year ahead"),
        _none("через 2 часа в 10", "contradictory"),
        _none("завтра в 9 или в 10", "two times"),
    ],
)
def test_a_phrase_the_parser_is_not_sure_about_gives_none(phrase: str) -> None:
    assert parse_when(phrase, now=FRIDAY, tz=MOSCOW, locale="ru") is None


def test_a_zoneinfo_is_as_good_as_a_zone_name() -> None:
    by_name = parse_when("завтра в 10", now=FRIDAY, tz=MOSCOW, locale="ru")
    by_zone = parse_when("завтра в 10", now=FRIDAY, tz=ZoneInfo(MOSCOW), locale="ru")

    assert by_zone == by_name == local(MOSCOW, 2026, 11, 28, 10, 0)


def test_now_given_in_another_zone_is_the_same_moment() -> None:
    moscow_now = FRIDAY.astimezone(ZoneInfo(MOSCOW))

    assert parse_when("через 2 часа", now=moscow_now, tz=MOSCOW, locale="ru") == local(
        MOSCOW, 2026, 11, 27, 12, 15
    )


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("завтра в 10", now=datetime(2026, 11, 27, 10, 15), tz=MOSCOW, locale="ru")
