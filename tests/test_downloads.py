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
