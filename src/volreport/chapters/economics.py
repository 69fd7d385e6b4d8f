"""Chapter 5: the economic contribution of volunteers (replacement cost and full-time equivalents).

Method (ILO Manual on the Measurement of Volunteer Work, replacement cost): value =
hours x average monthly wage / monthly working-time norm; full-time equivalents =
hours / annual working-time norm. The parameters come from data/<year>/params.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from volreport.chapters import common, display
from volreport.core import fmt, prose
from volreport.core.i18n import SOURCE_LANGUAGE, term
from volreport.data.contract import HALF_UNIT, NATIONAL
from volreport.data.dataset import Dataset, text_column
from volreport.data.derive import full_time_equivalents, matches_rounded, replacement_value
from volreport.data.indicators import Discrepancy, Indicator
from volreport.data.published import (
    Published,
    national_hours,
    published,
    region_names,
    sum_qualifier,
)

CHAPTER = "economics"
# A shown table's headers stay English in its frame (they are its CSV's header);
# `display.show_table` shows them in the reader's language.
HEADER = SOURCE_LANGUAGE
BILLION = 1e9
# Id of the grant projects' row among the unrecorded initiatives (chapter 4's total).
GRANT_INITIATIVE = "grant_projects"
UNRECORDED_COLUMNS = [
    "id", "name", "organization", "volunteers", "volunteers_qualifier", "hours",
    "hours_qualifier", "hours_already_in_rfo", "status", "source",
]  # fmt: skip
RFO_HOURS_COLUMN = term("Of which already in the RFO figures, hours", HEADER)
# A single line break inside a paragraph of a rendered statement.
LINE_BREAK = re.compile(r"(?<=\S)[ \t]*\n(?!\n)[ \t]*(?=\S)")
HOURS_BASES = ("as_counted", "net")
# A table of official wages by type of economic activity, if a vintage holds one (the
# contract has none so far): without it a published estimate at such wages cannot be redone.
ACTIVITY_WAGES_TABLE = "wages_by_activity"


def gap_text() -> str:
    """A value a variable cannot give (display text, the one wording for a gap)."""
    return term("not available")


def hours_basis_names() -> dict[str, str]:
    """The two totals of hours (HOURS_BASES) as the chart's legend names them."""
    return {
        "as_counted": term("Recorded and added hours"),
        "net": term("Without the hours counted twice"),
    }


# --- pure arithmetic ---------------------------------------------------------------------


def implied_monthly_norm(hours: float, monthly_wage: float, value: float) -> float:
    """The monthly working-time norm that turns `hours` at `monthly_wage` into `value`."""
    return hours * monthly_wage / value


def implied_monthly_wage(hours: float, monthly_norm_hours: float, value: float) -> float:
    """The monthly wage that turns `hours` at `monthly_norm_hours` into `value`."""
    return value * monthly_norm_hours / hours


def implied_hours_per_person_year(hours: float, persons: float) -> float:
    """Hours per full-time person-year implied by stating `hours` as `persons` full-time."""
    return hours / persons


def rounds_to(value: float, published: float | None, scale: float, decimals: int) -> bool:
    """True when `value` in units of `scale` rounds to `published` at `decimals` places."""
    return published is not None and matches_rounded(value / scale, published / scale, decimals)


def published_decimals(value: float, scale: float = BILLION) -> int:
    """The decimals a round published figure has in units of `scale`: 2.6e9 -> 1."""
    return fmt.shown_decimals(value / scale)


# --- parameters --------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodParameters:
    """Parameters of the replacement-cost method, each with its source."""

    wage_kzt: float
    wage_label: str
    wage_source: str
    wage_region: str | None  # the region whose wage it is (name); None for the national wage
    monthly_norm_hours: float
    annual_norm_hours: float
    norm_source: str


def parameter(ds: Dataset, name: str) -> tuple[float, str]:
    """A number of params.yml as (value, source); entries are `{value: ..., source: ...}`."""
    if name not in ds.params:
        raise KeyError(f"params.yml ({ds.path}): no entry {name!r}")
    entry = ds.params[name]
    if isinstance(entry, dict):
        return float(entry["value"]), str(entry.get("source", ""))
    return float(entry), ""


def method_parameters(ds: Dataset) -> MethodParameters:
    """The method's parameters: the norms and the wage basis from params.yml."""
    monthly, monthly_source = parameter(ds, "monthly_hours_norm")
    annual, _ = parameter(ds, "annual_hours_norm")
    wage = default_wage(ds)
    return MethodParameters(
        wage_kzt=wage["wage_kzt"],
        wage_label=wage["label"],
        wage_source=wage["source"],
        wage_region=wage["region_name"],
        monthly_norm_hours=monthly,
        annual_norm_hours=annual,
        norm_source=monthly_source,
    )


def default_wage(ds: Dataset) -> dict:
    """The wage params.yml names as the default (table, region, boundaries), with its source.

    Without a `default_wage` entry, the national average of wages.csv (current boundaries).
    """
    spec = ds.params.get("default_wage") or {}
    table_name = spec.get("table", "wages")
    region = spec.get("region", NATIONAL)
    boundaries = spec.get("boundaries", "current")
    wages = ds.table(table_name)
    rows = wages[(wages["region"] == region) & (wages["boundaries"] == boundaries)]
    if len(rows) != 1 or pd.isna(rows["wage_kzt"].iloc[0]):
        raise KeyError(
            f"{table_name}.csv: no wage_kzt for region {region}, boundaries {boundaries} "
            f"(params.yml default_wage)"
        )
    region_name = None if region == NATIONAL else str(region_names(ds).get(region, region))
    return {
        "wage_kzt": float(rows["wage_kzt"].iloc[0]),
        "label": f"{region_name or 'national'} average monthly wage",
        "region_name": region_name,
        "source": str(rows["source"].iloc[0]),
    }


# --- hours -------------------------------------------------------------------------------


def grant_figure(ds: Dataset, indicator: str, column: str) -> Published:
    """A national total of the grant projects; where the data do not give it, the sum over
    the projects listed in grant_projects.csv, which the total is at least."""
    total = published(ds, indicator)
    projects = ds.tables.get("grant_projects")
    if not total.missing or projects is None:
        return total
    values = pd.to_numeric(projects[column], errors="coerce").dropna()
    if values.empty:
        return total
    return Published(
        float(values.sum()), "at_least", "derived", "grant_projects.csv: sum of the listed projects"
    )


def unrecorded_table(ds: Dataset) -> pd.DataFrame:
    """Initiatives outside the RFO figures, with hours and the part already counted.

    Columns: id, name, organization, volunteers, volunteers_qualifier, hours,
    hours_qualifier, hours_already_in_rfo, status, source. The grant projects' total joins
    as a row of its own when the record table does not list it; a vintage without the
    record table has only that row.
    """
    table = ds.tables.get("unrecorded_initiatives")
    if table is None:
        table = pd.DataFrame(columns=UNRECORDED_COLUMNS)
    frame = pd.DataFrame(
        {
            "id": table["id"].astype(str),
            "name": text_column(table, "name").astype(str),
            "organization": text_column(table, "organization"),
            "volunteers": table["volunteers"].astype("Float64"),
            "volunteers_qualifier": table["volunteers_qualifier"].fillna("exact").astype(str),
            "hours": table["hours"].astype("Float64"),
            "hours_qualifier": table["hours_qualifier"].fillna("exact").astype(str),
            # Empty where the source does not say (shown as a gap, counted as none).
            "hours_already_in_rfo": table["hours_already_in_rfo"].astype("Float64"),
            "status": table["status"].astype(str),
            "source": table["source"].astype(str),
        }
    )
    if GRANT_INITIATIVE not in set(frame["id"]):
        hours = grant_figure(ds, "grant_hours_total", "hours")
        volunteers = grant_figure(ds, "grant_volunteers_total", "volunteers")
        grant_row = {
            "id": GRANT_INITIATIVE,
            "name": term("Grant volunteer projects"),
            "organization": pd.NA,
            "volunteers": volunteers.value,
            "volunteers_qualifier": volunteers.qualifier,
            "hours": hours.value,
            "hours_qualifier": hours.qualifier,
            "hours_already_in_rfo": pd.NA,
            "status": hours.status,
            "source": hours.source,
        }
        frame = pd.concat([frame, pd.DataFrame([grant_row])], ignore_index=True)
        frame = frame.astype(
            {"volunteers": "Float64", "hours": "Float64", "hours_already_in_rfo": "Float64"}
        )
    return frame


def unrecorded_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `unrecorded_table`, each qualifier in its number's cell.

    Volunteers and hours are text as published ("at least 16,155"), so the table stays
    four columns wide; `unrecorded_data` is the CSV with numbers and qualifiers apart.
    """
    return pd.DataFrame(
        {
            term("Initiative", HEADER): frame["name"],
            term("Volunteers", HEADER): display.qualified_cells(
                frame["volunteers"].round(0), frame["volunteers_qualifier"]
            ),
            term("Hours", HEADER): display.qualified_cells(
                frame["hours"].round(0), frame["hours_qualifier"]
            ),
            RFO_HOURS_COLUMN: frame["hours_already_in_rfo"].round(0).astype("Int64"),
        }
    )


def unrecorded_data(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV behind `unrecorded_display`: numbers, with the qualifiers in columns of their
    own ("at least"; empty when exact)."""
    return pd.DataFrame(
        {
            "Initiative": frame["name"],
            "Volunteers": frame["volunteers"].round(0).astype("Int64"),
            "Volunteers as published": frame["volunteers_qualifier"].map(common.qualifier_words),
            "Hours": frame["hours"].round(0).astype("Int64"),
            "Hours as published": frame["hours_qualifier"].map(common.qualifier_words),
            RFO_HOURS_COLUMN: frame["hours_already_in_rfo"].round(0).astype("Int64"),
        }
    )


@dataclass(frozen=True)
class HoursBasis:
    """Recorded hours, the additions and the adjusted totals, with and without double count.

    The qualifiers say how the source words the recorded hours and the sum of the added
    ones (see `sum_qualifier`); exact unless given.
    """

    recorded: float
    added: float
    double_counted: float
    recorded_qualifier: str = "exact"
    added_qualifier: str = "exact"

    @property
    def adjusted_qualifier(self) -> str:
        """The qualifier of the adjusted total: of the sum of recorded and added hours."""
        return sum_qualifier([self.recorded_qualifier, self.added_qualifier])

    @property
    def adjusted(self) -> float:
        """Recorded plus unrecorded hours, as the report adds them."""
        return self.recorded + self.added

    @property
    def adjusted_net(self) -> float:
        """Adjusted total without the hours already in the RFO figures."""
        return self.adjusted - self.double_counted

    @property
    def added_pct(self) -> float:
        """Unrecorded hours as a percentage of the recorded hours."""
        return 100 * self.added / self.recorded

    @property
    def added_net_pct(self) -> float:
        """Unrecorded hours without the double count, as a percentage of recorded hours."""
        return 100 * (self.added - self.double_counted) / self.recorded

    def total(self, basis: str) -> float:
        """The adjusted total on a basis of HOURS_BASES."""
        return {"as_counted": self.adjusted, "net": self.adjusted_net}[basis]


def hours_basis(ds: Dataset) -> HoursBasis:
    """Recorded hours (chapter 3) and the unrecorded initiatives' hours."""
    recorded = national_hours(ds)
    if recorded.value is None:
        raise ValueError("observations.csv: national hours are missing; no economic value")
    unrecorded = unrecorded_table(ds)
    return HoursBasis(
        recorded=recorded.value,
        added=float(unrecorded["hours"].sum()),
        double_counted=float(unrecorded["hours_already_in_rfo"].fillna(0).sum()),
        recorded_qualifier=recorded.qualifier,
        added_qualifier=sum_qualifier(
            unrecorded.loc[unrecorded["hours"].notna(), "hours_qualifier"]
        ),
    )


# The segments of the bar of hours (`hours_frame`), in order, and their colours.
HOURS_SEGMENTS = {
    "recorded": display.PALETTE[0],
    "added_unrecorded": display.PALETTE[1],
    "added_already_recorded": display.PALETTE[5],
}


def hours_segment_names() -> dict[str, str]:
    """The segments of the bar of hours (HOURS_SEGMENTS) as its legend names them."""
    return {
        "recorded": term("Recorded by the regional front offices"),
        "added_unrecorded": term("Added: unrecorded initiatives"),
        "added_already_recorded": term("Added, but already recorded"),
    }


def hours_frame(basis: HoursBasis) -> pd.DataFrame:
    """The segments `plot_hours` draws, as its data: the recorded hours, the added hours
    of initiatives not recorded (net of double counting), and the added hours the regional
    front offices had recorded already. A segment without hours is not drawn and has no
    row. Columns: segment (HOURS_SEGMENTS), hours."""
    hours = {
        "recorded": basis.recorded,
        "added_unrecorded": basis.added - basis.double_counted,
        "added_already_recorded": basis.double_counted,
    }
    rows = [(segment, float(value)) for segment, value in hours.items() if value]
    return pd.DataFrame(rows, columns=["segment", "hours"])


def plot_hours(frame: pd.DataFrame):
    """One stacked bar of the segments of `hours_frame`, in its order; the legend gives each
    segment's hours."""
    import matplotlib.pyplot as plt

    names = hours_segment_names()
    segments = [
        (names[row.segment], float(row.hours), HOURS_SEGMENTS[row.segment])
        for row in frame.itertuples()
    ]
    figure, axis = plt.subplots(figsize=(display.FIGURE_WIDTH, 2.8))
    left = 0.0
    for label, width, colour in segments:
        axis.barh([0], [width], left=left, height=0.6, color=colour,
                  label=f"{label}: {display.number(width)}")  # fmt: skip
        left += width
    axis.set_yticks([])
    axis.set_xlim(0, left * 1.02 if left else 1)
    axis.xaxis.set_major_locator(plt.MaxNLocator(4))
    display.thousands_axis(axis)
    axis.grid(axis="x")
    axis.spines["left"].set_visible(False)
    axis.set_xlabel(term("Hours"))
    display.legend_above(axis, columns=1)
    fit_legend(figure, axis, {label: display.number(width) for label, width, _ in segments})
    figure.tight_layout()
    return figure


LEGEND_SHARE = 0.95  # of the figure's width: a wider legend has its labels wrapped
LEGEND_LABEL_WIDTH = 32  # characters of a wrapped legend entry's lines, its figure included
BASIS_LABEL_WIDTH = 22  # characters of the lines of a wage basis's label (`plot_sensitivity`)


def fit_legend(figure, axis, figures: dict[str, str]) -> None:
    """Wrap the words of the legend's labels ('label: figure') when the legend is wider
    than the figure (the longer words of some languages), so that the plot keeps its width;
    the figure stays on the last line, whole, and counts in the lines' length."""
    legend = axis.get_legend()
    renderer = figure.canvas.get_renderer()
    if legend.get_window_extent(renderer).width <= LEGEND_SHARE * figure.bbox.width:
        return
    for container in axis.containers:
        label, _, figure_text = str(container.get_label()).rpartition(": ")
        if label in figures:
            whole = figure_text.replace(" ", "\u00a0")  # the figure stays on one line
            container.set_label(display.wrap_label(f"{label}: {whole}", LEGEND_LABEL_WIDTH))
    display.legend_above(axis, columns=1)


# --- sensitivity ---------------------------------------------------------------------------


def regional_hours(ds: Dataset) -> pd.DataFrame:
    """The regions' total hours (all areas), one row per region."""
    hours = ds.obs("hours")
    return hours[(hours["region"] != NATIONAL) & hours["category"].isna()]


def regional_hours_charted(ds: Dataset) -> bool:
    """True when the regions' hours are shown only as a chart: no values, sources name a chart."""
    hours = regional_hours(ds)
    return bool(
        len(hours)
        and hours["value"].isna().all()
        and hours["source"].astype(str).str.contains("chart").all()
    )


@dataclass(frozen=True)
class Weighting:
    """Regional wages weighted by each region's recorded hours, and what it leaves out.

    `wage` is None when no region has both hours and a wage. `regions` counts the regions
    with an hours row; `hours_missing` and `wages_missing` name the regions left out.
    """

    wage: float | None
    regions: int
    hours_missing: list[str]
    wages_missing: list[str]
    charted: bool

    @property
    def complete(self) -> bool:
        """True when every region with an hours row has its hours and its wage."""
        return bool(self.regions) and not self.hours_missing and not self.wages_missing


def hours_weighting(ds: Dataset) -> Weighting:
    """Regional wages weighted by each region's recorded hours, as the 2022 method describes.

    Regions without hours or without a wage are left out of the weighting and named.
    Regions split since the reporting year use the wage of their pre-split unit
    (boundaries reporting_2022) when the hours are in the old units.
    """
    hours = regional_hours(ds)
    names = region_names(ds)
    charted = regional_hours_charted(ds)
    if hours.empty:
        return Weighting(None, 0, [], [], charted)
    regions = ds.reference["regions"].set_index("code")
    old_units = not hours["region"].map(~regions["reporting_2022"].astype(bool)).any()
    wages = ds.table("wages")
    wanted = "reporting_2022" if old_units else "current"
    chosen = wages.assign(_rank=(wages["boundaries"] != wanted).astype(int))
    chosen = chosen.sort_values("_rank").drop_duplicates("region").set_index("region")
    regional_wages = hours["region"].map(chosen["wage_kzt"]).astype("Float64")
    has_hours = hours["value"].notna()
    has_wage = regional_wages.notna()
    usable = has_hours & has_wage

    def named(mask: pd.Series) -> list[str]:
        codes = common.in_reference_order(ds, hours.loc[mask, "region"].astype(str).tolist())
        return [str(names.get(code, code)) for code in codes]

    weights = hours.loc[usable, "value"].astype(float)
    wage = (
        float((regional_wages[usable].astype(float) * weights).sum() / weights.sum())
        if usable.any() and weights.sum() > 0
        else None
    )
    return Weighting(wage, len(hours), named(~has_hours), named(has_hours & ~has_wage), charted)


def hours_weighted_wage(ds: Dataset) -> float | None:
    """The hours-weighted regional wage (see `hours_weighting`); None when none can be had."""
    return hours_weighting(ds).wage


def wage_bases(ds: Dataset, params: MethodParameters) -> pd.DataFrame:
    """Monthly wages to value the hours with: national, regional, occupation range.

    Columns: basis, wage_kzt, note. The regional extremes are official wages (reported
    rows); the hours-weighted regional wage has no value when no region has hours.
    """
    names = region_names(ds)
    wages = ds.table("wages")
    regional = wages[(wages["region"] != NATIONAL) & (wages["status"] == "reported")]
    lowest = regional.loc[regional["wage_kzt"].astype(float).idxmin()]
    highest = regional.loc[regional["wage_kzt"].astype(float).idxmax()]
    occupations = ds.table("wages_by_occupation")
    occupations = occupations.assign(occupation=text_column(occupations, "occupation"))
    low_occ = occupations.loc[occupations["wage_kzt"].astype(float).idxmin()]
    high_occ = occupations.loc[occupations["wage_kzt"].astype(float).idxmax()]
    weighting = hours_weighting(ds)
    weighted = weighting.wage
    if weighted is None:
        weighted_note = term("not computed: no region has both recorded hours and a wage")
    elif weighting.complete:
        weighted_note = term("official regional wages weighted by the regions' recorded hours")
    else:
        left_out = weighting.hours_missing + weighting.wages_missing
        weighted_note = term(
            "official regional wages weighted by the regions' recorded hours, without {regions}"
        ).format(regions=fmt.join_words(left_out))
    official = term("official")
    rows = [
        (term("National average"), params.wage_kzt, term("official national average")),
        (
            term("Lowest regional ({region})").format(region=names.get(lowest["region"])),
            lowest["wage_kzt"],
            official,
        ),
        (
            term("Highest regional ({region})").format(region=names.get(highest["region"])),
            highest["wage_kzt"],
            official,
        ),
        (term("Regional, weighted by each region's hours"), weighted, weighted_note),
        (
            term("Lowest occupation group ({group})").format(group=low_occ["occupation"]),
            low_occ["wage_kzt"],
            official,
        ),
        (
            term("Highest occupation group ({group})").format(group=high_occ["occupation"]),
            high_occ["wage_kzt"],
            official,
        ),
    ]
    frame = pd.DataFrame(rows, columns=["basis", "wage_kzt", "note"])
    frame["wage_kzt"] = frame["wage_kzt"].astype("Float64")
    return frame


def sensitivity_table(bases: pd.DataFrame, basis: HoursBasis, monthly_norm: float) -> pd.DataFrame:
    """Replacement value for each wage basis, with and without the double-counted hours.

    Columns: basis, wage_kzt, value_as_counted_kzt, value_net_kzt, note.
    """
    frame = bases.copy()
    for key in HOURS_BASES:
        frame[f"value_{key}_kzt"] = (
            frame["wage_kzt"]
            .map(
                lambda wage, key=key: (
                    pd.NA
                    if pd.isna(wage)
                    else replacement_value(basis.total(key), float(wage), monthly_norm)
                )
            )
            .astype("Float64")
        )
    return frame[["basis", "wage_kzt", "value_as_counted_kzt", "value_net_kzt", "note"]]


def sensitivity_display(frame: pd.DataFrame, with_net: bool = True) -> pd.DataFrame:
    """Human headers for `sensitivity_table`, values in billions of KZT.

    `with_net=False` (no hours counted twice) shows one value column: both are the same.
    """
    shown = {
        term("Wage basis", HEADER): frame["basis"],
        term("Monthly wage, KZT", HEADER): frame["wage_kzt"].round(0).astype("Int64"),
        term("Value, recorded and added hours, billion KZT", HEADER): (
            frame["value_as_counted_kzt"] / BILLION
        )
        .astype("Float64")
        .round(2),
    }
    if with_net:
        shown[term("Value, without the hours counted twice, billion KZT", HEADER)] = (
            (frame["value_net_kzt"] / BILLION).astype("Float64").round(2)
        )
    return pd.DataFrame(shown)


def plot_sensitivity(frame: pd.DataFrame, published_value: float | None, with_net: bool = True):
    """Horizontal bars of the value per wage basis in billions of KZT, each labelled with
    its value; a published figure (if any) as a dashed line, named in the legend.

    `with_net=False` (no hours counted twice) draws one bar per wage: both are the same.
    """
    data = frame.dropna(subset=["value_as_counted_kzt"]).reset_index(drop=True)
    keys = ["as_counted", "net"] if with_net else ["as_counted"]
    legend = hours_basis_names()
    series = {legend[key]: data[f"value_{key}_kzt"].astype("float64") / BILLION for key in keys}
    names = [display.wrap_label(name, BASIS_LABEL_WIDTH) for name in data["basis"]]
    figure, axis = display.bar_chart(len(data), per_row=0.45 * len(keys) + 0.25, extra=1.2)
    display.grouped_bars(
        axis, names, series, texts=lambda value: display.number(value, 2), backed=True
    )
    longest = max((values.max() for values in series.values()), default=1)
    handles = axis.get_legend_handles_labels()[0]
    if published_value is not None:
        # The published figure is a dashed line across the bars, named in the legend.
        stated = published_value / BILLION
        words = term("published: {value}").format(
            value=display.number(stated, fmt.shown_decimals(stated))
        )
        handles.append(
            axis.axvline(
                stated,
                color=display.TEXT_COLOUR,
                linestyle="--",
                linewidth=1,
                label=fmt.capitalize_first(words),
                zorder=3,
            )  # fmt: skip
        )
        longest = max(longest, stated)
    axis.set_xlim(0, longest * 1.25)
    axis.set_xlabel(term("Replacement value, billion KZT"))
    display.legend_above(axis, columns=1, handles=handles)
    figure.tight_layout()
    return figure


# --- chapter result ------------------------------------------------------------------------


@dataclass(frozen=True)
class EconomicsResult:
    """Everything chapter 5 shows, computed from one year's data.

    `published_source` names the published edition the vintage was transcribed from
    ("Report 2022"; None from 2023 on, when the pipeline is the report). Only then are the
    `published_*` figures the published report's, and the implied parameters are computed.
    """

    year: int
    unrecorded: pd.DataFrame
    hours: HoursBasis
    params: MethodParameters
    economic_value_kzt: float
    economic_value_net_kzt: float
    fte_equivalent: float
    fte_equivalent_net: float
    sensitivity: pd.DataFrame
    published_added: Published
    published_added_pct: Published
    published_value: Published
    published_value_low: Published
    published_value_high: Published
    published_fte: Published
    implied_monthly_norm: float | None
    implied_wage: float | None
    implied_hours_per_fte: float | None
    regional_hours_charted: bool
    weighting: Weighting
    published_source: str | None = None
    activity_wages: bool = False  # the vintage holds official wages by economic activity
    # How the rows' sources cite the published edition (English, as the data write it; the
    # `published_source` above is in the language written). None: as `published_source`.
    source_cite_as: str | None = None

    @property
    def published(self) -> bool:
        """True when the vintage declares a published report to compare with."""
        return self.published_source is not None

    @property
    def stated_value(self) -> float | None:
        """The published report's economic value; None without a published source."""
        return self.published_value.value if self.published else None


def compute(ds: Dataset) -> EconomicsResult:
    """Compute chapter 5 from a dataset."""
    params = method_parameters(ds)
    basis = hours_basis(ds)
    value = published(ds, "economic_value_kzt")
    fte = published(ds, "fte_equivalent")
    # The published figures the computed ones are compared with (None: nothing to compare).
    stated_value = value.value if ds.edition.published else None
    stated_fte = fte.value if ds.edition.published else None
    adjusted = basis.adjusted
    return EconomicsResult(
        year=ds.year,
        unrecorded=unrecorded_table(ds),
        hours=basis,
        params=params,
        economic_value_kzt=replacement_value(adjusted, params.wage_kzt, params.monthly_norm_hours),
        economic_value_net_kzt=replacement_value(
            basis.adjusted_net, params.wage_kzt, params.monthly_norm_hours
        ),
        fte_equivalent=full_time_equivalents(adjusted, params.annual_norm_hours),
        fte_equivalent_net=full_time_equivalents(basis.adjusted_net, params.annual_norm_hours),
        sensitivity=sensitivity_table(wage_bases(ds, params), basis, params.monthly_norm_hours),
        published_added=published(ds, "unrecorded_hours_added"),
        published_added_pct=published(ds, "unrecorded_hours_added_pct"),
        published_value=value,
        published_value_low=published(ds, "economic_value_kzt_sector_low"),
        published_value_high=published(ds, "economic_value_kzt_sector_high"),
        published_fte=fte,
        implied_monthly_norm=None
        if stated_value is None
        else implied_monthly_norm(adjusted, params.wage_kzt, stated_value),
        implied_wage=None
        if stated_value is None
        else implied_monthly_wage(adjusted, params.monthly_norm_hours, stated_value),
        implied_hours_per_fte=None
        if stated_fte is None
        else implied_hours_per_person_year(adjusted, stated_fte),
        regional_hours_charted=regional_hours_charted(ds),
        weighting=hours_weighting(ds),
        published_source=ds.edition.cite_as,
        source_cite_as=common.source_cite_as(ds),
        activity_wages=ACTIVITY_WAGES_TABLE in ds.tables,
    )


# --- statements ------------------------------------------------------------------------------


def same_value(result: EconomicsResult) -> bool:
    """True when the computed value and the published one are the same to the tenge."""
    stated = result.stated_value
    return stated is not None and abs(result.economic_value_kzt - stated) < HALF_UNIT  # whole tenge


def same_fte(result: EconomicsResult) -> bool:
    """True when the computed full-time equivalents round to the published number."""
    stated = result.published_fte.value
    return result.published and stated is not None and round(result.fte_equivalent) == round(stated)


def _stated(figure: Published, compare: bool) -> dict | None:
    """A published figure for the templates (value, qualifier); None when there is none to
    compare with: no published source, or the source gives no value."""
    if not compare or figure.missing:
        return None
    return {"value": figure.value, "qualifier": figure.qualifier}


def counted_twice(result: EconomicsResult) -> list[dict]:
    """The initiatives whose hours are partly in the regional figures already.

    Each: name, hours (already in the RFO figures), noted (the published report's own row
    says so: its source cites the published edition).
    """
    frame = result.unrecorded
    rows = frame[frame["hours_already_in_rfo"].fillna(0) > 0]
    cite = result.source_cite_as or result.published_source
    return [
        {
            "name": str(row["name"]),
            "hours": float(row["hours_already_in_rfo"]),
            "noted": cite is not None and str(row["source"]).startswith(cite),
        }
        for _, row in rows.iterrows()
    ]


def context(result: EconomicsResult) -> dict:
    """The values every statement of the chapter is rendered from (numbers, names, flags).

    Published figures (`stated_*`) are None unless the vintage declares a published source
    and that source gives the value.
    """
    hours, params = result.hours, result.params
    frame = result.unrecorded
    compare = result.published
    stated_value = _stated(result.published_value, compare)
    stated_added = _stated(result.published_added, compare)
    low, high = result.published_value_low, result.published_value_high
    sensitivity = result.sensitivity.dropna(subset=["value_as_counted_kzt"])
    weighting = result.weighting
    return {
        "year": result.year,
        "published": compare,
        "recorded": hours.recorded,
        "recorded_qualifier": hours.recorded_qualifier,
        "initiatives": int(frame["hours"].notna().sum()),
        "initiatives_without_hours": [str(n) for n in frame.loc[frame["hours"].isna(), "name"]],
        "added": hours.added,
        "added_pct": hours.added_pct,
        "added_net": hours.added - hours.double_counted,
        "added_net_pct": hours.added_net_pct,
        "adjusted": hours.adjusted,
        "adjusted_net": hours.adjusted_net,
        # The bound the chapter's values carry where they are stated in short (the
        # headline): recorded hours known only as a lower bound (regions without hours)
        # make every value computed from them one, as the unrecorded section says.
        "values_qualifier": "at_least"
        if hours.recorded_qualifier == "at_least" and hours.adjusted_qualifier == "at_least"
        else "exact",
        "double_counted": hours.double_counted,
        "twice": counted_twice(result),
        "wage": params.wage_kzt,
        "wage_region": params.wage_region,
        "monthly_norm": params.monthly_norm_hours,
        "annual_norm": params.annual_norm_hours,
        "value": result.economic_value_kzt,
        "value_net": result.economic_value_net_kzt,
        "fte": result.fte_equivalent,
        "fte_net": result.fte_equivalent_net,
        "stated_added": stated_added,
        # The published addition includes the hours counted twice (it equals the full sum).
        "source_counts_twice": bool(hours.double_counted)
        and stated_added is not None
        and abs(stated_added["value"] - hours.added) < HALF_UNIT,
        "stated_added_pct": _stated(result.published_added_pct, compare),
        "stated_value": stated_value,
        "stated_value_decimals": None
        if stated_value is None
        else published_decimals(stated_value["value"]),
        "value_same": same_value(result),
        "value_rounds_same": stated_value is not None
        and rounds_to(
            result.economic_value_kzt,
            stated_value["value"],
            BILLION,
            published_decimals(stated_value["value"]),
        ),
        "implied_wage": result.implied_wage,
        "implied_norm": result.implied_monthly_norm,
        "second_estimate": None
        if low.value is None or high.value is None
        else {
            "low": low.value,
            "high": high.value,
            "qualifier": sum_qualifier([low.qualifier, high.qualifier]),
            # A published range keeps its round form; a computed one shows hundredths.
            "decimals": max(published_decimals(low.value), published_decimals(high.value))
            if compare and "reported" in (low.status, high.status)
            else 2,
            "published": compare and "reported" in (low.status, high.status),
        },
        "activity_wages": result.activity_wages,
        "lowest": float(sensitivity["value_net_kzt"].astype(float).min()),
        "highest": float(sensitivity["value_as_counted_kzt"].astype(float).max()),
        "weighted_value": None
        if weighting.wage is None
        else replacement_value(hours.adjusted, weighting.wage, params.monthly_norm_hours),
        "weighting_regions": weighting.regions,
        "hours_missing": weighting.hours_missing,
        "wages_missing": weighting.wages_missing,
        "hours_charted": weighting.charted,
        "stated_fte": _stated(result.published_fte, compare),
        "fte_same": same_fte(result),
        "implied_hours_per_fte": result.implied_hours_per_fte,
    }


def statement(name: str, result: EconomicsResult, **extra: Any) -> str:
    """The chapter's statement `name` (templates/en/economics/<name>.md), from `context`."""
    words = fmt.qualifier_words()
    text = prose.render(f"economics/{name}", **context(result), qualifier_words=words, **extra)
    return LINE_BREAK.sub(" ", text)  # the templates' wrapped lines, joined; paragraphs kept


def headline(result: EconomicsResult) -> str:
    """Key numbers of the chapter as a Markdown paragraph."""
    return statement("headline", result)


def unrecorded_text(result: EconomicsResult) -> str:
    """The unrecorded initiatives, the adjusted total and any hours counted twice."""
    return statement("unrecorded", result)


def value_text(result: EconomicsResult) -> str:
    """The replacement value and, against a published figure, the parameters it implies."""
    return statement("value", result)


def sensitivity_text(result: EconomicsResult) -> str:
    """How much the value depends on the wage, and the regional weighting."""
    return statement("sensitivity", result)


def fte_text(result: EconomicsResult) -> str:
    """Full-time equivalents and the hours per person-year a published figure implies."""
    return statement("fte", result)


# --- indicators, discrepancies and variables ---------------------------------------------------


def indicators(ds: Dataset, result: EconomicsResult) -> list[Indicator]:
    """Headline indicators of chapter 5, computed by the documented method (status derived).

    Each carries the qualifier of the hours it is computed from: the sum of the
    initiatives' hours is qualified by its parts (`sum_qualifier`), and the value and the
    full-time equivalents scale the adjusted hours by exact parameters, keeping its qualifier.
    """
    source = term(
        "computed: recorded and unrecorded hours at replacement cost (methodology appendix)"
    )
    hours = result.hours
    return [
        Indicator(
            "unrecorded_hours_total",
            term("Hours of initiatives outside the RFO figures"),
            hours.added,
            "hours",
            "derived",
            source,
            hours.added_qualifier,
        ),
        Indicator(
            "hours_adjusted_total",
            term("Recorded and unrecorded volunteer hours"),
            hours.adjusted,
            "hours",
            "derived",
            source,
            hours.adjusted_qualifier,
        ),
        Indicator(
            "economic_value_kzt",
            term("Replacement value of volunteer hours"),
            result.economic_value_kzt,
            "KZT",
            "derived",
            source,
            hours.adjusted_qualifier,
        ),
        Indicator(
            "fte_equivalent",
            term("Full-time equivalent of volunteer hours"),
            result.fte_equivalent,
            "persons",
            "derived",
            source,
            hours.adjusted_qualifier,
        ),
    ]


def discrepancies(ds: Dataset, result: EconomicsResult) -> list[Discrepancy]:
    """Where chapter 5 of the published report disagrees with itself or with official
    statistics; none when the vintage declares no published source."""
    if not result.published:
        return []
    found = []
    topics = []
    if result.hours.double_counted and context(result)["stated_added"] is not None:
        topics.append((term("Unrecorded hours counted twice"), "double_count"))
    if result.implied_wage is not None and not same_value(result):
        topics.append((term("Economic value"), "value"))
    if result.implied_hours_per_fte is not None and not same_fte(result):
        topics.append((term("Full-time equivalents"), "fte"))
    for topic, name in topics:
        # Table cells: one line each.
        parts = [
            " ".join(statement(f"discrepancy/{name}", result, part=part).split())
            for part in ("published", "recomputed", "explanation")
        ]
        found.append(Discrepancy(CHAPTER, topic, *parts))
    return found


def variables(ds: Dataset, result: EconomicsResult) -> dict[str, str]:
    """`{{< var >}}` values for the chapter's commentary and the method notes.

    Names start with `economics_`; a value the data do not give is 'not available'.
    """
    values = context(result)
    gap = gap_text()

    def show(value: float | None, decimals: int = 0) -> str:
        return gap if value is None else fmt.number(value, decimals)

    def stated(key: str, decimals: int = 0) -> str:
        figure = values[key]
        if figure is None:
            return gap
        return fmt.qualified(figure["value"], figure["qualifier"], decimals)

    return {
        "economics_initiatives_count": show(values["initiatives"]),
        "economics_added_hours": show(values["added"]),
        "economics_added_pct": fmt.percent(values["added_pct"], 1),
        "economics_added_net_hours": show(values["added_net"]),
        "economics_added_net_pct": fmt.percent(values["added_net_pct"], 1),
        "economics_double_counted_hours": show(values["double_counted"]),
        "economics_value_net": fmt.billions(values["value_net"]),
        "economics_fte_net": show(values["fte_net"]),
        "economics_wage": term("{amount} KZT").format(amount=fmt.number(values["wage"])),
        "economics_monthly_norm": show(values["monthly_norm"], 1),
        "economics_annual_norm": show(values["annual_norm"]),
        "economics_published_added_hours": stated("stated_added"),
        "economics_published_added_pct": gap
        if values["stated_added_pct"] is None
        else fmt.percent(values["stated_added_pct"]["value"], 0),
        "economics_published_fte": stated("stated_fte"),
        "economics_implied_wage": gap
        if values["implied_wage"] is None
        else term("{amount} KZT").format(amount=fmt.number(values["implied_wage"])),
        "economics_implied_monthly_norm": show(values["implied_norm"], 1),
        "economics_implied_hours_per_fte": show(values["implied_hours_per_fte"]),
        "economics_undercount": undercount_text(ds),
    }


def undercount_text(ds: Dataset) -> str:
    """The published range of how much higher the real figures are than the recorded ones
    (`volunteers_undercount_pct`, low and high): 'at least 20–25%'; `gap_text()` without it."""
    rows = ds.obs("volunteers_undercount_pct")
    bounds = {str(row["category"]): row for _, row in rows.iterrows() if pd.notna(row["value"])}
    if set(bounds) != {"low", "high"}:
        return gap_text()
    low, high = bounds["low"], bounds["high"]
    qualifier = str(low["qualifier"]) if pd.notna(low["qualifier"]) else "exact"
    text = f"{fmt.number(float(low['value']))}–{fmt.percent(float(high['value']), 0)}"
    return fmt.qualify(text, qualifier)
