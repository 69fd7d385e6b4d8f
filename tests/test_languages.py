"""What each language lacks (`volreport.build.languages`), and the build's choice of
languages: a complete language is published, an incomplete one is left out and named."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from volreport.build import languages, runner
from volreport.core import i18n, paths

YEAR = 2022


def rewrite(path: Path, change) -> None:
    """Rewrite a CSV file's rows (a list of dicts) with `change`."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(change(rows))


@pytest.fixture
def copies(tmp_path) -> tuple[Path, Path]:
    """Copies of the 2022 data folder and of the editorial pages' root, to break."""
    data = tmp_path / "data" / str(YEAR)
    shutil.copytree(paths.year_data_dir(YEAR), data)
    report = tmp_path / "report"
    shutil.copytree(paths.REPORT_DIR / str(YEAR), report / str(YEAR))
    return data, report


def test_2022_is_complete_in_every_language():
    assert languages.missing(YEAR) == {"en": [], "ru": [], "kk": []}


def test_a_missing_page_commentary_source_text_and_overlay_are_named(copies):
    data, report = copies
    (report / str(YEAR) / "ru" / "outlook.md").unlink()
    (report / str(YEAR) / "ru" / "commentary" / "03_areas.md").unlink()
    (data / "edition.ru.yml").unlink()
    cited = sorted(languages.cited_sources(data))[0]
    rewrite(data / "sources.csv", lambda rows: [row for row in rows if row["source"] != cited])

    def first_untranslated(rows):
        rows[0]["text_ru"] = ""
        return rows

    rewrite(data / "recommendations.csv", first_untranslated)

    found = {str(gap) for gap in languages.gaps(YEAR, data, report)["ru"]}
    assert "page outlook.md" in found
    assert "page commentary/03_areas.md" in found
    assert "edition edition.ru.yml" in found
    assert f"source {cited!r}" in found
    assert any(
        gap.startswith("text recommendations.csv: text_ru empty on line(s) 2") for gap in found
    ), found
    kazakh = languages.gaps(YEAR, data, report)["kk"]
    assert not kazakh or all(gap.kind == "source" for gap in kazakh)


def test_a_kazakh_page_not_written_yet_is_shown_in_russian_and_counts_as_missing(copies):
    data, report = copies
    (report / str(YEAR) / "kk" / "outlook.md").unlink()
    found = languages.gaps(YEAR, data, report)["kk"]
    assert [str(gap) for gap in found] == ["page outlook.md (shown in Russian)"]
    assert languages.publishable(found)
    source, shown = languages.page_source(report / str(YEAR), "kk", "outlook.md")
    assert shown == "ru" and source == report / str(YEAR) / "ru" / "outlook.md"
    assert "published with 1 editorial file(s) shown in Russian" in languages.summary("kk", found)
    # A page neither Kazakh nor Russian has cannot be shown at all.
    (report / str(YEAR) / "ru" / "outlook.md").unlink()
    found = languages.gaps(YEAR, data, report)["kk"]
    assert not languages.publishable(found)


def test_a_label_term_template_or_reference_name_a_language_lacks_is_named(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(i18n.TEMPLATES_DIR, templates, copy_function=shutil.copy)
    (templates / "ru" / "portrait" / "sex.md").unlink()
    labels = templates / "ru" / "labels.yml"
    labels.write_text(
        labels.read_text(encoding="utf-8").replace("  previous_next:", "  previous_next_gone:", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "TEMPLATES_DIR", templates)
    assert [str(g) for g in languages.template_gaps("ru")] == ["template portrait/sex.md"]
    assert "label site.previous_next" in [str(g) for g in languages.label_gaps("ru")]
    assert [str(g) for g in languages.term_gaps("ru", {"A word nobody translated"})] == [
        "term 'A word nobody translated'"
    ]
    reference = tmp_path / "reference"
    shutil.copytree(paths.REFERENCE_DIR, reference)
    with (reference / "areas.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = [c for c in reader.fieldnames or [] if c != "name_kk"], list(reader)
    with (reference / "areas.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert "reference areas.csv: column name_kk" in [
        str(g) for g in languages.reference_gaps("kk", reference)
    ]


def test_the_build_leaves_out_an_incomplete_language_and_says_why(copies, monkeypatch):
    data, report = copies
    (report / str(YEAR) / "kk" / "commentary" / "01_portrait.md").unlink()
    (report / str(YEAR) / "ru" / "commentary" / "01_portrait.md").unlink()  # no fallback
    said = []
    chosen, skipped = runner.choose_languages(
        YEAR, data, report, runner.book_pages(), None, said.append
    )
    assert chosen == ("en",)
    assert set(skipped) == {"ru", "kk"}
    assert any("ru (Russian) skipped" in line and "editorial pages" in line for line in said)
    with pytest.raises(runner.BuildError, match=r"cannot publish ru"):
        runner.choose_languages(YEAR, data, report, runner.book_pages(), ("en", "ru"), said.append)
    with pytest.raises(runner.BuildError, match=r"unknown language fr"):
        runner.choose_languages(YEAR, data, report, runner.book_pages(), ("fr",), said.append)


def test_languages_report_one_line_per_language_then_each_gap():
    found = {
        "en": [],
        "kk": [languages.Gap("label", "site.search"), languages.Gap("page", "outlook.md", "ru")],
    }
    assert languages.report(found) == [
        "en  English complete",
        "kk  Kazakh  incomplete, not published: lacks 1 labels, 1 editorial pages",
        "    label site.search",
        "    page outlook.md (shown in Russian)",
    ]
