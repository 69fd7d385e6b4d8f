"""Validate a vintage (data/<year>/) and the reference tables against the data contract.

Every input is untrusted. First the intake, before anything is parsed: every entry of
the folder must be a regular file (no symbolic link, nothing leaving the folder) within
the limits of `volreport.data.contract` (bytes per file, rows per table, characters per cell,
nesting of datapackage.json). A file beyond a limit is refused whole with one message
naming the limit, and nothing else is read. Then four passes, all problems collected in
one run:

1. preflight per file: missing, unexpected, empty, not UTF-8, byte-order mark, semicolon
   or tab separated, header not the contract's columns (translation columns optional),
   control characters in text;
2. Frictionless per table (types, required, enums, minimum, patterns, primary keys),
   with the schemas of `volreport.data.contract`; every number finite and within its
   plausible range (`contract.plausible_range`); a translation column with text exactly
   where its English column has text;
3. cross-table rules with pandas: known codes and categories, value empty exactly when
   status is missing, ranges, years, splits summing to 100, totals equal to their parts,
   the translations of edition.yml matching it;
4. what the build needs (`contract.BUILD_RESOURCES`, `BUILD_OBSERVATIONS`,
   `REQUIRED_PARAMS`, the national population and wage), so that a valid vintage is
   a buildable one.

Rows are numbered as a spreadsheet shows them: the header is row 1.

A process remembers what it found in content it has checked (Frictionless's findings per
table, the reference tables, parsed YAML), keyed by that content's digest, never by a path
or a time stamp: unchanged files are not checked twice, a changed one always is.

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
import copy
import csv
import hashlib
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from volreport.core import paths
from volreport.data import contract, edition
from volreport.data.contract import NATIONAL

if TYPE_CHECKING:
    import pandas as pd

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
SHARE_TOLERANCE_PER_PART = 0.1
COUNT_TOLERANCE_PER_PART = contract.HALF_UNIT  # each rounded part may be off by half a unit
EXACT = ("", "exact")
TYPE_RULES = {
    "integer": "not a whole number",
    "number": "not a number (use '.' as decimal point and no thousands separators)",
    "date": "not a date (YYYY-MM-DD)",
    "boolean": "not true or false",
}
SEPARATORS = {";": "semicolons", "\t": "tabs"}
# Control characters other than tab and line feed (C0, DEL and C1), in text and as bytes.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
MAX_SHOWN_CHARS = 80  # of a cell's value in a message
MAX_CONTROL_PROBLEMS = 20  # per file; the rest are counted
# Findings remembered per process, keyed by the content of what was checked (never by a
# path or a time stamp alone), so a changed file is always checked again.
MAX_REMEMBERED = 256  # findings kept per kind; the oldest is forgotten first
MAX_REMEMBERED_PROBLEMS = 1_000  # a table with more problems is checked anew each time


def remember(memo: dict, key: object, findings: object) -> None:
    """Keep `findings` under `key`, forgetting the oldest beyond MAX_REMEMBERED."""
    if len(memo) >= MAX_REMEMBERED:
        memo.pop(next(iter(memo)))
    memo[key] = findings


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
        cell = "" if self.value is None else f" = '{shown(self.value)}'"
        return f"{where}: column '{shown(self.column)}'{cell}: {self.rule}"


def shown(text: object) -> str:
    """Text from the data as a message may quote it: control characters escaped (never sent
    to a terminal), at most MAX_SHOWN_CHARS characters."""
    text = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def control_rule(text: str) -> str:
    """The rule a text with a control character breaks, naming the first one."""
    found = CONTROL.search(text)
    code = ord(found.group()) if found else 0
    return (
        f"control character U+{code:04X} at position {found.start() + 1 if found else 0}; "
        "text may hold tabs and line breaks, no other control characters"
    )


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


# --- intake: links, limits and control characters, before anything is parsed ---------------


def megabytes(size: int) -> str:
    """A size in a message: '214,065,553 bytes (204.1 MB)'."""
    return f"{size:,} bytes ({size / 1024**2:.1f} MB)"


def entry_refusal(path: Path, folder: Path) -> Problem | None:
    """Why an entry of a data folder may not be read at all: a symbolic link (its target is
    never opened), a path leaving the folder, or not a regular file."""
    file = display_path(path)
    if path.is_symlink():
        return Problem(file, None, None, None, "is a symbolic link; put the file itself here")
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return Problem(file, None, None, None, "is outside the data folder")
    if path.exists() and not path.is_file() and not path.is_dir():
        return Problem(file, None, None, None, "is not a regular file")
    return None


def size_refusal(path: Path, limit: int, name: str) -> Problem | None:
    """A file larger than `limit` bytes (the contract's constant `name`)."""
    size = path.stat().st_size
    if size <= limit:
        return None
    rule = (
        f"file is {megabytes(size)}, more than the limit of {megabytes(limit)} "
        f"(contract.{name}); refused before parsing"
    )
    return Problem(display_path(path), None, None, None, rule)


@dataclass(frozen=True)
class Scan:
    """What the intake found in a CSV: refusals (a limit exceeded; the file is not read
    further) and problems (control characters in cells)."""

    refusals: list[Problem]
    problems: list[Problem]


def quick_pass(path: Path, max_cell: int) -> tuple[int, bool]:
    """The lines of a file, and whether one of them may hold a cell longer than `max_cell`
    or a control character (then the exact pass of `scan_csv` decides)."""
    lines, suspect = 0, False
    with path.open("rb") as handle:
        for line in handle:
            lines += 1
            if len(line) > max_cell or CONTROL_BYTES.search(line):
                suspect = True
    return lines, suspect


def scan_csv(path: Path, max_rows: int | None) -> Scan:
    """Rows, cell lengths and control characters of a CSV, streamed (the file is never held
    in memory). A quick pass over the lines decides whether the exact pass is needed."""
    file = display_path(path)
    max_cell = contract.MAX_CELL_CHARS
    lines, suspect = quick_pass(path, max_cell)
    if not suspect and (max_rows is None or lines - 1 <= max_rows):
        return Scan([], [])
    problems: list[Problem] = []
    more = 0
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header: list[str] = []
        row = 1
        try:
            for row, record in enumerate(reader, start=1):
                if row == 1:
                    header = record
                if max_rows is not None and row - 1 > max_rows:
                    rule = (
                        f"more than {max_rows:,} rows, the limit of this table "
                        "(contract.MAX_TABLE_ROWS); refused before parsing"
                    )
                    return Scan([Problem(file, None, None, None, rule)], [])
                for position, cell in enumerate(record):
                    column = header[position] if position < len(header) else None
                    if len(cell) > max_cell:
                        rule = (
                            f"a cell of {len(cell):,} characters, more than the limit of "
                            f"{max_cell:,} (contract.MAX_CELL_CHARS); refused before "
                            "parsing"
                        )
                        return Scan([Problem(file, row, column, None, rule)], [])
                    if CONTROL.search(cell):
                        if len(problems) < MAX_CONTROL_PROBLEMS:
                            problems.append(Problem(file, row, column, None, control_rule(cell)))
                        else:
                            more += 1
        except csv.Error:  # a cell beyond the csv module's own limit (128 KB)
            rule = (
                f"a cell of more than {max_cell:,} characters, the limit "
                "(contract.MAX_CELL_CHARS); refused before parsing"
            )
            return Scan([Problem(file, row + 1, None, None, rule)], [])
    if more:
        problems.append(Problem(file, None, None, None, f"... and {more} more control characters"))
    return Scan([], problems)


def json_depth(text: str) -> int:
    """The deepest nesting of objects and arrays in a JSON text, without parsing it."""
    depth = deepest = 0
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    for bracket in re.findall(r"[\[\]{}]", bare):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def descriptor_refusal(path: Path) -> Problem | None:
    """datapackage.json larger or deeper than the contract allows."""
    refused = size_refusal(path, contract.MAX_DESCRIPTOR_BYTES, "MAX_DESCRIPTOR_BYTES")
    if refused:
        return refused
    depth = json_depth(path.read_bytes().decode("utf-8", errors="replace"))
    if depth > contract.MAX_JSON_DEPTH:
        rule = (
            f"JSON nested {depth:,} levels deep, more than the limit of "
            f"{contract.MAX_JSON_DEPTH} (contract.MAX_JSON_DEPTH); refused before parsing"
        )
        return Problem(display_path(path), None, None, None, rule)
    return None


def log_problems(folder: Path) -> Scan:
    """The record logs in logs/: known names, regular files within the size limit, the
    contract's header, no control characters nor over-long cells."""
    logs = folder / "logs"
    refusals: list[Problem] = []
    problems: list[Problem] = []
    for entry in sorted(logs.iterdir()):
        refused = entry_refusal(entry, folder)
        if refused:
            refusals.append(refused)
            continue
        if entry.name not in contract.LOG_COLUMNS or not entry.is_file():
            rule = "unexpected file: not a record log (" + ", ".join(contract.LOG_COLUMNS) + ")"
            problems.append(Problem(display_path(entry), None, None, None, rule))
            continue
        refused = size_refusal(entry, contract.MAX_LOG_BYTES, "MAX_LOG_BYTES")
        if refused:
            refusals.append(refused)
            continue
        with entry.open("rb") as handle:
            first = handle.readline(contract.MAX_CELL_CHARS).decode("utf-8", errors="replace")
        header = next(csv.reader([first.rstrip("\r\n")]), [])
        problems += header_problems(display_path(entry), header, contract.LOG_COLUMNS[entry.name])
        scan = scan_csv(entry, None)
        refusals += scan.refusals
        problems += scan.problems
    return Scan(refusals, problems)


def intake(folder: Path, tables: Iterable[str], reference_dir: Path) -> Scan:
    """Links, sizes, rows, cells and nesting of every file of a vintage and of the reference
    tables, and the control characters in their cells; nothing is parsed."""
    refusals: list[Problem] = []
    problems: list[Problem] = []
    tables = set(tables)
    for root, names in ((folder, tables), (reference_dir, set(contract.REFERENCE_RESOURCES))):
        if not root.is_dir():
            continue
        for entry in sorted(root.iterdir()):
            refused = entry_refusal(entry, root)
            if refused:
                refusals.append(refused)
            elif entry.name == "logs" and root == folder and entry.is_dir():
                scan = log_problems(folder)
                refusals += scan.refusals
                problems += scan.problems
            elif not entry.is_file():
                continue  # unexpected folders are reported by unexpected_files
            elif entry.name == "datapackage.json":
                refused = descriptor_refusal(entry)
                refusals += [refused] if refused else []
            elif entry.suffix in (".yml", ".yaml"):
                refused = size_refusal(entry, contract.MAX_YAML_BYTES, "MAX_YAML_BYTES")
                refusals += [refused] if refused else []
            elif entry.suffix == ".csv":
                refused = size_refusal(entry, contract.MAX_TABLE_BYTES, "MAX_TABLE_BYTES")
                if refused:
                    refusals.append(refused)
                    continue
                rows = contract.max_rows(entry.stem) if entry.stem in names else None
                scan = scan_csv(entry, rows or contract.DEFAULT_MAX_TABLE_ROWS)
                refusals += scan.refusals
                problems += scan.problems
            else:  # an unexpected file (reported later) or README.md
                refused = size_refusal(entry, contract.MAX_TABLE_BYTES, "MAX_TABLE_BYTES")
                refusals += [refused] if refused else []
    return Scan(refusals, problems)


# --- preflight -------------------------------------------------------------------------


@dataclass(frozen=True)
class Preflight:
    """Outcome of the file-level checks: problems, the encoding to read rows with (None
    when the rows cannot be read as the contract's table) and the file's header."""

    problems: list[Problem]
    encoding: str | None
    header: tuple[str, ...] = ()


def detect_separator(header_line: str) -> str:
    """The separator a header line uses: ',' unless ';' or tab is more frequent."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def header_problems(
    file: str, header: list[str], columns: list[str], optional: Iterable[str] = ()
) -> list[Problem]:
    """Missing, unexpected, repeated or reordered columns; `optional` columns (translation
    columns) may be absent, and where present stand in their place among `columns`."""
    optional = set(optional)
    problems = [
        Problem(file, 1, column, None, "required column is missing")
        for column in columns
        if column not in header and column not in optional
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
    ordered = [column for column in columns if column in header or column not in optional]
    if not problems and header != ordered:
        expected = ", ".join(ordered)
        problems.append(Problem(file, 1, None, None, f"columns out of order; expected {expected}"))
    return problems


def preflight_csv(path: Path, columns: list[str], optional: Iterable[str] = ()) -> Preflight:
    """File-level checks of a contract CSV before its rows are read (`optional`: columns
    that may be absent, see `header_problems`)."""
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
    mismatches = header_problems(file, header, columns, optional)
    return Preflight(problems + mismatches, None if mismatches else encoding, tuple(header))


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
        why = " (it cannot be negative)" if constraints["minimum"] == 0 else ""
        return f"must be at least {constraints['minimum']}{why}"
    if name == "maximum":
        return f"must be at most {constraints['maximum']}"
    if name == "pattern":
        return f"must match the pattern {constraints['pattern']}"
    return note


def separated_number(cells: list[str]) -> str | None:
    """The first run of cells that reads as a number split at its thousands separators
    ('309', '697' -> '309,697'), or None."""
    for start, cell in enumerate(cells):
        end = start + 1
        while end < len(cells) and re.fullmatch(r"\d{3}", cells[end]):
            end += 1
        if re.fullmatch(r"\d{1,3}", cell) and end > start + 1:
            return ",".join(cells[start:end])
    return None


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
        key: list[str] = (
            table_schema["primaryKey"] if error.type == "primary-key" else [str(column)]
        )
        names = list(fields)
        values = [
            error.cells[names.index(k)] if names.index(k) < len(error.cells) else "" for k in key
        ]
        first = re.search(r"\d+", error.note)
        rule = "duplicate key" + (f": the same as row {first.group()}" if first else "")
        return Problem(file, row, ", ".join(key), ", ".join(str(v) for v in values), rule)
    if error.type == "blank-row":
        return Problem(file, row, None, None, "blank line")
    if error.type == "extra-cell":
        number = separated_number([str(c) for c in getattr(error, "cells", [])])
        if number:
            rule = (
                f"more cells than columns: '{number}' looks like a number with a thousands "
                f"separator; write it as {number.replace(',', '')}"
            )
        else:
            rule = "more cells than columns: a text with a comma must be in double quotes"
        return Problem(file, row, None, None, rule)
    if error.type == "missing-cell":
        return Problem(file, row, column, None, "row ends before this column")
    return Problem(file, row, column, cell, error.message)


# Frictionless errors after which the cells of a row are no longer in their columns.
STRUCTURAL_ERRORS = ("extra-cell", "missing-cell", "source-error", "scheme-error", "format-error")


@dataclass(frozen=True)
class RowFindings:
    """What Frictionless found in a table's rows; `of_rows_only` when every problem is about
    a row's cells (none about the file as a whole, whose message may name its folder)."""

    problems: list[Problem]
    broken: bool
    of_rows_only: bool


ROW_FINDINGS: dict[tuple[str, str, str, str], RowFindings] = {}


def row_problems(path: Path, table_schema: dict, encoding: str) -> tuple[list[Problem], bool]:
    """Types, constraints and keys of every row, checked by Frictionless; and whether the
    rows are broken (a row with more or fewer cells than columns), so that the table cannot
    be read column by column. Findings about rows only are remembered by file name, schema
    and content: copies of a vintage share the findings of their unchanged tables."""
    digest = paths.file_digest(path)
    key = (path.name, encoding, json.dumps(table_schema, sort_keys=True), digest)
    findings = ROW_FINDINGS.get(key)
    if findings is None:
        findings = frictionless_findings(path, table_schema, encoding)
        unchanged = paths.file_digest(path) == digest  # not changed while it was checked
        if (
            findings.of_rows_only
            and len(findings.problems) <= MAX_REMEMBERED_PROBLEMS
            and unchanged
        ):
            remember(ROW_FINDINGS, key, findings)
    file = display_path(path)
    return [replace(problem, file=file) for problem in findings.problems], findings.broken


def frictionless_findings(path: Path, table_schema: dict, encoding: str) -> RowFindings:
    """The rows of a table as Frictionless validates them (see `row_problems`)."""
    from volreport.core.fastimport import skip_iri_grammar

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
    errors = [error for task in report.tasks for error in task.errors]
    # In a row with more or fewer cells than columns, the cells are out of place: only
    # that is reported, not the rules its shifted cells then break.
    shifted = {
        getattr(e, "row_number", None) for e in errors if e.type in ("extra-cell", "missing-cell")
    }
    seen: set = set()
    kept = []
    for error in errors:
        row = getattr(error, "row_number", None)
        if row in shifted:
            if error.type not in ("extra-cell", "missing-cell") or (row, error.type) in seen:
                continue
            seen.add((row, error.type))
        kept.append(error)
    errors = kept
    problems = [problem_from_error(error, file, table_schema) for error in errors]
    problems += [Problem(file, None, None, None, error.message) for error in report.errors]
    broken = bool(report.errors) or any(error.type in STRUCTURAL_ERRORS for error in errors)
    of_rows_only = not report.errors and all(
        getattr(error, "row_number", None) is not None for error in errors
    )
    return RowFindings(problems, broken, of_rows_only)


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


def check_table(
    path: Path, table_schema: dict, resource: str = ""
) -> tuple[list[Problem], pd.DataFrame | None]:
    """Preflight, row, number and translation checks of one table (`resource`: its name in
    the contract, which says what translation columns it may have); the table itself when
    its rows could be read column by column."""
    columns = contract.column_names(contract.with_translations(table_schema, resource))
    optional = contract.translation_columns(resource)
    preflight = preflight_csv(path, columns, optional)
    if preflight.encoding is None:
        return preflight.problems, None
    table_schema = contract.with_translations(table_schema, resource, preflight.header)
    found, broken = row_problems(path, table_schema, preflight.encoding)
    problems = preflight.problems + found
    if broken:
        return problems, None
    frame = read_table(path, preflight.encoding)
    reported = {(p.row, p.column) for p in found}
    file = display_path(path)
    problems += number_value_problems(frame, table_schema, resource, file, reported)
    problems += translation_problems(frame, resource, file)
    return problems, frame


def has_text(cell: object) -> bool:
    """A cell with more than white space in it."""
    return isinstance(cell, str) and bool(cell.strip())


def translation_problems(frame: pd.DataFrame, resource: str, file: str) -> list[Problem]:
    """A translation column, where a table has it, has text in every row whose English
    column has text, and in no other row: a translation is never half done, nor a text
    of its own."""
    problems = []
    for column, english in contract.translation_columns(resource).items():
        if column not in frame or english not in frame:
            continue
        for row, source, translated in zip(frame.index, frame[english], frame[column], strict=True):
            if has_text(source) and not has_text(translated):
                rule = (
                    f"empty, but {english} has text: a translation column translates every "
                    f"text of {english} (fill it in, or leave the column out)"
                )
                problems.append(Problem(file, int(row), column, None, rule))
            elif has_text(translated) and not has_text(source):
                rule = f"a translation of nothing: {english} is empty in this row"
                problems.append(Problem(file, int(row), column, translated, rule))
    return problems


def check_file(
    path: Path, table_schema: dict, resource: str = ""
) -> tuple[list[Problem], pd.DataFrame | None]:
    """`check_table` after the intake of the file alone (a link, its size, rows, cells and
    control characters): for tables given on their own, such as ingest's official tables."""
    refused = entry_refusal(path, path.parent) if path.exists() or path.is_symlink() else None
    if refused:
        return [refused], None
    if not path.is_file():
        return [Problem(display_path(path), None, None, None, "file is missing")], None
    refused = size_refusal(path, contract.MAX_TABLE_BYTES, "MAX_TABLE_BYTES")
    if refused:
        return [refused], None
    scan = scan_csv(path, contract.max_rows(resource))
    if scan.refusals:
        return scan.refusals, None
    problems, frame = check_table(path, table_schema, resource)
    return scan.problems + problems, frame


# --- numbers: finite and plausible ----------------------------------------------------------


# A number as the data write it: ASCII digits, a point for decimals, an optional sign and
# exponent. Python would also read "139_671", " 139671 " and other scripts' digits, which
# the report would then print as written.
PLAIN_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
PLAIN_NUMBER_RULE = "write a plain number: digits 0-9, a point for decimals, nothing else"


def number_of(text: object) -> float | None:
    """A cell as a float; None when it is empty or not a number (a type error)."""
    if not isinstance(text, str):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def bound(number: float) -> str:
    """A range bound in a message: '1,000,000,000', '100', '-100'."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,g}"


def number_rule(
    value: float, limits: tuple[float, float] | None, unit: str, *, change: bool, column: bool
) -> str | None:
    """Why a number is refused (not finite, outside its plausible range), or None."""
    if not math.isfinite(value):
        return "not a finite number (inf, NaN and numbers beyond 1.8e308 are refused)"
    if limits is None:
        return None
    low, high = limits
    if low <= value <= high:
        return None
    where = "contract.COLUMN_RANGES" if column else "contract.PLAUSIBLE_RANGES"
    if unit == "percent" and not change:
        return "a percentage must lie in 0-100"
    if value < low and change:
        return f"a change cannot be below {bound(low)}%"
    if value < low and low == 0:
        return "a count cannot be negative"
    if value < low:
        return f"less than {bound(low)}, the plausible minimum ({where})"
    unit_text = f" {unit}" if unit and unit != "percent" else "%" if unit else ""
    return (
        f"more than {bound(high)}{unit_text}, the plausible maximum ({where}); "
        "a typing or unit error?"
    )


def number_value_problems(
    frame: pd.DataFrame, table_schema: dict, resource: str, file: str, reported: set
) -> list[Problem]:
    """Every number of a table finite and within its plausible range: by the column's unit
    (or its own range), and for observations' `value` by the row's unit and indicator.
    Cells Frictionless already reported (`reported`: (row, column)) are not repeated."""
    problems = []
    for spec in table_schema["fields"]:
        column = spec["name"]
        if spec["type"] not in ("number", "integer") or column not in frame:
            continue
        by_row = resource == "observations" and column == "value" and "unit" in frame
        own = (resource, column) in contract.COLUMN_RANGES
        limits = contract.plausible_range(spec.get("unit"), resource=resource, column=column)
        for row, text in frame[column].dropna().items():
            value = number_of(text)
            if value is None or (row, column) in reported:
                continue
            if math.isfinite(value) and not PLAIN_NUMBER.fullmatch(text):
                problems.append(Problem(file, int(row), column, text, PLAIN_NUMBER_RULE))
                continue
            unit = spec.get("unit", "")
            change = False
            if by_row:
                unit = frame.at[row, "unit"] if isinstance(frame.at[row, "unit"], str) else ""
                indicator = frame.at[row, "indicator"]
                indicator = indicator if isinstance(indicator, str) else ""
                change = unit == "percent" and indicator.endswith(contract.CHANGE_SUFFIX)
                limits = contract.plausible_range(unit, indicator=indicator)
            rule = number_rule(value, limits, unit, change=change, column=own)
            if rule:
                problems.append(Problem(file, int(row), column, text, rule))
    return problems


# --- cross-table rules ---------------------------------------------------------------------


def show(number: float) -> str:
    """A number in a message: all its digits, no trailing zeros (1089387, 100.8)."""
    return f"{float(number):.12g}"


def numbers(column: pd.Series) -> pd.Series:
    """A text column as numbers; cells that are not finite numbers (reported already)
    become NaN."""
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce").astype("float64")
    return values.where(np.isfinite(values))


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
    rows = obs.dropna(subset=["category", "indicator"])
    for row, indicator, category in zip(
        rows.index, rows["indicator"], rows["category"], strict=True
    ):
        if indicator not in category_sets:
            continue  # unknown indicator: reported on its own
        set_name = category_sets[indicator]
        members = contract.CATEGORY_SETS.get(set_name, ())
        if category not in members:
            rule = (
                f"not in the category set '{set_name}' of {indicator}"
                if set_name
                else f"{indicator} has no categories; leave category empty"
            )
            problems.append(Problem(file, row, "category", category, rule))
    return problems


def unit_problems(obs: pd.DataFrame, units: dict[str, str], file: str) -> list[Problem]:
    """The unit of a row must be its indicator's unit."""
    rows = obs.dropna(subset=["unit"])
    return [
        Problem(file, row, "unit", unit, f"{indicator} is in {units[indicator]}")
        for row, indicator, unit in zip(rows.index, rows["indicator"], rows["unit"], strict=True)
        if indicator in units and unit != units[indicator]
    ]


def status_value_problems(obs: pd.DataFrame, file: str) -> list[Problem]:
    """A value is empty exactly when the status is missing."""
    problems = []
    rows = obs.dropna(subset=["status"])
    for row, status, value in zip(rows.index, rows["status"], rows["value"], strict=True):
        has_value = isinstance(value, str)
        if has_value and status == "missing":
            rule = "a value is given but status is 'missing'; give its status or drop the value"
            problems.append(Problem(file, row, "value", value, rule))
        if not has_value and status != "missing":
            rule = f"value is empty but status is '{status}'; a gap has status missing"
            problems.append(Problem(file, row, "value", None, rule))
    return problems


def year_problems(obs: pd.DataFrame, year: int, file: str) -> list[Problem]:
    """Observations refer to the vintage's year or earlier ones."""
    years = numbers(obs["year"])
    return [
        Problem(file, row, "year", obs.at[row, "year"], f"later than the vintage's year {year}")
        for row in obs.index[years > year]
    ]


def fully_reported(parts: pd.DataFrame) -> bool:
    """All parts are published (finite) values with status reported."""
    return bool((parts["status"] == "reported").all() and numbers(parts["value"]).notna().all())


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


# The columns of observations.csv the sums read (fewer columns: cheaper groups).
SUMMED_COLUMNS = ["indicator", "year", "region", "category", "value", "qualifier", "status"]


def groups(frame: pd.DataFrame, keys: list[str], column: str) -> Iterable[tuple[tuple, set]]:
    """(key, the values of `column` in its rows) of each group of `frame` by `keys`, in the
    order of DataFrame.groupby; cheap to test before a group's rows are taken."""
    found: dict[tuple, set] = {}
    rows = frame.dropna(subset=keys)
    for *key, value in zip(*(rows[k] for k in keys), rows[column], strict=True):
        found.setdefault(tuple(key), set()).add(value)
    return sorted(found.items(), key=lambda item: item[0])


def group_rows(frame: pd.DataFrame, keys: list[str], key: tuple) -> pd.DataFrame:
    """The rows of `frame` whose `keys` columns hold `key`."""
    import numpy as np

    mask = np.logical_and.reduce(
        [frame[k].to_numpy() == value for k, value in zip(keys, key, strict=True)]
    )
    return frame[mask]


def split_problems(
    obs: pd.DataFrame, category_sets: dict[str, str], units_sets: list[set[str]], file: str
) -> list[Problem]:
    """Complete category splits and regional splits sum to 100. A group's rows are taken
    only when its categories or regions make it a complete split."""
    problems = []
    obs = obs[SUMMED_COLUMNS]
    by_category = obs[obs["indicator"].isin(CATEGORY_SPLITS) & obs["category"].notna()]
    keys = ["indicator", "year", "region"]
    for (indicator, year, region), categories in groups(by_category, keys, "category"):
        members = members_of(indicator, category_sets)
        if not members or categories != members:
            continue
        parts = group_rows(by_category, keys, (indicator, year, region))
        if fully_reported(parts):
            problems.append(split_problem(parts, f"{indicator} for {region} ({year})", file))
    by_region = obs[obs["indicator"].isin(REGION_SPLITS) & (obs["region"] != NATIONAL)]
    by_region = by_region.assign(category=by_region["category"].fillna(""))
    keys = ["indicator", "year", "category"]
    for (indicator, year, category), regions in groups(by_region, keys, "region"):
        if regions not in units_sets:
            continue
        parts = group_rows(by_region, keys, (indicator, year, category))
        if fully_reported(parts):
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
    """Counts by category add up to the total; counts by region add up to the country.
    A group's rows are taken only when its categories or regions make a complete set."""
    problems = []
    obs = obs[[*SUMMED_COLUMNS, "unit"]]
    counts = obs[obs["unit"] != PERCENT].assign(category=obs["category"].fillna(""))
    keys = ["indicator", "year", "region"]
    for (indicator, year, region), categories in groups(counts, keys, "category"):
        members = members_of(indicator, category_sets)
        if not members or categories - {""} != members:
            continue
        rows = group_rows(counts, keys, (indicator, year, region))
        parts = rows[rows["category"] != ""]
        if fully_reported(parts):
            total = rows[rows["category"] == ""]
            label = f"{indicator} for {region} ({year})"
            problems.append(total_problem(total, parts, label, file))
    keys = ["indicator", "year", "category"]
    for (indicator, year, category), regions in groups(counts, keys, "region"):
        if regions - {NATIONAL} not in units_sets:
            continue
        rows = group_rows(counts, keys, (indicator, year, category))
        parts = rows[rows["region"] != NATIONAL]
        if fully_reported(parts):
            total = rows[rows["region"] == NATIONAL]
            label = f"{indicator} {category} by region ({year})".replace("  ", " ")
            problems.append(total_problem(total, parts, label, file))
    return [p for p in problems if p is not None]


def observation_problems(
    obs: pd.DataFrame, reference: dict[str, pd.DataFrame], year: int, file: str
) -> list[Problem]:
    """Cross-table rules of observations.csv; rules needing a broken reference table are skipped."""
    problems = status_value_problems(obs, file)
    problems += year_problems(obs, year, file)
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


def folder_state(folder: Path) -> tuple:
    """Every entry of a folder as a check sees it: name, shown path, kind and, for a file,
    the digest of its content."""
    return tuple(
        (
            entry.name,
            display_path(entry),
            entry.is_symlink(),
            entry.is_dir(),
            paths.file_digest(entry) if entry.is_file() else "",
        )
        for entry in sorted(folder.iterdir())
    )


ReferenceFindings = tuple[list[Problem], dict[str, "pd.DataFrame"]]
REFERENCE_FINDINGS: dict[tuple, ReferenceFindings] = {}


def check_reference(reference_dir: Path) -> ReferenceFindings:
    """Validate data/reference/; also return the tables that could be read. Remembered in
    the process by the folder's entries and their content (`folder_state`): the same
    reference tables are checked once, and again as soon as one of them changes."""
    if not reference_dir.is_dir():
        rule = "reference folder is missing"
        return [Problem(display_path(reference_dir), None, None, None, rule)], {}
    state = folder_state(reference_dir)
    key = (str(reference_dir), display_path(reference_dir), state)
    found = REFERENCE_FINDINGS.get(key)
    if found is None:
        found = reference_findings(reference_dir)
        if folder_state(reference_dir) == state:  # not changed meanwhile
            remember(REFERENCE_FINDINGS, key, found)
    problems, tables = found
    return list(problems), {name: frame.copy() for name, frame in tables.items()}


def reference_findings(reference_dir: Path) -> ReferenceFindings:
    """The problems and readable tables of an existing reference folder."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems += unexpected_files(reference_dir, (f"{n}.csv" for n in contract.REFERENCE_RESOURCES))
    for name, (_, table_schema) in contract.REFERENCE_RESOURCES.items():
        path = reference_dir / f"{name}.csv"
        files[name] = display_path(path)
        table_problems, frame = check_table(path, table_schema, name)
        problems += table_problems
        if frame is not None and not table_problems:
            tables[name] = frame  # cross rules trust only clean reference tables
    return problems + reference_cross_problems(tables, files), tables


# --- the vintage ---------------------------------------------------------------------------


def read_descriptor(path: Path) -> tuple[list[Problem], dict | None]:
    """datapackage.json as a dict, or the problem that prevents reading it."""
    file = display_path(path)
    if not path.is_file():
        rule = "datapackage.json is missing; write it with volreport.data.contract.write_descriptor"
        return [Problem(file, None, None, None, rule)], None
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        row = getattr(error, "lineno", None)
        return [Problem(file, row, None, None, f"not valid UTF-8 JSON: {error}")], None
    except RecursionError:
        rule = f"JSON nested more deeply than the limit of {contract.MAX_JSON_DEPTH}"
        return [Problem(file, None, None, None, rule)], None
    if not isinstance(descriptor, dict):
        return [Problem(file, None, None, None, "not a JSON object")], None
    return [], descriptor


def folder_year(folder: Path, descriptor: dict | None, requested: int) -> int:
    """The vintage's year: the folder name when it is a year, else the descriptor's year."""
    if re.fullmatch(r"\d{4}", folder.name):
        return int(folder.name)
    if descriptor and type(descriptor.get("year")) is int:
        return descriptor["year"]
    return requested


def resources_ok(descriptor: dict) -> bool:
    """`resources` is a list of JSON objects (absent counts as an empty list)."""
    resources = descriptor.get("resources", [])
    return isinstance(resources, list) and all(isinstance(r, dict) for r in resources)


def text_problems(value: object, file: str, where: str = "") -> list[Problem]:
    """Control characters in any text of parsed JSON or YAML (keys included)."""
    if isinstance(value, str):
        return (
            [Problem(file, None, where or None, None, control_rule(value))]
            if CONTROL.search(value)
            else []
        )
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            found += text_problems(key, file, path) + text_problems(item, file, path)
        return found
    if isinstance(value, list):
        return [
            p for i, item in enumerate(value) for p in text_problems(item, file, f"{where}[{i}]")
        ]
    return []


def descriptor_problems(
    descriptor: dict, year: int, requested: int, file: str, folder: Path | None = None
) -> list[Problem]:
    """Year, resources and schemas of datapackage.json against the folder and the contract
    (each schema with the translation columns its file in `folder` has)."""
    problems = text_problems(descriptor, file)
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
    resources = descriptor.get("resources", [])
    if not resources_ok(descriptor):
        rule = "must be a list of resources (JSON objects); write it with contract.write_descriptor"
        return [*problems, Problem(file, None, "resources", None, rule)]
    names = [r.get("name") for r in resources]
    if "observations" not in names:
        problems.append(Problem(file, None, "resources", None, "observations is not listed"))
    for resource in resources:
        name = resource.get("name")
        if name not in contract.YEAR_RESOURCES:
            rule = "unknown resource; not in volreport.data.contract.YEAR_RESOURCES"
            problems.append(Problem(file, None, "resources", str(name), rule))
            continue
        path = resource.get("path")
        if path != f"{name}.csv":
            rule = (
                f"path of resource '{name}' must be {name}.csv, a file of the data folder; "
                "no other path is read"
            )
            problems.append(Problem(file, None, "resources", str(path), rule))
            continue
        description, table_schema = contract.YEAR_RESOURCES[name]
        header = contract.csv_header(folder / path) if folder is not None else []
        table_schema = contract.with_translations(table_schema, name, header)
        expected = contract.resource_descriptor(name, description, table_schema)
        if resource != expected:
            rule = (
                f"resource '{name}' differs from volreport.data.contract; "
                "regenerate datapackage.json with contract.write_descriptor"
            )
            problems.append(Problem(file, None, "resources", name, rule))
    return problems


@dataclass(frozen=True)
class Yaml:
    """A parsed YAML file: its data, the line of each top-level key, and its problems."""

    data: object
    lines: dict[str, int]
    problems: list[Problem]


YAML_FINDINGS: dict[str, Yaml] = {}


def read_yaml(path: Path) -> Yaml:
    """A YAML file (params.yml, edition.yml) read safely: no tags, anchors or aliases, no
    control characters in its texts; a problem naming the line where it cannot be read.
    Parsed once per text in a process (edition.yml is read by several checks)."""
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return Yaml(None, {}, [Problem(file, None, None, None, f"not valid UTF-8 YAML: {error}")])
    key = hashlib.sha256(text.encode()).hexdigest()
    parsed = YAML_FINDINGS.get(key)
    if parsed is None:
        parsed = parse_yaml(text, file)
        remember(YAML_FINDINGS, key, parsed)
    problems = [replace(problem, file=file) for problem in parsed.problems]
    return Yaml(copy.deepcopy(parsed.data), dict(parsed.lines), problems)


def parse_yaml(text: str, file: str) -> Yaml:
    """The text of a YAML file parsed as `read_yaml` says."""
    import yaml

    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, yaml.SafeLoader)):
            rule = "YAML aliases (*name) are not allowed; write each value out"
            return Yaml(None, {}, [Problem(file, None, None, None, rule)])
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.SafeLoader("").construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark else None
        return Yaml(None, {}, [Problem(file, row, None, None, f"not valid UTF-8 YAML: {error}")])
    except RecursionError:
        return Yaml(None, {}, [Problem(file, None, None, None, "YAML nested too deeply")])
    lines = {}
    if isinstance(node, yaml.MappingNode):  # name -> line; name.key -> line of its key
        for key, value in node.value:
            lines[str(key.value)] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                for inner, _ in value.value:
                    lines[f"{key.value}.{inner.value}"] = inner.start_mark.line + 1
    return Yaml(data, lines, text_problems(data, file))


def is_scalar(value: object) -> bool:
    """A YAML value that is not a collection."""
    return not isinstance(value, dict | list | set | tuple)


def param_value_problem(
    name: str, entry: object, limits: tuple[float, float, str], file: str, row: int | None
) -> Problem | None:
    """A named parameter must be a finite number in its range."""
    value = entry.get("value") if isinstance(entry, dict) else entry
    low, high, unit = limits
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is not None and math.isfinite(number) and low < number <= high:
        return None
    rule = f"must be a number more than {bound(low)} and at most {bound(high)} {unit}"
    shown_value = None if value is None else str(value)
    return Problem(file, row, name, shown_value, rule)


def params_problems(path: Path) -> tuple[dict | None, list[Problem]]:
    """params.yml, when present: a mapping of entries, each a value or a mapping of values;
    the parameters the contract names (REQUIRED_PARAMS, OPTIONAL_PARAMS) numbers in their
    ranges; `default_wage` a row of a wage table. Returns the parameters when readable."""
    if not path.is_file():
        return None, []
    file = display_path(path)
    parsed = read_yaml(path)
    if parsed.problems and parsed.data is None:
        return None, parsed.problems
    params = {} if parsed.data is None else parsed.data
    if not isinstance(params, dict):
        return None, [Problem(file, None, None, None, "must be a mapping of parameters")]
    problems = list(parsed.problems)
    for name, entry in params.items():
        row = parsed.lines.get(str(name))
        if not isinstance(name, str):
            problems.append(Problem(file, row, str(name), None, "a parameter name is text"))
        elif not is_scalar(entry) and not (
            isinstance(entry, dict)
            and all(isinstance(k, str) and is_scalar(v) for k, v in entry.items())
        ):
            rule = "an entry is a value or a mapping of values (value, unit, status, source, ...)"
            problems.append(Problem(file, row, name, None, rule))
        elif name in contract.REQUIRED_PARAMS or name in contract.OPTIONAL_PARAMS:
            limits = {**contract.REQUIRED_PARAMS, **contract.OPTIONAL_PARAMS}[name]
            row = parsed.lines.get(f"{name}.value", row)
            problems += [p for p in [param_value_problem(name, entry, limits, file, row)] if p]
    spec = params.get("default_wage")
    if spec is not None:
        problems += default_wage_problems(spec, file, parsed.lines.get("default_wage"))
    entries = {
        name: entry
        for name, entry in params.items()
        if isinstance(name, str)
        and isinstance(entry, dict)
        and all(isinstance(k, str) and is_scalar(v) for k, v in entry.items())
    }
    problems += param_unit_problems(entries, file, parsed.lines)
    problems += param_translation_problems(entries, file, parsed.lines)
    return (params if not problems else None), problems


def param_unit_problems(entries: dict, file: str, lines: dict[str, int]) -> list[Problem]:
    """A parameter's unit, when given, is one the report names in every language
    (contract.PARAM_UNITS)."""
    return [
        Problem(file, lines.get(f"{name}.unit", lines.get(name)), f"{name}.unit",
                str(entry["unit"]), "unit must be one of: " + ", ".join(contract.PARAM_UNITS))
        for name, entry in entries.items()
        if entry.get("unit") is not None and entry["unit"] not in contract.PARAM_UNITS
    ]  # fmt: skip


def param_text(value: object) -> bool:
    """A params.yml text (note, formula or a translation of one) with more than white space."""
    return value is not None and bool(str(value).strip())


def param_translation_problems(entries: dict, file: str, lines: dict[str, int]) -> list[Problem]:
    """A translation of a params.yml text (`note_ru`, `formula_kk`: see
    contract.TRANSLATED_PARAM_FIELDS) is whole, like a translation column: once an entry of
    the file has it, every entry whose English text has text has it too, and no entry
    without that English text has one."""
    problems = []
    for english in contract.TRANSLATED_PARAM_FIELDS:
        for language in contract.TEXT_LANGUAGES:
            key = contract.translation_column(english, language)
            if not any(key in entry for entry in entries.values()):
                continue
            for name, entry in entries.items():
                row = lines.get(f"{name}.{key}", lines.get(name))
                if param_text(entry.get(english)) and not param_text(entry.get(key)):
                    rule = (
                        f"{key} is missing or empty, but {english} has text: once an entry has "
                        f"{key}, every entry with a {english} has one (fill it in, or "
                        f"leave {key} out of every entry)"
                    )
                    problems.append(Problem(file, row, f"{name}.{key}", None, rule))
                elif param_text(entry.get(key)) and not param_text(entry.get(english)):
                    rule = f"a translation of nothing: the entry has no {english}"
                    problems.append(Problem(file, row, f"{name}.{key}", str(entry[key]), rule))
    return problems


def default_wage_problems(spec: object, file: str, row: int | None) -> list[Problem]:
    """`default_wage` of params.yml names a row of a wage table: table, region, boundaries."""
    if not isinstance(spec, dict):
        rule = "must be a mapping: table, region, boundaries"
        return [Problem(file, row, "default_wage", None, rule)]
    problems = []
    if spec.get("table", "wages") not in contract.WAGE_TABLES:
        rule = "table must be one of: " + ", ".join(contract.WAGE_TABLES)
        problems.append(Problem(file, row, "default_wage", str(spec.get("table")), rule))
    if spec.get("boundaries", "current") not in contract.BOUNDARIES:
        rule = "boundaries must be one of: " + ", ".join(contract.BOUNDARIES)
        problems.append(Problem(file, row, "default_wage", str(spec.get("boundaries")), rule))
    if not isinstance(spec.get("region", NATIONAL), str):
        rule = "region must be a region code"
        problems.append(Problem(file, row, "default_wage", str(spec.get("region")), rule))
    return problems


def edition_problems(path: Path) -> list[Problem]:
    """edition.yml, when present, must follow the edition contract (volreport.data.edition)."""
    if not path.is_file():
        return []
    parsed = read_yaml(path)
    if parsed.problems:
        return parsed.problems
    return [
        Problem(display_path(path), None, key or None, None, rule)
        for key, rule in edition.problems(parsed.data)
    ]


SHORTCODE = re.compile(r"\{\{<\s*var\s+([\w.-]+)\s*>\}\}")


def shortcodes(text: str) -> list[str]:
    """The names of the `{{< var name >}}` shortcodes of a text, sorted, with repeats."""
    return sorted(SHORTCODE.findall(text))


TRANSLATED_SOURCE_FIELDS = ("cite_as", "title")  # of published_source; path is not translated


def source_translation_mismatches(english: object, source: object) -> list[tuple[str, str]]:
    """(key, rule) for a translated published_source: cite_as and title, both, as text."""
    if source is None and not isinstance(english, dict):
        return []
    if not isinstance(english, dict):
        return [("published_source", "edition.yml declares no published source")]
    if not isinstance(source, dict):
        rule = "missing: must translate cite_as and title of edition.yml's published_source"
        return [("published_source", rule)]
    found = [
        (f"published_source.{key}", "not a text to translate (only cite_as, title)")
        for key in source
        if key not in TRANSLATED_SOURCE_FIELDS
    ]
    return found + [
        (f"published_source.{key}", "must be text (the translation of edition.yml's)")
        for key in TRANSLATED_SOURCE_FIELDS
        if not has_text(source.get(key))
    ]


def notes_translation_mismatches(english: object, notes: object) -> list[tuple[str, str]]:
    """(key, rule) for translated method_notes: every chapter of edition.yml and no other,
    as many notes, each with the same {{< var >}} shortcodes."""
    english = english if isinstance(english, dict) else {}
    notes = {} if notes is None else notes
    if not isinstance(notes, dict):
        return [("method_notes", "must map chapter names to lists of notes")]
    found = [
        (f"method_notes.{chapter}", "missing: edition.yml has notes for this chapter")
        for chapter in english
        if chapter not in notes
    ]
    for chapter, items in notes.items():
        key = f"method_notes.{chapter}"
        original = english.get(chapter)
        if not isinstance(original, list):
            found.append((key, "edition.yml has no notes for this chapter"))
        elif not isinstance(items, list) or not all(has_text(item) for item in items):
            found.append((key, "must be a list of texts"))
        elif len(items) != len(original):
            found.append((key, f"{len(items)} notes; edition.yml has {len(original)}"))
        else:
            found += [
                (
                    f"{key}[{i}]",
                    "{{< var >}} shortcodes differ from edition.yml's: "
                    + ", ".join(shortcodes(str(english_note))),
                )
                for i, (english_note, note) in enumerate(zip(original, items, strict=True))
                if shortcodes(str(english_note)) != shortcodes(note)
            ]
    return found


def edition_translation_mismatches(english: object, translated: object) -> list[tuple[str, str]]:
    """(key, rule) for every way a translation of edition.yml (parsed YAML) does not match
    the English one. A translation is whole: the texts of edition.yml and nothing else
    (published_source: cite_as and title; method_notes: every chapter, as many notes, each
    note with the same {{< var >}} shortcodes)."""
    if translated is None:
        return []
    if not isinstance(translated, dict):
        return [("", "must be a mapping with the keys published_source, method_notes")]
    english = english if isinstance(english, dict) else {}
    found = [(str(key), "unknown key") for key in translated if key not in edition.TOP_LEVEL_KEYS]
    found += source_translation_mismatches(
        english.get("published_source"), translated.get("published_source")
    )
    return found + notes_translation_mismatches(
        english.get("method_notes"), translated.get("method_notes")
    )


def edition_translation_problems(folder: Path) -> list[Problem]:
    """Each edition.<language>.yml of the vintage translates its edition.yml (see
    `edition_translation_mismatches`)."""
    problems = []
    english = folder / edition.EDITION_FILE
    for name in contract.EDITION_TRANSLATIONS:
        path = folder / name
        if not path.is_file():
            continue
        file = display_path(path)
        if not english.is_file():
            rule = f"a translation of {edition.EDITION_FILE}, which the vintage does not have"
            problems.append(Problem(file, None, None, None, rule))
            continue
        parsed = read_yaml(path)
        if parsed.problems:
            problems += parsed.problems
            continue
        original = read_yaml(english)
        problems += [
            Problem(file, parsed.lines.get(key.split(".")[0]), key or None, None, rule)
            for key, rule in edition_translation_mismatches(original.data, parsed.data)
        ]
    return problems


# --- what the build needs ----------------------------------------------------------------------


def observation_gaps(obs: pd.DataFrame, year: int, file: str) -> list[Problem]:
    """observations.csv has rows, and the national rows of the year the chapters read."""
    if obs.dropna(how="all").empty:
        rule = (
            "no rows; the build needs at least the national figures of the year "
            "(contract.BUILD_OBSERVATIONS; a gap is a row with status missing)"
        )
        return [Problem(file, None, None, None, rule)]
    national = obs[(obs["year"] == str(year)) & (obs["region"] == NATIONAL)]
    present = set(zip(national["indicator"], national["category"].fillna(""), strict=True))
    absent = [key for key in contract.BUILD_OBSERVATIONS if key not in present]
    if not absent:
        return []
    names = ", ".join(f"{i} ({c})" if c else i for i, c in absent)
    rule = (
        f"no national ({NATIONAL}) row of {year} for {names}; the chapters read them "
        "(a gap is a row with status missing)"
    )
    return [Problem(file, None, "indicator", None, rule)]


def wage_gaps(
    tables: dict[str, pd.DataFrame], params: dict | None, files: dict[str, str]
) -> list[Problem]:
    """The wage the economic chapter values hours at, regional wages, occupation wages."""
    problems = []
    spec = (params or {}).get("default_wage") or {}
    region = spec.get("region", NATIONAL)
    boundaries = spec.get("boundaries", "current")
    if "wages" in tables:
        wages = tables["wages"]
        rows = wages[(wages["region"] == region) & (wages["boundaries"] == boundaries)]
        if len(rows) != 1 or rows["wage_kzt"].isna().any():
            rule = (
                f"no wage for region {region}, boundaries {boundaries}; the economic chapter "
                "values the hours at it (params.yml default_wage, national by default)"
            )
            problems.append(Problem(files["wages"], None, "wage_kzt", None, rule))
        regional = wages[(wages["region"] != NATIONAL) & (wages["status"] == "reported")]
        if regional.empty:
            rule = (
                "no regional wage with status reported; the economic chapter shows the "
                "lowest and the highest"
            )
            problems.append(Problem(files["wages"], None, "region", None, rule))
    if "wages_by_occupation" in tables and tables["wages_by_occupation"].empty:
        rule = "no rows; the economic chapter shows the lowest and highest occupation wage"
        problems.append(Problem(files["wages_by_occupation"], None, None, None, rule))
    return problems


def build_gaps(
    folder: Path,
    year: int,
    names: list[str],
    tables: dict[str, pd.DataFrame],
    files: dict[str, str],
    params: dict | None,
) -> list[Problem]:
    """What a build needs that the vintage lacks (contract.BUILD_RESOURCES, the national rows
    of BUILD_OBSERVATIONS, REQUIRED_PARAMS, the national population and wage). Tables that
    could not be read are skipped: their problems are reported already."""
    problems = [
        Problem(
            display_path(folder / f"{name}.csv"),
            None,
            None,
            None,
            "missing from the vintage (not a resource of datapackage.json); the build reads it",
        )
        for name in contract.BUILD_RESOURCES
        if name not in names
    ]
    params_path = folder / "params.yml"
    if not params_path.is_file():
        rule = "file is missing; the economic chapter needs " + ", ".join(contract.REQUIRED_PARAMS)
        problems.append(Problem(display_path(params_path), None, None, None, rule))
    elif params is not None:
        problems += [
            Problem(display_path(params_path), None, name, None, "missing; the build needs it")
            for name in contract.REQUIRED_PARAMS
            if name not in params
        ]
    if "observations" in tables:
        problems += observation_gaps(tables["observations"], year, files["observations"])
    if "population" in tables:
        population = tables["population"]
        latest = f"{year + 1}-01-01"
        national = population[
            (population["region"] == NATIONAL) & (population["date"].fillna("") <= latest)
        ]
        if national.empty:
            rule = (
                f"no national ({NATIONAL}) population on or before {latest}; the chapters "
                "compute the rates per person from it"
            )
            problems.append(Problem(files["population"], None, "population", None, rule))
    return problems + wage_gaps(tables, params, files)


def validate_year(
    year: int,
    data_dir: Path | str | None = None,
    *,
    reference_dir: Path | str | None = None,
    needs: list[Problem] | None = None,
) -> list[Problem]:
    """Every problem of a vintage (data/<year>/ or `data_dir`) and of the reference tables.

    An empty list means the folder meets the data contract and holds what a build needs.
    With a list as `needs`, what only the build needs (`build_gaps`) goes there instead
    (ingest writes a vintage the analysts complete later). A file beyond a limit of the
    contract, or a link, is refused before anything is parsed: then only that is reported.
    """
    folder = paths.year_data_dir(year, data_dir)
    if not folder.is_dir():
        return [Problem(display_path(folder), None, None, None, "data folder does not exist")]
    reference_root = Path(reference_dir) if reference_dir else paths.REFERENCE_DIR
    scan = intake(folder, contract.YEAR_RESOURCES, reference_root)
    if scan.refusals:
        return sort_problems(scan.refusals)
    descriptor_path = folder / "datapackage.json"
    problems, descriptor = read_descriptor(descriptor_path)
    vintage_year = folder_year(folder, descriptor, year)
    if descriptor is None:
        descriptor = contract.year_descriptor(vintage_year)  # still check the files
    else:
        problems += descriptor_problems(
            descriptor, vintage_year, year, display_path(descriptor_path), folder
        )
        if not resources_ok(descriptor):
            descriptor = contract.year_descriptor(vintage_year)  # check the files still
    names = [
        r["name"]
        for r in descriptor.get("resources", [])
        if r.get("name") in contract.YEAR_RESOURCES
    ]
    names = list(dict.fromkeys(names if "observations" in names else ["observations", *names]))
    problems += unexpected_files(folder, (f"{name}.csv" for name in names))
    problems += scan.problems
    params, found = params_problems(folder / "params.yml")
    problems += found
    problems += edition_problems(folder / edition.EDITION_FILE)
    problems += edition_translation_problems(folder)

    reference_problems, reference = check_reference(reference_root)
    problems += reference_problems

    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for name in names:
        path = folder / f"{name}.csv"
        files[name] = display_path(path)
        table_problems, frame = check_table(path, contract.YEAR_RESOURCES[name][1], name)
        problems += table_problems
        if frame is not None:
            tables[name] = frame
    if "observations" in tables:
        problems += observation_problems(
            tables["observations"], reference, vintage_year, files["observations"]
        )
    problems += record_problems(tables, reference, vintage_year, files)
    gaps = build_gaps(folder, vintage_year, names, tables, files, params if not found else None)
    if needs is None:
        problems += gaps
    else:
        needs += gaps
    return sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Group by file in first-seen order, then by row (file-level problems first)."""
    order = {file: i for i, file in reversed(list(enumerate(p.file for p in problems)))}
    return sorted(problems, key=lambda p: (order[p.file], p.row or 0))


def validation_digest(year: int, folder: Path, reference: Path) -> str:
    """Digest of a vintage, the reference tables and the rules: equal digest, equal verdict."""
    digest = hashlib.sha256(str(year).encode())
    rules = [Path(__file__), Path(contract.__file__)]
    for path in sorted([*folder.rglob("*"), *reference.rglob("*")]) + rules:
        if path.is_file() and not path.is_symlink():
            digest.update(f"{path.name}\0{paths.file_digest(path)}\0".encode())
    return digest.hexdigest()


def require_valid(
    year: int,
    data_dir: Path | str | None = None,
    *,
    reference_dir: Path | str | None = None,
    build_dir: Path | str | None = None,
) -> None:
    """Raise ValidationError listing every problem, unless the vintage is valid.

    A pass is remembered under <build_dir>/validated/ (default _build/) by content digest,
    so the chapter notebooks of a build do not repeat the check the build just made on the
    same bytes. Files beyond the contract's limits, and links, are refused before anything
    is read or hashed.
    """
    folder = paths.year_data_dir(year, data_dir)
    reference = Path(reference_dir) if reference_dir else paths.REFERENCE_DIR
    if folder.is_dir():
        refusals = intake(folder, contract.YEAR_RESOURCES, reference).refusals
        if refusals:
            raise ValidationError(sort_problems(refusals))
    root = Path(build_dir) if build_dir else paths.BUILD_DIR
    stamp = root / "validated" / validation_digest(year, folder, reference)
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
        prog="python -m volreport.data.validate",
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
