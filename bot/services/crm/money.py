"""Amounts as people type them ("150 000", "1 500,50 ₽", "2500 USD") and as Babel shows
them in the viewer's locale. Stored in minor units (kopecks, cents)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_currency_precision,
    is_currency,
    parse_decimal,
)

from bot.services.errors import ClientProblem, ClientRejected

SIGNS = {"₽": "RUB", "$": "USD", "€": "EUR", "£": "GBP", "₸": "KZT", "руб": "RUB", "р": "RUB"}
MAX_AMOUNT = Decimal("1e13")
_GLUED_CODE = re.compile(r"^(-?[A-Z]{3})(\d)")
_CURRENCY = re.compile(r"([A-Za-z]{3}|₽|\$|€|£|₸|руб\.?|р\.?)", re.IGNORECASE)


def parse_money(text: str, locale: str, default_currency: str) -> tuple[int, str]:
    """(amount in minor units, currency) from "150 000", "1 500,50 ₽", "2500 USD".
    Raises ClientRejected(BAD_AMOUNT)."""
    currency = default_currency
    found = _CURRENCY.search(text)
    if found:
        token = found.group(1).rstrip(".").casefold()
        code = SIGNS.get(token) or SIGNS.get(found.group(1)) or token.upper()
        if not is_currency(code):
            raise ClientRejected(ClientProblem.BAD_AMOUNT)
        currency = code
        text = text[: found.start()] + text[found.end() :]
    number = text.replace("\u00a0", " ").replace(" ", "").strip()
    if not number:
        raise ClientRejected(ClientProblem.BAD_AMOUNT)
    try:
        amount = parse_decimal(number, locale=locale, strict=False)
    except (NumberFormatError, InvalidOperation) as exc:
        # "1500.50" typed on a Russian keyboard, or "1,500" on an English one.
        try:
            amount = Decimal(number.replace(",", "."))
        except InvalidOperation:
            raise ClientRejected(ClientProblem.BAD_AMOUNT) from exc
    if amount < 0 or amount >= MAX_AMOUNT:
        raise ClientRejected(ClientProblem.BAD_AMOUNT)
    precision = get_currency_precision(currency)
    return int((amount * (10**precision)).to_integral_value()), currency


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor) / (10 ** get_currency_precision(currency))


def format_money(minor: int, currency: str, locale: str) -> str:
    text = format_currency(to_decimal(minor, currency), currency, locale=locale)
    # English writes a currency without a sign as its code glued to the number
    # ("RUB150,000.00"); a no-break space keeps it readable and on one line.
    return _GLUED_CODE.sub("\\1\u00a0\\2", text)
