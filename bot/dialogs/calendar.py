"""aiogram-dialog's calendar with month and weekday names in the reader's language, and
"today" in his time zone by the app's clock (the stock widget uses the server's locale, zone
and wall clock: it would open on another month than the one the rest of the bot, and its
tests, live in)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Calendar
from aiogram_dialog.widgets.kbd.calendar_kbd import (
    CalendarDaysView,
    CalendarMonthView,
    CalendarScope,
    CalendarScopeView,
    CalendarUserConfig,
    CalendarYearsView,
)
from aiogram_dialog.widgets.text import Text
from babel.dates import format_date


class BabelDate(Text):
    """A date from the calendar's render data, formatted by Babel for the actor's locale."""

    def __init__(self, pattern: str, template: str = "{}") -> None:
        super().__init__()
        self._pattern = pattern
        self._template = template

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        locale = manager.middleware_data["actor"].locale
        value: date = data["date"]
        return self._template.format(format_date(value, self._pattern, locale=locale))


class LocalCalendar(Calendar):
    def _init_views(self) -> dict[CalendarScope, CalendarScopeView]:
        return {
            CalendarScope.DAYS: ClockDaysView(
                self._item_callback_data,
                header_text=BabelDate("LLLL y", "🗓 {}"),
                weekday_text=BabelDate("EEEEEE"),
                prev_month_text=BabelDate("LLL", "« {}"),
                next_month_text=BabelDate("LLL", "{} »"),
            ),
            CalendarScope.MONTHS: CalendarMonthView(
                self._item_callback_data,
                month_text=BabelDate("LLLL"),
                this_month_text=BabelDate("LLLL", "[ {} ]"),
            ),
            CalendarScope.YEARS: CalendarYearsView(self._item_callback_data),
        }

    async def _get_user_config(
        self, data: dict[str, Any], manager: DialogManager
    ) -> CalendarUserConfig:
        zone = ZoneInfo(manager.middleware_data["actor"].timezone)
        return CalendarUserConfig(timezone=zone, min_date=today(manager))  # type: ignore[arg-type]

    def get_offset(self, manager: DialogManager) -> date | None:
        """The month shown first is today's by the clock."""
        offset = super().get_offset(manager)
        if offset is None:
            offset = today(manager)
            self.set_offset(offset, manager)
        return offset


class ClockDaysView(CalendarDaysView):
    """Marks as today the clock's today, not the wall clock's."""

    async def _render_date_button(
        self, selected_date: date, _today: date, data: dict[str, Any], manager: DialogManager
    ) -> Any:
        return await super()._render_date_button(selected_date, today(manager), data, manager)


def today(manager: DialogManager) -> date:
    """Today in the reader's time zone, by the app's clock."""
    zone = ZoneInfo(manager.middleware_data["actor"].timezone)
    return manager.middleware_data["clock"].now().astimezone(zone).date()
