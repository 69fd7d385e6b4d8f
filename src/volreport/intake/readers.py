"""Reading what an analyst hands to `volreport ingest`: file safety, returned workbooks,
record logs, official tables and the previous vintage.

Every input is untrusted. A file is checked before it is parsed (size, encryption, a ZIP
that unpacks too far, XML declaring entities), then each cell or row is checked against
its rule. Nothing here raises on bad input: each reader returns what it read and every
problem it found, each with its place (`KZ-71_astana.xlsx, hours, C7: ...`,
`events.csv:12: column 'hours' ...`), so that one run names them all.
"""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from volreport.core import fmt
from volreport.data import contract, validate
from volreport.data.contract import NATIONAL
from volreport.data.dataset import read_csv
from volreport.intake import forms

# Limits of the data contract (volreport.data.contract), checked before a file is parsed.
MAX_WORKBOOK_BYTES = contract.MAX_WORKBOOK_BYTES  # a filled form is ~20 KB
MAX_UNZIPPED_BYTES = contract.MAX_UNZIPPED_BYTES  # guards against zip bombs in a workbook
MAX_TABLE_BYTES = contract.MAX_TABLE_BYTES  # official tables and params.yml
MAX_LOG_BYTES = contract.MAX_LOG_BYTES  # record logs: a million events is ~60 MB
MAX_LOG_PROBLEMS = 200  # per log; the rest are counted, not listed
MAX_TEXT_LENGTH = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # encrypted .xlsx or legacy .xls
OFFICIAL_FILES = ("population.csv", "wages.csv", "wages_by_occupation.csv", "params.yml")
LOG_COLUMNS = contract.LOG_COLUMNS  # the logs ingest reads are those a vintage keeps
NO_FORM = "no form returned"  # the file of a unit's return when it sent none


# --- problems ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellProblem:
    """A problem in a returned workbook: file, sheet and cell (sheet None: the whole file)."""

    workbook: str
    sheet: str | None
    cell: str | None
    rule: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.workbook, self.sheet, self.cell) if part)
        return f"{where}: {self.rule}"


class IngestError(ValueError):
    """Every problem found in one run, one per line; nothing was written."""

    def __init__(self, problems: Iterable[object]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s); nothing was written:\n{lines}")


# --- returns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure of a return: value (None: left empty), qualifier, and where it was read."""

    value: float | None
    qualifier: str
    where: str


@dataclass
class FormReturn:
    """The figures of one returned form: (indicator, category) -> Figure, and the RFO level."""

    code: str
    file: str
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)
    level: str | None = None

    def value(self, indicator: str, category: str = "") -> float | None:
        """The value of a figure; None when left empty or not on this form."""
        figure = self.figures.get((indicator, category))
        return None if figure is None else figure.value


# --- file safety ---------------------------------------------------------------------------


def file_problem(path: Path, limit: int) -> str | None:
    """Why a file cannot be opened at all (missing, too large), or None."""
    if not path.is_file():
        return "file not found"
    size = path.stat().st_size
    if size > limit:
        return f"file is {size / 1024**2:.1f} MB, more than the limit of {limit / 1024**2:g} MB"
    return None


def workbook_problem(path: Path) -> str | None:
    """Why a workbook is refused before openpyxl reads it: size, encryption, not a ZIP."""
    problem = file_problem(path, MAX_WORKBOOK_BYTES)
    if problem:
        return problem
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE2_MAGIC:
        return (
            "encrypted (password-protected) workbook or old .xls format: remove the password "
            "and save as .xlsx"
        )
    if not head.startswith(ZIP_MAGIC):
        return "not an .xlsx workbook (not a ZIP file)"
    try:
        with zipfile.ZipFile(path) as archive:
            return archive_problem(archive)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        return "not an .xlsx workbook (damaged ZIP file)"


def archive_problem(archive: zipfile.ZipFile) -> str | None:
    """Why the ZIP archive of a workbook is refused: it unpacks too far, or its XML
    declares entities; None when neither."""
    unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > MAX_UNZIPPED_BYTES:
        return (
            f"unpacks to {unzipped / 1024**2:.0f} MB, more than {MAX_UNZIPPED_BYTES // 1024**2} MB"
        )
    if any(declares_entities(archive, info) for info in archive.infolist()):
        return (
            "its XML declares a document type or entities, which a workbook saved by "
            "Excel never does (an XXE or entity-expansion attack?); not read"
        )
    return None


def declares_entities(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when an XML part of a workbook has a DTD or an entity declaration in its first
    64 KB (the prolog, where a DTD stands). openpyxl reads with defusedxml, which refuses
    them anyway; this names the reason before any XML is parsed."""
    if not info.filename.endswith((".xml", ".rels", ".vml")):
        return False
    with archive.open(info) as part:
        head = part.read(64 * 1024)
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def open_workbook(path: Path) -> tuple[Any, Any]:
    """(values, formulas) openpyxl workbooks: cached values, and the cells' formulas."""
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # without it, entities in a workbook's XML would be expanded (XXE)
        raise RuntimeError("defusedxml is not installed; workbooks are not read without it")
    values = load_workbook(path, data_only=True, read_only=False)
    formulas = load_workbook(path, data_only=False, read_only=False)
    return values, formulas


# --- cells of a returned workbook -----------------------------------------------------------


def parse_value(raw: object, kind: str, choices: tuple[str, ...] = ()) -> tuple[object, str | None]:
    """A cell's value by the input kind: (parsed, None) or (None, rule broken).

    Empty cells give None (a gap). Counts are whole numbers >= 0, amounts numbers >= 0
    (typed as numbers, or as plain digits in a text cell), choices one of `choices`.
    Numbers are finite and at most the plausible maximum of their kind
    (`forms.KIND_MAXIMUM`, from the contract's plausible ranges).
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if kind == forms.CHOICE:
        text = str(raw).strip()
        if text in choices:
            return text, None
        return None, f"{raw!r} is not one of: {', '.join(choices)}"
    number = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    elif isinstance(raw, str) and re.fullmatch(r"\d+(\.\d+)?", raw.strip()):
        number = float(raw.strip())
    if kind == forms.COUNT:
        if number is None or not math.isfinite(number) or number < 0 or not number.is_integer():
            return None, f"{raw!r} is not a whole number ≥ 0"
    elif number is None or not math.isfinite(number) or number < 0:
        return None, f"{raw!r} is not a number ≥ 0"
    maximum = forms.KIND_MAXIMUM[kind]
    if number > maximum:
        return None, (
            f"{raw!r} is more than {fmt.number(maximum)}, the plausible maximum; a typing or unit "
            "error?"
        )
    return (int(number) if kind == forms.COUNT else number), None


def cell_value(values_sheet, formulas_sheet, ref: str) -> tuple[object, str | None]:
    """A cell's cached value; a formula without a cached value is a problem."""
    raw = values_sheet[ref].value
    formula = formulas_sheet[ref].value
    if raw is None and isinstance(formula, str) and formula.startswith("="):
        return None, (
            f"formula {formula!r} has no saved value; open the file in Excel and save it, "
            "or type the number"
        )
    return raw, None


def read_cell(
    values_sheet, formulas_sheet, ref: str, kind: str, choices: tuple[str, ...] = ()
) -> tuple[object, str | None]:
    """A cell's value parsed by its input kind: (parsed, None) or (None, rule broken)."""
    raw, rule = cell_value(values_sheet, formulas_sheet, ref)
    if rule:
        return None, rule
    return parse_value(raw, kind, choices)


def read_qualifier(values_sheet, formulas_sheet, ref: str | None) -> tuple[str, str | None]:
    """The qualifier chosen in the cell `ref` beside a figure ('exact' when the figure has
    none or it is left empty), and the rule it breaks, if any."""
    if not ref:
        return "exact", None
    chosen, rule = read_cell(values_sheet, formulas_sheet, ref, forms.CHOICE, contract.QUALIFIERS)
    return str(chosen or "exact"), rule


def meta_of(book, name: str) -> tuple[dict, list[CellProblem]]:
    """The form's metadata (year, region) from its hidden sheet."""
    if forms.META_SHEET not in book.sheetnames:
        rule = "not a volreport return form (no metadata sheet); use the forms from volreport"
        return {}, [CellProblem(name, None, None, rule)]
    sheet = book[forms.META_SHEET]
    meta = {sheet[f"A{row}"].value: sheet[f"B{row}"].value for row in (1, 2, 3)}
    if meta.get(forms.FORM_MARK) != forms.FORM_VERSION:
        rule = f"form version {meta.get(forms.FORM_MARK)!r}, expected {forms.FORM_VERSION}"
        return {}, [CellProblem(name, forms.META_SHEET, "B1", rule)]
    return meta, []


def form_unit(
    book, name: str, year: int, reference: dict[str, pd.DataFrame]
) -> tuple[str | None, list[CellProblem]]:
    """The code of the unit a workbook is the return of, when it is a form of `year` for a
    unit the forms are made for; else None and why."""
    meta, problems = meta_of(book, name)
    if problems:
        return None, problems
    if meta.get("year") != year:
        rule = f"this form is for {meta.get('year')}, not {year}"
        return None, [CellProblem(name, forms.META_SHEET, "B2", rule)]
    if meta.get("region") not in set(forms.form_units(reference)["code"]):
        rule = f"unknown region code {meta.get('region')!r}"
        return None, [CellProblem(name, forms.META_SHEET, "B3", rule)]
    return str(meta["region"]), []


def read_sheet(result: FormReturn, spec, values_sheet, formulas_sheet) -> list[CellProblem]:
    """The figures of one sheet of a form into `result`; the problems of its cells."""
    problems = []
    for cell in spec.cells:
        parsed, rule = read_cell(values_sheet, formulas_sheet, cell.cell, cell.kind, cell.choices)
        if rule:
            problems.append(CellProblem(result.file, spec.name, cell.cell, rule))
            continue
        if cell.indicator == forms.RFO_LEVEL:
            result.level = parsed  # type: ignore[assignment]  # a choice: text or None
            continue
        qualifier, rule = read_qualifier(values_sheet, formulas_sheet, cell.qualifier_cell)
        if rule:
            problems.append(CellProblem(result.file, spec.name, cell.qualifier_cell, rule))
        where = f"{result.file}, {spec.name}, {cell.cell}"
        result.figures[(cell.indicator, cell.category)] = Figure(parsed, qualifier, where)  # type: ignore[arg-type]
    return problems


def read_return(
    path: Path, year: int, reference: dict[str, pd.DataFrame]
) -> tuple[FormReturn | None, list[CellProblem]]:
    """One returned workbook: its figures, or every problem found in it."""
    name = path.name
    refused = workbook_problem(path)
    if refused:
        return None, [CellProblem(name, None, None, refused)]
    try:
        values, formulas = open_workbook(path)
    except Exception as error:  # openpyxl raises many types on damaged files
        reason = " ".join(str(error).split())  # openpyxl's messages span lines
        return None, [CellProblem(name, None, None, f"cannot be read as a workbook ({reason})")]
    code, problems = form_unit(values, name, year, reference)
    if code is None:
        return None, problems
    result = FormReturn(code=code, file=name)
    for spec in forms.sheets_for(code, reference):
        if spec.name not in values.sheetnames:
            problems.append(CellProblem(name, spec.name, None, "sheet is missing"))
            continue
        problems += read_sheet(result, spec, values[spec.name], formulas[spec.name])
    return result, problems


# --- record logs ---------------------------------------------------------------------------


def text_problems(frame: pd.DataFrame, columns: Iterable[str], file: str) -> list:
    """Free text must not start like a spreadsheet formula nor hold control characters."""
    problems = []
    for column in columns:
        cells = frame[column].dropna()
        bad = cells[
            cells.str.startswith(contract.FORMULA_PREFIXES)
            | cells.str.contains(r"[\x00-\x1f\x7f]", regex=True)
            | (cells.str.len() > MAX_TEXT_LENGTH)
        ]
        rule = (
            "text must not start with = + - @, hold control characters or exceed "
            f"{MAX_TEXT_LENGTH} characters"
        )
        problems += [
            validate.Problem(file, int(row), column, value, rule) for row, value in bad.items()
        ]
    return problems


def enum_problems(
    frame: pd.DataFrame, column: str, allowed: Iterable[str], file: str, *, required: bool
) -> list:
    """Cells of `column` outside `allowed` (empty cells too when required)."""
    allowed = set(allowed)
    cells = frame[column]
    bad = cells[~cells.isin(allowed) & (cells.notna() | required)]
    rule = "must be one of: " + ", ".join(sorted(allowed))
    return [
        validate.Problem(file, int(r), column, v if isinstance(v, str) else None, rule)
        for r, v in bad.items()
    ]


def number_problems(frame: pd.DataFrame, column: str, file: str, *, whole: bool) -> list:
    """Required finite numbers >= 0 (whole numbers when `whole`), at most the plausible
    maximum of their kind (forms.KIND_MAXIMUM)."""
    numbers = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    maximum = forms.KIND_MAXIMUM[forms.COUNT if whole else forms.AMOUNT]
    bad = ~numbers.between(0, maximum)  # NaN, inf and out of range alike
    if whole:
        bad |= numbers.notna() & (numbers % 1 != 0)
    kind = "whole number" if whole else "number"
    rule = f"not a finite {kind} ≥ 0 and at most {fmt.number(maximum)}"
    return [
        validate.Problem(file, int(r), column, frame.at[r, column], rule) for r in frame.index[bad]
    ]


def date_problems(frame: pd.DataFrame, year: int, file: str) -> list:
    """Dates are YYYY-MM-DD within the report year."""
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna() | (dates.dt.year != year)
    rule = f"not a date of {year} (YYYY-MM-DD)"
    return [
        validate.Problem(file, int(r), "date", frame.at[r, "date"], rule) for r in frame.index[bad]
    ]


def event_problems(frame: pd.DataFrame, regional: set[str], file: str) -> list:
    """Rows of an events log: a current region, an area and a format of the reference
    tables, whole volunteers and hours within their plausible maxima."""
    problems = enum_problems(frame, "region", regional, file, required=True)
    problems += enum_problems(frame, "area", contract.CATEGORY_SETS["area"], file, required=True)
    formats = contract.CATEGORY_SETS["format"]
    problems += enum_problems(frame, "format", formats, file, required=True)
    problems += number_problems(frame, "volunteers", file, whole=True)
    problems += number_problems(frame, "hours", file, whole=False)
    return problems


def inquiry_problems(frame: pd.DataFrame, regional: set[str], file: str) -> list:
    """Rows of an inquiries log: sex and region when given, whether the inquiry is about
    volunteering, and free text that cannot act as a formula."""
    problems = enum_problems(frame, "sex", contract.CATEGORY_SETS["sex"], file, required=False)
    problems += enum_problems(frame, "region", regional, file, required=False)
    problems += enum_problems(
        frame, "related_to_volunteering", ("true", "false"), file, required=True
    )
    problems += text_problems(frame, ("channel", "topic", "country"), file)
    return problems


def read_log(
    path: Path, year: int, reference: dict[str, pd.DataFrame]
) -> tuple[pd.DataFrame | None, list]:
    """A record log as text cells (index = spreadsheet row), and its problems."""
    file = path.name
    problem = file_problem(path, MAX_LOG_BYTES)
    if problem:
        return None, [validate.Problem(file, None, None, None, problem)]
    columns = LOG_COLUMNS[file]
    preflight = validate.preflight_csv(path, columns)
    if preflight.encoding is None or preflight.problems:
        return None, [
            validate.Problem(file, p.row, p.column, p.value, p.rule) for p in preflight.problems
        ]
    frame = validate.read_table(path, preflight.encoding)
    if frame.empty:
        return frame, []
    regions = forms.form_units(reference)
    regional = set(regions.loc[regions["code"] != NATIONAL, "code"])
    rows = event_problems if file == "events.csv" else inquiry_problems
    problems = date_problems(frame, year, file) + rows(frame, regional, file)
    if len(problems) > MAX_LOG_PROBLEMS:
        more = len(problems) - MAX_LOG_PROBLEMS
        problems = problems[:MAX_LOG_PROBLEMS] + [
            validate.Problem(file, None, None, None, f"... and {more} more problems")
        ]
    return frame, problems


# --- official tables, file names, the previous vintage --------------------------------------


def classify(
    files: Iterable[Path | str],
) -> tuple[list[Path], dict[str, Path], dict[str, Path], list]:
    """(workbooks, logs, official files, problems) by file name."""
    workbooks: list[Path] = []
    logs: dict[str, Path] = {}
    official: dict[str, Path] = {}
    problems: list = []
    for path in map(Path, files):
        if path.suffix.lower() == ".xlsx":
            workbooks.append(path)
        elif path.name in LOG_COLUMNS:
            logs[path.name] = path
        elif path.name in OFFICIAL_FILES:
            problem = file_problem(path, MAX_TABLE_BYTES)
            if problem:
                problems.append(validate.Problem(path.name, None, None, None, problem))
            official[path.name] = path
        else:
            known = ", ".join(["*.xlsx", *LOG_COLUMNS, *OFFICIAL_FILES])
            problems.append(
                validate.Problem(
                    path.name, None, None, None, f"unknown input; expected one of {known}"
                )
            )
    return workbooks, logs, official, problems


def official_problems(official: dict[str, Path]) -> list:
    """The official tables and params.yml checked as the vintage will be (limits, types,
    finite and plausible numbers, control characters) before ingest reads any of them."""
    problems: list = []
    for name, path in official.items():
        if not path.is_file() or path.stat().st_size > MAX_TABLE_BYTES:
            continue  # reported by classify
        if name == "params.yml":
            problems += validate.params_problems(path)[1]
        else:
            resource = Path(name).stem
            problems += validate.check_file(path, contract.YEAR_RESOURCES[resource][1], resource)[0]
    return problems


def previous_observations(folder: Path) -> tuple[pd.DataFrame | None, list]:
    """Last year's observations when its vintage has them, checked before they are read."""
    path = folder / "observations.csv"
    if not path.is_file() and not path.is_symlink():
        return None, []
    problems, _ = validate.check_file(path, contract.OBSERVATIONS, "observations")
    return (None if problems else read_csv(path)), problems


def previous_translations(folder: Path) -> tuple[dict[str, dict[str, str]], list]:
    """The translations of the sources of last year's vintage (its sources.csv), checked
    before they are read: English source -> language -> text. The rows this vintage copies
    from that one keep their sources, and so the translations of them."""
    path = folder / "sources.csv"
    if not path.is_file() and not path.is_symlink():
        return {}, []
    problems, _ = validate.check_file(path, contract.SOURCES, "sources")  # with translations
    if problems:
        return {}, problems
    frame = read_csv(path)
    found: dict[str, dict[str, str]] = {}
    for language in contract.TEXT_LANGUAGES:
        column = contract.translation_column("source", language)
        if column not in frame.columns:
            continue
        for source, text in zip(frame["source"], frame[column], strict=True):
            if not pd.isna(source) and not pd.isna(text):
                found.setdefault(str(source), {})[language] = str(text)
    return found, problems
