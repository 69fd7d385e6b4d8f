"""Next year end to end: forms out, filled with known numbers, ingested, read by the chapters.

Everything happens in a temporary folder; the repository's data/ and report/ are untouched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from volreport.chapters import collect
from volreport.data import categories, derive, validate
from volreport.data.dataset import load_reference, load_year
from volreport.intake import forms, ingest, readers
from volreport.publish import editorial

YEAR = 2031
VOLREPORT = str(Path(sys.executable).with_name("volreport"))
SOURCE = "hand-made test table"


def figures_for(index: int, reference) -> dict[tuple[str, str], object]:
    """Known numbers for the index-th unit of the forms; splits add up to their totals."""
    n = index + 1
    values = {
        ("volunteers", ""): 100 * n,
        ("npo", ""): n,
        ("initiative_groups", ""): 2 * n,
        ("development_events", ""): 1,
        ("development_volunteers", ""): 5,
        ("development_hours", ""): 10,
        (forms.RFO_LEVEL, ""): "regular",
    }
    values |= {("volunteers_by_sex", "female"): 60 * n, ("volunteers_by_sex", "male"): 40 * n}
    values |= {("volunteers_by_age", a): 25 * n for a in categories.AGE_BANDS}
    values |= {("volunteers_by_employment", e): 20 * n for e in categories.EMPLOYMENT}
    values |= {("volunteers_by_cohort", c): 10 * n for c in reference["cohorts"]["id"]}
    areas = reference["areas"].sort_values("order")["id"]
    for position, area in enumerate(areas):
        values[("hours", area)] = 10 * (position + 1) + index
        values[("events", area)] = position + 1
    for indicator, by_format in (("hours", "hours_by_format"), ("events", "events_by_format")):
        total = sum(v for (i, _), v in values.items() if i == indicator)
        values |= {(by_format, "auto"): 0, (by_format, "online"): 0, (by_format, "offline"): total}
    return values


NATIONAL_FIGURES = {
    ("volunteers_estimate", ""): (5000, "at_least"),
    ("volunteers_systematic", ""): (1000, "approx"),
    ("grant_hours_total", ""): (700, None),
    ("grant_volunteers_total", ""): (70, None),
    ("grant_events_total", ""): (7, None),
    ("inquiries", "volunteering"): (50, None),
    ("inquiries", "other"): (9, None),
}


def fill(path: Path, reference, index: int, *, wrong: tuple[str, str] | None = None) -> None:
    book = openpyxl.load_workbook(path)
    code = book[forms.META_SHEET]["B3"].value
    known = figures_for(index, reference)
    for spec in forms.sheets_for(code, reference):
        for cell in spec.cells:
            if code == "KZ":
                value, qualifier = NATIONAL_FIGURES[(cell.indicator, cell.category)]
                book[spec.name][cell.qualifier_cell] = qualifier
            else:
                value = known[(cell.indicator, cell.category)]
            book[spec.name][cell.cell] = value
    if wrong:
        book[wrong[0]][wrong[1]] = "abc"
    book.save(path)


def official_tables(folder: Path) -> list[Path]:
    """Tiny official tables for the test year (invented numbers, not statistics)."""
    folder.mkdir()
    header = "region,boundaries,date,population,status,source,note\n"
    (folder / "population.csv").write_text(
        header
        + "".join(
            f"KZ,current,{d},1000000,reported,{SOURCE},\n"
            for d in (f"{YEAR}-01-01", f"{YEAR + 1}-01-01")
        )
    )
    (folder / "wages.csv").write_text(
        "region,boundaries,wage_kzt,status,source,note\n"
        + "".join(
            f"{code},current,{wage},reported,{SOURCE},\n"
            for code, wage in (("KZ", 300000), ("KZ-71", 400000), ("KZ-75", 350000))
        )
    )
    (folder / "wages_by_occupation.csv").write_text(
        f"occupation,wage_kzt,status,source,note\nManagers,500000,reported,{SOURCE},\n"
        f"Clerks,200000,reported,{SOURCE},\n"
    )
    (folder / "params.yml").write_text(
        f"monthly_hours_norm:\n  value: 160\n  source: {SOURCE}\n"
        f"annual_hours_norm:\n  value: 1920\n  source: {SOURCE}\n"
    )
    return sorted(folder.iterdir())


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    root = tmp_path_factory.mktemp("next_year")
    reference = load_reference()
    paths = forms.write_forms(YEAR, root / "forms")
    for index, path in enumerate(paths):
        fill(path, reference, index)
    return root, paths, official_tables(root / "official"), reference


@pytest.fixture(scope="module")
def ingested(returned):
    root, paths, official, _ = returned
    result = ingest.ingest(
        YEAR,
        [*paths, *official],
        data_dir=root / "data" / str(YEAR),
        previous_dir=root / "none",
        report_dir=root / "report",
    )
    return root, result


def test_a_wrong_cell_is_named_and_nothing_is_written(returned, tmp_path):
    root, paths, official, reference = returned
    broken = tmp_path / paths[0].name
    broken.write_bytes(paths[0].read_bytes())
    fill(broken, reference, 0, wrong=("events", "C7"))
    command = [
        VOLREPORT,
        "ingest",
        "--year",
        str(YEAR),
        str(broken),
        *map(str, paths[1:]),
        "--data-dir",
        str(tmp_path / "data"),
        "--report-dir",
        str(tmp_path / "report"),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 1
    assert "KZ-71_astana.xlsx, events, C7: 'abc' is not a whole number ≥ 0" in result.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / "report").exists()


def test_refused_files_are_all_named_in_one_run(returned, tmp_path):
    _, paths, _, _ = returned
    encrypted = tmp_path / "KZ-75_almaty_city.xlsx"
    encrypted.write_bytes(readers.OLE2_MAGIC + b"\0" * 100)
    malformed = tmp_path / "KZ-79_shymkent.xlsx"
    malformed.write_text("not a workbook")
    with pytest.raises(ingest.IngestError) as error:
        ingest.ingest(YEAR, [paths[0], encrypted, malformed], data_dir=tmp_path / "data")
    text = str(error.value)
    assert (
        "KZ-75_almaty_city.xlsx: encrypted" in text and "KZ-79_shymkent.xlsx: not an .xlsx" in text
    )
    assert not (tmp_path / "data").exists()


def test_ingested_year_is_valid_and_complete(ingested):
    root, result = ingested
    assert validate.validate_year(YEAR, result.folder) == []
    assert derive.check(YEAR, result.folder) == []  # the derived rows are what the rules give
    assert result.report_folder == root / "report" / str(YEAR)
    assert not any("population" in item for item in result.still_needed)


def test_chapter_indicators_equal_the_numbers_put_in(ingested, returned):
    _, result = ingested
    reference = returned[3]
    units = len(returned[1]) - 1
    regional = [figures_for(i, reference) for i in range(units)]
    total = sum(f[("volunteers", "")] for f in regional)
    hours = {area: sum(f[("hours", area)] for f in regional) for area in reference["areas"]["id"]}
    values = {
        i.id: i.value
        for i in collect.headline_indicators(collect.computed(load_year(YEAR, result.folder)))
    }
    assert values["volunteers_total"] == total
    assert values["volunteers_female_pct"] == round(60 / 100 * 100, 2)
    assert values["npo_total"] == sum(f[("npo", "")] for f in regional)
    assert values["initiative_groups_total"] == sum(f[("initiative_groups", "")] for f in regional)
    assert values["hours_total"] == sum(hours.values())
    assert all(values[f"hours_{area}"] == value for area, value in hours.items())
    assert values["development_events"] == units
    assert values["persons_per_volunteer"] == pytest.approx(1_000_000 / total)
    assert values["grant_hours_total"] == NATIONAL_FIGURES[("grant_hours_total", "")][0]
    assert values["inquiries_volunteering"] == NATIONAL_FIGURES[("inquiries", "volunteering")][0]
    assert values["volunteers_prev_year"] is None  # no previous vintage: a gap, not a guess


def test_existing_year_needs_force(ingested, returned):
    root, result = ingested
    _, paths, official, _ = returned
    with pytest.raises(ingest.IngestError, match="pass --force"):
        ingest.ingest(YEAR, paths, data_dir=result.folder)
    again = ingest.ingest(
        YEAR,
        [*paths, *official],
        data_dir=result.folder,
        force=True,
        previous_dir=root / "none",
        report_dir=root / "report",
    )
    assert again.report_folder is None  # editorial pages already there: not overwritten
    assert validate.validate_year(YEAR, again.folder) == []


def appendix_prose(ds) -> str:
    """The methodology appendix's sentences (tables, captions and download links left out)."""
    pages = editorial.generated_pages(
        ds,
        collect.headline_indicators(collect.computed(ds)),
        collect.discrepancies(collect.computed(ds)),
    )
    lines = [
        line
        for line in pages["methodology.md"].splitlines()
        if not line.startswith(("|", ": ", "[Download"))
    ]
    return " ".join(" ".join(lines).split())


def test_an_ingested_year_cites_its_forms_and_tables_and_no_report(ingested, returned):
    _, result = ingested
    _, paths, official, _ = returned
    ds = load_year(YEAR, result.folder)
    assert not (result.folder / "edition.yml").exists() and not ds.edition.published
    declared = ds.descriptor["sources"]
    assert {s["path"] for s in declared} == {p.name for p in [*paths, *official]}
    assert not any("sources/" in s["path"] or "Report" in s["title"] for s in declared)
    national = next(s for s in declared if s["path"] == "KZ_kazakhstan.xlsx")
    assert national["title"] == f"National return form {YEAR}"
    row_sources = set(ds.observations["source"].astype(str))
    assert f"Regional return form {YEAR}, Astana (KZ-71_astana.xlsx)" in row_sources
    assert not any(source.startswith("Report") for source in row_sources)
    assert collect.discrepancies(collect.computed(ds)) == []
    prose = appendix_prose(ds)
    assert "Discrepanc" not in prose and "This edition is transcribed from no publication" in prose
    for word in ("published", "Report", "report's", "sources/", "—"):
        assert word not in prose, word
    assert f"National return form {YEAR} (KZ\\_kazakhstan.xlsx)" in prose
