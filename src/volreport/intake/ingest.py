"""Ingest a new year: returned form workbooks and record logs into a vintage `data/<year>/`.

    volreport ingest --year 2023 returns/*.xlsx [events.csv inquiries.csv]
                     [population.csv wages.csv wages_by_occupation.csv params.yml] [--force]

Files are recognised by name: `*.xlsx` are return forms (`volreport.intake.forms`), `events.csv`
and `inquiries.csv` record logs (LOG_COLUMNS), and the official tables and `params.yml` are
copied as given (the analyst prepares them for the year; see `OFFICIAL_FILES`).

Every input is untrusted. Files larger than the documented limits, encrypted workbooks,
files that are not workbooks and cells that break a rule are all reported in one run, each
with its place (`KZ-71_astana.xlsx, hours, C7: ...`, `events.csv:12: column 'hours' ...`),
and nothing is written. Otherwise the figures are aggregated to the data contract
(`assemble`): each region's figures as reported, the year before's as the previous
vintage holds them, then national totals, shares, changes and per-capita figures as
derived by the return-form rules of `volreport.data.derive` (formula in the row's note; the
same functions check them: `python -m volreport.data.derive --check YEAR`), and the record
tables the forms cover. The vintage is written to a temporary folder, described
(`contract.write_descriptor`), validated (`validate.validate_year`) and only then
renamed into place.

A new year has no published report behind it: each row names the return form, record log
or official table it comes from (`form_sources`), datapackage.json declares exactly those
(`descriptor_sources`), and no edition.yml is written, so the report neither quotes nor
checks a published source for that year.
"""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from volreport.core import paths
from volreport.data import contract, derive, validate
from volreport.data.derive import InquiryFigures, aggregate_inquiries
from volreport.intake import forms

NATIONAL = "KZ"
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
# Record tables the forms do not cover; written with their header only, for the analysts.
ANALYST_TABLES = ("grant_projects", "unrecorded_initiatives", "grantee_feedback")
SPLITS = {  # count indicators whose parts add up to the volunteers total
    "volunteers_by_sex": "volunteers_share_by_sex",
    "volunteers_by_age": "volunteers_share_by_age",
    "volunteers_by_employment": "volunteers_share_by_employment",
}
NATIONAL_FORM = (  # figures only the national front office holds
    ("volunteers_estimate", ""),
    ("volunteers_systematic", ""),
    ("grant_hours_total", ""),
    ("grant_volunteers_total", ""),
    ("grant_events_total", ""),
    ("inquiries", "volunteering"),
    ("inquiries", "other"),
)
NOT_COLLECTED = (  # report-level figures no form collects: kept as gaps for the analysts
    ("data_coverage_pct", "low"),
    ("data_coverage_pct", "high"),
    ("unrecorded_hours_added", ""),
    ("unrecorded_hours_added_pct", ""),
    ("economic_value_kzt", ""),
    ("economic_value_kzt_sector_low", ""),
    ("economic_value_kzt_sector_high", ""),
    ("fte_equivalent", ""),
)
LOG_CHUNK_ROWS = 100_000


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


# --- reading workbooks ---------------------------------------------------------------------


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
            unzipped = sum(info.file_size for info in archive.infolist())
            if unzipped > MAX_UNZIPPED_BYTES:
                return (
                    f"unpacks to {unzipped / 1024**2:.0f} MB, more than "
                    f"{MAX_UNZIPPED_BYTES // 1024**2} MB"
                )
            if any(declares_entities(archive, info) for info in archive.infolist()):
                return (
                    "its XML declares a document type or entities, which a workbook saved by "
                    "Excel never does (an XXE or entity-expansion attack?); not read"
                )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        return "not an .xlsx workbook (damaged ZIP file)"
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


def open_workbook(path: Path):
    """(values, formulas) openpyxl workbooks: cached values, and the cells' formulas."""
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # without it, entities in a workbook's XML would be expanded (XXE)
        raise RuntimeError("defusedxml is not installed; workbooks are not read without it")
    values = load_workbook(path, data_only=True, read_only=False)
    formulas = load_workbook(path, data_only=False, read_only=False)
    return values, formulas


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
            f"{raw!r} is more than {maximum:,.0f}, the plausible maximum; a typing or unit error?"
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
    meta, problems = meta_of(values, name)
    if problems:
        return None, problems
    codes = set(forms.form_units(reference)["code"])
    if meta.get("year") != year:
        rule = f"this form is for {meta.get('year')}, not {year}"
        return None, [CellProblem(name, forms.META_SHEET, "B2", rule)]
    if meta.get("region") not in codes:
        rule = f"unknown region code {meta.get('region')!r}"
        return None, [CellProblem(name, forms.META_SHEET, "B3", rule)]
    result = FormReturn(code=meta["region"], file=name)
    for spec in forms.sheets_for(result.code, reference):
        if spec.name not in values.sheetnames:
            problems.append(CellProblem(name, spec.name, None, "sheet is missing"))
            continue
        for cell in spec.cells:
            where = f"{name}, {spec.name}, {cell.cell}"
            raw, rule = cell_value(values[spec.name], formulas[spec.name], cell.cell)
            parsed = None
            if rule is None:
                parsed, rule = parse_value(raw, cell.kind, cell.choices)
            if rule:
                problems.append(CellProblem(name, spec.name, cell.cell, rule))
                continue
            if cell.indicator == forms.RFO_LEVEL:
                result.level = parsed
                continue
            qualifier = "exact"
            if cell.qualifier_cell:
                raw_q, rule = cell_value(
                    values[spec.name], formulas[spec.name], cell.qualifier_cell
                )
                chosen, rule = (
                    (None, rule) if rule else parse_value(raw_q, forms.CHOICE, contract.QUALIFIERS)
                )
                if rule:
                    problems.append(CellProblem(name, spec.name, cell.qualifier_cell, rule))
                qualifier = chosen or "exact"
            result.figures[(cell.indicator, cell.category)] = Figure(parsed, qualifier, where)
    return result, problems


def split_problems(ret: FormReturn, reference: dict[str, pd.DataFrame]) -> list[CellProblem]:
    """Splits of a region's volunteers, hours and events must add up to their totals."""
    problems = []
    total = ret.figures.get(("volunteers", ""))
    for indicator in SPLITS:
        parts = [f for (ind, _), f in ret.figures.items() if ind == indicator]
        if total is None or total.value is None or any(p.value is None for p in parts):
            continue
        found = sum(p.value for p in parts)
        if found != total.value:
            sheet, cell = total.where.split(", ")[1:]
            rule = (
                f"{indicator.replace('_', ' ')} adds up to {found:g}, not the total {total.value:g}"
            )
            problems.append(CellProblem(ret.file, sheet, cell, rule))
    for by_area, by_format in (("hours", "hours_by_format"), ("events", "events_by_format")):
        areas = [f for (ind, _), f in ret.figures.items() if ind == by_area]
        formats = [f for (ind, _), f in ret.figures.items() if ind == by_format]
        if not areas or any(f.value is None for f in areas + formats):
            continue
        area_sum, format_sum = sum(f.value for f in areas), sum(f.value for f in formats)
        if not math.isclose(area_sum, format_sum, rel_tol=1e-9, abs_tol=1e-6):
            sheet, cell = formats[0].where.split(", ")[1:]
            rule = f"{by_area} by format add up to {format_sum:g}, but by area to {area_sum:g}"
            problems.append(CellProblem(ret.file, sheet, cell, rule))
    return problems


# --- reading record logs -------------------------------------------------------------------


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
    rule = f"not a finite {kind} ≥ 0 and at most {maximum:,.0f}"
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


def read_log(path: Path, year: int, reference: dict[str, pd.DataFrame]):
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
    problems = date_problems(frame, year, file)
    if file == "events.csv":
        problems += enum_problems(frame, "region", regional, file, required=True)
        problems += enum_problems(
            frame, "area", contract.CATEGORY_SETS["area"], file, required=True
        )
        formats = contract.CATEGORY_SETS["format"]
        problems += enum_problems(frame, "format", formats, file, required=True)
        problems += number_problems(frame, "volunteers", file, whole=True)
        problems += number_problems(frame, "hours", file, whole=False)
    else:
        problems += enum_problems(frame, "sex", contract.CATEGORY_SETS["sex"], file, required=False)
        problems += enum_problems(frame, "region", regional, file, required=False)
        problems += enum_problems(
            frame, "related_to_volunteering", ("true", "false"), file, required=True
        )
        problems += text_problems(frame, ("channel", "topic", "country"), file)
    if len(problems) > MAX_LOG_PROBLEMS:
        more = len(problems) - MAX_LOG_PROBLEMS
        problems = problems[:MAX_LOG_PROBLEMS] + [
            validate.Problem(file, None, None, None, f"... and {more} more problems")
        ]
    return frame, problems


def aggregate_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events and hours by region for each area and each format, from an events log.

    Columns: region, indicator (hours, events, hours_by_format, events_by_format), category,
    value. Regions without events in an area or format get no row (read as zero).
    """
    frame = events.assign(hours=pd.to_numeric(events["hours"]))
    parts = []
    for column, hours, count in (
        ("area", "hours", "events"),
        ("format", "hours_by_format", "events_by_format"),
    ):
        grouped = frame.groupby(["region", column], observed=True)["hours"].agg(["sum", "size"])
        grouped = grouped.rename_axis(["region", "category"]).reset_index()
        for indicator, source in ((hours, "sum"), (count, "size")):
            parts.append(grouped.assign(indicator=indicator, value=grouped[source].astype(float)))
    return pd.concat(parts, ignore_index=True)[["region", "indicator", "category", "value"]]


def log_mismatch_problems(returns: list[FormReturn], aggregates: pd.DataFrame) -> list:
    """Workbook figures that disagree with the events log of the same region."""
    logged = aggregates.set_index(["region", "indicator", "category"])["value"]
    logged_regions = set(aggregates["region"])
    problems = []
    for ret in returns:
        if ret.code not in logged_regions:
            continue
        for (indicator, category), figure in ret.figures.items():
            if indicator not in ("hours", "events", "hours_by_format", "events_by_format"):
                continue
            expected = float(logged.get((ret.code, indicator, category), 0.0))
            if figure.value is not None and not math.isclose(
                figure.value, expected, rel_tol=1e-9, abs_tol=1e-6
            ):
                _, sheet, cell = figure.where.split(", ")
                rule = f"{figure.value:g}, but events.csv gives {expected:g} for {ret.code}"
                problems.append(CellProblem(ret.file, sheet, cell, rule))
    return problems


# --- assembling the vintage --------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """How rows name their source: a return form, a derivation, a log."""

    form: Callable[[FormReturn], str]
    derived: str
    log: Callable[[str], str]


def form_title(year: int, ret: FormReturn, names: dict[str, str]) -> str:
    """The national front office's form or a region's: 'Regional return form 2023, Astana'."""
    if ret.code == NATIONAL:
        return f"National return form {year}"
    return f"Regional return form {year}, {names.get(ret.code, ret.code)}"


def form_source(year: int, ret: FormReturn, names: dict[str, str]) -> str:
    """How a row names the form it was read from, with the workbook:
    'Regional return form 2023, Astana (KZ-71_astana.xlsx)'."""
    return f"{form_title(year, ret, names)} ({ret.file})"


def form_sources(year: int, names: dict[str, str]) -> Sources:
    """Sources of an ingested year's rows: the return form a value was read from, the forms
    for what volreport ingest computes from them, and the record log a value is counted in.
    A new year has no published report: no row cites one."""
    return Sources(
        form=lambda ret: form_source(year, ret, names),
        derived=f"Return forms {year}; derived by volreport ingest",
        log=lambda name: f"Record log {year} (logs/{name}); derived by volreport ingest",
    )


LOG_TITLES = {"events.csv": "events", "inquiries.csv": "inquiries"}


def table_sources(path: Path) -> list[str]:
    """The distinct sources an official table's rows (or params.yml's entries) name."""
    if path.suffix == ".yml":
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found = [e.get("source") for e in entries.values() if isinstance(e, dict)]
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        found = list(frame["source"]) if "source" in frame.columns else []
    return list(dict.fromkeys(str(s).strip() for s in found if s and str(s).strip()))


def descriptor_sources(
    year: int,
    returns: list[FormReturn],
    logs: Iterable[str],
    official: dict[str, Path],
    names: dict[str, str],
) -> list[dict[str, str]]:
    """The `sources` of an ingested vintage's datapackage.json: the national return form,
    each regional return form (by code), each record log, and each official table with the
    sources its rows name. Never a published report: a new year has none."""
    ordered = sorted(returns, key=lambda ret: (ret.code != NATIONAL, ret.code))
    found = [{"title": form_title(year, ret, names), "path": ret.file} for ret in ordered]
    found += [
        {"title": f"Record log of {LOG_TITLES.get(name, name)} {year}", "path": f"logs/{name}"}
        for name in sorted(logs)
    ]
    for name in sorted(official):
        cited = table_sources(official[name])
        kind = "Parameters of the economic method" if name == "params.yml" else "Official table"
        title = f"{kind}: {'; '.join(cited)}" if cited else f"{kind}, prepared by the analysts"
        found.append({"title": title, "path": name})
    return found


def format_number(value: float | None) -> str:
    """A value for CSV: whole numbers without decimals, others to 10 significant digits."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


class Rows:
    """Observation rows being assembled; units come from the indicators catalogue."""

    def __init__(self, year: int, units: dict[str, str]) -> None:
        self.year = year
        self.units = units
        self.rows: list[dict] = []

    def add(
        self,
        indicator,
        region,
        category,
        value,
        status,
        source,
        note="",
        *,
        qualifier="exact",
        year=None,
    ) -> None:
        """One row; a None value becomes a gap (status missing, no qualifier)."""
        if value is None:
            status, qualifier = "missing", ""
        self.rows.append(
            {
                "indicator": indicator,
                "year": year or self.year,
                "region": region,
                "category": category,
                "value": format_number(value),
                "qualifier": qualifier,
                "unit": self.units[indicator],
                "status": status,
                "source": source,
                "note": note,
            }
        )

    def frame(self) -> pd.DataFrame:
        """The rows as observations.csv, sorted by key."""
        frame = pd.DataFrame(self.rows, columns=contract.column_names(contract.OBSERVATIONS))
        return frame.sort_values(["indicator", "year", "region", "category"], kind="stable")


def band(share_pct: float) -> str:
    """The representation band of an area's share of a region's events."""
    if share_pct > 25:
        return "over_25"
    return "under_5" if share_pct < 5 else "5_to_25"


def changed_since(previous: pd.DataFrame, mapping: pd.DataFrame) -> set[str]:
    """Codes whose territory differs between the previous vintage's units and today's.

    `region_mapping.csv` maps today's units to those the network reported in before the
    June 2022 split. A previous vintage with no rows for the regions split off reported in
    the old units: then the split units and the regions split from them are not comparable.
    """
    parents = mapping.set_index("current_code")["reporting_code_2022"]
    split = parents[parents.duplicated(keep=False)]
    split_off = set(split.index) - set(split)
    if split_off & set(previous["region"]):
        return set()
    return set(split.index) | set(split)


@dataclass
class Vintage:
    """Everything a vintage folder holds besides the copied official tables."""

    observations: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    logs: dict[str, pd.DataFrame] = field(default_factory=dict)
    params: dict | None = None


def regional_rows(rows: Rows, ret: FormReturn, sources: Sources) -> None:
    """A region's figures as reported; an empty cell is a gap whose note gives its place."""
    source = sources.form(ret)
    for (indicator, category), figure in ret.figures.items():
        note = "" if figure.value is not None else f"cell left empty ({figure.where})"
        rows.add(indicator, ret.code, category, figure.value, "reported", source, note)


def assemble(
    year: int,
    returns: list[FormReturn],
    reference: dict[str, pd.DataFrame],
    sources: Sources,
    *,
    inquiries: InquiryFigures | None = None,
    population: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    previous_origin: str | None = None,
) -> Vintage:
    """Observations and record tables of a year from its returns (see the module docstring).

    The figures of the returns (every unit that sent none: gaps), the year before's from
    `previous` (the observations of the vintage before, when there is one; where they come
    from, for the rows' notes, is `previous_origin`, by default data/<year-1>), gaps for what
    no form collects; then every value the return-form rules of `volreport.data.derive`
    compute from them (`derived_rows`), which `python -m volreport.data.derive --check`
    recomputes with the same functions. `inquiries` are the inquiries log's figures,
    `population` the year's official population table (per-capita figures), when given.
    """
    units = forms.form_units(reference)
    regional_codes = [c for c in units["code"] if c != NATIONAL]
    catalogue = reference["indicators"]
    rows = Rows(year, dict(zip(catalogue["id"], catalogue["unit"], strict=True)))
    by_code = {ret.code: ret for ret in returns}
    regional = [by_code.get(code) or blank_return(code, year, reference) for code in regional_codes]
    for ret in regional:
        regional_rows(rows, ret, sources)
    national_form_rows(rows, by_code.get(NATIONAL), sources, logged=inquiries is not None)
    origin = previous_origin or f"data/{year - 1}/observations.csv"
    previous_rows(rows, year, regional, previous, reference, sources, origin)
    for indicator, category in NOT_COLLECTED:
        rows.add(
            indicator,
            NATIONAL,
            category,
            None,
            "missing",
            sources.derived,
            "not collected by the return forms; the analysts add it or chapter 5 computes it",
        )
    derived_rows(rows, population, inquiries, sources)
    tables = record_tables(regional, rows, inquiries, sources)
    return Vintage(rows.frame(), tables)


def derived_rows(
    rows: Rows, population: pd.DataFrame | None, inquiries: InquiryFigures | None, sources
) -> None:
    """Add what the return-form rules (`derive.FORM_RULES`) compute from the rows so far:
    status derived (missing when an input is), the formula as note, the forms or the
    record log counted as source."""
    inputs = derive.Inputs(
        rows.year,
        derive.Observations.from_records(rows.year, rows.rows),
        tables={} if population is None else {"population": population},
        inquiries=inquiries,
    )
    for item in derive.apply(derive.FORM_RULES, inputs):
        key = item.key
        rows.add(
            key["indicator"],
            key["region"],
            key["category"],
            item.value,
            "derived",
            sources.log(item.log) if item.log else sources.derived,
            item.note,
            qualifier=item.qualifier or "exact",
            year=key["year"],
        )


def blank_return(code: str, year: int, reference: dict[str, pd.DataFrame]) -> FormReturn:
    """The return of a unit that sent no form: every figure a gap."""
    ret = FormReturn(code=code, file="no form returned")
    for spec in forms.sheets_for(code, reference):
        for cell in spec.cells:
            if cell.indicator != forms.RFO_LEVEL:
                where = f"no form returned, {spec.name}, {cell.cell}"
                ret.figures[(cell.indicator, cell.category)] = Figure(None, "exact", where)
    return ret


def previous_rows(rows, year, regional, previous, reference, sources, origin: str) -> None:
    """The year before's figures this vintage compares with, copied from the previous
    vintage: the national counts of volunteers, NPOs and initiative groups (gaps when there
    is no previous vintage or no such figure), and the volunteers of every region whose
    territory has not changed since (`derive.changes_on_previous_year` computes their
    change from these rows)."""
    for indicator in ("volunteers", "npo", "initiative_groups"):
        found = previous_row(previous, indicator, NATIONAL, year - 1)
        if found is None:
            rows.add(
                indicator,
                NATIONAL,
                "",
                None,
                "missing",
                sources.derived,
                f"no data/{year - 1} vintage with this figure",
                year=year - 1,
            )
        else:
            copy_previous_row(rows, found, year - 1, origin)
    if previous is None:
        return
    changed = changed_since(previous, reference["region_mapping"])
    for ret in regional:
        found = previous_row(previous, "volunteers", ret.code, year - 1)
        if ret.code not in changed and found is not None and not pd.isna(found["value"]):
            copy_previous_row(rows, found, year - 1, origin)


def previous_row(
    previous: pd.DataFrame | None, indicator: str, region: str, year: int
) -> pd.Series | None:
    """A row without category of the previous vintage's observations, or None."""
    if previous is None:
        return None
    match = previous[
        (previous["indicator"] == indicator)
        & (previous["year"].astype(int) == year)
        & (previous["region"] == region)
        & previous["category"].isna()
    ]
    return match.iloc[0] if len(match) else None


def copy_previous_row(rows: Rows, found: pd.Series, year: int, origin: str) -> None:
    """A figure of the year before as this vintage takes it: the previous vintage's value,
    qualifier and source, with status reported (missing without a value). This vintage
    does not compute it, whatever its status there; the note says where it comes from
    (`origin`)."""
    value = None if pd.isna(found["value"]) else float(found["value"])
    note = f"as in {origin}"
    if str(found["status"]) == "derived" and not pd.isna(found["note"]):
        note += f" (derived there: {found['note']})"
    rows.add(
        str(found["indicator"]),
        str(found["region"]),
        "",
        value,
        "reported",
        str(found["source"]),
        note,
        qualifier="exact" if pd.isna(found["qualifier"]) else str(found["qualifier"]),
        year=year,
    )


def national_form_rows(rows, ret: FormReturn | None, sources, *, logged: bool) -> None:
    """The national front office's figures as reported; the inquiries not when their log
    is `logged` (`derive.inquiry_counts` counts them there)."""
    for indicator, category in NATIONAL_FORM:
        if indicator == "inquiries" and logged:
            continue
        figure = ret.figures.get((indicator, category)) if ret else None
        if figure is None:
            rows.add(
                indicator,
                NATIONAL,
                category,
                None,
                "missing",
                sources.derived,
                "the national form was not returned",
            )
            continue
        note = "" if figure.value is not None else f"cell left empty ({figure.where})"
        rows.add(
            indicator,
            NATIONAL,
            category,
            figure.value,
            "reported",
            sources.form(ret),
            note,
            qualifier=figure.qualifier,
        )


def record_tables(regional, rows, inquiries, sources) -> dict[str, pd.DataFrame]:
    """area_representation (bands of the derived events shares), rfo_support (as reported),
    inquiry_countries (from the log) and the analysts' tables with their header only."""
    shares = [
        r for r in rows.rows if r["indicator"] == "events_share_in_region" and r["value"] != ""
    ]
    representation = pd.DataFrame(
        [
            {
                "region": r["region"],
                "area": r["category"],
                "band": band(float(r["value"])),
                "source": sources.derived,
                "note": "band of the area's share of the region's events (events_share_in_region)",
            }
            for r in shares
        ],
        columns=contract.column_names(contract.AREA_REPRESENTATION),
    )
    support = pd.DataFrame(
        [
            {"region": ret.code, "level": ret.level, "source": sources.form(ret), "note": ""}
            for ret in regional
            if ret.level
        ],
        columns=contract.column_names(contract.RFO_SUPPORT),
    )
    countries = inquiries.countries if inquiries else []
    tables = {
        "area_representation": representation,
        "rfo_support": support,
        "inquiry_countries": pd.DataFrame(
            {
                "country": countries,
                "order": range(1, len(countries) + 1),
                "source": [sources.log("inquiries.csv")] * len(countries),
            }
        ),
    }
    for name in ANALYST_TABLES:
        tables[name] = pd.DataFrame(columns=contract.column_names(contract.YEAR_RESOURCES[name][1]))
    return tables


# --- writing -----------------------------------------------------------------------------------


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A contract CSV: UTF-8, no index, \\n line endings, empty cells for gaps."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_vintage(
    year: int,
    vintage: Vintage,
    *,
    data_dir: Path | str | None = None,
    copies: dict[str, Path] | None = None,
    force: bool = False,
    synthetic: bool = False,
    sources: list[dict] | None = None,
    needs: list | None = None,
) -> Path:
    """Write, describe and validate the vintage in a temporary folder, then rename it into
    place. Nothing changes on any error; an existing vintage is replaced only when `force`.

    With a list as `needs`, what only a build needs (validate.build_gaps: an official table,
    a parameter) is added to it instead of refusing the vintage: the analysts add it later.
    """
    target = paths.year_data_dir(year, data_dir)
    if target.exists() and not force:
        rule = "already exists; pass --force to replace it"
        raise IngestError([validate.Problem(validate.display_path(target), None, None, None, rule)])
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a vintage is readable like its siblings
    try:
        write_csv(vintage.observations, staging / "observations.csv")
        for name, frame in vintage.tables.items():
            write_csv(frame, staging / f"{name}.csv")
        for name, source in (copies or {}).items():
            shutil.copyfile(source, staging / name)
        if vintage.params is not None:
            text = yaml.safe_dump(vintage.params, allow_unicode=True, sort_keys=False)
            (staging / "params.yml").write_text(text, encoding="utf-8")
        if vintage.logs:
            (staging / "logs").mkdir()
            for name, frame in vintage.logs.items():
                write_log(frame, staging / "logs" / name)
        resources = ["observations", *vintage.tables]
        resources += [Path(n).stem for n in (copies or {}) if n.endswith(".csv")]
        contract.write_descriptor(
            staging, year, synthetic=synthetic, sources=sources, resources=resources
        )
        gaps: list = []
        problems = validate.validate_year(year, staging, needs=gaps)
        if problems:
            raise IngestError(problems)
        if needs is None and gaps:
            raise IngestError(gaps)
        replace_folder(staging, target)
        if needs is not None:  # named in the folder the vintage now has
            where = (validate.display_path(staging), validate.display_path(target))
            needs += [dataclasses.replace(g, file=g.file.replace(*where, 1)) for g in gaps]
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def write_log(frame: pd.DataFrame, path: Path) -> None:
    """A record log as CSV, written in chunks so that a large log needs little extra memory."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, max(len(frame), 1), LOG_CHUNK_ROWS):
            chunk = frame.iloc[start : start + LOG_CHUNK_ROWS]
            chunk.to_csv(handle, index=False, header=start == 0, lineterminator="\n")


def replace_folder(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`, moving an existing target aside first."""
    if target.exists():
        old = target.with_name(f".{target.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old)
    else:
        staging.rename(target)


def copy_template(year: int, report_dir: Path | str | None = None) -> Path | None:
    """Copy report/template/ to report/<year>/ when that folder does not exist yet.

    Returns the new folder, or None when it existed (editorial pages are never overwritten).
    """
    root = Path(report_dir) if report_dir else paths.REPORT_DIR
    target = root / str(year)
    if target.exists():
        return None
    shutil.copytree(paths.REPORT_DIR / "template", target)
    return target


# --- the command -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestResult:
    """Where the vintage went, the editorial folder created (if any), what is still needed."""

    folder: Path
    report_folder: Path | None
    still_needed: list[str]
    buildable: bool = True  # False: a build needs what still_needed lists first


def classify(
    files: Iterable[Path | str],
) -> tuple[list[Path], dict[str, Path], dict[str, Path], list]:
    """(workbooks, logs, official files, problems) by file name."""
    workbooks, logs, official, problems = [], {}, {}, []
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
    problems = []
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
    from volreport.data.dataset import read_csv

    path = folder / "observations.csv"
    if not path.is_file() and not path.is_symlink():
        return None, []
    problems, _ = validate.check_file(path, contract.OBSERVATIONS, "observations")
    return (None if problems else read_csv(path)), problems


def read_inputs(year: int, files, reference):
    """Every return and log, and every problem found in any of them."""
    workbooks, log_paths, official, problems = classify(files)
    returns: list[FormReturn] = []
    seen: dict[str, str] = {}
    for path in workbooks:
        ret, found = read_return(path, year, reference)
        problems += found
        if ret is None:
            continue
        if ret.code in seen:
            rule = f"a second form for {ret.code} (the first is {seen[ret.code]})"
            problems.append(CellProblem(ret.file, None, None, rule))
            continue
        seen[ret.code] = ret.file
        problems += split_problems(ret, reference)
        returns.append(ret)
    logs = {}
    for name, path in log_paths.items():
        frame, found = read_log(path, year, reference)
        problems += found
        if frame is not None:
            logs[name] = frame
    problems += official_problems(official)
    if "events.csv" in logs and not problems:
        problems += log_mismatch_problems(returns, aggregate_events(logs["events.csv"]))
    if not returns and not problems:
        problems.append(validate.Problem("(inputs)", None, None, None, "no return form given"))
    return returns, logs, official, problems


def ingest(
    year: int,
    files: Iterable[Path | str],
    *,
    data_dir: Path | str | None = None,
    force: bool = False,
    previous_dir: Path | str | None = None,
    report_dir: Path | str | None = None,
) -> IngestResult:
    """Read, check, aggregate and write a year; raises IngestError listing every problem."""
    from volreport.data.dataset import load_reference, read_csv

    reference = load_reference()
    target = paths.year_data_dir(year, data_dir)
    if target.exists() and not force:
        rule = "already exists; pass --force to replace it"
        raise IngestError([validate.Problem(validate.display_path(target), None, None, None, rule)])
    returns, logs, official, problems = read_inputs(year, files, reference)
    if problems:
        raise IngestError(problems)
    previous, problems = previous_observations(paths.year_data_dir(year - 1, previous_dir))
    if problems:
        raise IngestError(problems)
    population = read_csv(official["population.csv"]) if "population.csv" in official else None
    inquiries = aggregate_inquiries(logs["inquiries.csv"]) if "inquiries.csv" in logs else None
    names = dict(
        zip(reference["regions"]["code"], reference["regions"]["short_name_en"], strict=True)
    )
    vintage = assemble(
        year,
        returns,
        reference,
        form_sources(year, names),
        inquiries=inquiries,
        population=population,
        previous=previous,
    )
    vintage.logs = logs
    sources = descriptor_sources(year, returns, logs, official, names)
    gaps: list = []
    folder = write_vintage(
        year,
        vintage,
        data_dir=data_dir,
        copies=official,
        force=force,
        sources=sources,
        needs=gaps,
    )
    named = {Path(gap.file).name for gap in gaps}
    needed = [str(gap) for gap in gaps]  # what the build needs, as validate names it
    needed += [name for name in OFFICIAL_FILES if name not in official and name not in named]
    needed += [f"{name}.csv (header only; the analysts fill it in)" for name in ANALYST_TABLES]
    return IngestResult(folder, copy_template(year, report_dir), needed, buildable=not gaps)
