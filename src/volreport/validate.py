"""Validate a vintage (data/<year>/) and the reference tables against the data contract.

Three passes, all problems collected in one run:

1. preflight per file: missing, unexpected, empty, not UTF-8, byte-order mark, semicolon
   or tab separated, header not the contract's columns;
2. Frictionless per table (types, required, enums, minimum, patterns, primary keys),
   with the schemas of `volreport.contract`;
3. cross-table rules with pandas: known codes and categories, value empty exactly when
   status is missing, ranges, years, splits summing to 100, totals equal to their parts.

Rows are numbered as a spreadsheet shows them: the header is row 1.

Tolerances: a complete split of n published percentages (every category, or every
reporting unit, with status reported) may miss 100 by 0.1 x n points, because each share
is published rounded; a share worded "up to v" counts as 0..v and "at least v" as v..100.
A complete set of n exact counts may miss its total by 0.5 x n (each part rounded to a
whole unit). Sets with derived, qualified or missing parts are not summed: their total
is not expected to match.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from volreport import contract, edition, paths

if TYPE_CHECKING:
    import pandas as pd

NATIONAL = "KZ"
PERCENT = "percent"
# Shares of one whole over an indicator's category set, per region: complete sets sum to 100.
CATEGORY_SPLITS = (
    "volunteers_share_by_sex",
    "volunteers_share_by_age",
    "volunteers_share_by_employment",
    "volunteers_share_by_cohort",
    "hours_share",
    "events_share_by_format",
    "events_share_in_region",
    "org_share_in_region",
)
# Shares of the national whole over the regions: complete sets sum to 100.
REGION_SPLITS = (
    "volunteers_share_by_region",
    "org_share_of_national",
    "hours_share_of_area_national",
)
# Percent changes may be negative or exceed 100; every other percentage lies in 0-100.
CHANGE_SUFFIX = "_change_pct"
SHARE_TOLERANCE_PER_PART = 0.1
COUNT_TOLERANCE_PER_PART = 0.5
EXACT = ("", "exact")
TYPE_RULES = {
    "integer": "not a whole number",
    "number": "not a number (use '.' as decimal point and no thousands separators)",
    "date": "not a date (YYYY-MM-DD)",
    "boolean": "not true or false",
}
SEPARATORS = {";": "semicolons", "\t": "tabs"}


@dataclass(frozen=True)
class Problem:
    """One breach of the contract: where it is (file, spreadsheet row, column) and the rule."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        if self.column is None:
            return f"{where}: {self.rule}"
        cell = "" if self.value is None else f" = '{self.value}'"
        return f"{where}: column '{self.column}'{cell}: {self.rule}"


class ValidationError(ValueError):
    """Raised by `require_valid`; lists every problem, one per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} data problem(s):\n{lines}")


def display_path(path: Path) -> str:
    """A path as people should read it: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


# --- preflight -------------------------------------------------------------------------


@dataclass(frozen=True)
class Preflight:
    """Outcome of the file-level checks: problems, and the encoding to read rows with
    (None when the rows cannot be read as the contract's table)."""

    problems: list[Problem]
    encoding: str | None


def detect_separator(header_line: str) -> str:
    """The separator a header line uses: ',' unless ';' or tab is more frequent."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def header_problems(file: str, header: list[str], columns: list[str]) -> list[Problem]:
    """Missing, unexpected, repeated or reordered columns."""
    problems = [
        Problem(file, 1, column, None, "required column is missing")
        for column in columns
        if column not in header
    ]
    problems += [
        Problem(file, 1, column, None, "unexpected column (not in the contract)")
        for column in header
        if column not in columns
    ]
    problems += [
        Problem(file, 1, column, None, "column appears more than once")
        for column in sorted({c for c in header if header.count(c) > 1})
    ]
    if not problems and header != columns:
        expected = ", ".join(columns)
        problems.append(Problem(file, 1, None, None, f"columns out of order; expected {expected}"))
    return problems


def preflight_csv(path: Path, columns: list[str]) -> Preflight:
    """File-level checks of a contract CSV before its rows are read."""
    file = display_path(path)
    if not path.is_file():
        return Preflight([Problem(file, None, None, None, "file is missing")], None)
    data = path.read_bytes()
    if not data.strip():
        rule = "file is empty; it needs at least the header row"
        return Preflight([Problem(file, None, None, None, rule)], None)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        rule = "file is UTF-16 (Excel's 'Unicode text'); save it as UTF-8 CSV"
        return Preflight([Problem(file, None, None, None, rule)], None)
    problems = []
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        rule = "file starts with a byte-order mark (Excel's 'CSV UTF-8'); save it without BOM"
        problems.append(Problem(file, 1, None, None, rule))
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        offset = error.start + (len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0)
        line = data[:offset].count(b"\n") + 1
        byte = data[offset : offset + 1].hex()
        rule = (
            f"not UTF-8: byte 0x{byte} at offset {offset} (a cp1251 or Latin-1 export?); "
            "save the file as UTF-8"
        )
        return Preflight([*problems, Problem(file, line, None, None, rule)], None)
    header_line = text.split("\n", 1)[0].rstrip("\r")
    separator = detect_separator(header_line)
    if separator != ",":
        rule = (
            f"columns are separated by {SEPARATORS[separator]}, not commas (Excel's "
            "'CSV (semicolon)' or text export?); save as comma-separated UTF-8"
        )
        return Preflight([*problems, Problem(file, 1, None, None, rule)], None)
    if "\r\n" in text:
        rule = r"Windows line endings (CRLF); the contract wants \n"
        problems.append(Problem(file, None, None, None, rule))
    header = next(csv.reader([header_line]))
    mismatches = header_problems(file, header, columns)
    return Preflight(problems + mismatches, None if mismatches else encoding)


def unexpected_files(folder: Path, expected: Iterable[str]) -> list[Problem]:
    """Entries of a data folder that are neither resources nor allowed companions."""
    allowed = set(expected) | set(contract.ALLOWED_EXTRA_FILES)
    problems = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and entry.name in contract.ALLOWED_EXTRA_DIRS:
            continue
        if entry.name not in allowed:
            rule = "unexpected file: not a resource of the data package (move it out)"
            problems.append(Problem(display_path(entry), None, None, None, rule))
    return problems


# --- rows (Frictionless) -----------------------------------------------------------------


def constraint_rule(note: str, field: dict) -> str:
    """A human sentence for a Frictionless constraint error."""
    match = re.search(r'constraint "(\w+)"', note)
    name = match.group(1) if match else ""
    constraints = field.get("constraints", {})
    if name == "required":
        return "a value is required"
    if name == "enum":
        return "must be one of: " + ", ".join(constraints["enum"])
    if name == "minimum":
        why = " (a count cannot be negative)" if constraints["minimum"] == 0 else ""
        return f"must be at least {constraints['minimum']}{why}"
    if name == "maximum":
        return f"must be at most {constraints['maximum']}"
    if name == "pattern":
        return f"must match the pattern {constraints['pattern']}"
    return note


def problem_from_error(error, file: str, table_schema: dict) -> Problem:
    """Map one Frictionless error to a Problem."""
    fields = {f["name"]: f for f in table_schema["fields"]}
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    if error.type == "type-error":
        rule = TYPE_RULES.get(fields[column]["type"], error.note)
        return Problem(file, row, column, cell, rule)
    if error.type == "constraint-error":
        return Problem(file, row, column, cell, constraint_rule(error.note, fields[column]))
    if error.type in ("primary-key", "unique-error"):
        key = table_schema["primaryKey"] if error.type == "primary-key" else [column]
        names = list(fields)
        values = [
            error.cells[names.index(k)] if names.index(k) < len(error.cells) else "" for k in key
        ]
        first = re.search(r"\d+", error.note)
        rule = "duplicate key" + (f": the same as row {first.group()}" if first else "")
        return Problem(file, row, ", ".join(key), ", ".join(values), rule)
    if error.type == "blank-row":
        return Problem(file, row, None, None, "blank line")
    if error.type == "extra-cell":
        rule = f"more cells than columns: extra cell '{cell}' (an unquoted comma?)"
        return Problem(file, row, None, cell, rule)
    if error.type == "missing-cell":
        return Problem(file, row, column, None, "row ends before this column")
    return Problem(file, row, column, cell, error.message)


def row_problems(path: Path, table_schema: dict, encoding: str) -> list[Problem]:
    """Types, constraints and keys of every row, checked by Frictionless."""
    from volreport.fastimport import skip_iri_grammar

    skip_iri_grammar()
    from frictionless import Resource, Schema

    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        format="csv",
        encoding=encoding,
        schema=Schema.from_descriptor(table_schema),
    )
    report = resource.validate(limit_errors=100_000)
    file = display_path(path)
    return [
        problem_from_error(error, file, table_schema)
        for task in report.tasks
        for error in task.errors
    ] + [Problem(file, None, None, None, error.message) for error in report.errors]


def read_table(path: Path, encoding: str) -> pd.DataFrame:
    """A contract CSV as text cells, indexed by spreadsheet row (header = 1)."""
    import pandas as pd

    frame = pd.read_csv(
        path,
        dtype=str,
        encoding=encoding,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
    )
    frame.index = frame.index + 2
    return frame


def check_table(path: Path, table_schema: dict) -> tuple[list[Problem], pd.DataFrame | None]:
    """Preflight and row checks of one table; the table itself when it could be read."""
    preflight = preflight_csv(path, contract.column_names(table_schema))
    if preflight.encoding is None:
        return preflight.problems, None
    problems = preflight.problems + row_problems(path, table_schema, preflight.encoding)
    return problems, read_table(path, preflight.encoding)


# --- cross-table rules ---------------------------------------------------------------------


def show(number: float) -> str:
    """A number in a message: all its digits, no trailing zeros (1089387, 100.8)."""
    return f"{float(number):.12g}"


def numbers(column: pd.Series) -> pd.Series:
    """A text column as numbers; cells that are not numbers (reported already) become NaN."""
    import pandas as pd

    return pd.to_numeric(column, errors="coerce")


def unknown_codes(
    frame: pd.DataFrame, column: str, known: Iterable[str], file: str, catalogue: str
) -> list[Problem]:
    """Non-empty cells of `column` that are not in `known`."""
    known = set(known)
    cells = frame[column].dropna()
    return [
        Problem(file, row, column, value, f"unknown code; not in {catalogue}")
        for row, value in cells.items()
        if value not in known
    ]


def category_problems(obs: pd.DataFrame, category_sets: dict[str, str], file: str) -> list[Problem]:
    """Categories must come from the indicator's category set (empty = a total)."""
    problems = []
    for row, record in obs.dropna(subset=["category", "indicator"]).iterrows():
        if record["indicator"] not in category_sets:
            continue  # unknown indicator: reported on its own
        set_name = category_sets[record["indicator"]]
        members = contract.CATEGORY_SETS.get(set_name, ())
        if record["category"] not in members:
            rule = (
                f"not in the category set '{set_name}' of {record['indicator']}"
                if set_name
                else f"{record['indicator']} has no categories; leave category empty"
            )
            problems.append(Problem(file, row, "category", record["category"], rule))
    return problems


def unit_problems(obs: pd.DataFrame, units: dict[str, str], file: str) -> list[Problem]:
    """The unit of a row must be its indicator's unit."""
    return [
        Problem(
            file,
            row,
            "unit",
            record["unit"],
            f"{record['indicator']} is in {units[record['indicator']]}",
        )
        for row, record in obs.dropna(subset=["unit"]).iterrows()
        if record["indicator"] in units and record["unit"] != units[record["indicator"]]
    ]


def status_value_problems(obs: pd.DataFrame, file: str) -> list[Problem]:
    """A value is empty exactly when the status is missing."""
    problems = []
    for row, record in obs.dropna(subset=["status"]).iterrows():
        has_value = isinstance(record["value"], str)
        if has_value and record["status"] == "missing":
            rule = "a value is given but status is 'missing'; give its status or drop the value"
            problems.append(Problem(file, row, "value", record["value"], rule))
        if not has_value and record["status"] != "missing":
            rule = f"value is empty but status is '{record['status']}'; a gap has status missing"
            problems.append(Problem(file, row, "value", None, rule))
    return problems


def range_problems(obs: pd.DataFrame, file: str) -> list[Problem]:
    """Percentages lie in 0-100 (changes excepted); other units are counts, never negative."""
    value = numbers(obs["value"])
    percent = obs["unit"] == PERCENT
    change = obs["indicator"].fillna("").str.endswith(CHANGE_SUFFIX)
    out_of_range = percent & ~change & ((value < 0) | (value > 100))
    negative = ~percent & (value < 0)
    return [
        Problem(file, row, "value", obs.at[row, "value"], "a percentage must lie in 0-100")
        for row in obs.index[out_of_range]
    ] + [
        Problem(file, row, "value", obs.at[row, "value"], "a count cannot be negative")
        for row in obs.index[negative]
    ]


def year_problems(obs: pd.DataFrame, year: int, file: str) -> list[Problem]:
    """Observations refer to the vintage's year or earlier ones."""
    years = numbers(obs["year"])
    return [
        Problem(file, row, "year", obs.at[row, "year"], f"later than the vintage's year {year}")
        for row in obs.index[years > year]
    ]


def fully_reported(parts: pd.DataFrame) -> bool:
    """All parts are published values with status reported."""
    return bool((parts["status"] == "reported").all() and parts["value"].notna().all())


def share_bounds(parts: pd.DataFrame) -> tuple[float, float]:
    """Smallest and largest sum the shares can have: 'at most v' is 0..v, 'at least v' v..100."""
    values = numbers(parts["value"])
    qualifiers = parts["qualifier"].fillna("")
    low = float(values.where(qualifiers != "at_most", 0).sum())
    high = float(values.where(qualifiers != "at_least", 100).sum())
    return low, high


def split_problem(parts: pd.DataFrame, label: str, file: str) -> Problem | None:
    """A complete split whose shares cannot sum to 100 within 0.1 per part."""
    low, high = share_bounds(parts)
    tolerance = SHARE_TOLERANCE_PER_PART * len(parts)
    # round: float sums such as 60.1 + 40.1 carry binary noise
    if round(low - 100, 9) <= tolerance and round(100 - high, 9) <= tolerance:
        return None
    found = show(low) if low == high else f"{show(low)} to {show(high)} (qualifiers)"
    rows = ", ".join(str(r) for r in parts.index)
    rule = f"shares of {label} sum to {found}, not 100 ± {tolerance:g} (rows {rows})"
    return Problem(file, int(parts.index[0]), "value", found.split(" ")[0], rule)


def region_sets(regions: pd.DataFrame) -> list[set[str]]:
    """The complete sets of regional units: the 2022 reporting units and the current ones."""
    flags = [regions[column].str.lower() == "true" for column in ("reporting_2022", "current")]
    kinds = regions["kind"] != "country"
    return [set(regions.loc[flag & kinds, "code"]) for flag in flags]


def members_of(indicator: str, category_sets: dict[str, str]) -> set[str]:
    """The categories of an indicator's set (empty when it has none or is unknown)."""
    return set(contract.CATEGORY_SETS.get(category_sets.get(indicator, ""), ()))


def split_problems(
    obs: pd.DataFrame, category_sets: dict[str, str], units_sets: list[set[str]], file: str
) -> list[Problem]:
    """Complete category splits and regional splits sum to 100."""
    problems = []
    by_category = obs[obs["indicator"].isin(CATEGORY_SPLITS) & obs["category"].notna()]
    for (indicator, year, region), parts in by_category.groupby(["indicator", "year", "region"]):
        members = members_of(indicator, category_sets)
        if members and set(parts["category"]) == members and fully_reported(parts):
            problems.append(split_problem(parts, f"{indicator} for {region} ({year})", file))
    by_region = obs[obs["indicator"].isin(REGION_SPLITS) & (obs["region"] != NATIONAL)]
    by_region = by_region.assign(category=by_region["category"].fillna(""))
    for (indicator, year, category), parts in by_region.groupby(["indicator", "year", "category"]):
        if set(parts["region"]) in units_sets and fully_reported(parts):
            label = f"{indicator} {category} over the regions ({year})".replace("  ", " ")
            problems.append(split_problem(parts, label, file))
    return [p for p in problems if p is not None]


def total_problem(
    total: pd.DataFrame, parts: pd.DataFrame, label: str, file: str
) -> Problem | None:
    """Exact reported parts must add up to their exact total within 0.5 per part."""
    qualifiers = set(total["qualifier"].fillna("")) | set(parts["qualifier"].fillna(""))
    if len(total) != 1 or total["value"].isna().any() or not qualifiers <= set(EXACT):
        return None
    expected = float(numbers(total["value"]).iloc[0])
    found = float(numbers(parts["value"]).sum())
    tolerance = COUNT_TOLERANCE_PER_PART * len(parts)
    if round(abs(found - expected), 9) <= tolerance:
        return None
    rows = ", ".join(str(r) for r in parts.index)
    rule = (
        f"the parts of {label} (rows {rows}) add up to {show(found)}, "
        f"not the total {show(expected)}"
    )
    return Problem(file, int(total.index[0]), "value", total["value"].iloc[0], rule)


def total_problems(
    obs: pd.DataFrame, category_sets: dict[str, str], units_sets: list[set[str]], file: str
) -> list[Problem]:
    """Counts by category add up to the total; counts by region add up to the country."""
    problems = []
    counts = obs[obs["unit"] != PERCENT].assign(category=obs["category"].fillna(""))
    for (indicator, year, region), rows in counts.groupby(["indicator", "year", "region"]):
        members = members_of(indicator, category_sets)
        parts = rows[rows["category"] != ""]
        if members and set(parts["category"]) == members and fully_reported(parts):
            total = rows[rows["category"] == ""]
            label = f"{indicator} for {region} ({year})"
            problems.append(total_problem(total, parts, label, file))
    for (indicator, year, category), rows in counts.groupby(["indicator", "year", "category"]):
        parts = rows[rows["region"] != NATIONAL]
        if set(parts["region"]) in units_sets and fully_reported(parts):
            total = rows[rows["region"] == NATIONAL]
            label = f"{indicator} {category} by region ({year})".replace("  ", " ")
            problems.append(total_problem(total, parts, label, file))
    return [p for p in problems if p is not None]


def observation_problems(
    obs: pd.DataFrame, reference: dict[str, pd.DataFrame], year: int, file: str
) -> list[Problem]:
    """Cross-table rules of observations.csv; rules needing a broken reference table are skipped."""
    problems = status_value_problems(obs, file)
    problems += range_problems(obs, file) + year_problems(obs, year, file)
    if "regions" in reference:
        regions = reference["regions"]
        problems += unknown_codes(obs, "region", regions["code"], file, "regions.csv")
    if "indicators" in reference:
        catalogue = reference["indicators"].fillna({"category_set": ""})
        category_sets = dict(zip(catalogue["id"], catalogue["category_set"], strict=True))
        units = dict(zip(catalogue["id"], catalogue["unit"], strict=True))
        problems += unknown_codes(obs, "indicator", category_sets, file, "indicators.csv")
        problems += category_problems(obs, category_sets, file)
        problems += unit_problems(obs, units, file)
        units_sets = region_sets(reference["regions"]) if "regions" in reference else []
        problems += split_problems(obs, category_sets, units_sets, file)
        problems += total_problems(obs, category_sets, units_sets, file)
    return problems


def grant_total_problems(
    grants: pd.DataFrame, obs: pd.DataFrame, year: int, file: str
) -> list[Problem]:
    """The listed grant projects cannot add up to more than the published grant totals."""
    problems = []
    for column, indicator in (
        ("hours", "grant_hours_total"),
        ("volunteers", "grant_volunteers_total"),
        ("events", "grant_events_total"),
    ):
        total = obs[
            (obs["indicator"] == indicator)
            & (numbers(obs["year"]) == year)
            & (obs["region"] == NATIONAL)
            & obs["category"].isna()
        ]
        limit = numbers(total["value"]).dropna()
        found = float(numbers(grants[column]).sum())
        if len(limit) == 1 and found > float(limit.iloc[0]):
            rule = (
                f"the projects' {column} add up to {show(found)}, more than {indicator} "
                f"{show(limit.iloc[0])} (observations.csv row {limit.index[0]})"
            )
            problems.append(Problem(file, None, column, show(found), rule))
    return problems


def unrecorded_problems(initiatives: pd.DataFrame, file: str) -> list[Problem]:
    """Hours already counted by the front offices are part of an initiative's hours."""
    already = numbers(initiatives["hours_already_in_rfo"])
    hours = numbers(initiatives["hours"])
    return [
        Problem(
            file,
            row,
            "hours_already_in_rfo",
            initiatives.at[row, "hours_already_in_rfo"],
            f"more than the initiative's hours ({initiatives.at[row, 'hours']})",
        )
        for row in initiatives.index[already > hours]
    ]


def boundaries_problems(frame: pd.DataFrame, regions: pd.DataFrame, file: str) -> list[Problem]:
    """Rows in 2022 reporting boundaries name one of the 17 reporting units."""
    reporting = set(regions.loc[regions["reporting_2022"].str.lower() == "true", "code"])
    rows = frame[(frame["boundaries"] == "reporting_2022") & ~frame["region"].isin(reporting)]
    return [
        Problem(file, row, "region", rows.at[row, "region"], "not one of the 2022 reporting units")
        for row in rows.index
        if isinstance(rows.at[row, "region"], str)
    ]


def record_problems(
    tables: dict[str, pd.DataFrame],
    reference: dict[str, pd.DataFrame],
    year: int,
    files: dict[str, str],
) -> list[Problem]:
    """Cross-table rules of the record and official tables that could be read."""
    problems = []
    region_codes = reference["regions"]["code"] if "regions" in reference else None
    area_ids = reference["areas"]["id"] if "areas" in reference else None
    for name, frame in tables.items():
        if name == "observations":
            continue  # checked by observation_problems
        file = files[name]
        if region_codes is not None and "region" in frame:
            problems += unknown_codes(frame, "region", region_codes, file, "regions.csv")
        if area_ids is not None and "area" in frame:
            problems += unknown_codes(frame, "area", area_ids, file, "areas.csv")
        if "regions" in reference and "boundaries" in frame:
            problems += boundaries_problems(frame, reference["regions"], file)
    if "grant_projects" in tables and "observations" in tables:
        problems += grant_total_problems(
            tables["grant_projects"], tables["observations"], year, files["grant_projects"]
        )
    if "unrecorded_initiatives" in tables:
        initiatives = tables["unrecorded_initiatives"]
        problems += unrecorded_problems(initiatives, files["unrecorded_initiatives"])
    return problems


# --- reference tables ------------------------------------------------------------------------


def reference_cross_problems(
    reference: dict[str, pd.DataFrame], files: dict[str, str]
) -> list[Problem]:
    """The region mapping points from known current units to known 2022 reporting units."""
    if "regions" not in reference or "region_mapping" not in reference:
        return []
    mapping = reference["region_mapping"]
    file = files["region_mapping"]
    regions = reference["regions"]
    reporting = regions.loc[regions["reporting_2022"].str.lower() == "true", "code"]
    problems = unknown_codes(mapping, "current_code", regions["code"], file, "regions.csv")
    problems += unknown_codes(
        mapping, "reporting_code_2022", reporting, file, "the 2022 reporting units of regions.csv"
    )
    return problems


def check_reference(reference_dir: Path) -> tuple[list[Problem], dict[str, pd.DataFrame]]:
    """Validate data/reference/; also return the tables that could be read."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    if not reference_dir.is_dir():
        rule = "reference folder is missing"
        return [Problem(display_path(reference_dir), None, None, None, rule)], tables
    problems += unexpected_files(reference_dir, (f"{n}.csv" for n in contract.REFERENCE_RESOURCES))
    for name, (_, table_schema) in contract.REFERENCE_RESOURCES.items():
        path = reference_dir / f"{name}.csv"
        files[name] = display_path(path)
        table_problems, frame = check_table(path, table_schema)
        problems += table_problems
        if frame is not None and not table_problems:
            tables[name] = frame  # cross rules trust only clean reference tables
    return problems + reference_cross_problems(tables, files), tables


# --- the vintage ---------------------------------------------------------------------------


def read_descriptor(path: Path) -> tuple[list[Problem], dict | None]:
    """datapackage.json as a dict, or the problem that prevents reading it."""
    file = display_path(path)
    if not path.is_file():
        rule = "datapackage.json is missing; write it with volreport.contract.write_descriptor"
        return [Problem(file, None, None, None, rule)], None
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        row = getattr(error, "lineno", None)
        return [Problem(file, row, None, None, f"not valid UTF-8 JSON: {error}")], None
    if not isinstance(descriptor, dict):
        return [Problem(file, None, None, None, "not a JSON object")], None
    return [], descriptor


def folder_year(folder: Path, descriptor: dict | None, requested: int) -> int:
    """The vintage's year: the folder name when it is a year, else the descriptor's year."""
    if re.fullmatch(r"\d{4}", folder.name):
        return int(folder.name)
    if descriptor and isinstance(descriptor.get("year"), int):
        return descriptor["year"]
    return requested


def descriptor_problems(descriptor: dict, year: int, requested: int, file: str) -> list[Problem]:
    """Year, resources and schemas of datapackage.json against the folder and the contract."""
    problems = []
    declared = descriptor.get("year")
    if declared != year:
        rule = f"the folder's year is {year}; write_descriptor with year={year}"
        problems.append(Problem(file, None, "year", str(declared), rule))
    if requested != year:
        rule = f"asked to validate {requested}, but the folder holds {year}"
        problems.append(Problem(file, None, "year", str(declared), rule))
    if not isinstance(descriptor.get("synthetic", False), bool):
        rule = "synthetic must be true or false"
        problems.append(Problem(file, None, "synthetic", str(descriptor["synthetic"]), rule))
    names = [r.get("name") for r in descriptor.get("resources", []) if isinstance(r, dict)]
    if "observations" not in names:
        problems.append(Problem(file, None, "resources", None, "observations is not listed"))
    for resource in descriptor.get("resources", []):
        name = resource.get("name") if isinstance(resource, dict) else None
        if name not in contract.YEAR_RESOURCES:
            rule = "unknown resource; not in volreport.contract.YEAR_RESOURCES"
            problems.append(Problem(file, None, "resources", str(name), rule))
            continue
        expected = contract.resource_descriptor(name, *contract.YEAR_RESOURCES[name])
        if resource != expected:
            rule = (
                f"resource '{name}' differs from volreport.contract; "
                "regenerate datapackage.json with contract.write_descriptor"
            )
            problems.append(Problem(file, None, "resources", name, rule))
    return problems


def params_problems(path: Path) -> list[Problem]:
    """params.yml, when present, must be a YAML mapping."""
    import yaml

    if not path.is_file():
        return []
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark else None
        return [Problem(display_path(path), row, None, None, f"not valid UTF-8 YAML: {error}")]
    if params is not None and not isinstance(params, dict):
        return [Problem(display_path(path), None, None, None, "must be a mapping of parameters")]
    return []


def edition_problems(path: Path) -> list[Problem]:
    """edition.yml, when present, must follow the edition contract (volreport.edition)."""
    import yaml

    try:
        raw = edition.read_raw(path)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark else None
        return [Problem(display_path(path), row, None, None, f"not valid UTF-8 YAML: {error}")]
    return [
        Problem(display_path(path), None, key or None, None, rule)
        for key, rule in edition.problems(raw)
    ]


def validate_year(
    year: int, data_dir: Path | str | None = None, *, reference_dir: Path | str | None = None
) -> list[Problem]:
    """Every problem of a vintage (data/<year>/ or `data_dir`) and of the reference tables.

    An empty list means the folder meets the data contract.
    """
    folder = paths.year_data_dir(year, data_dir)
    if not folder.is_dir():
        return [Problem(display_path(folder), None, None, None, "data folder does not exist")]
    descriptor_path = folder / "datapackage.json"
    problems, descriptor = read_descriptor(descriptor_path)
    vintage_year = folder_year(folder, descriptor, year)
    if descriptor is None:
        descriptor = contract.year_descriptor(vintage_year)  # still check the files
    else:
        problems += descriptor_problems(
            descriptor, vintage_year, year, display_path(descriptor_path)
        )
    names = [
        r["name"]
        for r in descriptor.get("resources", [])
        if isinstance(r, dict) and r.get("name") in contract.YEAR_RESOURCES
    ]
    names = names if "observations" in names else ["observations", *names]
    problems += unexpected_files(folder, (f"{name}.csv" for name in names))
    problems += params_problems(folder / "params.yml")
    problems += edition_problems(folder / edition.EDITION_FILE)

    reference_problems, reference = check_reference(
        Path(reference_dir) if reference_dir else paths.REFERENCE_DIR
    )
    problems += reference_problems

    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for name in names:
        path = folder / f"{name}.csv"
        files[name] = display_path(path)
        table_problems, frame = check_table(path, contract.YEAR_RESOURCES[name][1])
        problems += table_problems
        if frame is not None:
            tables[name] = frame
    if "observations" in tables:
        problems += observation_problems(
            tables["observations"], reference, vintage_year, files["observations"]
        )
    problems += record_problems(tables, reference, vintage_year, files)
    return sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Group by file in first-seen order, then by row (file-level problems first)."""
    order = {file: i for i, file in reversed(list(enumerate(p.file for p in problems)))}
    return sorted(problems, key=lambda p: (order[p.file], p.row or 0))


def validation_digest(year: int, folder: Path, reference: Path) -> str:
    """Digest of a vintage, the reference tables and the rules: equal digest, equal verdict."""
    import hashlib

    digest = hashlib.sha256(str(year).encode())
    rules = [Path(__file__), Path(contract.__file__)]
    for path in sorted([*folder.rglob("*"), *reference.rglob("*")]) + rules:
        if path.is_file():
            digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def require_valid(
    year: int, data_dir: Path | str | None = None, *, reference_dir: Path | str | None = None
) -> None:
    """Raise ValidationError listing every problem, unless the vintage is valid.

    A pass is remembered under _build/validated/ by content digest, so the chapter
    notebooks of a build do not repeat the check the build just made on the same bytes.
    """
    folder = paths.year_data_dir(year, data_dir)
    reference = Path(reference_dir) if reference_dir else paths.REFERENCE_DIR
    stamp = paths.BUILD_DIR / "validated" / validation_digest(year, folder, reference)
    if stamp.exists():
        return
    problems = validate_year(year, data_dir, reference_dir=reference_dir)
    if problems:
        raise ValidationError(problems)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()


def main(argv: list[str] | None = None) -> int:
    """Command line: print every problem of a vintage; exit status 1 when there are any."""
    parser = argparse.ArgumentParser(
        prog="python -m volreport.validate",
        description="Check data/<year>/ and data/reference/ against the data contract.",
    )
    parser.add_argument("year", type=int, help="vintage year, for example 2022")
    parser.add_argument("--data-dir", type=Path, help="vintage folder (default data/<year>)")
    parser.add_argument(
        "--reference-dir", type=Path, help="reference tables (default data/reference)"
    )
    args = parser.parse_args(argv)
    problems = validate_year(args.year, args.data_dir, reference_dir=args.reference_dir)
    folder = display_path(paths.year_data_dir(args.year, args.data_dir))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{folder}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{folder}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
