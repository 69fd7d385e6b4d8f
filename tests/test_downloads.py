"""Unit tests of the downloads' language-dependent parts (publish/downloads.py)."""

from volreport.core import i18n
from volreport.publish import downloads


def test_archive_time_is_the_edition_date_in_every_language():
    for text in ("24 November 2026", "24 ноября 2026\u00a0г.", "2026 ж. 24 қараша"):
        assert downloads.fixed_time({"edition_date": text}) == (2026, 11, 24, 0, 0, 0)
    assert downloads.fixed_time({"edition_date": ""}) == downloads.FIXED_TIME
    assert downloads.fixed_time({"edition_date": "31 Foo 2026"}) == downloads.FIXED_TIME


def test_contents_sheet_is_named_in_the_current_language():
    assert downloads.contents_title() == "Contents"
    with i18n.speaking("ru"):
        assert downloads.contents_title() == "Содержание"
        names = downloads.sheet_names(
            [downloads.Entry("p", "t", "tbl-a", "c")], {"tbl-a": "Таблица 1.1"}
        )
    assert names == {"tbl-a": "Таблица 1.1"}


def test_a_synthetic_editions_readme_and_workbook_say_so_and_real_ones_do_not():
    import io

    from openpyxl import load_workbook

    note = i18n.label("site", "synthetic")
    entries = [downloads.Entry("p.md", "Page", "tbl-a", "A table")]
    named, csvs = {"tbl-a": "Table 1.1"}, {"tbl-a": "x,y\n1,2\n"}
    readme = downloads.readme(entries, named, {}, 2030, note)
    assert readme.splitlines()[:3] == [readme.splitlines()[0], "", f"**{note}**"]
    assert note not in downloads.readme(entries, named, {}, 2030)
    meta = {"time": downloads.FIXED_TIME, "title": "Report 2030", "author": "NVN"}
    synthetic = load_workbook(
        io.BytesIO(downloads.workbook(entries, named, csvs, meta | {"synthetic_note": note}))
    )
    assert synthetic.properties.title == f"Report 2030 ({note})"
    rows = [[c.value for c in row] for row in synthetic[downloads.contents_title()].iter_rows()]
    assert rows[:2] == [[note, None, None, None], ["sheet", "table_or_figure", "title", "csv_file"]]
    real = load_workbook(io.BytesIO(downloads.workbook(entries, named, csvs, meta)))
    assert real.properties.title == "Report 2030"
    assert real[downloads.contents_title()]["A1"].value == "sheet"
    with i18n.speaking("kk"):
        kazakh = downloads.readme(entries, named, {}, 2030, i18n.label("site", "synthetic"))
    assert "**Синтетикалық деректер — ресми статистика емес**" in kazakh
