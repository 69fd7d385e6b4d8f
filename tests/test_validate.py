"""Validation of a vintage: a tiny valid vintage validates clean; each breach is named."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from volreport.core import paths
from volreport.data import contract, validate
from volreport.data.validate import (
    Problem,
    ValidationError,
    detect_separator,
    header_problems,
    main,
    require_valid,
    split_problems,
    total_problems,
    validate_year,
)

AREAS = contract.CATEGORY_SETS["area"]
# Three reporting units stand for the 17 of 2022; KZ-19 also exists in current boundaries.
REFERENCE = {
    "regions": [
        ["KZ", "Republic of Kazakhstan", "Kazakhstan", "country", "true", "true", "ISO"],
        ["KZ-71", "Astana", "Astana", "city", "true", "true", "ISO"],
        ["KZ-75", "Almaty city", "Almaty city", "city", "true", "true", "ISO"],
        ["KZ-19", "Almaty Region", "Almaty region", "region", "true", "true", "ISO"],
        ["KZ-33", "Zhetisu Region", "Zhetisu region", "region", "false", "true", "ISO"],
    ],
    "region_mapping": [["KZ-33", "KZ-19", "split in June 2022"]],
    "areas": [[area, area.title(), "", "", str(i)] for i, area in enumerate(AREAS, start=1)],
    "cohorts": [
        [cohort, cohort.title(), "", str(i)]
        for i, cohort in enumerate(contract.CATEGORY_SETS["cohort"], start=1)
    ],
    "event_formats": [[fmt, fmt.title(), ""] for fmt in contract.CATEGORY_SETS["format"]],
    "indicators": [
        ["volunteers", "Volunteers", "persons", "", ""],
        ["volunteers_share_by_sex", "Volunteers by sex", "percent", "sex", ""],
        ["volunteers_share_by_region", "Volunteers by region", "percent", "", ""],
        ["volunteers_share_by_cohort", "Volunteers by cohort", "percent", "cohort", ""],
        ["volunteers_change_pct", "Change in volunteers", "percent", "", ""],
        ["hours", "Volunteer hours", "hours", "area", ""],
        ["grant_hours_total", "Grant project hours", "hours", "", ""],
    ],
}
# The other national figures a build reads (contract.BUILD_OBSERVATIONS), here as gaps.
BUILD_GAPS = {
    "volunteers_estimate": "persons",
    "volunteers_systematic": "persons",
    "persons_per_volunteer": "persons",
    "volunteers_share_of_population": "percent",
    "npo": "organizations",
    "initiative_groups": "groups",
    "grant_volunteers_total": "persons",
    "grant_events_total": "events",
    "economic_value_kzt": "KZT",
    "economic_value_kzt_sector_low": "KZT",
    "economic_value_kzt_sector_high": "KZT",
    "fte_equivalent": "persons",
    "unrecorded_hours_added": "hours",
    "unrecorded_hours_added_pct": "percent",
    "data_coverage_pct": "percent",
    "inquiries": "inquiries",
}
CATEGORIES = {"data_coverage_pct": "coverage_bound", "inquiries": "inquiry_topic"}
REFERENCE["indicators"] += [
    [name, name, unit, CATEGORIES.get(name, ""), ""] for name, unit in BUILD_GAPS.items()
]
SOURCE = "Report 2022, §A portrait of a volunteer across the country, text"
OBSERVATIONS = [
    ["volunteers", "2022", "KZ", "", "1000", "exact", "persons", "reported", SOURCE, ""],
    ["volunteers", "2021", "KZ", "", "900", "exact", "persons", "reported", SOURCE, ""],
    [
        "volunteers_share_by_sex",
        "2022",
        "KZ",
        "female",
        "60",
        "",
        "percent",
        "reported",
        SOURCE,
        "",
    ],
    ["volunteers_share_by_sex", "2022", "KZ", "male", "40", "", "percent", "reported", SOURCE, ""],
    [
        "volunteers_share_by_region",
        "2022",
        "KZ-71",
        "",
        "50",
        "",
        "percent",
        "reported",
        SOURCE,
        "",
    ],
    [
        "volunteers_share_by_region",
        "2022",
        "KZ-75",
        "",
        "30",
        "",
        "percent",
        "reported",
        SOURCE,
        "",
    ],
    [
        "volunteers_share_by_region",
        "2022",
        "KZ-19",
        "",
        "20",
        "",
        "percent",
        "reported",
        SOURCE,
        "",
    ],
    ["volunteers_share_by_cohort", "2022", "KZ", "child", "", "", "percent", "missing", SOURCE, ""],
    ["volunteers_change_pct", "2022", "KZ-71", "", "-46", "", "percent", "reported", SOURCE, ""],
    ["hours", "2022", "KZ", "", str(10 * len(AREAS)), "", "hours", "reported", SOURCE, ""],
    *[["hours", "2022", "KZ", area, "10", "", "hours", "reported", SOURCE, ""] for area in AREAS],
    ["grant_hours_total", "2022", "KZ", "", "50", "at_least", "hours", "reported", SOURCE, ""],
    *[
        [name, "2022", "KZ", category, "", "", unit, "missing", SOURCE, ""]
        for name, unit in BUILD_GAPS.items()
        for category in contract.CATEGORY_SETS.get(CATEGORIES.get(name, ""), ("",))
    ],
]
GRANT = "Report 2022, §The work of priority projects, text"
OFFICIAL = "BNS stat.gov.kz"
RECORDS = {
    "grant_projects": [
        [
            "saylyq",
            "saylyq",
            "Birgemiz: Saylyq",
            "Medical Youth",
            "45",
            "at_least",
            "",
            "",
            "",
            "reported",
            GRANT,
            "",
        ],
    ],
    "unrecorded_initiatives": [
        [
            "ukraine",
            "Humanitarian support headquarters",
            "",
            "500",
            "at_least",
            "141818",
            "at_least",
            "61000",
            "reported",
            GRANT,
            "",
        ],
    ],
    "area_representation": [["KZ-71", "media", "under_5", GRANT, ""]],
    "rfo_support": [["KZ-71", "regular", GRANT, ""]],
    "inquiry_countries": [["Uzbekistan", "1", GRANT]],
    "resolutions": [["1", "CAVF", "Support the volunteer movement.", "", GRANT]],
    "recommendations": [["outlook", "1", "Work out a mechanism for collecting data.", GRANT]],
    "grantee_feedback": [["difficulty", "1", "Frequent requests for statistics.", GRANT]],
    "population": [
        ["KZ", "current", "2022-01-01", "19503159", "reported", OFFICIAL, ""],
        ["KZ-19", "reporting_2022", "2022-01-01", "2177253", "derived", OFFICIAL, "sum of parts"],
        ["KZ-19", "current", "2022-01-01", "1478496", "reported", OFFICIAL, ""],
    ],
    "wages": [
        ["KZ", "current", "309697", "reported", OFFICIAL, ""],
        ["KZ-71", "current", "406920", "reported", OFFICIAL, ""],
    ],
    "wages_by_occupation": [["Managers", "534211", "reported", OFFICIAL, ""]],
    "sources": [[SOURCE], [GRANT], [OFFICIAL], ["Labour Code"]],
}


PARAMS = (
    "monthly_hours_norm: {value: 163.3, unit: hours, source: Labour Code}\n"
    "annual_hours_norm: {value: 1960, unit: hours, source: Labour Code}\n"
)


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a contract CSV: UTF-8, commas, \\n line endings."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])


def read_rows(path: Path) -> list[list[str]]:
    """A CSV as rows of cells, header first."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def vintage(tmp_path: Path) -> Path:
    """A tiny valid vintage in tmp_path/2022 with its reference tables in tmp_path/reference."""
    reference = tmp_path / "reference"
    reference.mkdir()
    for name, rows in REFERENCE.items():
        columns = contract.column_names(contract.REFERENCE_RESOURCES[name][1])
        write_rows(reference / f"{name}.csv", columns, rows)
    folder = tmp_path / "2022"
    folder.mkdir()
    contract.write_descriptor(folder, 2022, synthetic=True)
    for name, rows in {"observations": OBSERVATIONS, **RECORDS}.items():
        write_rows(
            folder / f"{name}.csv", contract.column_names(contract.YEAR_RESOURCES[name][1]), rows
        )
    (folder / "params.yml").write_text(PARAMS, encoding="utf-8")
    return folder


def check(folder: Path) -> list[Problem]:
    return validate_year(2022, folder, reference_dir=folder.parent / "reference")


def set_cell(folder: Path, name: str, row: int, column: str, value: str) -> None:
    """Change one cell; `row` as a spreadsheet numbers it (header = 1)."""
    path = folder / f"{name}.csv"
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows[0], rows[1:])


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_tiny_vintage_is_valid(vintage: Path) -> None:
    assert check(vintage) == []


def test_missing_column_is_named(vintage: Path) -> None:
    rows = read_rows(vintage / "rfo_support.csv")
    write_rows(vintage / "rfo_support.csv", rows[0][1:], [r[1:] for r in rows[1:]])
    problem = only(check(vintage))
    assert (problem.file.endswith("rfo_support.csv"), problem.row, problem.column) == (
        True,
        1,
        "region",
    )
    assert "rfo_support.csv:1: column 'region': required column is missing" in str(problem)


def test_unknown_region(vintage: Path) -> None:
    set_cell(vintage, "observations", 6, "region", "KZ-99")
    problem = only(check(vintage))
    assert str(problem).endswith(
        "observations.csv:6: column 'region' = 'KZ-99': unknown code; not in regions.csv"
    )


def test_negative_count_in_record_table_and_observations(vintage: Path) -> None:
    set_cell(vintage, "unrecorded_initiatives", 2, "volunteers", "-500")
    set_cell(vintage, "observations", 3, "value", "-900")
    problems = [str(p) for p in check(vintage)]
    assert any(
        "unrecorded_initiatives.csv:2: column 'volunteers' = '-500': must be at least 0" in p
        for p in problems
    )
    assert any(
        "observations.csv:3: column 'value' = '-900': a count cannot be negative" in p
        for p in problems
    )
    assert len(problems) == 2


def test_shares_summing_to_90(vintage: Path) -> None:
    set_cell(vintage, "observations", 4, "value", "50")  # female 50 + male 40
    problem = only(check(vintage))
    assert (problem.row, problem.column, problem.value) == (4, "value", "90")
    assert "volunteers_share_by_sex for KZ (2022) sum to 90, not 100 ± 0.2" in problem.rule


def test_regional_shares_not_summing_to_100(vintage: Path) -> None:
    set_cell(vintage, "observations", 8, "value", "10")
    problem = only(check(vintage))
    assert problem.file.endswith("observations.csv") and problem.row == 6
    assert "sum to 90" in problem.rule


def test_hours_by_area_must_add_up_to_total(vintage: Path) -> None:
    set_cell(vintage, "observations", 12, "value", "1000")
    problem = only(check(vintage))
    assert (problem.row, problem.column, problem.value) == (11, "value", "110")
    assert "add up to 1100, not the total 110" in problem.rule


def test_duplicate_key(vintage: Path) -> None:
    rows = read_rows(vintage / "observations.csv")
    write_rows(vintage / "observations.csv", rows[0], [*rows[1:], rows[1]])
    problem = only(check(vintage))
    assert problem.row == len(rows) + 1
    assert problem.column == "indicator, year, region, category"
    assert problem.value == "volunteers, 2022, KZ, "
    assert "duplicate key: the same as row 2" in problem.rule


def test_text_in_a_number_column(vintage: Path) -> None:
    set_cell(vintage, "population", 2, "population", "19 503 159")
    problem = only(check(vintage))
    assert str(problem).endswith(
        "population.csv:2: column 'population' = '19 503 159': not a whole number"
    )


def test_cp1251_file(vintage: Path) -> None:
    path = vintage / "rfo_support.csv"
    path.write_bytes(path.read_bytes() + "KZ-75,none,Отчёт,\n".encode("cp1251"))
    problem = only(check(vintage))
    assert problem.file.endswith("rfo_support.csv") and problem.row == 3
    assert "not UTF-8: byte 0xce at offset" in problem.rule


def test_empty_file(vintage: Path) -> None:
    (vintage / "wages.csv").write_bytes(b"")
    problem = only(check(vintage))
    assert problem.file.endswith("wages.csv") and problem.row is None
    assert "file is empty" in problem.rule


def test_missing_file(vintage: Path) -> None:
    (vintage / "wages.csv").unlink()
    assert "wages.csv: file is missing" in str(only(check(vintage)))


def test_unexpected_file(vintage: Path) -> None:
    (vintage / "observations (copy).xlsx").write_bytes(b"PK")
    (vintage / "logs").mkdir()  # allowed
    problem = only(check(vintage))
    assert problem.file.endswith("observations (copy).xlsx")
    assert "unexpected file" in problem.rule


def test_excel_semicolon_csv_with_bom(vintage: Path) -> None:
    path = vintage / "rfo_support.csv"
    text = "\r\n".join(";".join(row) for row in read_rows(path)) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    problems = [str(p) for p in check(vintage)]
    assert len(problems) == 2, problems
    assert "rfo_support.csv:1: file starts with a byte-order mark" in problems[0]
    assert "rfo_support.csv:1: columns are separated by semicolons, not commas" in problems[1]


def test_bom_alone_still_checks_rows(vintage: Path) -> None:
    path = vintage / "rfo_support.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"regular", b"often"))
    problems = [str(p) for p in check(vintage)]
    assert len(problems) == 2, problems
    assert "byte-order mark" in problems[0]
    assert "rfo_support.csv:2: column 'level' = 'often': must be one of:" in problems[1]


def test_value_present_but_status_missing(vintage: Path) -> None:
    set_cell(vintage, "observations", 9, "value", "12")
    problem = only(check(vintage))
    assert (problem.row, problem.column, problem.value) == (9, "value", "12")
    assert "status is 'missing'" in problem.rule


def test_value_empty_but_status_reported(vintage: Path) -> None:
    set_cell(vintage, "observations", 10, "value", "")
    problem = only(check(vintage))
    assert (problem.row, problem.column) == (10, "value")
    assert "status is 'reported'" in problem.rule


def test_percent_above_100_but_changes_may_exceed(vintage: Path) -> None:
    set_cell(vintage, "observations", 10, "value", "201")  # volunteers_change_pct: allowed
    set_cell(vintage, "observations", 9, "status", "reported")
    set_cell(vintage, "observations", 9, "value", "120")
    problem = only(check(vintage))
    assert str(problem).endswith(
        "observations.csv:9: column 'value' = '120': a percentage must lie in 0-100"
    )


def test_observation_later_than_vintage(vintage: Path) -> None:
    set_cell(vintage, "observations", 3, "year", "2023")
    problem = only(check(vintage))
    assert str(problem).endswith(
        "observations.csv:3: column 'year' = '2023': later than the vintage's year 2022"
    )


def test_descriptor_year_must_match_folder(vintage: Path) -> None:
    contract.write_descriptor(vintage, 2021, synthetic=True)
    problem = only(check(vintage))
    assert problem.file.endswith("datapackage.json")
    assert (problem.column, problem.value) == ("year", "2021")


def test_category_outside_the_indicators_set(vintage: Path) -> None:
    set_cell(vintage, "observations", 12, "category", "sports")
    problems = check(vintage)
    assert any(
        p.row == 12 and p.column == "category" and "'area' of hours" in p.rule for p in problems
    )


def test_grant_projects_cannot_exceed_their_total(vintage: Path) -> None:
    set_cell(vintage, "grant_projects", 2, "hours", "60")
    problem = only(check(vintage))
    assert problem.file.endswith("grant_projects.csv") and problem.column == "hours"
    assert "more than grant_hours_total 50" in problem.rule


def test_unknown_area_in_record_table(vintage: Path) -> None:
    set_cell(vintage, "area_representation", 2, "area", "sports")
    problem = only(check(vintage))
    assert str(problem).endswith(
        "area_representation.csv:2: column 'area' = 'sports': unknown code; not in areas.csv"
    )


def test_all_problems_reported_in_one_run(vintage: Path) -> None:
    set_cell(vintage, "observations", 6, "region", "KZ-99")
    set_cell(vintage, "observations", 2, "qualifier", "roughly")
    set_cell(vintage, "population", 3, "date", "1.1.2022")
    (vintage / "wages.csv").write_bytes(b"")
    (vintage / "notes.txt").write_text("todo", encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        require_valid(2022, vintage, reference_dir=vintage.parent / "reference")
    message = str(raised.value)
    assert message.startswith("5 data problem(s):")
    for expected in (
        "observations.csv:6: column 'region' = 'KZ-99'",
        "observations.csv:2: column 'qualifier' = 'roughly': must be one of",
        "population.csv:3: column 'date' = '1.1.2022': not a date",
        "wages.csv: file is empty",
        "notes.txt: unexpected file",
    ):
        assert expected in message


def test_main_exit_status(vintage: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "2022",
        "--data-dir",
        str(vintage),
        "--reference-dir",
        str(vintage.parent / "reference"),
    ]
    assert main(args) == 0
    set_cell(vintage, "observations", 6, "region", "KZ-99")
    assert main(args) == 1
    assert "column 'region' = 'KZ-99'" in capsys.readouterr().out


def test_detect_separator() -> None:
    assert detect_separator("a,b;c,d") == ","
    assert detect_separator("a;b;c") == ";"
    assert detect_separator("a\tb") == "\t"
    assert detect_separator("single") == ","


def test_header_problems_order_and_duplicates() -> None:
    assert header_problems("f.csv", ["a", "b"], ["a", "b"]) == []
    [reordered] = header_problems("f.csv", ["b", "a"], ["a", "b"])
    assert "out of order; expected a, b" in reordered.rule
    assert [p.column for p in header_problems("f.csv", ["a", "a", "c"], ["a", "b"])] == [
        "b",
        "c",
        "a",
    ]


def test_split_rules_skip_incomplete_or_derived_parts() -> None:
    def obs(rows):
        columns = ["indicator", "year", "region", "category", "value", "qualifier", "status"]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        frame.index = frame.index + 2
        return frame.assign(unit="percent")

    sets = {"volunteers_share_by_sex": "sex"}
    one_part = obs([["volunteers_share_by_sex", "2022", "KZ", "female", "60", None, "reported"]])
    derived = obs(
        [
            ["volunteers_share_by_sex", "2022", "KZ", "female", "60", None, "derived"],
            ["volunteers_share_by_sex", "2022", "KZ", "male", "30", None, "derived"],
        ]
    )
    rounded = obs(
        [
            ["volunteers_share_by_sex", "2022", "KZ", "female", "60.1", None, "reported"],
            ["volunteers_share_by_sex", "2022", "KZ", "male", "40.1", None, "reported"],
        ]
    )
    for frame in (one_part, derived, rounded):
        assert split_problems(frame, sets, [], "o.csv") == []


def test_totals_skip_qualified_parts() -> None:
    rows = [
        ["inquiries", "2022", "KZ", None, "3100", None, "reported"],
        ["inquiries", "2022", "KZ", "volunteering", "2500", "approx", "reported"],
        ["inquiries", "2022", "KZ", "other", "600", "at_least", "reported"],
    ]
    columns = ["indicator", "year", "region", "category", "value", "qualifier", "status"]
    frame = pd.DataFrame(rows, columns=columns, dtype=object).assign(unit="inquiries")
    sets = {"inquiries": "inquiry_topic"}
    assert total_problems(frame, sets, [], "o.csv") == []
    exact = frame.assign(qualifier=None, value=["3000", "2500", "600"])
    [problem] = total_problems(exact, sets, [], "o.csv")
    assert "add up to 3100, not the total 3000" in problem.rule


@pytest.mark.skipif(
    not (paths.DATA_DIR / "2022" / "datapackage.json").exists(),
    reason="data/2022 is not written yet",
)
def test_real_2022_vintage_is_valid() -> None:
    assert [str(p) for p in validate_year(2022)] == []


def test_split_with_an_at_most_share_may_exceed_100() -> None:
    columns = ["indicator", "year", "region", "category", "value", "qualifier", "status"]
    rows = [
        ["volunteers_share_by_sex", "2022", "KZ-75", "female", "99.8", None, "reported"],
        ["volunteers_share_by_sex", "2022", "KZ-75", "male", "1", "at_most", "reported"],
    ]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    sets = {"volunteers_share_by_sex": "sex"}
    assert split_problems(frame, sets, [], "o.csv") == []
    [problem] = split_problems(frame.assign(value=["97", "1"]), sets, [], "o.csv")
    assert "sum to 97 to 98 (qualifiers)" in problem.rule


def test_hand_edited_descriptor_is_out_of_date(vintage: Path) -> None:
    path = vintage / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"minimum": 0', '"minimum": -1'))
    problems = check(vintage)
    assert problems and all(p.file.endswith("datapackage.json") for p in problems)
    assert "regenerate datapackage.json with contract.write_descriptor" in problems[0].rule


def test_broken_params_and_crlf(vintage: Path) -> None:
    (vintage / "params.yml").write_text("hours: [1, 2\n", encoding="utf-8")
    path = vintage / "rfo_support.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    problems = [str(p) for p in check(vintage)]
    assert len(problems) == 2, problems
    assert any("params.yml:2: not valid UTF-8 YAML" in p for p in problems)
    assert any("rfo_support.csv: Windows line endings (CRLF)" in p for p in problems)


def test_require_valid_remembers_a_pass_only_for_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    folder = tmp_path / "2022"
    shutil.copytree(paths.year_data_dir(2022), folder)
    validate.require_valid(2022, folder)
    assert len(list((tmp_path / "build" / "validated").iterdir())) == 1
    observations = folder / "observations.csv"
    observations.write_text(observations.read_text(encoding="utf-8").replace(",KZ,", ",KZ-99,", 1))
    with pytest.raises(validate.ValidationError, match="KZ-99"):
        validate.require_valid(2022, folder)


# --- hostile inputs and what a build needs ------------------------------------------------------


def test_a_problem_never_sends_control_characters_or_a_whole_cell_to_the_terminal() -> None:
    problem = Problem("t.csv", 2, "text", "red \x1b[31m" + "x" * 200, "a rule")
    text = str(problem)
    assert "\x1b" not in text and "\\x1b[31m" in text
    assert len(text) < 150 and text.endswith("…': a rule")


def test_json_depth_counts_brackets_outside_strings() -> None:
    assert validate.json_depth('{"a": [1, {"b": "[[[["}]}') == 3
    assert validate.json_depth("[" * 50 + "]" * 50) == 50


def test_number_rules() -> None:
    rule = validate.number_rule
    assert rule(float("nan"), (0, 1), "persons", change=False, column=False).startswith(
        "not a finite number"
    )
    assert rule(-101, (-100, 1e7), "percent", change=True, column=False) == (
        "a change cannot be below -100%"
    )
    assert rule(201, (-100, 1e7), "percent", change=True, column=False) is None
    assert rule(2e11, (0, 1e11), "hours", change=False, column=False) == (
        "more than 100,000,000,000 hours, the plausible maximum (contract.PLAUSIBLE_RANGES); "
        "a typing or unit error?"
    )


def test_a_clean_table_needs_only_the_quick_pass(vintage: Path, monkeypatch) -> None:
    monkeypatch.setattr(validate.csv, "reader", None)  # the exact pass would fail
    assert validate.scan_csv(vintage / "observations.csv", 100) == validate.Scan([], [])


def test_a_complete_vintage_has_no_gaps_and_needs_go_where_asked(vintage: Path) -> None:
    needs: list[Problem] = []
    assert (
        validate_year(2022, vintage, reference_dir=vintage.parent / "reference", needs=needs) == []
    )
    assert needs == []
    (vintage / "params.yml").unlink()
    assert (
        validate_year(2022, vintage, reference_dir=vintage.parent / "reference", needs=needs) == []
    )
    assert [p.file.endswith("params.yml") for p in needs] == [True]


def test_an_absent_national_row_is_named_exactly(vintage: Path) -> None:
    rows = read_rows(vintage / "observations.csv")
    kept = [r for r in rows if r[0] not in ("fte_equivalent", "inquiries")]
    write_rows(vintage / "observations.csv", kept[0], kept[1:])
    problem = only(check(vintage))
    assert problem.file.endswith("observations.csv") and problem.column == "indicator"
    assert "no national (KZ) row of 2022 for fte_equivalent, inquiries (volunteering), " in (
        problem.rule
    )
    assert "inquiries (other); the chapters read them" in problem.rule


def test_population_and_wages_the_build_needs(vintage: Path) -> None:
    rows = read_rows(vintage / "population.csv")
    write_rows(vintage / "population.csv", rows[0], [r for r in rows[1:] if r[0] != "KZ"])
    (vintage / "params.yml").write_text(
        PARAMS + "default_wage: {table: wages, region: KZ-75, boundaries: current}\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in check(vintage)]
    assert len(problems) == 2, problems
    assert (
        "population.csv: column 'population': no national (KZ) population on or before "
        in (problems[0])
    )
    assert "2023-01-01" in problems[0]
    assert (
        "wages.csv: column 'wage_kzt': no wage for region KZ-75, boundaries current"
        in (problems[1])
    )


def test_params_entries_are_values_or_flat_mappings(vintage: Path) -> None:
    (vintage / "params.yml").write_text(
        PARAMS + "working_days: {value: 400}\nnested: {value: {deep: [1, 2]}}\n"
        "default_wage: lots\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in check(vintage)]
    assert len(problems) == 3, problems
    assert (
        "params.yml:3: column 'working_days' = '400': must be a number more than 0 and at "
        "most 366 days"
    ) in problems[0]
    assert (
        "params.yml:4: column 'nested': an entry is a value or a mapping of values" in (problems[1])
    )
    assert "params.yml:5: column 'default_wage': must be a mapping" in problems[2]


def test_params_translations_are_whole_and_units_named(vintage: Path) -> None:
    (vintage / "params.yml").write_text(
        "monthly_hours_norm:\n  value: 163.3\n  unit: hours\n  note: Inferred.\n"
        "  note_ru: Выведено.\n"
        "annual_hours_norm:\n  value: 1960\n  unit: hours a year\n  note: Inferred.\n"
        "  formula_kk: a * b\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in check(vintage)]
    assert len(problems) == 3, problems
    assert (  # the line of the entry that lacks it
        "params.yml:6: column 'annual_hours_norm.note_ru': note_ru is missing or empty, but "
        "note has text" in problems[0]
    )
    assert (
        "params.yml:8: column 'annual_hours_norm.unit' = 'hours a year': unit must be one of: "
        "days, hours, KZT"
    ) in problems[1]
    assert (
        "params.yml:10: column 'annual_hours_norm.formula_kk' = 'a * b': a translation of "
        "nothing: the entry has no formula" in problems[2]
    )


def test_params_without_translations_are_valid(vintage: Path) -> None:
    (vintage / "params.yml").write_text(
        PARAMS + "working_days: {value: 245, unit: days, note: Unconfirmed.}\n", encoding="utf-8"
    )
    assert check(vintage) == []


def test_require_valid_refuses_an_oversized_file_before_hashing(vintage, tmp_path, monkeypatch):
    with (vintage / "grant_projects.csv").open("r+b") as handle:
        handle.truncate(contract.MAX_TABLE_BYTES + 1)

    def never(*args):
        raise AssertionError("the digest read the oversized file")

    monkeypatch.setattr(validate, "validation_digest", never)
    with pytest.raises(ValidationError, match="MAX_TABLE_BYTES"):
        require_valid(
            2022, vintage, reference_dir=vintage.parent / "reference", build_dir=tmp_path / "b"
        )


def with_column(folder: Path, name: str, after: str, column: str, cells: list[str]) -> None:
    """Insert `column` after `after` in a table of the vintage, one cell per row."""
    path = folder / f"{name}.csv"
    rows = read_rows(path)
    at = rows[0].index(after) + 1
    rows = [[*row[:at], cell, *row[at:]] for row, cell in zip(rows, [column, *cells], strict=True)]
    write_rows(path, rows[0], rows[1:])


def test_translation_columns_are_optional_and_whole(vintage: Path) -> None:
    with_column(vintage, "recommendations", "text", "text_ru", ["Проработать механизм."])
    with_column(vintage, "resolutions", "response", "response_kk", [""])  # no response
    contract.write_descriptor(vintage, 2022, synthetic=True)
    assert check(vintage) == []
    set_cell(vintage, "recommendations", 2, "text_ru", " ")
    problem = only(check(vintage))
    assert (problem.file.endswith("recommendations.csv"), problem.row) == (True, 2)
    assert problem.column == "text_ru" and "empty, but text has text" in problem.rule
    set_cell(vintage, "recommendations", 2, "text_ru", "Проработать механизм.")
    set_cell(vintage, "resolutions", 2, "response_kk", "Жауап.")
    problem = only(check(vintage))
    assert problem.column == "response_kk" and "a translation of nothing" in problem.rule


def test_translation_columns_stand_after_their_column_and_only_for_texts(vintage: Path) -> None:
    with_column(vintage, "recommendations", "section", "text_ru", ["Проработать механизм."])
    contract.write_descriptor(vintage, 2022, synthetic=True)
    problem = only(check(vintage))
    assert "columns out of order; expected section, number, text, text_ru, source" in (problem.rule)
    with_column(vintage, "grantee_feedback", "text", "text_de", ["Anfragen."])
    problems = [p for p in check(vintage) if p.file.endswith("grantee_feedback.csv")]
    assert [(p.column, p.rule) for p in problems] == [
        ("text_de", "unexpected column (not in the contract)")
    ]


def test_the_descriptor_describes_the_translation_columns(vintage: Path) -> None:
    with_column(vintage, "recommendations", "text", "text_kk", ["Деректер жинау тетігі."])
    problem = only(check(vintage))
    assert problem.file.endswith("datapackage.json") and problem.value == "recommendations"
    assert "regenerate datapackage.json" in problem.rule


EDITION = """published_source:
  cite_as: Report 2022
  title: Analytical report
  path: sources/report.txt
method_notes:
  grants:
    - "**Hours.** The total covers {{< var grants_projects_with_hours >}} projects."
    - Second note.
"""


def test_edition_translations_follow_edition_yml(vintage: Path) -> None:
    (vintage / "edition.yml").write_text(EDITION, encoding="utf-8")
    russian = (
        "published_source: {cite_as: Отчет 2022, title: Аналитический доклад}\n"
        "method_notes:\n  grants:\n"
        '    - "**Часы.** Итог охватывает {{< var grants_projects_with_hours >}} проектов."\n'
        "    - Второе примечание.\n"
    )
    (vintage / "edition.ru.yml").write_text(russian, encoding="utf-8")
    assert check(vintage) == []
    broken = (
        "published_source: {cite_as: Есеп 2022, path: other.txt}\n"
        "method_notes:\n  grants:\n    - Барлық жобалар.\n    - Екінші.\n"
        "  areas: [Ескертпе.]\n"
    )
    (vintage / "edition.kk.yml").write_text(broken, encoding="utf-8")
    problems = check(vintage)
    assert all(p.file.endswith("edition.kk.yml") for p in problems)
    assert {p.column: p.rule for p in problems} == {
        "published_source.path": "not a text to translate (only cite_as, title)",
        "published_source.title": "must be text (the translation of edition.yml's)",
        "method_notes.grants[0]": (
            "{{< var >}} shortcodes differ from edition.yml's: grants_projects_with_hours"
        ),
        "method_notes.areas": "edition.yml has no notes for this chapter",
    }
    (vintage / "edition.kk.yml").write_text(
        "published_source: {cite_as: Есеп 2022, title: Баяндама}\n"
        "method_notes:\n  grants: [Бір ғана ескертпе.]\n",
        encoding="utf-8",
    )
    assert [p.rule for p in check(vintage)] == ["1 notes; edition.yml has 2"]
    (vintage / "edition.kk.yml").write_text("method_notes: {}\n", encoding="utf-8")
    assert sorted(p.rule for p in check(vintage)) == [
        "missing: edition.yml has notes for this chapter",
        "missing: must translate cite_as and title of edition.yml's published_source",
    ]
    (vintage / "edition.yml").unlink()
    rules = sorted(p.rule for p in check(vintage))
    assert rules == ["a translation of edition.yml, which the vintage does not have"] * 2


def test_the_2022_translations_are_whole() -> None:
    """Every text a reader sees of the 2022 vintage and of the reference tables has its
    Russian and Kazakh translation (validate checks each cell; here: every column is there)."""
    folder = paths.year_data_dir(2022)
    for name in contract.TRANSLATED_COLUMNS:
        root = folder if name in contract.YEAR_RESOURCES else paths.REFERENCE_DIR
        header = contract.csv_header(root / f"{name}.csv")
        assert set(contract.translation_columns(name)) <= set(header), name
    for name in contract.EDITION_TRANSLATIONS:
        assert (folder / name).is_file()


def rewrite_keeping_size_and_time(path: Path, old: str, new: str) -> None:
    """Replace text of a file by text of the same length and give it back its time stamp,
    so that only its content tells that it changed."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_remembered_reference_check_is_redone_when_a_reference_file_changes(
    vintage: Path,
) -> None:
    reference = vintage.parent / "reference"
    assert check(vintage) == []
    rewrite_keeping_size_and_time(reference / "region_mapping.csv", "KZ-33", "KZ-34")
    assert [str(p) for p in check(vintage)] == [
        f"{validate.display_path(reference / 'region_mapping.csv')}:2: column 'current_code' "
        "= 'KZ-34': unknown code; not in regions.csv"
    ]
    rewrite_keeping_size_and_time(reference / "region_mapping.csv", "KZ-34", "KZ-33")
    assert check(vintage) == []
    rewrite_keeping_size_and_time(reference / "regions.csv", "true", "ture")
    assert [(p.file, p.row, p.column, p.value, p.rule) for p in check(vintage)] == [
        (
            validate.display_path(reference / "regions.csv"),
            2,
            "reporting_2022",
            "ture",
            "not true or false",
        )
    ]
    (reference / "notes.txt").write_text("a stray file", encoding="utf-8")
    assert [p.rule for p in check(vintage)][0] == (
        "unexpected file: not a resource of the data package (move it out)"
    )


def test_copies_of_a_table_share_its_findings_under_their_own_names(
    vintage: Path, tmp_path: Path
) -> None:
    set_cell(vintage, "observations", 2, "year", "20x2")
    copy = tmp_path / "copy" / "2022"
    shutil.copytree(vintage.parent, copy.parent)
    for folder in (vintage, copy):
        found = [p for p in check(folder) if p.rule == "not a whole number"]
        assert [(p.file, p.row, p.column, p.value) for p in found] == [
            (validate.display_path(folder / "observations.csv"), 2, "year", "20x2")
        ]
