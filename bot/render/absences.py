"""Absences as the people concerned read them: the absent one, his deputy and whoever set
it. Names are escaped here; an absence's days are his days, shown in the reader's language."""

from __future__ import annotations

import html
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date, format_interval

from bot.services.absences import MAX_DAYS, Cover, HandBack, Planned
from bot.services.errors import AbsenceProblem
from bot.storage.dto import AbsenceDTO, UserDTO


def name(user: UserDTO) -> str:
    return html.escape(user.display_name)


def days(absence: AbsenceDTO, user: UserDTO) -> tuple[date, date]:
    """Its first and last day in the absent one's time zone."""
    zone = ZoneInfo(user.timezone)
    first = absence.starts_at.astimezone(zone).date()
    last = (absence.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return first, max(first, last)


def format_day(day: date, locale: str) -> str:
    return format_date(day, "medium", locale=locale)


def period(absence: AbsenceDTO, user: UserDTO, locale: str) -> str:
    return span(*days(absence, user), locale)


def span(first: date, last: date, locale: str) -> str:
    """ "Nov 28 – 30, 2026", or one day alone."""
    if first == last:
        return format_day(first, locale)
    return format_interval(first, last, "yMMMd", locale=locale)


def covering_for(user: UserDTO) -> str:
    """The mark on whatever reaches a deputy in place of the one away."""
    return _("🤝 <i>Covering for {name}</i>").format(name=name(user))


def listing(
    user: UserDTO, ahead: list[AbsenceDTO], deputies: dict[int, UserDTO], locale: str
) -> str:
    lines = [_("🏖 <b>Absences of {name}</b>").format(name=name(user))]
    if not ahead:
        lines.append(
            _(
                "None planned. While someone is away, a deputy gets his clients' new "
                "requests, messages, reminders and nudges."
            )
        )
    for absence in ahead:
        deputy = deputies.get(absence.deputy_id)
        lines.append(
            _("• {period}: {deputy} covers").format(
                period=period(absence, user, locale), deputy=name(deputy) if deputy else "—"
            )
        )
    return "\n".join(lines)


def summary(user: UserDTO, deputy: UserDTO, first: date, last: date, locale: str) -> str:
    return _("🏖 {name} is away {period}; {deputy} covers. Is that right?").format(
        name=name(user), period=span(first, last, locale), deputy=name(deputy)
    )


def planned(item: Planned, locale: str) -> str:
    """The answer to whoever set it."""
    text = _("✅ Absence set: {name}, {period}; {deputy} covers.").format(
        name=name(item.user),
        period=period(item.absence, item.user, locale),
        deputy=name(item.deputy),
    )
    if item.cover is not None:
        text += "\n" + taken_over(len(item.cover.requests))
    return text


def taken_over(count: int) -> str:
    return ngettext(
        "It is on now: {count} open request went to the deputy.",
        "It is on now: {count} open requests went to the deputy.",
        count,
    ).format(count=count)


def deputy_asked(item: Planned, locale: str) -> str:
    """To the deputy, when it is set for days ahead."""
    return _(
        "🤝 {name} will be away {period}, and you will cover: then their clients' new "
        "requests, messages, reminders and nudges come to you."
    ).format(name=name(item.user), period=period(item.absence, item.user, locale))


def set_for_you(item: Planned, setter: UserDTO, locale: str) -> str:
    """To the absent one, when the head of sales set it for him."""
    return _("🏖 {setter} set your absence: {period}; {deputy} covers for you.").format(
        setter=name(setter),
        period=period(item.absence, item.user, locale),
        deputy=name(item.deputy),
    )


def cover_begins(cover: Cover, locale: str) -> str:
    """To the deputy, when the absence begins."""
    lines = [
        _("🤝 <b>You cover for {name} until {last}.</b>").format(
            name=name(cover.user),
            last=format_day(days(cover.absence, cover.user)[1], locale),
        ),
        _(
            "Their clients' new requests, messages, reminders and nudges come to you, marked "
            "with their name, and you can open and work on their clients."
        ),
    ]
    if cover.requests:
        lines.append(
            ngettext(
                "{count} open request of theirs is yours meanwhile.",
                "{count} open requests of theirs are yours meanwhile.",
                len(cover.requests),
            ).format(count=len(cover.requests))
        )
    return "\n".join(lines)


def absence_begins(cover: Cover, locale: str) -> str:
    """To the one away, when it begins."""
    return _("🏖 Your absence begins: {deputy} covers for you until {last}.").format(
        deputy=name(cover.deputy),
        last=format_day(days(cover.absence, cover.user)[1], locale),
    )


def welcome_back(back: HandBack, locale: str) -> str:
    """To the one who is back: what happened while he was away."""
    when = period(back.absence, back.user, locale)
    if back.quiet and not back.entries:
        return _(
            "👋 <b>Welcome back!</b> Nothing came in for you while you were away "
            "({period}); {deputy} covered."
        ).format(period=when, deputy=name(back.deputy))
    lines = [
        _(
            "👋 <b>Welcome back!</b> While you were away ({period}), {deputy} covered for you:"
        ).format(period=when, deputy=name(back.deputy)),
        _("• requests of your clients handled: {count}").format(count=back.requests),
        _("• messages from clients on them: {count}").format(count=back.messages),
        _("• your reminders and nudges delivered: {count}").format(count=back.reminders),
        _("• notes and changes on your clients: {count}").format(count=back.entries),
    ]
    if back.returned:
        lines.append(
            ngettext(
                "{count} open request is yours again: see 📥 Requests.",
                "{count} open requests are yours again: see 📥 Requests.",
                len(back.returned),
            ).format(count=len(back.returned))
        )
    return "\n".join(lines)


def cover_over(back: HandBack) -> str:
    """To the deputy, when the absence is over."""
    count = len(back.returned)
    return ngettext(
        "✅ Your cover for {name} is over; {count} open request went back to them.",
        "✅ Your cover for {name} is over; {count} open requests went back to them.",
        count,
    ).format(name=name(back.user), count=count)


def cancelled(absence: AbsenceDTO, user: UserDTO, locale: str) -> str:
    """To the deputy, when an absence still ahead is called off."""
    return _("🗓 {name}'s absence {period} is called off: no cover needed.").format(
        name=name(user), period=period(absence, user, locale)
    )


def problem(problem: AbsenceProblem) -> str:
    return {
        AbsenceProblem.PAST_DAY: _("That day has passed. Choose today or a later day."),
        AbsenceProblem.ENDS_BEFORE_START: _(
            "The last day cannot come before the first. Choose again."
        ),
        AbsenceProblem.TOO_LONG: _(
            "An absence is at most {days} days. For longer, hand the clients over to a colleague."
        ).format(days=MAX_DAYS),
        AbsenceProblem.OVERLAP: _(
            "These days overlap another absence of theirs. Change or cancel that one first."
        ),
        AbsenceProblem.SELF_DEPUTY: _("Nobody can cover for themselves. Choose a colleague."),
        AbsenceProblem.DEPUTY_AWAY: _(
            "This colleague is away on some of these days. Choose another deputy."
        ),
        AbsenceProblem.COVERING: _(
            "On some of these days they cover for a colleague. Ask the head of sales to "
            "choose another deputy for that colleague first."
        ),
    }[problem]
