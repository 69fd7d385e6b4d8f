"""Number formatting for prose and tables, one convention for the whole report."""

from __future__ import annotations

import math

QUALIFIER_WORDS = {"at_least": "at least ", "at_most": "up to ", "approx": "about ", "exact": ""}


def number(value: float | int | None, decimals: int = 0) -> str:
    """Thousands separated by commas, `decimals` places: 139671 -> '139,671'.

    A missing value is written as an em dash, so gaps stay visible.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{decimals}f}"


def percent(value: float | None, decimals: int = 1) -> str:
    """A percentage already on the 0-100 scale: 54.0 -> '54.0%'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{decimals}f}%"


def signed_percent(value: float | None, decimals: int = 0) -> str:
    """A change in percent with its sign: 19.7 -> '+20%', -46 -> '−46%'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:+.{decimals}f}%"
    return text.replace("-", "\u2212")


def qualified(value: float | None, qualifier: str = "exact", decimals: int = 0) -> str:
    """A number with its published qualifier: ('at_least', 174000) -> 'at least 174,000'."""
    return QUALIFIER_WORDS.get(qualifier or "exact", "") + number(value, decimals)


def ordinal(value: int) -> str:
    """An English ordinal with thousands separators: 141 -> '141st', 112 -> '112th'."""
    suffix = (
        "th" if value % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    )
    return f"{value:,}{suffix}"


def join_words(items: list[str]) -> str:
    """Items as prose: '', 'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
