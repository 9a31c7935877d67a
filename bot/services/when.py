"""Natural-language reminder times ("завтра в 10", "in 2 hours") turned into a UTC moment.

`parse_when` is pure: it takes the current moment, the user's time zone and locale and returns the
moment meant, or None when it is not sure. dateparser does the parsing; a small table of regex
rewrites first turns the Russian (and a few English) ways of saying a time of day into plain
"HH:MM", because dateparser alone reads "в 9" as the 9th of the month, drops "в 10" after
"завтра", turns "11.12" into 11:12 and knows no "утром", "в 3 дня" or "в след. понедельник".
A bare time of day is resolved here, and the time dateparser reads is checked against the one
written, as dateparser silently drops what it cannot read ("завтра 25:00" -> tomorrow).

Rules the caller can rely on:
- The future is preferred: a weekday means the next one strictly after today, a time that has
  already passed today means tomorrow, a day.month that has passed this year means next year.
- A day without a time of day means 09:00 local, the start of a working day ("завтра",
  "28.11", "через 3 дня", "next week" = next Monday).
- Parts of the day: morning/утром 09:00, afternoon/днём 13:00, evening/вечером/tonight 19:00,
  night/ночью 23:00; "12 ночи", "полночь", "midnight" and "24:00" are the midnight that ends the
  day named ("завтра в 12 ночи" is the night from tomorrow to the day after).
- Offsets in hours and minutes ("через 2 часа") count real elapsed time, also across a
  daylight-saving switch; everything else is local wall-clock time.
- None for anything in the past, more than a year ahead, self-contradictory or unreadable.
  Seconds and microseconds are always zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser
from dateparser.timezone_parser import pop_tz_offset_from_string

# Working default for a day named without a time of day.
_DEFAULT_TIME = "09:00"
# A reminder further ahead than this is far more likely a misreading than an intention.
_HORIZON = timedelta(days=366)
# Periods dateparser reports when the text fixed the time of day (or an hour/minute offset).
_TIMED_PERIODS = frozenset({"time", "part_of_day"})
# Written by the rewrites for "12 ночи"/"midnight": the midnight that ends the day named.
_END_OF_DAY = "24:00"

_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_ELAPSED = re.compile(r"\b(?:через|in)\b.*(?:час|мин|hour|min)")
_CYRILLIC = re.compile(r"[а-я]")

_MONTH = (
    r"(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек"
    r"|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
)
_WEEKDAY = (
    r"(?:понедельник|вторник|сред[уаы]|четверг|пятниц[уаы]|суббот[уаы]|воскресень[ея]"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_DAY_WORD = (
    rf"(?:сегодня|завтра|послезавтра|today|tomorrow|{_WEEKDAY}"
    r"|пн|вт|ср|чт|пт|сб|вс|mon|tue|wed|thu|fri|sat|sun)"
)
_HOUR = r"\d{1,2}(?:[:.]\d{2})?"
_MONTHS_RU = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class _Unparseable(Exception):
    """A rewrite found something that cannot be a valid time (e.g. "в 25:00")."""


def _clock(hour: int, minute: int = 0) -> str:
    if not (0 <= hour <= 24 and 0 <= minute <= 59) or (hour == 24 and minute):
        raise _Unparseable(f"{hour}:{minute:02d}")
    return f"{hour:02d}:{minute:02d}"


def _split_hour(text: str) -> tuple[int, int]:
    hour, _, minute = text.replace(".", ":").partition(":")
    return int(hour), int(minute or 0)


def _ru_part_hour(hour: int, part: str) -> int:
    """The 24-hour value of "<hour> утра/дня/вечера/ночи"."""
    if hour == 0 or hour > 12:  # already on a 24-hour clock: "в 21 вечера"
        return hour
    if part == "утра":
        return hour % 12
    if part == "дня":  # "в 3 дня" is 15:00, but "в 11 дня" is 11:00 and "в 12 дня" noon
        return hour + 12 if hour <= 6 else hour
    if hour == 12:  # "12 ночи", "12 вечера": the midnight that ends the day
        return 24
    if part == "ночи" and hour <= 5:  # "в 2 ночи" is 02:00
        return hour
    return hour + 12  # "в 9 вечера", "в 11 ночи"


def _ru_part_clock(match: re.Match[str]) -> str:
    preposition, hour_text, part = match["prep"], match["hour"], match["part"]
    if part == "дня" and not preposition and not re.search(r"[:.]", hour_text):
        return match[0]  # "через 3 дня" is three days, not 15:00
    hour, minute = _split_hour(hour_text)
    return _clock(_ru_part_hour(hour, part), minute)


def _meridiem_clock(match: re.Match[str]) -> str:
    hour, minute = int(match[1]), int(match[2] or 0)
    if not 1 <= hour <= 12:
        raise _Unparseable(match[0])
    return _clock(hour % 12 + (12 if match[3] == "p" else 0), minute)


def _clock_after_preposition(match: re.Match[str]) -> str:
    hour, minute = _split_hour(match["hour"])
    if "." in match["hour"] and not (hour <= 23 and minute <= 59):
        return match[0]  # "в 28.11" is a date; the dotted-date rewrite reads it
    return _clock(hour, minute)


def _clock_after_day(match: re.Match[str]) -> str:
    return f"{match['day']} {_clock(int(match['hour']))}"


def _part_of_day(clock: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        # When an explicit clock is also given ("завтра утром 8:30") it wins.
        rest = match.string[: match.start()] + match.string[match.end() :]
        return "" if _CLOCK.search(rest) else clock

    return replace


def _dotted_date(match: re.Match[str]) -> str:
    day, month, year = int(match["day"]), int(match["month"]), match["year"]
    if not 1 <= month <= 12:
        if year is None and day <= 23 and month <= 59:
            return _clock(day, month)  # "завтра 14.30" is a time, not the 30th month
        raise _Unparseable(match[0])
    # Month names are unambiguous for dateparser (which reads "11.12" as 11:12) and the
    # script matches the phrase so dateparser can pick one language for the whole of it.
    names = _MONTHS_RU if _CYRILLIC.search(match.string) else _MONTHS_EN
    if year is not None and len(year) == 2:
        year = f"20{year}"
    return f"{day} {names[month - 1]}" + (f" {year}" if year else "")


@dataclass(frozen=True, slots=True)
class _Rewrite:
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]


def _rule(pattern: str, replacement: str | Callable[[re.Match[str]], str]) -> _Rewrite:
    return _Rewrite(re.compile(pattern), replacement)


_RU_GENITIVE_PART = {"утром": "утра", "днем": "дня", "вечером": "вечера", "ночью": "ночи"}
_EN_MERIDIEM_PART = {
    "morning": "am",
    "afternoon": "pm",
    "evening": "pm",
    "night": "pm",
    "tonight": "pm",
}

# Applied in order to the normalised phrase; each rule says why dateparser needs it.
_REWRITES: tuple[_Rewrite, ...] = (
    # Ordinals: dateparser does not read "1-го декабря".
    _rule(r"\b(\d{1,2})-(?:го|е|ое)\b", r"\1"),
    # Halves of an hour: "пол часа" is unknown, "half an hour" too.
    _rule(r"\bпол\s+часа\b", "полчаса"),
    _rule(r"\bhalf\s+an\s+hour\b", "30 minutes"),
    # "Next week" as a day is next Monday; dateparser would add seven days to today.
    _rule(r"\b(?:на\s+)?(?:следующей|след\.?)\s+неделе\b", "понедельник"),
    _rule(r"\bnext\s+week\b", "monday"),
    # dateparser knows no "следующий понедельник"; a weekday is always the next one anyway.
    _rule(rf"\b(?:следующ(?:ий|ую|ее|ая|ей)|след\.?)\s+(?={_WEEKDAY})", ""),
    # "на завтра", "на понедельник": the preposition makes dateparser give up.
    _rule(r"^на\s+", ""),
    # Moscow time is written "мск" / "по мск"; dateparser knows the zone only as "msk".
    _rule(r"\b(?:по\s+)?мск\b", "msk"),
    # A part of the day next to a bare hour says am or pm: "вечером в 7" is 19:00.
    _rule(
        rf"\b(?P<part>утром|днем|вечером|ночью)\s+(?P<prep>в|к)\s+(?P<hour>{_HOUR})\b",
        lambda m: f"{m['prep']} {m['hour']} {_RU_GENITIVE_PART[m['part']]}",
    ),
    _rule(
        rf"\b(?P<prep>в|к)\s+(?P<hour>{_HOUR})\s+(?P<part>утром|днем|вечером|ночью)\b",
        lambda m: f"{m['prep']} {m['hour']} {_RU_GENITIVE_PART[m['part']]}",
    ),
    _rule(
        r"\b(?:in\s+the\s+|this\s+)?(?P<part>morning|afternoon|evening|night|tonight)\s+at\s+"
        r"(?P<hour>\d{1,2}(?::\d{2})?)\b(?!\s*[ap]\.?m)",
        lambda m: (
            ("today " if m["part"] == "tonight" else "")
            + f"at {m['hour']}{_EN_MERIDIEM_PART[m['part']]}"
        ),
    ),
    _rule(
        r"\bat\s+(?P<hour>\d{1,2}(?::\d{2})?)\s+"
        r"(?:in\s+the\s+|this\s+)?(?P<part>morning|afternoon|evening|night|tonight)\b",
        lambda m: (
            ("today " if m["part"] == "tonight" else "")
            + f"at {m['hour']}{_EN_MERIDIEM_PART[m['part']]}"
        ),
    ),
    # "3pm", "10 a.m.": turned into 24-hour clocks so mixed phrases ("завтра 3pm") parse too.
    _rule(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b\.?", _meridiem_clock),
    # "в 9 вечера" = 21:00, "в 3 дня" = 15:00, "в 12 ночи" = the midnight ending the day.
    _rule(
        rf"(?:\b(?P<prep>в|к)\s+)?\b(?P<hour>{_HOUR})\s*(?:часов|часа|час|ч)?\.?\s*"
        r"\b(?P<part>утра|дня|вечера|ночи)\b",
        _ru_part_clock,
    ),
    # Noon and midnight by name.
    _rule(r"\b(?:в\s+)?полдень\b|\b(?:at\s+)?noon\b", "12:00"),
    _rule(r"\b(?:в\s+)?полночь\b|\b(?:at\s+)?midnight\b", _END_OF_DAY),
    # "в 9", "к 10 часам", "at 9", "в 14.30": dateparser reads a bare number as a day of month
    # (or drops it after "завтра"); after these prepositions it is an hour.
    _rule(
        rf"\b(?:в|во|к|at|by)\s+(?P<hour>{_HOUR})(?:\s*(?:часов|часам|часа|час|ч)\b\.?)?"
        rf"(?![\d.:])(?!\s*{_MONTH})",
        _clock_after_preposition,
    ),
    # "завтра 10", "monday 9": a bare number right after a day is an hour, not a day of month.
    _rule(
        rf"\b(?P<day>{_DAY_WORD})\s+(?P<hour>\d{{1,2}})\b(?![\d.:])(?!\s*{_MONTH})",
        _clock_after_day,
    ),
    # Parts of the day on their own: dateparser knows no Russian ones and has its own hours for
    # the English ones (evening 18:00, tonight 20:00); one table keeps both languages equal.
    _rule(r"\b(?:с\s+)?утр(?:ом|а)\b", _part_of_day(_DEFAULT_TIME)),
    _rule(r"\bднем\b|\bв\s+обед\b", _part_of_day("13:00")),
    _rule(r"\bвечером\b", _part_of_day("19:00")),
    _rule(r"\bночью\b", _part_of_day("23:00")),
    _rule(r"\bthis\s+morning\b", _part_of_day("today 09:00")),
    _rule(r"\bthis\s+afternoon\b", _part_of_day("today 13:00")),
    _rule(r"\b(?:this\s+evening|tonight)\b", _part_of_day("today 19:00")),
    _rule(r"\b(?:in\s+the\s+)?morning\b", _part_of_day("09:00")),
    _rule(r"\b(?:in\s+the\s+)?afternoon\b", _part_of_day("13:00")),
    _rule(r"\b(?:in\s+the\s+)?evening\b", _part_of_day("19:00")),
    _rule(r"\b(?:at\s+)?night\b", _part_of_day("23:00")),
    # "28.11", "28.11.2026": day.month is how dates are written in Russia; dateparser reads
    # some of them as times ("11.12" -> 11:12), so they become "28 ноября".
    _rule(
        r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})(?:\.(?P<year>\d{4}|\d{2}))?\b(?!\.\d)",
        _dotted_date,
    ),
)


def _normalise(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[,;!?]+", " ", text)
    return " ".join(text.split()).rstrip(".").strip()


def _rewrite(phrase: str) -> str:
    for rule in _REWRITES:
        phrase = rule.pattern.sub(rule.replacement, phrase)
    return " ".join(phrase.split())


def _parser(local_now: datetime, locale: str) -> DateDataParser:
    russian_first = locale.lower().startswith("ru")
    settings: dict[str, object] = {
        # The wall clock of the zone meant: relative phrases count from it.
        "RELATIVE_BASE": local_now,
        # Naive wall times in and out; the caller attaches the zone itself, so DST gaps and folds
        # follow zoneinfo as everywhere else in the bot. dateparser compares some readings with
        # RELATIVE_BASE after moving them from TIMEZONE to UTC, so any zone but UTC would shift
        # "12:00" said at 10:15 in Moscow to tomorrow. Zones named in the text are gone by now.
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DATES_FROM": "future",
        # Tells "через 2 часа" (a time) from "через 3 дня" (a day, so 09:00 applies).
        "RETURN_TIME_AS_PERIOD": True,
    }
    if russian_first:
        settings["DATE_ORDER"] = "DMY"
    # Both languages always: a Russian speaker may well type "tomorrow 3pm".
    languages = ["ru", "en"] if russian_first else ["en", "ru"]
    return DateDataParser(languages=languages, settings=settings)


def _next_occurrence(local_now: datetime, clock: str) -> datetime:
    """A bare time of day: today if it is still ahead, otherwise tomorrow.

    Done here rather than by dateparser, which gets it wrong on the last day of a month
    ("09:00" said on 30 November at 10:00 became 1 November).
    """
    hour, minute = _split_hour(clock)
    today = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return today if today > local_now else today + timedelta(days=1)


def _read_day(parser: DateDataParser, phrase: str, clock: str | None) -> datetime | None:
    """dateparser's naive wall-clock reading of a phrase that names a day or an offset."""
    found = parser.get_date_data(phrase)
    if found.date_obj is None:
        return None
    reading = found.date_obj.replace(tzinfo=None)
    if clock is not None:
        # The time read must be the clock written: dateparser silently drops one it cannot
        # read ("завтра 25:00" gives tomorrow at the current time). Its period is no help here,
        # as "завтра 10:15" said at 10:15 comes back as a day.
        return reading if (reading.hour, reading.minute) == _split_hour(clock) else None
    if _ELAPSED.search(phrase) or found.period in _TIMED_PERIODS:
        return reading
    # A day without a time of day: ask again with the default time, so that dateparser's
    # preference for the future sees the whole moment ("27.11" said on the 27th at 08:00 is
    # today 09:00, said at 10:00 it is next year).
    return _read_day(parser, f"{phrase} {_DEFAULT_TIME}", _DEFAULT_TIME)


def parse_when(text: str, *, now: datetime, tz: str | ZoneInfo, locale: str) -> datetime | None:
    """The UTC moment `text` means for a user in `tz` at `now`, or None when unsure."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, got a naive one: {now}")
    phrase = _normalise(text)
    if not phrase:
        return None
    try:
        phrase = _rewrite(phrase)
    except _Unparseable:
        return None
    # "tomorrow 10:00 utc": a zone named in the text replaces the user's for the whole phrase
    # (dateparser would convert "10:00 utc" but silently ignore the zone in "tomorrow 10:00 utc").
    phrase, named_zone = pop_tz_offset_from_string(phrase)
    phrase = phrase.strip()
    zone: tzinfo = named_zone or (tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz))
    ends_day = _END_OF_DAY in phrase
    phrase = phrase.replace(_END_OF_DAY, "00:00")
    clocks = _CLOCK.findall(phrase)
    if len(clocks) > 1:
        return None  # "завтра в 9 и 10": two times, which one?
    clock = clocks[0] if clocks else None
    local_now = now.astimezone(zone).replace(tzinfo=None)

    if clock is not None and phrase == clock:
        local = _next_occurrence(local_now, clock)
    else:
        reading = _read_day(_parser(local_now, locale), phrase, clock)
        if reading is None:
            return None
        # "завтра в 12 ночи" is the midnight after tomorrow, not the one before it.
        local = reading + timedelta(days=1) if ends_day else reading

    if clock is None and _ELAPSED.search(phrase):
        # "через 2 часа" is two real hours, even when a DST switch falls in between.
        moment = now + (local - local_now)
    else:
        moment = local.replace(tzinfo=zone)
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    if not now < moment <= now + _HORIZON:
        return None
    return moment
