"""Ingest a new year: returned form workbooks and record logs into a vintage `data/<year>/`.

    volreport ingest --year 2023 returns/*.xlsx [events.csv inquiries.csv]
                     [population.csv wages.csv wages_by_occupation.csv params.yml] [--force]

Files are recognised by name: `*.xlsx` are return forms (`volreport.forms`), `events.csv`
and `inquiries.csv` record logs (LOG_COLUMNS), and the official tables and `params.yml` are
copied as given (the analyst prepares them for the year; see `OFFICIAL_FILES`).

Every input is untrusted. Files larger than the documented limits, encrypted workbooks,
files that are not workbooks and cells that break a rule are all reported in one run, each
with its place (`KZ-71_astana.xlsx, hours, C7: ...`, `events.csv:12: column 'hours' ...`),
and nothing is written. Otherwise the figures are aggregated to the data contract
(`assemble`): each region's figures as reported, national totals and every share as
derived (method in the row's note), the record tables the forms cover. The vintage is
written to a temporary folder, described (`contract.write_descriptor`), validated
(`validate.validate_year`) and only then renamed into place.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from volreport import contract, forms, paths, validate
from volreport.display import FORMULA_PREFIXES

NATIONAL = "KZ"
MAX_WORKBOOK_BYTES = 20 * 1024**2  # a filled form is ~20 KB; anything near this is not one
MAX_UNZIPPED_BYTES = 100 * 1024**2  # guards against zip bombs inside a small workbook
MAX_TABLE_BYTES = 20 * 1024**2  # official tables and params.yml
MAX_LOG_BYTES = 1024**3  # record logs: a million events is ~60 MB
MAX_LOG_PROBLEMS = 200  # per log; the rest are counted, not listed
MAX_TEXT_LENGTH = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # encrypted .xlsx or legacy .xls
OFFICIAL_FILES = ("population.csv", "wages.csv", "wages_by_occupation.csv", "params.yml")
LOG_COLUMNS = {
    "events.csv": ["region", "date", "area", "format", "volunteers", "hours"],
    "inquiries.csv": [
        "date",
        "sex",
        "channel",
        "topic",
        "region",
        "country",
        "related_to_volunteering",
    ],
}
# Record tables the forms do not cover; written with their header only, for the analysts.
ANALYST_TABLES = ("grant_projects", "unrecorded_initiatives", "grantee_feedback")
SPLITS = {  # count indicators whose parts add up to the volunteers total
    "volunteers_by_sex": "volunteers_share_by_sex",
    "volunteers_by_age": "volunteers_share_by_age",
    "volunteers_by_employment": "volunteers_share_by_employment",
}
SHARES_OF_PARTS = {**SPLITS, "volunteers_by_cohort": "volunteers_share_by_cohort"}
SUMMED = (  # regional counts summed into national totals
    "volunteers",
    "volunteers_by_sex",
    "volunteers_by_age",
    "volunteers_by_employment",
    "volunteers_by_cohort",
    "npo",
    "initiative_groups",
    "hours",
    "hours_by_format",
    "events",
    "events_by_format",
    "development_events",
    "development_volunteers",
    "development_hours",
)
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
SHARE_DECIMALS = 2
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
    except zipfile.BadZipFile:
        return "not an .xlsx workbook (damaged ZIP file)"
    if unzipped > MAX_UNZIPPED_BYTES:
        return (
            f"unpacks to {unzipped / 1024**2:.0f} MB, more than {MAX_UNZIPPED_BYTES // 1024**2} MB"
        )
    return None


def open_workbook(path: Path):
    """(values, formulas) openpyxl workbooks: cached values, and the cells' formulas."""
    from openpyxl import load_workbook

    values = load_workbook(path, data_only=True, read_only=False)
    formulas = load_workbook(path, data_only=False, read_only=False)
    return values, formulas


def parse_value(raw: object, kind: str, choices: tuple[str, ...] = ()) -> tuple[object, str | None]:
    """A cell's value by the input kind: (parsed, None) or (None, rule broken).

    Empty cells give None (a gap). Counts are whole numbers >= 0, amounts numbers >= 0
    (typed as numbers, or as plain digits in a text cell), choices one of `choices`.
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
        return int(number), None
    if number is None or not math.isfinite(number) or number < 0:
        return None, f"{raw!r} is not a number ≥ 0"
    return number, None


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
        return None, [CellProblem(name, None, None, f"cannot be read as a workbook ({error})")]
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
            cells.str.startswith(FORMULA_PREFIXES)
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
    """Required numbers >= 0 (whole numbers when `whole`)."""
    numbers = pd.to_numeric(frame[column], errors="coerce")
    bad = numbers.isna() | (numbers < 0)
    if whole:
        bad |= numbers.notna() & (numbers % 1 != 0)
    rule = "not a whole number ≥ 0" if whole else "not a number ≥ 0"
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


@dataclass(frozen=True)
class InquiryFigures:
    """Aggregates of an inquiries log: counts by topic, shares by sex and region, countries."""

    by_topic: dict[str, int]
    share_by_sex: dict[str, float]
    share_by_region: dict[str, float]
    countries: list[str]


def aggregate_inquiries(inquiries: pd.DataFrame) -> InquiryFigures:
    """Counts by topic (related to volunteering or not), shares of those with a sex or region,
    and the foreign countries, most inquiries first."""
    related = inquiries["related_to_volunteering"] == "true"
    sex = inquiries["sex"].dropna().value_counts()
    region = inquiries["region"].dropna().value_counts()
    countries = inquiries["country"].dropna().value_counts()
    ordered = sorted(countries.index, key=lambda c: (-countries[c], c))
    return InquiryFigures(
        by_topic={"volunteering": int(related.sum()), "other": int((~related).sum())},
        share_by_sex={k: float(v / sex.sum() * 100) for k, v in sex.items()},
        share_by_region={k: float(v / region.sum() * 100) for k, v in region.items()},
        countries=ordered,
    )


# --- assembling the vintage --------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """How rows name their source: a return form, a derivation, a log."""

    form: Callable[[FormReturn], str]
    derived: str
    log: Callable[[str], str]


def form_sources(year: int, names: dict[str, str]) -> Sources:
    """Sources of an ingested year: the region's return form, volreport ingest, the log."""
    return Sources(
        form=lambda ret: f"Return form {year}, {names.get(ret.code, ret.code)} ({ret.file})",
        derived=f"Return forms {year}; derived by volreport ingest",
        log=lambda name: f"Record log {year} (logs/{name}); derived by volreport ingest",
    )


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


def share(part: float | None, whole: float | None) -> float | None:
    """`part` as a percentage of `whole`, two decimals; None when either is unknown or 0."""
    if part is None or whole is None or whole == 0:
        return None
    return round(part / whole * 100, SHARE_DECIMALS)


def national_sum(values: list[float | None], units: int) -> tuple[float | None, str, str]:
    """(sum, qualifier, note) over the regions: at least the sum when some regions are gaps."""
    known = [v for v in values if v is not None]
    if not known:
        return None, "", "no region gave a value"
    if len(known) < units:
        return sum(known), "at_least", f"sum of the {len(known)} of {units} regions with a value"
    return sum(known), "exact", f"sum of the {units} regions"


def band(share_pct: float) -> str:
    """The representation band of an area's share of a region's events."""
    if share_pct > 25:
        return "over_25"
    return "under_5" if share_pct < 5 else "5_to_25"


def changed_in(previous_year: int, mapping: pd.DataFrame) -> set[str]:
    """Codes whose territory changed since `previous_year`: the 2022 units split in June 2022
    (Almaty region, East Kazakhstan, Karagandy) and the regions split from them."""
    if previous_year != 2022:  # the June 2022 split is the only boundary change so far
        return set()
    parents = mapping.set_index("current_code")["reporting_code_2022"]
    split = parents[parents.duplicated(keep=False)]
    return set(split.index) | set(split)


@dataclass
class Vintage:
    """Everything a vintage folder holds besides the copied official tables."""

    observations: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    logs: dict[str, pd.DataFrame] = field(default_factory=dict)
    params: dict | None = None


def regional_rows(rows: Rows, ret: FormReturn, sources: Sources) -> None:
    """A region's reported figures and its own shares (derived)."""
    source = sources.form(ret)
    for (indicator, category), figure in ret.figures.items():
        note = "" if figure.value is not None else f"cell left empty ({figure.where})"
        rows.add(indicator, ret.code, category, figure.value, "reported", source, note)
    for counts, shares in SHARES_OF_PARTS.items():
        parts = {c: f.value for (i, c), f in ret.figures.items() if i == counts}
        whole = None if None in parts.values() else sum(parts.values())
        for category, value in parts.items():
            note = f"{counts}/{category} ÷ the sum of {counts} x 100"
            rows.add(
                shares, ret.code, category, share(value, whole), "derived", sources.derived, note
            )
    npo, groups = ret.value("npo"), ret.value("initiative_groups")
    whole = None if npo is None or groups is None else npo + groups
    for category, value in (("npo", npo), ("initiative_group", groups)):
        rows.add(
            "org_share_in_region",
            ret.code,
            category,
            share(value, whole),
            "derived",
            sources.derived,
            "count ÷ (npo + initiative_groups) x 100",
        )
    for indicator in ("hours", "events"):
        parts = [f.value for (i, c), f in ret.figures.items() if i == indicator]
        total = None if None in parts else sum(parts)
        rows.add(
            indicator,
            ret.code,
            "",
            total,
            "derived",
            sources.derived,
            f"sum of {indicator} by area",
        )
        if indicator == "events":
            for (i, category), figure in ret.figures.items():
                if i == "events":
                    rows.add(
                        "events_share_in_region",
                        ret.code,
                        category,
                        share(figure.value, total),
                        "derived",
                        sources.derived,
                        "events in the area ÷ the region's events x 100",
                    )
                if i == "events_by_format":
                    rows.add(
                        "events_share_by_format",
                        ret.code,
                        category,
                        share(figure.value, total),
                        "derived",
                        sources.derived,
                        "events of the format ÷ the region's events x 100",
                    )


def assemble(
    year: int,
    returns: list[FormReturn],
    reference: dict[str, pd.DataFrame],
    sources: Sources,
    *,
    inquiries: InquiryFigures | None = None,
    population: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
) -> Vintage:
    """Observations and record tables of a year from its returns (see the module docstring).

    `previous` is the observations of the year before (comparison figures and changes),
    `population` the year's population table (per-capita figures), when available.
    """
    units = forms.form_units(reference)
    regional_codes = [c for c in units["code"] if c != NATIONAL]
    catalogue = reference["indicators"]
    rows = Rows(year, dict(zip(catalogue["id"], catalogue["unit"], strict=True)))
    by_code = {ret.code: ret for ret in returns}
    empty = {code: blank_return(code, year, reference) for code in units["code"]}
    regional = [by_code.get(code, empty[code]) for code in regional_codes]
    for ret in regional:
        regional_rows(rows, ret, sources)

    def national(indicator: str, category: str = "") -> float | None:
        values = [
            r["value"]
            for r in rows.rows
            if r["indicator"] == indicator and r["region"] == NATIONAL and r["category"] == category
        ]
        return float(values[0]) if values and values[0] != "" else None

    keys = sorted({(i, c) for ret in regional for (i, c) in ret.figures if i in SUMMED})
    keys += [("hours", ""), ("events", "")]
    for indicator, category in keys:
        values = [
            ret.value(indicator, category)
            if category or indicator not in ("hours", "events")
            else region_total(rows, indicator, ret.code)
            for ret in regional
        ]
        total, qualifier, note = national_sum(values, len(regional))
        rows.add(
            indicator,
            NATIONAL,
            category,
            total,
            "derived",
            sources.derived,
            note,
            qualifier=qualifier,
        )
    exact = {
        (r["indicator"], r["category"])
        for r in rows.rows
        if r["region"] == NATIONAL and r["qualifier"] == "exact"
    }

    def exact_national(indicator: str, category: str = "") -> float | None:
        return national(indicator, category) if (indicator, category) in exact else None

    for counts, shares in SHARES_OF_PARTS.items():
        categories = [c for (i, c) in keys if i == counts]
        parts = {c: exact_national(counts, c) for c in categories}
        whole = None if None in parts.values() else sum(parts.values())
        for category, value in parts.items():
            rows.add(
                shares,
                NATIONAL,
                category,
                share(value, whole),
                "derived",
                sources.derived,
                f"national {counts}/{category} ÷ their sum x 100",
            )
    for indicator, shares, note in (
        ("hours", "hours_share", "national hours in the area ÷ national hours x 100"),
        ("events_by_format", "events_share_by_format", "national events ÷ all events x 100"),
    ):
        whole = exact_national("hours" if indicator == "hours" else "events")
        for category in [c for (i, c) in keys if i == indicator and c]:
            rows.add(
                shares,
                NATIONAL,
                category,
                share(exact_national(indicator, category), whole),
                "derived",
                sources.derived,
                note,
            )
    for ret in regional:
        rows.add(
            "volunteers_share_by_region",
            ret.code,
            "",
            share(ret.value("volunteers"), exact_national("volunteers")),
            "derived",
            sources.derived,
            "region's volunteers ÷ national volunteers x 100",
        )
        for category, indicator in (("npo", "npo"), ("initiative_group", "initiative_groups")):
            rows.add(
                "org_share_of_national",
                ret.code,
                category,
                share(ret.value(indicator), exact_national(indicator)),
                "derived",
                sources.derived,
                f"region's {indicator} ÷ national {indicator} x 100",
            )
        for category in [c for (i, c) in keys if i == "hours" and c]:
            rows.add(
                "hours_share_of_area_national",
                ret.code,
                category,
                share(ret.value("hours", category), exact_national("hours", category)),
                "derived",
                sources.derived,
                "region's hours in the area ÷ national hours in the area x 100",
            )
    with_groups = [r for r in regional if r.value("initiative_groups") is not None]
    groups = sum(r.value("initiative_groups") for r in with_groups) if with_groups else None
    npo_alongside = [r.value("npo") for r in with_groups]
    rows.add(
        "initiative_groups_share_excl_almaty",
        NATIONAL,
        "",
        None if None in npo_alongside else share(groups, (groups or 0) + sum(npo_alongside)),
        "derived",
        sources.derived,
        "initiative groups ÷ (groups + NPOs) x 100 over the regions that gave a group "
        "count (the 2022 report left out Almaty city, which gave none)",
    )
    per_capita_rows(rows, year, population, sources)
    previous_rows(rows, year, regional, previous, reference, sources)
    national_form_rows(rows, by_code.get(NATIONAL), inquiries, sources)
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
    tables = record_tables(regional, rows, inquiries, sources)
    return Vintage(rows.frame(), tables)


def blank_return(code: str, year: int, reference: dict[str, pd.DataFrame]) -> FormReturn:
    """The return of a unit that sent no form: every figure a gap."""
    ret = FormReturn(code=code, file="no form returned")
    for spec in forms.sheets_for(code, reference):
        for cell in spec.cells:
            if cell.indicator != forms.RFO_LEVEL:
                where = f"no form returned, {spec.name}, {cell.cell}"
                ret.figures[(cell.indicator, cell.category)] = Figure(None, "exact", where)
    return ret


def region_total(rows: Rows, indicator: str, code: str) -> float | None:
    """A region's derived total of hours or events (None when a part is a gap)."""
    for row in rows.rows:
        if row["indicator"] == indicator and row["region"] == code and row["category"] == "":
            return float(row["value"]) if row["value"] != "" else None
    return None


def per_capita_rows(rows: Rows, year: int, population: pd.DataFrame | None, sources) -> None:
    """Persons per volunteer and volunteers' share of the population (official population at
    the end of the year, or the latest count before it)."""
    volunteers = next(
        (
            float(r["value"])
            for r in rows.rows
            if r["indicator"] == "volunteers"
            and r["region"] == NATIONAL
            and r["qualifier"] == "exact"
            and r["value"] != ""
        ),
        None,
    )
    count, note = None, "no official population given for the year"
    if population is not None:
        national = population[
            (population["region"] == NATIONAL)
            & (population["date"].astype(str) <= f"{year + 1}-01-01")
        ]
        if len(national):
            latest = national.sort_values("date").iloc[-1]
            count = float(latest["population"])
            note = f"official population on {latest['date']} (population.csv)"
    ratio = None if volunteers in (None, 0) or count is None else round(count / volunteers, 1)
    rows.add(
        "persons_per_volunteer",
        NATIONAL,
        "",
        ratio,
        "derived",
        sources.derived,
        f"population ÷ recorded volunteers; {note}",
    )
    rows.add(
        "volunteers_share_of_population",
        NATIONAL,
        "",
        share(volunteers, count),
        "derived",
        sources.derived,
        f"recorded volunteers ÷ population x 100; {note}",
    )


def previous_rows(rows, year, regional, previous, reference, sources) -> None:
    """Last year's national counts (as stored in its vintage) and regional changes."""
    for indicator in ("volunteers", "npo", "initiative_groups"):
        found = None
        if previous is not None:
            match = previous[
                (previous["indicator"] == indicator)
                & (previous["year"].astype(int) == year - 1)
                & (previous["region"] == NATIONAL)
                & previous["category"].isna()
            ]
            found = match.iloc[0] if len(match) else None
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
            continue
        value = None if pd.isna(found["value"]) else float(found["value"])
        rows.add(
            indicator,
            NATIONAL,
            "",
            value,
            str(found["status"]),
            str(found["source"]),
            f"as in data/{year - 1}/observations.csv",
            qualifier="" if pd.isna(found["qualifier"]) else str(found["qualifier"]),
            year=year - 1,
        )
    if previous is None:
        return
    changed = changed_in(year - 1, reference["region_mapping"])
    before = previous[
        (previous["indicator"] == "volunteers") & (previous["year"].astype(int) == year - 1)
    ].set_index("region")["value"]
    for ret in regional:
        then = before.get(ret.code)
        if ret.code in changed or then is None or pd.isna(then):
            continue
        now = ret.value("volunteers")
        change = (
            None if now is None or float(then) == 0 else round((now / float(then) - 1) * 100, 1)
        )
        rows.add(
            "volunteers_change_pct",
            ret.code,
            "",
            change,
            "derived",
            sources.derived,
            f"volunteers {year} ÷ volunteers {year - 1} (data/{year - 1}) − 1, x 100",
        )


def national_form_rows(rows, ret: FormReturn | None, inquiries, sources) -> None:
    """The national front office's figures; inquiries from the log when one is given."""
    for indicator, category in NATIONAL_FORM:
        figure = ret.figures.get((indicator, category)) if ret else None
        if indicator == "inquiries" and inquiries is not None:
            rows.add(
                indicator,
                NATIONAL,
                category,
                inquiries.by_topic[category],
                "derived",
                sources.log("inquiries.csv"),
                "count of inquiries in the log",
            )
            continue
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
    if inquiries is None:
        return
    source = sources.log("inquiries.csv")
    for category in contract.CATEGORY_SETS["sex"]:
        value = inquiries.share_by_sex.get(category, 0.0) if inquiries.share_by_sex else None
        rows.add(
            "inquiries_share_by_sex",
            NATIONAL,
            category,
            None if value is None else round(value, SHARE_DECIMALS),
            "derived",
            source,
            "inquiries by sex ÷ inquiries with the sex given x 100",
        )
    for code, value in sorted(inquiries.share_by_region.items()):
        rows.add(
            "inquiries_share_by_region",
            code,
            "",
            round(value, SHARE_DECIMALS),
            "derived",
            source,
            "inquiries from the region ÷ inquiries with a region x 100",
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
) -> Path:
    """Write, describe and validate the vintage in a temporary folder, then rename it into
    place. Nothing changes on any error; an existing vintage is replaced only when `force`."""
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
        problems = validate.validate_year(year, staging)
        if problems:
            raise IngestError(problems)
        replace_folder(staging, target)
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
    from volreport.dataset import load_reference, read_csv

    reference = load_reference()
    target = paths.year_data_dir(year, data_dir)
    if target.exists() and not force:
        rule = "already exists; pass --force to replace it"
        raise IngestError([validate.Problem(validate.display_path(target), None, None, None, rule)])
    returns, logs, official, problems = read_inputs(year, files, reference)
    if problems:
        raise IngestError(problems)
    previous_folder = paths.year_data_dir(year - 1, previous_dir)
    previous = None
    if (previous_folder / "observations.csv").is_file():
        previous = read_csv(previous_folder / "observations.csv")
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
    folder = write_vintage(year, vintage, data_dir=data_dir, copies=official, force=force)
    needed = [name for name in OFFICIAL_FILES if name not in official]
    needed += [f"{name}.csv (header only; the analysts fill it in)" for name in ANALYST_TABLES]
    return IngestResult(folder, copy_template(year, report_dir), needed)
