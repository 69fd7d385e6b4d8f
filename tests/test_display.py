"""Tests of how tables are shown: gaps as dashes, numbers at the decimals they carry."""

from __future__ import annotations

import re

import pandas as pd

from volreport import display


def cells(frame: pd.DataFrame) -> list[str]:
    return re.findall(r">([^<>]*)</td>", display.table_style(frame).to_html())


def test_column_decimals_is_the_fewest_that_keep_every_value():
    assert display.column_decimals(pd.Series([38.35, 0.02])) == 2
    assert display.column_decimals(pd.Series([49.9, 33.0])) == 1
    assert display.column_decimals(pd.Series([1.0, None])) == 0
    assert display.column_decimals(pd.Series([1 / 3])) == 3


def test_table_style_shows_gaps_as_dashes_and_separates_thousands_except_years():
    frame = pd.DataFrame(
        {
            "Year": pd.array([2021, 2022], dtype="Int64"),
            "Hours": pd.array([1088387, None], dtype="Int64"),
            "Inquiries": pd.array([2500, 600], dtype="Int64"),
            "Share, %": pd.array([38.35, None], dtype="Float64"),
            "Region": ["Astana", None],
        }
    )
    assert cells(frame) == [
        *("2021", "1,088,387", "2,500", "38.35", "Astana"),
        *("2022", "—", "600", "—", "—"),
    ]
