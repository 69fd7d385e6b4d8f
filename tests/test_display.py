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


def test_show_table_writes_the_shown_frame_or_the_separate_data_as_csv(tmp_path):
    numbers = pd.DataFrame(
        {
            "Initiative": ["Zhenis", "NVN events"],
            "hours": [2200, 16155],
            "hours_qualifier": ["approx", "at_least"],
        }
    )
    shown = pd.DataFrame(
        {"Initiative": numbers["Initiative"], "Hours": ["about 2,200", "at least 16,155"]}
    )
    display.show_table(shown, label="tbl-shown", year=2022, output_dir=tmp_path)
    display.show_table(shown, label="tbl-split", year=2022, output_dir=tmp_path, data=numbers)
    folder = tmp_path / "data"
    assert pd.read_csv(folder / "tbl-shown.csv").equals(shown)  # by default, what is shown
    assert (folder / "tbl-split.csv").read_text(encoding="utf-8").splitlines() == [
        "Initiative,hours,hours_qualifier",
        "Zhenis,2200,approx",
        "NVN events,16155,at_least",
    ]


def test_qualified_cells_put_the_words_before_the_number_and_keep_gaps_plain():
    values = pd.Series([16155, 2200, None, 49.9, 25.23], dtype="Float64")
    qualifiers = pd.Series(["at_least", "approx", "at_least", "exact", None])
    assert display.qualified_cells(values[:3], qualifiers[:3]) == [
        "at least 16,155", "about 2,200", "—",
    ]  # fmt: skip
    assert display.qualified_cells(values[3:], qualifiers[3:], None) == ["49.9", "25.23"]


def test_show_table_if_any_shows_and_saves_only_a_table_with_rows(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(display, "show_table", lambda frame, **kw: shown.append((frame, kw)))
    empty = pd.DataFrame(columns=["Region", "Share, %"])
    display.show_table_if_any(empty, label="tbl-none", year=2022, output_dir=tmp_path)
    assert shown == []
    frame = pd.DataFrame({"Region": ["Astana"], "Share, %": [40.5]})
    display.show_table_if_any(frame, label="tbl-one", year=2022, output_dir=tmp_path)
    assert shown[0][0] is frame and shown[0][1]["label"] == "tbl-one"


def test_table_style_escapes_html_in_text_cells():
    frame = pd.DataFrame({"Project": ["<script>alert(1)</script>"], "Hours": [5]})
    html = display.table_style(frame).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_figures_are_reproducible_svg():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    display.setup()

    def svg() -> bytes:
        figure, axes = plt.subplots()
        axes.bar(["Astana", "Almaty city"], [3, 4])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg")
        plt.close(figure)
        return buffer.getvalue()

    assert svg() == svg()
