"""The rules of a return: what its figures must agree with, and the vintage they make.

Checks: the splits of a region's volunteers add up to its total, its hours and events by
area to those by format (`split_problems`), and a region's figures agree with its events
log (`log_mismatch_problems`).

Assembly (`assemble`): each region's figures as reported, the year before's as the
previous vintage holds them, gaps for what no form collects, then every value the
return-form rules of `volreport.data.derive` compute from them (national totals, shares,
changes, per-capita figures; `derived_rows`). Nothing is derived here: the same functions
check a written vintage (`python -m volreport.data.derive --check YEAR`). Last, the record
tables the forms cover (`record_tables`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from volreport.data import contract, derive
from volreport.data.contract import NATIONAL
from volreport.data.derive import InquiryFigures
from volreport.intake import forms
from volreport.intake.provenance import Sources
from volreport.intake.readers import NO_FORM, CellProblem, Figure, FormReturn

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
LOGGED = ("hours", "events", "hours_by_format", "events_by_format")  # what events.csv gives
PREVIOUS_NATIONAL = ("volunteers", "npo", "initiative_groups")  # the year before's, national


# --- checks of a return ----------------------------------------------------------------------


def total_problems(ret: FormReturn) -> list[CellProblem]:
    """The splits of a region's volunteers (SPLITS) add up to its total."""
    total = ret.figures.get(("volunteers", ""))
    if total is None or total.value is None:
        return []
    problems = []
    for indicator in SPLITS:
        parts = [f.value for (ind, _), f in ret.figures.items() if ind == indicator]
        if any(value is None for value in parts):
            continue
        found = sum(value for value in parts if value is not None)
        if found != total.value:
            sheet, cell = total.where.split(", ")[1:]
            rule = (
                f"{indicator.replace('_', ' ')} adds up to {found:g}, not the total {total.value:g}"
            )
            problems.append(CellProblem(ret.file, sheet, cell, rule))
    return problems


def format_problems(ret: FormReturn) -> list[CellProblem]:
    """A region's hours and events by format add up to its hours and events by area."""
    problems = []
    for by_area, by_format in (("hours", "hours_by_format"), ("events", "events_by_format")):
        areas = [f for (ind, _), f in ret.figures.items() if ind == by_area]
        formats = [f for (ind, _), f in ret.figures.items() if ind == by_format]
        values = [f.value for f in areas + formats]
        if not areas or any(value is None for value in values):
            continue
        area_sum = sum(f.value or 0.0 for f in areas)
        format_sum = sum(f.value or 0.0 for f in formats)
        if not derive.same_number(area_sum, format_sum):
            sheet, cell = formats[0].where.split(", ")[1:]
            rule = f"{by_area} by format add up to {format_sum:g}, but by area to {area_sum:g}"
            problems.append(CellProblem(ret.file, sheet, cell, rule))
    return problems


def split_problems(ret: FormReturn, reference: dict[str, pd.DataFrame]) -> list[CellProblem]:
    """Splits of a region's volunteers, hours and events must add up to their totals."""
    return total_problems(ret) + format_problems(ret)


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
            if indicator not in LOGGED:
                continue
            expected = float(logged.get((ret.code, indicator, category), 0.0))
            if figure.value is not None and not derive.same_number(figure.value, expected):
                _, sheet, cell = figure.where.split(", ")
                rule = f"{figure.value:g}, but events.csv gives {expected:g} for {ret.code}"
                problems.append(CellProblem(ret.file, sheet, cell, rule))
    return problems


# --- the vintage -------------------------------------------------------------------------------


@dataclass
class Vintage:
    """Everything a vintage folder holds besides the copied official tables."""

    observations: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    logs: dict[str, pd.DataFrame] = field(default_factory=dict)
    params: dict | None = None


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
        indicator: str,
        region: str,
        category: str,
        value: float | None,
        status: str,
        source: str,
        note: str = "",
        *,
        qualifier: str = "exact",
        year: int | None = None,
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

    def missing(
        self,
        indicator: str,
        region: str,
        category: str,
        source: str,
        note: str,
        *,
        year: int | None = None,
    ) -> None:
        """A gap: a row without value whose note says why."""
        self.add(indicator, region, category, None, "missing", source, note, year=year)

    def frame(self) -> pd.DataFrame:
        """The rows as observations.csv, sorted by key."""
        frame = pd.DataFrame(self.rows, columns=contract.column_names(contract.OBSERVATIONS))
        return frame.sort_values(["indicator", "year", "region", "category"], kind="stable")


def band(share_pct: float) -> str:
    """The representation band of an area's share of a region's events (contract.BANDS;
    the limits are contract.BAND_LIMITS', a limit itself in the middle band)."""
    low, high = contract.BAND_LIMITS["5_to_25"]
    if share_pct > high:
        return "over_25"
    return "under_5" if share_pct < low else "5_to_25"


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


def blank_return(code: str, year: int, reference: dict[str, pd.DataFrame]) -> FormReturn:
    """The return of a unit that sent no form: every figure a gap."""
    ret = FormReturn(code=code, file=NO_FORM)
    for spec in forms.sheets_for(code, reference):
        for cell in spec.cells:
            if cell.indicator != forms.RFO_LEVEL:
                where = f"{NO_FORM}, {spec.name}, {cell.cell}"
                ret.figures[(cell.indicator, cell.category)] = Figure(None, "exact", where)
    return ret


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
        rows.missing(
            indicator,
            NATIONAL,
            category,
            sources.derived,
            "not collected by the return forms; the analysts add it, or the chapter on the "
            "economic contribution computes it",
        )
    derived_rows(rows, population, inquiries, sources)
    tables = record_tables(regional, rows, inquiries, sources)
    return Vintage(rows.frame(), tables)


def gap_note(ret: FormReturn, figure: Figure) -> str:
    """The note of a figure the return does not give: where its cell was left empty, or that
    no form came back (then no cell was left empty)."""
    if figure.value is not None:
        return ""
    if ret.file == NO_FORM:
        return f"{NO_FORM} ({figure.where.removeprefix(NO_FORM + ', ')})"
    return f"cell left empty ({figure.where})"


def regional_rows(rows: Rows, ret: FormReturn, sources: Sources) -> None:
    """A region's figures as reported; an empty cell is a gap whose note gives its place."""
    source = sources.form(ret)
    for (indicator, category), figure in ret.figures.items():
        note = gap_note(ret, figure)
        rows.add(indicator, ret.code, category, figure.value, "reported", source, note)


def national_form_rows(
    rows: Rows, ret: FormReturn | None, sources: Sources, *, logged: bool
) -> None:
    """The national front office's figures as reported; the inquiries not when their log
    is `logged` (`derive.inquiry_counts` counts them there)."""
    for indicator, category in NATIONAL_FORM:
        if indicator == "inquiries" and logged:
            continue
        figure = ret.figures.get((indicator, category)) if ret else None
        if ret is None or figure is None:
            rows.missing(
                indicator, NATIONAL, category, sources.derived, "the national form was not returned"
            )
            continue
        note = gap_note(ret, figure)
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


def previous_rows(
    rows: Rows,
    year: int,
    regional: list[FormReturn],
    previous: pd.DataFrame | None,
    reference: dict[str, pd.DataFrame],
    sources: Sources,
    origin: str,
) -> None:
    """The year before's figures this vintage compares with, copied from the previous
    vintage: the national counts of volunteers, NPOs and initiative groups (gaps when there
    is no previous vintage or no such figure), and the volunteers of every region whose
    territory has not changed since (`derive.changes_on_previous_year` computes their
    change from these rows)."""
    for indicator in PREVIOUS_NATIONAL:
        found = previous_row(previous, indicator, NATIONAL, year - 1)
        if found is None:
            rows.missing(
                indicator,
                NATIONAL,
                "",
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


def derived_rows(
    rows: Rows,
    population: pd.DataFrame | None,
    inquiries: InquiryFigures | None,
    sources: Sources,
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


def record_tables(
    regional: list[FormReturn],
    rows: Rows,
    inquiries: InquiryFigures | None,
    sources: Sources,
) -> dict[str, pd.DataFrame]:
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
