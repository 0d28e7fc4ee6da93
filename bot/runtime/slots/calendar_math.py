"""Calendar arithmetic for AMAZON.Date: "the next March 3rd", "Friday of next week", "last day of next month".

Pure functions of "today", shared by every language's rules in ``date_rules``.
Weeks run Monday to Sunday, as in Lex's documented examples ("last week" on
Wednesday 2020-11-25 is Monday 2020-11-16).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta


def valid(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def on_or_after(today: date, month: int, day: int) -> date | None:
    """The next ``month``/``day`` that is not in the past (Lex: "defaults to dates on or after today")."""
    for year in range(today.year, today.year + 9):
        found = valid(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def next_day_of_month(today: date, day: int) -> date | None:
    """The next day numbered ``day`` on or after today ("the 5th" on the 18th -> the 5th of next month)."""
    for ahead in range(13):
        year, month = divmod(today.month - 1 + ahead, 12)
        found = valid(today.year + year, month + 1, day)
        if found is not None and found >= today:
            return found
    return None


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekday(today: date, target: int, mode: str) -> date:
    """``on_or_after`` ("friday"), ``after`` ("next friday"), ``before`` ("last friday")."""
    ahead = (target - today.weekday()) % 7
    if mode == "after":
        return today + timedelta(days=ahead or 7)
    if mode == "before":
        return today - timedelta(days=(today.weekday() - target) % 7 or 7)
    return today + timedelta(days=ahead)


def weekend(today: date, shift: int) -> date:
    """This weekend: the coming Saturday, or today on a Sunday; ``shift`` weeks later or earlier."""
    saturday = monday(today) + timedelta(days=5)
    if shift == 0:
        return today if today.weekday() == 6 else saturday
    return saturday + timedelta(weeks=shift)


def period(today: date, unit: str, shift: int) -> date:
    """Lex's documented week/month/year answers: this -> first day, next -> last day (see package doc)."""
    if unit == "week":
        return monday(today) + timedelta(days={0: 0, 1: 6, -1: -7}[shift])
    if unit == "month":
        if shift == 1:
            following = add_months(today.replace(day=1), 1)
            return following.replace(day=monthrange(following.year, following.month)[1])
        return add_months(today.replace(day=1), shift)
    if shift == 1:
        return date(today.year + 1, 12, 31)
    return date(today.year + shift, 1, 1)


def shifted(base: date, amount: int, unit: str) -> date:
    unit = unit.rstrip("s")
    if unit.startswith(("mes", "month")):
        return add_months(base, amount)
    if unit.startswith(("year", "ano")):
        return add_months(base, 12 * amount)
    days = {"week": 7, "semana": 7, "fortnight": 14, "quincena": 15}.get(unit, 1)
    return base + timedelta(days=days * amount)
