"""Phones and e-mails: validated, stored in one form (E.164, lower-case e-mail), and the
form search and duplicate checks compare."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.services.crm.text import digits
from bot.services.errors import ClientProblem, ClientRejected
from bot.storage.enums import ContactKind

MAX_EMAIL = 254


def parse_phone(text: str, region: str) -> str:
    """The phone in E.164 ("+79123456789"); a number without a country code is read as
    `region`'s ("8 912 345-67-89" in Russia). Raises ClientRejected(BAD_PHONE)."""
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ClientRejected(ClientProblem.BAD_PHONE) from exc
    if not phonenumbers.is_valid_number(number):
        raise ClientRejected(ClientProblem.BAD_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def pretty_phone(e164: str) -> str:
    """ "+7 912 345-67-89": how a stored phone is shown."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def parse_email(text: str) -> str:
    """The e-mail normalised (the domain in lower case). Raises ClientRejected(BAD_EMAIL).
    Deliverability is not checked: that needs DNS, and the bot works offline."""
    text = text.strip()
    if len(text) > MAX_EMAIL:
        raise ClientRejected(ClientProblem.BAD_EMAIL)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ClientRejected(ClientProblem.BAD_EMAIL) from exc
    return result.normalized


def normalized(kind: ContactKind, value: str) -> str:
    """What is compared: the phone's digits, the e-mail in lower case."""
    return digits(value) if kind is ContactKind.PHONE else value.casefold()


def phone_query(text: str, region: str) -> str | None:
    """The digits to look for when a search query is a phone in any format, else None."""
    found = digits(text)
    if len(found) < 4 or len(found) < len(text.replace(" ", "")) * 0.6:
        return None
    try:
        return digits(parse_phone(text, region))
    except ClientRejected:
        return found
