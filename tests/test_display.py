"""Tests of how tables are shown: gaps as dashes, numbers at the decimals they carry."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from volreport.chapters import display
from volreport.core import i18n


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
    written = pd.read_csv(folder / "tbl-shown.csv")  # by default, what is shown
    assert written.columns.tolist() == ["initiative", "hours"]
    assert written.values.tolist() == shown.values.tolist()
    assert (folder / "tbl-split.csv").read_text(encoding="utf-8").splitlines() == [
        "initiative,hours,hours_qualifier",
        "Zhenis,2200,approx",
        "NVN events,16155,at_least",
    ]


def test_qualified_cells_put_the_words_before_the_number_and_keep_gaps_plain():
    values = pd.Series([16155, 2200, None, 49.9, 25.23], dtype="Float64")
    qualifiers = pd.Series(["at_least", "approx", "at_least", "exact", None])
    assert display.qualified_cells(values[:3], qualifiers[:3]) == [
        "at least 16,155", "about 2,200", "—",
    ]  # fmt: skip
    assert display.qualified_cells(values[3:], qualifiers[3:], None) == ["49.90", "25.23"]


def test_qualified_cells_write_a_column_at_one_number_of_decimals():
    values = pd.Series([36, 16.96, None, 1])
    qualifiers = pd.Series(["exact", "approx", "exact", "at_most"])
    assert display.qualified_cells(values, qualifiers, None) == [
        "36.00", "about 16.96", "—", "up to 1.00",
    ]  # fmt: skip


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


# --- the downloads: one CSV writer ----------------------------------------------------------


def csv_rows(frame: pd.DataFrame) -> list[str]:
    return display.csv_text(frame).splitlines()


def test_csv_writes_counts_as_whole_numbers_and_shares_at_their_precision():
    frame = pd.DataFrame(
        {
            "Volunteers": [139671.0, None, 116694.0],  # a float column of counts with a gap
            "Change, %": [19.689958352614532, -46.0, None],  # computed: two decimals
            "Share, %": [38.35, 0.02, 54.0],  # typed: the decimals the source gives
            "Difference, pp": [0.00023755, -0.0016927, 0.0],  # small: three significant digits
            "value": [2_555_290_413.141457, "text", 660.0],  # mixed column, value by value
        }
    )
    assert csv_rows(frame) == [
        "volunteers,change_pct,share_pct,difference_pp,value",
        "139671,19.69,38.35,0.000238,2555290413.14",
        ",-46,0.02,-0.001693,text",
        "116694,,54,0,660",
    ]


def test_csv_headers_are_snake_case_in_every_file():
    frame = pd.DataFrame(
        columns=[
            "Region", "Share of national hours (published), %", "Region's share, %",
            "Hours: basis", "2021", "Birgemiz: Úmit", "", "region",
        ]
    )  # fmt: skip
    assert csv_rows(frame)[0] == (
        "region,share_of_national_hours_published_pct,regions_share_pct,hours_basis,2021,"
        "birgemiz_umit,column_7,region_2"
    )


def test_csv_defuses_formulas_in_text_but_not_negative_numbers(tmp_path):
    frame = pd.DataFrame({"Text": ["=cmd|' /C calc'!A0", "-2 and", "@sum"], "n": [-1.5, -2, 3]})
    path = display.write_csv(frame, "tbl-x", tmp_path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "text,n",
        "'=cmd|' /C calc'!A0,-1.5",
        "'-2 and,-2",
        "'@sum,3",
    ]


def test_csv_defuses_text_of_every_text_dtype_and_leaves_the_frame_as_it_was():
    frame = pd.DataFrame(
        {
            "Typed": pd.Series(["=1+1", None, "ok"], dtype="string"),
            "Mixed": pd.Series(["+7", -3.5, None], dtype=object),
            "n": [-1.0, 2.0, None],
        }
    )
    safe = display.csv_safe(frame)
    assert safe["Typed"].tolist()[::2] == ["'=1+1", "ok"] and pd.isna(safe["Typed"][1])
    assert safe["Mixed"].tolist()[:2] == ["'+7", -3.5]
    assert safe["n"].tolist()[:2] == [-1.0, 2.0]
    assert frame["Typed"][0] == "=1+1" and frame["Mixed"][0] == "+7"  # a copy is defused


def test_gaps_are_missing_values_blank_text_and_the_gap_mark_in_any_column():
    frame = pd.DataFrame(
        {
            "Text": ["a", " ", None],
            "Category": pd.Categorical(["—", "b", "b"]),
            "Typed": pd.Series(["", "c", None], dtype="string"),
            "n": [1.0, None, 0.0],
        }
    )
    assert display.gaps(frame).to_numpy().tolist() == [
        [False, True, True, False],
        [True, False, False, True],
        [True, False, True, False],
    ]


def test_no_csv_of_the_2022_edition_writes_a_float_for_a_whole_number(tmp_path):
    from volreport.chapters import collect
    from volreport.data import dataset
    from volreport.publish import editorial

    ds = dataset.load_year(2022)
    headline = collect.headline_indicators(collect.computed(ds))
    pages = editorial.generated_pages(ds, headline, collect.discrepancies(collect.computed(ds)))
    csvs = {path: text for path, text in pages.items() if path.endswith(".csv")}
    assert "data/tbl-key-figures.csv" in csvs
    for path, text in csvs.items():
        assert not re.search(r"(?:^|,)-?\d+\.0(?:,|$)", text, re.M), path
        assert not re.search(r"\d\.\d{7,}", text), path  # no unrounded computed value
        header = text.splitlines()[0]
        assert re.fullmatch(r"[a-z0-9_,]+", header), (path, header)


def test_download_link_names_the_data_and_the_publisher_names_the_table():
    assert display.download_link("tbl-portrait-years") == (
        "[Data as CSV](data/tbl-portrait-years.csv){.data-download}"
    )


# --- tables show what exists; every chart says where its data come from --------------------


def shown_outputs(monkeypatch) -> list:
    """What `display` shows, in order: ('table', frame) or ('markdown', text)."""
    shown: list = []
    monkeypatch.setattr(display, "markdown", lambda text: shown.append(("markdown", text)))
    monkeypatch.setattr(
        "IPython.display.display",
        lambda item: shown.append(("table", getattr(item, "data", item))),
    )
    return shown


def test_empty_columns_and_rows_are_left_out_and_the_note_names_them():
    frame = pd.DataFrame(
        {
            "Region": ["Astana", "Shymkent", "Abai region"],
            "2021": [None, None, None],
            "Change, %": [12.5, None, -3.0],
            "Basis": ["computed", None, "computed"],
        }
    )
    shown = display.shown_part(frame)
    assert list(shown.frame.columns) == ["Region", "Change, %", "Basis"]
    assert shown.frame["Region"].tolist() == ["Astana", "Abai region"]
    assert (shown.columns, shown.rows) == (["2021"], ["Shymkent"])
    note = display.table_notes(shown)
    assert note.startswith("::: {.table-note}")
    assert "The column *2021* and the row for Shymkent are left out" in note
    assert "not available" in note
    assert "—" not in note  # nothing left in the table is a gap: no legend


def test_the_legend_defines_the_gap_mark_whenever_a_gap_is_shown():
    frame = pd.DataFrame(
        {"Region": ["Astana", "Almaty city"], "NPOs": [18, 26], "Groups": [12, None]}
    )
    shown = display.shown_part(frame)
    assert shown.columns == [] and shown.rows == []
    note = display.table_notes(shown)
    assert note.splitlines()[1:-1] == ["— not available"]
    # A complete table has no note at all.
    assert display.table_notes(display.shown_part(frame.fillna(1))) == ""


def test_a_text_column_that_never_changes_becomes_one_sentence():
    frame = pd.DataFrame({"Region": list("ABCD"), "NPOs": [1, 2, 3, 4], "Status": ["derived"] * 4})
    shown = display.shown_part(frame)
    assert list(shown.frame.columns) == ["Region", "NPOs"]
    assert "*Status* is “derived” in every row." in display.table_notes(shown)
    # Too few rows to say it instead of showing it, or nothing else to show: kept.
    assert "Status" in display.shown_part(frame.head(2)).frame.columns
    assert "Status" in display.shown_part(frame[["Region", "Status"]]).frame.columns


def test_key_columns_are_never_values():
    frame = pd.DataFrame({"Measure": ["Hours"] * 3, "Region": list("ABC"), "Value": [None] * 3})
    assert display.shown_part(frame, keys=2).empty
    listing = pd.DataFrame({"Country": ["Uzbekistan", "Georgia"]})
    assert display.shown_part(listing, keys=1).empty
    assert list(display.shown_part(listing, keys=0).frame["Country"]) == ["Uzbekistan", "Georgia"]


def test_show_table_shows_what_exists_then_its_note_and_link(tmp_path, monkeypatch):
    outputs = shown_outputs(monkeypatch)
    frame = pd.DataFrame({"Region": ["Astana", "Shymkent"], "2021": [None, None], "2022": [5, 7]})
    display.show_table(frame, label="tbl-x", year=2022, output_dir=tmp_path)
    (kind, styler), (_, text) = outputs
    assert kind == "table" and "2021" not in styler.to_html()
    assert text.index("The column *2021* is left out") < text.index("(data/tbl-x.csv)")
    # The download keeps every column: a gap is data too.
    assert (tmp_path / "data" / "tbl-x.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "region,2021,2022"
    )


def test_a_table_without_any_value_shows_nothing_or_says_so(tmp_path, monkeypatch):
    outputs = shown_outputs(monkeypatch)
    empty = pd.DataFrame({"Region": ["Astana"], "Hours": [None]})
    display.show_table(empty, label="tbl-none", year=2022, output_dir=tmp_path)
    assert outputs == [] and not (tmp_path / "data" / "tbl-none.csv").exists()
    display.show_table(
        empty, label="tbl-none", year=2022, output_dir=tmp_path, subject="hours by region"
    )
    assert outputs == [
        ("markdown", "::: {.table-note}\nHours by region are not available, so no table of "
                     "them is shown.\n:::"),
    ]  # fmt: skip


def test_show_figure_needs_sources_and_puts_the_source_line_above_the_link(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outputs = shown_outputs(monkeypatch)
    frame = pd.DataFrame({"Region": ["Astana"], "Share, %": [40.0]})
    figure, _ = plt.subplots()
    with pytest.raises(ValueError, match="source"):
        display.show_figure(figure, label="fig-x", data=frame, year=2022, sources=[],
                            output_dir=tmp_path)  # fmt: skip
    display.show_figure(
        figure, label="fig-x", data=frame, year=2022, output_dir=tmp_path,
        sources=["Report 2022, §Gender ratio, chart", "BNS stat.gov.kz"],
    )  # fmt: skip
    text = outputs[-1][1]
    assert text.startswith(
        "::: {.chart-source}\nSources: Report 2022, §Gender ratio, chart; BNS stat.gov.kz.\n:::"
    )
    assert text.endswith(display.download_link("fig-x"))


def test_sources_are_those_of_the_values_drawn_with_regional_forms_counted_once(ds2022):
    by_region = display.sources(ds2022, "volunteers_share_by_sex", scope="regions")
    assert by_region == ["Report 2022, §Gender ratio of volunteers by regions, table"]
    national = display.sources(ds2022, "volunteers_share_by_sex", scope="national")
    assert national and national != by_region
    wages = display.sources(ds2022, tables=("wages",), params=("working_days",))
    assert wages[0].startswith("BNS stat.gov.kz") and "production calendar" in wages[1]
    forms = [
        "Regional return form 2063, Astana (KZ-71_astana.xlsx)",
        "Regional return form 2063, Abai region (KZ-10_abai.xlsx)",
        "National return form 2063 (KZ_kazakhstan.xlsx)",
    ]
    assert display.regional_sources_joined(forms, display.region_names(ds2022)) == [
        "Regional return form 2063 of 2 regions",
        "National return form 2063 (KZ_kazakhstan.xlsx)",
    ]


def test_charts_fit_a_phone_and_label_on_a_fill_that_can_be_read():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    display.setup()
    figure, axis = display.bar_chart(3)
    bars = axis.barh([0, 1, 2], [10, 20, 3000])
    display.label_bars(axis, bars, ["10", "20", "a very long label beyond the bar"])
    display.fit_width(figure)
    width = figure.get_tightbbox(figure.canvas.get_renderer()).width
    assert width <= display.FIGURE_WIDTH + 0.05
    plt.close(figure)
    # 11 px on a 390 px phone (355 px of text column) at the figure's full width.
    assert display.FONT_SIZE * 96 / 72 * 355 / (display.FIGURE_WIDTH * 96) >= 11
    assert display.text_on(display.PALETTE[0]) == "white"  # on the dark blue
    assert display.text_on(display.PALETTE[1]) == display.TEXT_COLOUR  # on orange


def test_axis_limits_fit_the_values_not_a_whole_scale():
    assert display.value_limits([43.4, 57.6, 50], step=5, room=4) == (35, 65)
    assert display.wrap_label("Other social volunteering", 12) == "Other social\nvolunteering"
    assert display.wrap_label("Culture and art", 12) == "Culture\nand art"


def test_setup_chooses_the_language_written():
    try:
        display.setup("ru")
        assert i18n.current() == "ru"
        assert display.chart_gap() == "нет данных"
    finally:
        display.setup("en")
    assert i18n.current() == "en" and display.chart_gap() == display.CHART_GAP


def test_a_russian_table_shows_translated_headers_and_russian_numbers_but_csv_stays_neutral(
    tmp_path, monkeypatch
):
    outputs = shown_outputs(monkeypatch)
    words = {"Region": "Регион", "Hours": "Часы", "Year": "Год"}
    monkeypatch.setattr(i18n, "term_catalogue", lambda language=None: words)
    frame = pd.DataFrame(
        {"Region": ["Астана", "Шымкент"], "Hours": [12345.5, None], "Year": [2022, 2022]}
    )
    with i18n.speaking("ru"):
        display.show_table(frame, label="tbl-ru", year=2022, output_dir=tmp_path)
    (kind, shown), (_, text) = outputs
    assert kind == "table" and shown.columns.tolist() == ["Регион", "Часы", "Год"]
    with i18n.speaking("ru"):
        html = display.table_style(shown).to_html()
    assert ">12\u00a0345,5<" in html and ">2022<" in html  # a year is never grouped
    assert "[Данные в формате CSV](data/tbl-ru.csv)" in text
    csv = (tmp_path / "data" / "tbl-ru.csv").read_text(encoding="utf-8").splitlines()
    assert csv[0] == "region,hours,year" and csv[1] == "Астана,12345.5,2022"


def test_sources_are_shown_in_the_current_language(ds2022, monkeypatch):
    ds = dataclasses.replace(ds2022)  # nothing remembered from other tests' lookups
    english = display.sources(ds, "volunteers_share_by_sex", scope="regions")
    table = pd.DataFrame({"source": english, "source_ru": ["Доклад 2022, таблица"]})
    monkeypatch.setattr(type(ds), "sources", property(lambda self: table))
    with i18n.speaking("ru"):
        assert display.sources(ds, "volunteers_share_by_sex", scope="regions") == [
            "Доклад 2022, таблица"
        ]
    with i18n.speaking("kk"), pytest.raises(i18n.MissingTranslation):
        display.sources(ds, "volunteers_share_by_sex", scope="regions")


def test_labels_break_between_word_groups_never_after_a_short_word_or_at_a_figure():
    assert display.wrap_label("Самая низкая по регионам (Северо-Казахстанская область)", 22) == (
        "Самая низкая\nпо регионам\n(Северо-Казахстанская\nобласть)"
    )
    assert display.wrap_label("Самая высокая по регионам (Атырауская область)", 22) == (
        "Самая высокая\nпо регионам\n(Атырауская область)"
    )
    # A line may run a little over to keep a short word with the next ('ең жоғары').
    assert display.wrap_label("Өңірлер бойынша ең жоғары (Атырау облысы)", 22) == (
        "Өңірлер бойынша\nең жоғары (Атырау облысы)"
    )
    # English labels break as they did.
    assert display.wrap_label("Lowest regional (North Kazakhstan region)", 22) == (
        "Lowest regional (North\nKazakhstan region)"
    )
    assert display.wrap_label("Highest occupation group (Managers)", 22) == (
        "Highest occupation\ngroup (Managers)"
    )
    # A figure's no-break spaces hold it together.
    assert display.wrap_label("Добавлено: неучтенные инициативы: 197\u00a0991", 32) == (
        "Добавлено: неучтенные\nинициативы: 197\u00a0991"
    )


def test_a_long_category_label_is_wrapped_to_leave_the_bars_room():
    assert display.fit_label("Other social volunteering") == "Other social volunteering"
    wrapped = display.fit_label("Другое социальное волонтерство")
    assert wrapped == "Другое социальное\nволонтерство"
    assert display.text_width(wrapped) <= display.LABEL_SHARE * display.FIGURE_WIDTH


def test_tables_write_numbers_as_the_prose_does_with_a_minus_sign(tmp_path, monkeypatch):
    frame = pd.DataFrame(
        {"Region": ["Алматы", "Астана"], "Change, %": [-46.0, 19.7], "Change": [-1234, 5]}
    )
    assert cells(frame) == ["Алматы", "\u221246.0", "\u22121,234", "Астана", "19.7", "5"]
    with i18n.speaking("ru"):
        assert cells(frame)[1:3] == ["\u221246,0", "\u22121\u00a0234"]
    assert display.number(-0.04, 1) == "0.0" and display.number(None) == display.GAP_MARK
    assert display.number(2022, grouped=False) == "2022"
    # The download keeps plain numbers.
    assert display.csv_text(frame).splitlines()[1] == "Алматы,-46,-1234"


def test_a_source_named_twice_is_named_once():
    economic = "Report 2022, §The economic contribution of Kazakhstani volunteers, text"
    both = f"{economic}; §The work of priority projects, text"
    assert display.distinct_sources([economic, both]) == [
        economic,
        "Report 2022, §The work of priority projects, text",
    ]
    assert display.distinct_sources([both, economic, both]) == [both]
    # A semicolon inside parentheses does not split a source.
    inside = "Отчет 2022, §Практика, текст (список после таблицы; здесь 13–18)"
    assert display.distinct_sources([inside, inside]) == [inside]
    assert display.source_line([economic, economic]) == (
        f"::: {{.chart-source}}\nSource: {economic}.\n:::"
    )


def test_tick_labels_that_run_into_each_other_are_thinned():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    display.setup()
    try:
        with i18n.speaking("ru"):
            figure, axis = plt.subplots(figsize=(2.6, 1))
            axis.set_xlim(30, 70)
            axis.set_xticks([30, 40, 50, 60, 70])
            axis.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0f}\u00a0%"))
            figure.canvas.draw()
            display.spaced_ticks(figure)
            assert list(axis.get_xticks()) == [30, 50, 70]
            plt.close(figure)
        figure, axis = plt.subplots(figsize=(5.4, 1))  # room enough: as they are
        axis.set_xlim(30, 70)
        axis.set_xticks([30, 40, 50, 60, 70])
        figure.canvas.draw()
        display.spaced_ticks(figure)
        assert list(axis.get_xticks()) == [30, 40, 50, 60, 70]
        plt.close(figure)
    finally:
        display.setup("en")


# --- the CSVs hold plain numbers, never numbers written for readers -------------------------

NUMBER_SHOWN = r"[−-]?\d{1,3}(?:[,\u00a0\u202f]\d{3})+(?:[.,]\d+)?"  # '140,529', '140 529'
SIGNED_OR_PERCENT = r"−\d+(?:[.,]\d+)?%?|-?\d+(?:[.,]\d+)?\s?%"  # '−46' (a minus sign), '19.7 %'
ANY_NUMBER = r"[−-]?\d+(?:[,.\u00a0\u202f]\d+)*"
PUBLISHED_TEXT = "as_published"  # a column of text as a report printed it ('at least 120,000')


def shown_number_patterns() -> list[re.Pattern]:
    """What a cell holding a number written for readers looks like, in every language: with
    thousands separators, a minus sign or a percent sign, or with a qualifier's words."""
    patterns = [re.compile(NUMBER_SHOWN), re.compile(SIGNED_OR_PERCENT)]
    for language in i18n.LANGUAGES:
        for key in ("at_least", "at_most", "approx"):
            template = i18n.label("qualifiers", key, language)
            before, after = re.split(r"\{n(?::\w+)?\}", template)
            patterns.append(
                re.compile(re.escape(before) + ANY_NUMBER + r"(?:-[^\W\d_]+)?" + re.escape(after))
            )
    return patterns


def shown_numbers(text: str) -> list[tuple[str, str]]:
    """(column, cell) of each cell of a CSV that is a number written for readers (see
    `shown_number_patterns`), outside columns of text as published."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    patterns = shown_number_patterns()
    found = []
    for row in rows[1:]:
        for header, cell in zip(rows[0], row, strict=False):
            if header.endswith(PUBLISHED_TEXT):
                continue
            if any(pattern.fullmatch(cell.strip()) for pattern in patterns):
                found.append((header, cell))
    return found


def test_the_scan_finds_numbers_written_for_readers_in_any_language():
    text = (
        "region,hours,share,note\n"
        'A,"140,529",15,Return forms 2025\n'
        "B,at least 3,19.7%,1 January 2025\n"
        "C,140\u00a0529,−4,\n"
        "D,140\u00a0529-ға дейін,12.5,\n"
        "E,3600,-4.5,about 2 regions\n"
    )
    assert shown_numbers(text) == [
        ("hours", "140,529"),
        ("hours", "at least 3"),
        ("share", "19.7%"),
        ("hours", "140\u00a0529"),
        ("share", "−4"),
        ("hours", "140\u00a0529-ға дейін"),
    ]


def test_a_table_of_qualified_cells_writes_the_numbers_and_their_qualifier_as_csv(tmp_path):
    frame = pd.DataFrame(
        {
            "region": ["Almaty city", "Abai region", "Astana"],
            "hours": [140529.0, None, 3600.0],
            "qualifier": ["at_least", "exact", None],
        }
    )
    shown = pd.DataFrame(
        {
            "Region": frame["region"],
            "Hours": display.qualified_cells(frame["hours"], frame["qualifier"]),
            "Share of national hours, %": [15.0, None, 0.4],
        }
    )
    assert shown["Hours"].tolist() == ["at least 140,529", "—", "3,600"]  # as the table shows
    display.show_table(shown, label="tbl-hours", year=2022, output_dir=tmp_path)
    assert (tmp_path / "data" / "tbl-hours.csv").read_text(encoding="utf-8").splitlines() == [
        "region,hours,qualifier,share_of_national_hours_pct",
        "Almaty city,140529,at_least,15",
        "Abai region,,,",
        "Astana,3600,exact,0.4",
    ]
    with i18n.speaking("ru"):  # the CSV is the same in every language
        shown_ru = shown.assign(Hours=display.qualified_cells(frame["hours"], frame["qualifier"]))
        assert shown_ru["Hours"].iloc[0] != shown["Hours"].iloc[0]
        assert display.csv_text(shown_ru) == display.csv_text(shown)


def test_two_qualified_columns_each_get_their_own_qualifier_column():
    values = pd.Series([16155.0, 2200.0])
    shown = pd.DataFrame(
        {
            "Initiative": ["NVN events", "Zhenis"],
            "Volunteers": display.qualified_cells(values / 10, pd.Series(["exact", "approx"])),
            "Hours": display.qualified_cells(values, pd.Series(["at_least", "exact"])),
        }
    )
    assert display.csv_text(shown).splitlines() == [
        "initiative,volunteers,volunteers_qualifier,hours,hours_qualifier",
        "NVN events,1615.5,exact,16155,at_least",
        "Zhenis,220,approx,2200,exact",
    ]


def test_the_regional_hours_table_writes_plain_hours_and_their_qualifier():
    from volreport.chapters import areas

    frame = pd.DataFrame(
        {
            "region": ["KZ-75", "KZ-61"],
            "region_name": ["Almaty city", "Turkistan region"],
            "hours": [140529.0, 107411.0],
            "qualifier": ["at_least", "exact"],
            "share_pct": [15.0, 11.46],
        }
    )
    text = display.csv_text(areas.regional_hours_display(frame))
    assert shown_numbers(text) == []
    assert text.splitlines()[:2] == [
        "region,hours,qualifier,share_of_national_hours_pct",
        "Almaty city,140529,at_least,15",
    ]


@pytest.fixture(scope="module")
def synthetic_csvs(tmp_path_factory) -> dict[str, str]:
    """Every CSV the chapters of a synthetic year (with the year before, for the changes)
    write, run in this process as the build runs them (`notebook_text.execute`), and the
    CSVs of its generated pages: file name -> text."""
    import notebook_text

    from volreport.build import runner
    from volreport.chapters import collect
    from volreport.data import dataset
    from volreport.intake import synth
    from volreport.publish import editorial

    root = tmp_path_factory.mktemp("synthetic")
    year = 2031
    for each in (year - 1, year):
        synth.synth(each, 7, 600, data_dir=root / "data" / str(each), report_dir=root / "report")
    data_dir = root / "data" / str(year)
    build_dir = root / "build" / str(year)
    parameters = runner.ChapterRunner(year, build_dir, data_dir, lambda *_: None).parameters
    output_dir = root / "out"
    for notebook in runner.chapter_notebooks(runner.book_pages()):
        notebook_text.execute(notebook, parameters | {"output_dir": str(output_dir)})
    csvs = {p.name: p.read_text(encoding="utf-8") for p in (output_dir / "data").glob("*.csv")}
    ds = dataset.load_year(year, data_dir)
    computed = collect.computed(ds)
    pages = editorial.generated_pages(
        ds, collect.headline_indicators(computed), collect.discrepancies(computed)
    )
    csvs |= {Path(p).name: text for p, text in pages.items() if p.endswith(".csv")}
    return csvs


def test_no_csv_of_a_synthetic_year_holds_a_number_written_for_readers(synthetic_csvs):
    assert "tbl-areas-regions.csv" in synthetic_csvs  # regional hours: qualified cells
    assert "tbl-areas-change-regions.csv" in synthetic_csvs  # the year before is there
    found = {
        name: shown_numbers(text)
        for name, text in synthetic_csvs.items()
        if name != "tbl-parameters.csv"  # the test below
    }
    assert {name: cells for name, cells in found.items() if cells} == {}


def test_the_parameters_csv_holds_plain_numbers(synthetic_csvs):
    assert shown_numbers(synthetic_csvs["tbl-parameters.csv"]) == []
