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


def billions(value: float | None, decimals: int | None = 2) -> str:
    """Tenge in billions: 2_555_290_413 -> '2.56 billion KZT'.

    `decimals=None` keeps only the decimals the value has, up to three: 2.6e9 -> '2.6
    billion KZT', as a published round figure is written.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    scaled = value / 1e9
    if decimals is None:
        decimals = next(d for d in (0, 1, 2, 3) if round(scaled, d) == round(scaled, 3))
    return f"{number(scaled, decimals)} billion KZT"


def long_date(iso_date: str) -> str:
    """'2023-01-01' -> '1 January 2023'."""
    year, month, day = (int(part) for part in str(iso_date)[:10].split("-"))
    return f"{day} {MONTHS[month - 1]} {year}"


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def capitalize_first(text: str) -> str:
    """'the report' -> 'The report': only the first letter changes."""
    return text[:1].upper() + text[1:]
