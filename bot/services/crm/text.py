"""How names, companies and queries are folded so that search finds them in any case,
with ё or е, and with a typo."""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[\w]+", re.UNICODE)
VOWELS = frozenset("aeiouyаеёиоуыэюяь ъ")
MAX_WORD = 64


def fold(text: str) -> str:
    """Lower case, ё → е: what a person means whichever way he typed it."""
    return text.casefold().replace("ё", "е")


def words(text: str | None) -> list[str]:
    """The folded words of a text; "ООО «Ромашка»" → ["ооо", "ромашка"]."""
    if not text:
        return []
    return [word[:MAX_WORD] for word in WORD.findall(fold(text))]


def skeleton(word: str) -> str:
    """The word without vowels and with doubled letters single: "ivanov" and the typo
    "ivonov" share "vnv"; "petrov" and "petrvo" share "ptrv"."""
    letters = [char for char in word if char not in VOWELS and not char.isdigit()]
    squeezed = [char for i, char in enumerate(letters) if i == 0 or letters[i - 1] != char]
    return "".join(squeezed)


def index_words(parts: Iterable[str | None]) -> list[tuple[str, str]]:
    """(word, skeleton) pairs to store for a client, from his name, company, e-mails, tags."""
    result: dict[str, str] = {}
    for part in parts:
        for word in words(part):
            result.setdefault(word, skeleton(word))
    return list(result.items())


def digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())
