"""Chapter 3: areas of volunteering, event formats, regional representation and RFO support.

This module computes; the chapter's sentences are templates in `templates/en/areas/`,
rendered with `volreport.core.prose` from the values computed here. What the text says depends
on what the data hold: a breakdown given for every region is computed in full, one given
in part names the regions without a value, and only a vintage transcribed from a
published report (`ds.edition.published`) compares its figures with the report's.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import pandas as pd

from volreport.chapters import common, display
from volreport.chapters.common import (
    area_names,
    area_order,
    area_short_names,
    qualifier_words,
)
from volreport.core import fmt, i18n, prose
from volreport.core.i18n import SOURCE_LANGUAGE, term
from volreport.data import contract
from volreport.data.contract import HALF_UNIT, NATIONAL
from volreport.data.dataset import Dataset, names, text_column
from volreport.data.derive import SHARE_DECIMALS, rounding_tolerance
from volreport.data.indicators import Discrepancy, Indicator
from volreport.data.published import (
    Published,
    national_hours,
    qualifier_of,
    ratio_qualifier,
    region_names,
    reporting_regions,
)

CHAPTER = "areas"
# A shown table's headers stay English in its frame (they are its CSV's header);
# `display.show_table` shows them in the reader's language.
HEADER = SOURCE_LANGUAGE
# Published shares carry two decimals; a recomputed share within half a unit of the last
# place plus float noise agrees with the published one.
SHARE_TOLERANCE_PP = rounding_tolerance(SHARE_DECIMALS)
# The bands of the representation matrix, lowest first (their ranks 0, 1, 2); their limits
# in percent of a region's events (contract.BAND_LIMITS) check the matrix against the text.
BANDS = tuple(contract.BAND_LIMITS)
SUPPORT_LEVELS = contract.SUPPORT_LEVELS
DEVELOPMENT_MEASURES = {
    "development_events": "events",
    "development_volunteers": "volunteers",
    "development_hours": "hours",
}
LEADER_MEASURES = ("hours_share_of_area_national", "events_share_in_region")
# The leader measures as the template of the list of leaders names them.
LEADER_KEYS = {"hours_share_of_area_national": "hours", "events_share_in_region": "events"}
# How the extremes of a regional breakdown are known (see `breakdown_basis`).
BASES = ("all", "named", "given", "none")
LEADER_COLUMNS = [
    "area", "area_name", "measure", "measure_label", "region", "region_name", "value",
    "qualifier", "basis",
]  # fmt: skip


# --- words of the tables and charts, in the current language --------------------------------


def band_names() -> dict[str, str]:
    """The bands of the representation matrix (BANDS) as the chart and the text name them."""
    return {
        "under_5": term("under 5%"),
        "5_to_25": term("5% to 25%"),
        "over_25": term("over 25%"),
    }


def support_names() -> dict[str, str]:
    """The levels of RFO support (SUPPORT_LEVELS) as the table names them."""
    return {
        "regular": term("mentioned regularly"),
        "references": term("some references"),
        "one_time": term("one-time mentions"),
        "none": term("no mention"),
    }


def leader_measure_names() -> dict[str, str]:
    """The leader measures (LEADER_MEASURES) as the data of the list of leaders name them."""
    return {
        "hours_share_of_area_national": term("Largest share of the area's national hours"),
        "events_share_in_region": term("Largest share of the region's events"),
    }


def development_measure_names() -> dict[str, str]:
    """The measures of development activities (DEVELOPMENT_MEASURES' values) in a table."""
    return {"events": term("Events"), "volunteers": term("Volunteers"), "hours": term("Hours")}


def not_available() -> str:
    """The one wording of a gap in a table cell or a variable."""
    return term("not available")


# --- reference lookups -------------------------------------------------------------------


def _optional(value) -> float | None:
    """A cell as a float, None when it is empty."""
    return None if pd.isna(value) else float(value)


def _decimals(value: float | None) -> int:
    """Decimals a published share carries (49.9 -> 1, 46.52 -> 2, 50 -> 0)."""
    return 0 if value is None else display.column_decimals(pd.Series([value]))


# --- how a regional breakdown is known ---------------------------------------------------


def from_published_source(ds: Dataset, rows: pd.DataFrame) -> bool:
    """True when the vintage declares a published report and every row was read from it."""
    cite_as = common.source_cite_as(ds)
    if cite_as is None or rows.empty:
        return False
    return bool(rows["source"].astype(str).str.startswith(cite_as).all())


def breakdown_basis(ds: Dataset, rows: pd.DataFrame, units: int) -> str:
    """How the extremes of a regional breakdown (`rows`, one per region) are known.

    'all': every one of the `units` reporting regions has a value, so the extremes are
    computed; 'named': only some regions have one and they come from the published report,
    which gives values only for the regions it names (its leaders or extremes); 'given':
    only some regions have one, so the extremes are those of the regions with a value;
    'none': no region has a value.
    """
    given = rows.dropna(subset=["value"])
    if given.empty:
        return "none"
    if given["region"].nunique() >= units:
        return "all"
    return "named" if from_published_source(ds, given) else "given"


def charted_in_report(ds: Dataset, rows: pd.DataFrame) -> bool:
    """True when the published report shows `rows` only as a chart: none has a value and
    each was read from the report's chart."""
    return (
        from_published_source(ds, rows)
        and bool(rows["value"].isna().all())
        and bool(rows["source"].astype(str).str.contains("chart").all())
    )


def regions_without_value(ds: Dataset, rows: pd.DataFrame) -> list[str]:
    """Names of the reporting regions without a value in `rows`, in the reference order."""
    regions = reporting_regions(ds)
    have = set(rows.dropna(subset=["value"])["region"].astype(str))
    return [
        str(name)
        for code, name in zip(regions["region"], regions["region_name"], strict=True)
        if code not in have
    ]


def regions_without_area_hours(ds: Dataset) -> list[str]:
    """Names of the reporting regions whose total hours are given but whose hours by area
    have gaps (a region that gave its hours only by format), in the reference order: the
    national hours by area leave them out, the national total does not."""
    hours = regional_rows(ds, "hours")
    by_area = hours["category"].fillna("") != ""
    incomplete = {
        str(region)
        for region, values in hours[by_area].groupby("region")["value"]
        if values.isna().any()
    }
    with_total = set(hours[~by_area].dropna(subset=["value"])["region"].astype(str))
    regions = reporting_regions(ds)
    return [
        str(name)
        for code, name in zip(regions["region"], regions["region_name"], strict=True)
        if code in with_total and code in incomplete
    ]


def regional_rows(ds: Dataset, indicator: str) -> pd.DataFrame:
    """The regional (not national) observations of an indicator."""
    rows = ds.obs(indicator)
    return rows[rows["region"] != NATIONAL]


# --- hours by area -----------------------------------------------------------------------


def hours_total(ds: Dataset) -> tuple[float | None, str]:
    """National recorded hours and their status (see `national_hours`)."""
    total = national_hours(ds)
    return total.value, total.status


def hours_by_area_table(ds: Dataset) -> pd.DataFrame:
    """National hours by area with the published share and the share recomputed from hours.

    Columns: area, area_name, hours, qualifier, status, share_published_pct,
    share_recomputed_pct (hours / national total x 100; of the areas' sum when some regions
    give their total hours but not by area, `regions_without_area_hours`), difference_pp.
    Sorted by hours, largest first, as the report lists them.
    """
    total, _ = hours_total(ds)
    names = area_names(ds)
    hours = ds.obs("hours", region=NATIONAL)
    hours = hours[hours["category"].notna()]
    shares = ds.obs("hours_share", region=NATIONAL).set_index("category")["value"]
    frame = pd.DataFrame(
        {
            "area": hours["category"].astype(str).to_numpy(),
            "area_name": hours["category"].map(names).to_numpy(),
            "area_short_name": hours["category"].map(area_short_names(ds)).to_numpy(),
            "hours": hours["value"].astype("Float64").to_numpy(),
            "qualifier": hours["qualifier"].fillna("exact").astype(str).to_numpy(),
            "status": hours["status"].astype(str).to_numpy(),
        }
    )
    frame["share_published_pct"] = frame["area"].map(shares).astype("Float64")
    if regions_without_area_hours(ds) and frame["hours"].notna().all():
        total = float(frame["hours"].sum())  # the areas leave out regions the total counts
    frame["share_recomputed_pct"] = (
        (100 * frame["hours"] / total).astype("Float64") if total else pd.NA
    )
    frame["share_recomputed_pct"] = frame["share_recomputed_pct"].astype("Float64")
    frame["difference_pp"] = frame["share_recomputed_pct"] - frame["share_published_pct"]
    return frame.sort_values("hours", ascending=False, na_position="last").reset_index(drop=True)


def areas_without_hours(ds: Dataset) -> list[str]:
    """Names of the reference areas without national hours (no row, or an empty value)."""
    hours = ds.obs("hours", region=NATIONAL).dropna(subset=["value"])
    given = set(hours["category"].dropna().astype(str))
    names = area_names(ds)
    return [names[area] for area in area_order(ds) if area not in given]


def hours_by_area_display(frame: pd.DataFrame, published: bool = True) -> pd.DataFrame:
    """Human headers and display rounding for `hours_by_area_table`.

    The published share stands beside the recomputed one only for a vintage transcribed
    from a published report (`published`); otherwise the share is computed from hours.
    """
    if not published:
        return pd.DataFrame(
            {
                term("Area", HEADER): frame["area_name"],
                term("Hours", HEADER): display.qualified_cells(frame["hours"], frame["qualifier"]),
                term("Share of national hours, %", HEADER): frame["share_recomputed_pct"].round(2),
            }
        )
    return pd.DataFrame(
        {
            term("Area", HEADER): frame["area_name"],
            term("Hours", HEADER): display.qualified_cells(frame["hours"], frame["qualifier"]),
            term("Share of national hours (published), %", HEADER): frame[
                "share_published_pct"
            ].round(2),
            term("Share recomputed from hours, %", HEADER): frame["share_recomputed_pct"].round(2),
        }
    )


def plot_hours_by_area(frame: pd.DataFrame):
    """Horizontal bars of hours by area (from `hours_by_area_table`), largest on top, each
    labelled with its hours, so that an area too small to show as a bar is still read; a
    long area name is wrapped (`display.fit_label`)."""
    data = frame.reset_index(drop=True)
    hours = data["hours"].astype("float64")
    names = [display.fit_label(name) for name in data["area_short_name"]]
    wrapped = any("\n" in name for name in names)
    figure, axis = display.bar_chart(len(data), per_row=0.46 if wrapped else 0.36)
    bars = axis.barh(range(len(data)), hours.fillna(0), height=0.72, color=display.PALETTE[0])
    labels = [
        None if pd.isna(value) else fmt.qualified(value, qualifier)
        for value, qualifier in zip(hours, data["qualifier"], strict=True)
    ]
    display.label_bars(axis, bars, labels)
    for row, value in enumerate(hours):
        if pd.isna(value):
            display.gap_label(axis, row)
    axis.set_yticks(range(len(data)), names)
    axis.set_ylim(len(data) - 0.5, -0.5)
    axis.set_xlim(0, (hours.max() if hours.notna().any() else 1) * display.LABEL_ROOM)
    display.values_only(axis)
    figure.tight_layout()
    return figure


def systematic_coverage(ds: Dataset) -> dict | None:
    """How much of the work of organizations that count it in hours the reports cover.

    {'low', 'high', 'qualifier'} from the published range (systematic_org_coverage_pct,
    categories low and high); one bound alone gives both; None when the data have none.
    """
    rows = ds.obs("systematic_org_coverage_pct", region=NATIONAL).dropna(subset=["value"])
    if rows.empty:
        return None
    values = dict(zip(rows["category"].fillna(""), rows["value"].astype(float), strict=True))
    low = values.get("low", values.get("high", values.get("")))
    high = values.get("high", low)
    if low is None:
        return None
    return {"low": low, "high": high, "qualifier": qualifier_of(rows["qualifier"].iloc[0])}


def regional_hours_table(ds: Dataset) -> pd.DataFrame:
    """Recorded hours by region, all areas together, for the regions with a value.

    Columns: region, region_name, hours, qualifier, share_pct (of the national total, NaN
    without one), position (the region's place in the reference order, which names tied
    regions in the text). Most hours first.
    """
    total, _ = hours_total(ds)
    rows = regional_rows(ds, "hours")
    rows = rows[(rows["category"].fillna("") == "") & rows["value"].notna()]
    frame = pd.DataFrame(
        {
            "region": rows["region"].astype(str).to_numpy(),
            "region_name": rows["region"].map(region_names(ds)).to_numpy(),
            "hours": rows["value"].astype(float).to_numpy(),
            "qualifier": rows["qualifier"].map(qualifier_of).to_numpy(),
        }
    )
    frame["share_pct"] = 100 * frame["hours"] / total if total else float("nan")
    order = common.in_reference_order(ds, frame["region"].tolist())
    frame["position"] = frame["region"].map({code: i for i, code in enumerate(order)})
    return frame.sort_values(
        ["hours", "region_name"], ascending=[False, True], key=common.by_name("region_name")
    ).reset_index(drop=True)


def regional_hours_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `regional_hours_table`."""
    return pd.DataFrame(
        {
            term("Region", HEADER): frame["region_name"],
            term("Hours", HEADER): display.qualified_cells(frame["hours"], frame["qualifier"]),
            term("Share of national hours, %", HEADER): frame["share_pct"].round(1),
        }
    )


# --- leading regions per area ------------------------------------------------------------


def leader_rows(ds: Dataset, measure: str) -> pd.DataFrame:
    """The regional rows of a leader measure, one per region and area.

    Where the data give no region's share of an area's national hours but give the regions'
    hours in the area, the shares are computed from those hours: of their sum, exact when
    every reporting region has a value, else at most that much (the national total is at
    least the sum).
    """
    rows = regional_rows(ds, measure)
    if measure != "hours_share_of_area_national" or rows.empty:
        return rows
    hours = regional_rows(ds, "hours").dropna(subset=["value"])
    hours = hours[hours["category"].fillna("") != ""]
    units = set(reporting_regions(ds)["region"])
    rows = rows.copy()
    for area, group in rows.groupby("category", sort=False):
        known = hours[hours["category"] == area].set_index("region")["value"].astype(float)
        if group["value"].notna().any() or known.empty or known.sum() <= 0:
            continue
        qualifier = "exact" if units <= set(known.index) else "at_most"
        shares = (known / known.sum() * 100).round(2)
        given = group["region"].isin(shares.index)
        rows.loc[group.index[given], "value"] = group.loc[given, "region"].map(shares)
        rows.loc[group.index[given], "qualifier"] = qualifier
    return rows


def leader_coverage(ds: Dataset) -> pd.DataFrame:
    """For each area and leader measure, how its leaders are known.

    Columns: area, area_name, measure, basis (see `breakdown_basis`), given (regions with a
    value), missing (names of the reporting regions without one). Areas in the reference
    order, measures as in LEADER_MEASURES.
    """
    # Wanted by `compute` and by `area_leaders_table`: computed once per language.
    coverage = ds.kept(("leader coverage", i18n.current()), lambda: _leader_coverage(ds))
    return coverage.copy(deep=False)


def _leader_coverage(ds: Dataset) -> pd.DataFrame:
    units = len(reporting_regions(ds))
    names = area_names(ds)
    records = []
    for measure in LEADER_MEASURES:
        rows = leader_rows(ds, measure)
        for area in area_order(ds):
            group = rows[rows["category"] == area]
            records.append(
                {
                    "area": area,
                    "area_name": names[area],
                    "measure": measure,
                    "basis": breakdown_basis(ds, group, units),
                    "given": int(group["value"].notna().sum()),
                    "missing": regions_without_value(ds, group),
                }
            )
    return pd.DataFrame(
        records, columns=["area", "area_name", "measure", "basis", "given", "missing"]
    )


def area_leaders_table(ds: Dataset) -> pd.DataFrame:
    """The regions leading each area, on both measures.

    Per area and measure: the region with the largest value (ties kept) among the regions
    with one; where the published report gives values only for the regions it names
    (basis 'named'), those regions as published. Columns: LEADER_COLUMNS. Ordered by area
    (reference order), then measure, then value.
    """
    names, regions = area_names(ds), region_names(ds)
    coverage = leader_coverage(ds).set_index(["measure", "area"])["basis"]
    order = {area: position for position, area in enumerate(area_order(ds))}
    kept = []
    for measure in LEADER_MEASURES:
        rows = leader_rows(ds, measure).dropna(subset=["value"])
        for area, group in rows.groupby("category", sort=False):
            basis = coverage.get((measure, area), "given")
            if basis != "named":
                group = group[group["value"] == group["value"].max()]
            kept.append(group.assign(measure=measure, basis=basis))
    if not kept:
        return pd.DataFrame(columns=LEADER_COLUMNS)
    leaders = pd.concat(kept, ignore_index=True)
    frame = pd.DataFrame(
        {
            "area": leaders["category"].astype(str),
            "area_name": leaders["category"].map(names),
            "measure": leaders["measure"],
            "measure_label": leaders["measure"].map(leader_measure_names()),
            "region": leaders["region"].astype(str),
            "region_name": leaders["region"].map(regions),
            "value": leaders["value"].astype("Float64"),
            "qualifier": leaders["qualifier"].fillna("exact").astype(str),
            "basis": leaders["basis"],
        }
    )
    frame["_order"] = frame["area"].map(order)
    frame = frame.sort_values(["_order", "measure", "value"], ascending=[True, False, False])
    return frame.drop(columns="_order").reset_index(drop=True)


def area_leaders_data(frame: pd.DataFrame) -> pd.DataFrame:
    """The data behind the list of leaders (`leaders_text`), for download: the share as a
    number, its qualifier ("at least"; empty when exact) in a column of its own."""
    return pd.DataFrame(
        {
            "Area": frame["area_name"],
            "Measure": frame["measure_label"],
            "Region": frame["region_name"],
            "Qualifier": frame["qualifier"].map(qualifier_words),
            "Share, %": frame["value"],
        }
    )


# --- representation matrix ---------------------------------------------------------------


def representation_matrix(ds: Dataset) -> pd.DataFrame:
    """Region x area bands (share of the region's events) from area_representation.csv.

    Long frame: region, region_name, area, area_name, band, band_rank (0 = under 5%,
    1 = 5-25%, 2 = over 25%). Regions in the reference order, areas in area order.
    """
    table = ds.table("area_representation")
    unknown = sorted(set(table["band"].dropna()) - set(BANDS))
    if unknown:
        raise ValueError(f"area_representation.csv: column band has unknown values {unknown}")
    regions = region_names(ds)
    region_order = {code: i for i, code in enumerate(ds.reference["regions"]["code"])}
    order = {area: i for i, area in enumerate(area_order(ds))}
    frame = pd.DataFrame(
        {
            "region": table["region"].astype(str),
            "region_name": table["region"].map(regions),
            "area": table["area"].astype(str),
            "area_name": table["area"].map(area_names(ds)),
            "area_short_name": table["area"].map(area_short_names(ds)),
            "band": table["band"].astype(str),
        }
    )
    frame["band_rank"] = frame["band"].map({band: i for i, band in enumerate(BANDS)})
    frame = frame.assign(_r=frame["region"].map(region_order), _a=frame["area"].map(order))
    return frame.sort_values(["_r", "_a"]).drop(columns=["_r", "_a"]).reset_index(drop=True)


def plot_representation(frame: pd.DataFrame):
    """Grid of the region x area bands (from `representation_matrix`), three shades: the
    areas across the top in horizontal words (upright where they would run into each
    other, `labels_collide`), the regions down the side."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    wide = frame.pivot(index="region_name", columns="area_short_name", values="band_rank")
    wide = wide.reindex(
        index=frame["region_name"].unique(), columns=frame["area_short_name"].unique()
    )
    colours = ["#E5E5E5", display.PALETTE[4], display.PALETTE[0]]  # little, some, much
    rows, columns = wide.shape
    cell = 0.5  # inches
    figure, axis = plt.subplots(figsize=(2.4 + cell * columns, 2.6 + cell * 0.8 * rows))
    axis.pcolormesh(
        wide.astype(float).to_numpy(), cmap=ListedColormap(colours), vmin=-0.5, vmax=2.5,
        edgecolors="white", linewidth=1.5,
    )  # fmt: skip
    axis.set_xlim(0, columns)
    axis.set_ylim(rows, 0)
    axis.set_xticks([])
    axis.set_yticks([r + 0.5 for r in range(rows)], wide.index)
    labels = column_labels(axis, list(wide.columns))
    for side in ("top", "right", "bottom", "left"):
        axis.spines[side].set_visible(False)
    names = band_names()
    handles = [
        Patch(facecolor=colour, label=names[band])
        for band, colour in zip(BANDS, colours, strict=True)
    ]
    legend = axis.legend(
        handles=handles, title=term("Share of the region's events"), loc="upper left",
        bbox_to_anchor=(0, -0.01), ncol=3, alignment="left", handlelength=1.2,
    )  # fmt: skip
    figure.tight_layout()
    legend_within_grid(figure, axis, legend)
    if labels_collide(figure, axis, labels):
        # The names are too long for two tiers (the longer words of some languages):
        # upright labels, one column wide each, the grid's cells as they were.
        for artist in labels:
            artist.remove()
        room_above(figure, axis, upright_column_labels(axis, list(wide.columns)))
    return figure


def legend_within_grid(figure, axis, legend) -> None:
    """Move `legend`, under the grid from its left edge, left by as much as it reaches
    beyond the grid's right edge (at most to the figure's left edge, under the row labels):
    the longer band names of some languages leave the chart as wide as the grid."""
    renderer = figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    grid = axis.get_window_extent(renderer)
    beyond = min(box.x1 - grid.x1, box.x0)
    if beyond > 0:
        x, y = legend.get_bbox_to_anchor().transformed(axis.transAxes.inverted()).p0
        legend.set_bbox_to_anchor((x - beyond / grid.width, y), transform=axis.transAxes)


def room_above(figure, axis, texts: list, pad: float = 0.1) -> None:
    """Make `figure` as tall as `texts` over `axis` need (and `pad` inches more), the axes
    keeping their size and place from the bottom."""
    renderer = figure.canvas.get_renderer()
    width, height = figure.get_size_inches()
    box = axis.get_position()
    top = max(text.get_window_extent(renderer).y1 for text in texts) / figure.dpi
    taller = top + pad  # the figure's bottom is at 0
    figure.set_size_inches(width, taller)
    axis.set_position([box.x0, box.y0 * height / taller, box.width, box.height * height / taller])


COLUMN_LABEL_SIZE = display.SMALL_FONT_SIZE - 1
COLUMN_LABEL_GAP = 3  # points between two column labels, or a label and a leader line


def column_labels(axis, names: list[str]) -> list:
    """Horizontal labels over the columns of a grid, in two staggered tiers so that each
    may be twice a column wide; a light line leads from each upper label to its column.
    Returns the labels and lines drawn (see `labels_collide`)."""
    lines = [display.wrap_label(name, 12).split("\n") for name in names]
    line_height = 0.42  # a line of label text, in rows of the grid
    near = max((len(words) for words in lines[1::2]), default=1) * line_height + 0.25
    drawn = []
    for column, words in enumerate(lines):
        tier = 1 - column % 2  # the first column's label above: room on its left
        bottom = -0.12 - tier * near
        drawn.append(axis.text(
            column + 0.5, bottom, "\n".join(words), ha="center", va="bottom",
            fontsize=COLUMN_LABEL_SIZE, linespacing=1.05, clip_on=False,
        ))  # fmt: skip
        if tier:
            drawn += axis.plot(
                [column + 0.5, column + 0.5], [bottom + 0.05, -0.04],
                color=display.MUTED_COLOUR, linewidth=0.6, clip_on=False,
            )  # fmt: skip
    return drawn


def labels_collide(figure, axis, drawn: list) -> bool:
    """True when two of the column labels `drawn` overlap, or a label covers another's
    leader line (less than COLUMN_LABEL_GAP apart), as laid out in `figure`."""
    from matplotlib.lines import Line2D

    renderer = figure.canvas.get_renderer()
    gap = COLUMN_LABEL_GAP * figure.dpi / 72
    boxes = [a.get_window_extent(renderer) for a in drawn if not isinstance(a, Line2D)]
    leaders = [a.get_window_extent(renderer) for a in drawn if isinstance(a, Line2D)]
    if any(
        a.x0 < b.x1 + gap and b.x0 < a.x1 + gap and a.y0 < b.y1 and b.y0 < a.y1
        for a, b in combinations(boxes, 2)
    ):
        return True
    return any(
        box.x0 - gap < line.x0 < box.x1 + gap and box.y0 < line.y1 and line.y0 < box.y1
        for box in boxes
        for line in leaders
    )


def upright_column_labels(axis, names: list[str]) -> list:
    """Labels over the columns of a grid that read upwards, each in at most two lines (a
    column's width holds two): for names too long to lie across two columns."""
    drawn = []
    for column, name in enumerate(names):
        width = max(14, (len(str(name)) + 1) // 2)
        text = display.wrap_label(name, width)
        while text.count("\n") > 1:
            width += 1
            text = display.wrap_label(name, width)
        drawn.append(axis.text(
            column + 0.5, -0.12, text, rotation=90, ha="center", va="bottom",
            multialignment="left", fontsize=COLUMN_LABEL_SIZE, linespacing=1.05,
            clip_on=False,
        ))  # fmt: skip
    return drawn


def band_conflicts(ds: Dataset) -> pd.DataFrame:
    """Published events shares (events_share_in_region) that fall outside the matrix band.

    The text and the matrix describe the same quantity (an area's share of a region's
    events), so a share of 63.9% in a cell marked "under 5%" is a contradiction in the
    report. Columns: region, area, value, qualifier, band.
    """
    shares = ds.obs("events_share_in_region").dropna(subset=["value"])
    bands = ds.table("area_representation")[["region", "area", "band"]]
    merged = shares.merge(bands, left_on=["region", "category"], right_on=["region", "area"])
    low = merged["band"].map(lambda band: contract.BAND_LIMITS[band][0])
    high = merged["band"].map(lambda band: contract.BAND_LIMITS[band][1])
    value = merged["value"].astype(float)
    # "over 50%" and "up to 1%" bound the share on one side only.
    at_least = merged["qualifier"].eq("at_least")
    at_most = merged["qualifier"].eq("at_most")
    outside = (value > high) & ~at_most | (value < low) & ~at_least
    outside |= at_least & (value >= high) & (high < 100)
    outside |= at_most & (value <= low) & (low > 0)
    result = merged.loc[outside, ["region", "area", "value", "qualifier", "band"]]
    return result.reset_index(drop=True)


def representation_summary(ds: Dataset, matrix: pd.DataFrame) -> dict:
    """What the matrix says, for the text, and where it has gaps.

    regions, areas, cells, over (cells over 25%); over_by_area: area_name and number of
    regions where the area is over 25%, most first; under_everywhere: areas under 5% in
    every region of the matrix; missing_regions: reporting regions without any band;
    missing_cells: region_name and area names for regions with some bands missing.
    """
    names = area_names(ds)
    over = matrix[matrix["band"] == "over_25"]
    counts = over.groupby("area", sort=False)["region"].nunique()
    order = {area: position for position, area in enumerate(area_order(ds))}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], 0)))
    by_area = matrix.groupby("area", sort=False)["band"]
    under = [area for area, bands in by_area if (bands == "under_5").all()]
    present = set(zip(matrix["region"], matrix["area"], strict=True))
    regions = reporting_regions(ds)
    missing_regions, missing_cells = [], []
    for code, region_name in zip(regions["region"], regions["region_name"], strict=True):
        absent = [names[area] for area in area_order(ds) if (code, area) not in present]
        if len(absent) == len(names):
            missing_regions.append(str(region_name))
        elif absent:
            missing_cells.append({"region_name": str(region_name), "areas": absent})
    return {
        "regions": int(matrix["region"].nunique()),
        "areas": int(matrix["area"].nunique()),
        "cells": len(matrix),
        "over": len(over),
        "over_by_area": [{"area_name": names[area], "regions": int(n)} for area, n in ranked],
        "under_everywhere": [names[a] for a in sorted(under, key=lambda a: order.get(a, 0))],
        "missing_regions": missing_regions,
        "missing_cells": missing_cells,
    }


# --- development activities --------------------------------------------------------------


def development_totals(ds: Dataset) -> dict[str, tuple[float | None, str]]:
    """National events, volunteers and hours of volunteering-development activities."""
    totals = {}
    for indicator in DEVELOPMENT_MEASURES:
        rows = ds.obs(indicator, region=NATIONAL, category="")
        if len(rows) == 1:
            qualifier = rows["qualifier"].iloc[0]
            totals[indicator] = (
                _optional(rows["value"].iloc[0]),
                "exact" if pd.isna(qualifier) else str(qualifier),
            )
        else:
            totals[indicator] = (None, "exact")
    return totals


def split_extremes(values: pd.Series) -> pd.Series:
    """Label published regional extremes 'most' or 'fewest' by the largest gap between values.

    A published report that names only the top and the bottom of a ranking: sorted, the
    two groups are separated by the widest step. A single value counts as 'most'.
    """
    ordered = values.astype(float).sort_values()
    labels = pd.Series("most", index=values.index, dtype="object")
    if len(ordered) < 2:
        return labels
    gaps = ordered.diff().iloc[1:]
    cut = ordered.index.get_loc(gaps.idxmax())
    labels[ordered.index[:cut]] = "fewest"
    return labels


def extreme_ranks(values: pd.Series, basis: str) -> pd.Series:
    """'most' / 'fewest' for the regions to name; the others are left out (not in the result).

    Only the extremes named by the published report (basis 'named'): split them by the
    widest gap. Otherwise the largest and the smallest of the values given (ties kept).
    """
    if basis == "named":
        return split_extremes(values)
    values = values.astype(float)
    ranks = pd.Series(pd.NA, index=values.index, dtype="object")
    ranks[values == values.min()] = "fewest"
    ranks[values == values.max()] = "most"
    return ranks.dropna()


def recorded_none(values: pd.Series) -> bool:
    """True when regions give values and every one is zero: no region recorded any, so
    no region has the most or the fewest."""
    given = values.dropna().astype(float)
    return bool(len(given)) and bool((given == 0).all())


def development_coverage(ds: Dataset) -> dict[str, dict]:
    """Per development measure ('events', ...): basis, given, missing (region names) and
    nothing (every region with a value recorded zero, `recorded_none`)."""
    units = len(reporting_regions(ds))
    coverage = {}
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        rows = regional_rows(ds, indicator)
        coverage[measure] = {
            "basis": breakdown_basis(ds, rows, units),
            "given": int(rows["value"].notna().sum()),
            "missing": regions_without_value(ds, rows),
            "nothing": recorded_none(rows["value"]),
        }
    return coverage


def development_table(ds: Dataset) -> pd.DataFrame:
    """Regional figures on volunteering-development activities: the most and the fewest.

    The regions a published report names, or the regions with the most and the fewest
    among those with a value. A measure no region recorded any of (every value zero) has
    no rows: no region leads it. Columns: measure (events/volunteers/hours), region,
    region_name, value, rank ('most' or 'fewest'), basis (see `breakdown_basis`).
    """
    regions = region_names(ds)
    coverage = development_coverage(ds)
    frames = []
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        rows = regional_rows(ds, indicator).dropna(subset=["value"])
        if rows.empty or coverage[measure]["nothing"]:
            continue
        basis = coverage[measure]["basis"]
        ranks = extreme_ranks(rows["value"], basis)
        rows = rows.loc[ranks.index]
        frame = pd.DataFrame(
            {
                "measure": measure,
                "region": rows["region"].astype(str),
                "region_name": rows["region"].map(regions),
                "value": rows["value"].astype(float),
                "rank": ranks,
                "basis": basis,
            }
        )
        frames.append(frame.sort_values("value", ascending=False))
    if not frames:
        return pd.DataFrame(columns=["measure", "region", "region_name", "value", "rank", "basis"])
    return pd.concat(frames, ignore_index=True)


def position_words(frame: pd.DataFrame) -> pd.Series:
    """'the most' / 'the fewest' for a region alone in its group of a measure, 'among the
    most' / 'among the fewest' when the group names several regions."""
    size = frame.groupby(["measure", "rank"])["rank"].transform("size")
    alone = {"most": term("the most"), "fewest": term("the fewest")}
    among = {"most": term("among the most"), "fewest": term("among the fewest")}
    return frame["rank"].map(among).where(size > 1, frame["rank"].map(alone))


def development_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `development_table`; the position worded by how many share it."""
    return pd.DataFrame(
        {
            term("Measure", HEADER): frame["measure"].map(development_measure_names()),
            term("Region", HEADER): frame["region_name"],
            term("Value", HEADER): frame["value"].round(0).astype("Int64"),
            term("Position", HEADER): position_words(frame) if len(frame) else frame["rank"],
        }
    )


def development_ceiling(totals: dict, table: pd.DataFrame, units: int) -> dict[str, float]:
    """Largest national total each measure could reach if no region exceeded the named top.

    Only for the extremes a published report names (basis 'named'): when `units` reporting
    regions each had at most the named maximum, the national total cannot exceed units x
    maximum; a larger published total contradicts the ranking.
    """
    ceilings = {}
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        rows = table[(table["measure"] == measure) & (table["basis"] == "named")]
        if len(rows) and totals.get(indicator, (None,))[0] is not None:
            ceilings[indicator] = float(rows["value"].max()) * units
    return ceilings


# --- formats and RFO support ---------------------------------------------------------------


def _clause(text: object) -> str:
    """A reference definition as a clause inside a sentence: no capital, no final stop."""
    if pd.isna(text) or not str(text).strip():
        return ""
    text = str(text).strip().rstrip(".")
    return text[:1].lower() + text[1:]


def regional_format_shares(ds: Dataset) -> tuple[pd.Series | None, list[str]]:
    """Shares of events by format over the regions that give the events of every format,
    by format id, and the names of the reporting regions that do not; (None, []) when no
    region gives them all."""
    formats = ds.reference["event_formats"]["id"].astype(str).tolist()
    rows = regional_rows(ds, "events_by_format").drop_duplicates(["region", "category"])
    regions = reporting_regions(ds)
    if rows.empty:
        return None, []
    wide = rows.pivot(index="region", columns="category", values="value")
    wide = wide.reindex(index=regions["region"], columns=formats).astype("float64")
    complete = wide.notna().all(axis=1)
    sums = wide[complete].sum()
    if not complete.any() or sums.sum() <= 0:
        return None, []
    names = dict(zip(regions["region"], regions["region_name"], strict=True))
    return sums / sums.sum() * 100, [str(names[r]) for r in complete[~complete].index]


def formats_table(ds: Dataset) -> pd.DataFrame:
    """Share of events by format (auto, online, offline); values missing when not given.

    Where the data give no national share at all, the shares are computed from the
    regions that give their events by every format (status derived; see
    `regional_format_shares` for the regions left out). Columns: format, format_name,
    definition (a clause; empty when the reference gives none), share_pct, status.
    """
    formats = ds.reference["event_formats"]
    shares = ds.obs("events_share_by_format", region=NATIONAL).set_index("category")
    status = shares["status"].reindex(formats["id"]).fillna("missing").astype(str)
    values = shares["value"].reindex(formats["id"]).astype("Float64")
    from_regions, _ = regional_format_shares(ds)
    if values.isna().all() and from_regions is not None:
        values = from_regions.reindex(formats["id"]).astype("Float64")
        status = status.where(values.isna(), "derived")
    return pd.DataFrame(
        {
            "format": formats["id"].to_numpy(),
            "format_name": names(formats).to_numpy(),
            "definition": text_column(formats, "definition").map(_clause).to_numpy(),
            "share_pct": values.to_numpy(),
            "status": status.to_numpy(),
        }
    )


def formats_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `formats_table`, the formats with a share only (none: empty)."""
    given = frame.dropna(subset=["share_pct"])
    return pd.DataFrame(
        {
            term("Format", HEADER): given["format_name"],
            term("Share of events, %", HEADER): given["share_pct"].round(1),
        }
    )


def rfo_support_table(ds: Dataset) -> pd.DataFrame:
    """How often volunteer events mention RFO support, by region, most support first.

    Columns: region, region_name, level, level_label. Within a level, regions by name; a
    reporting region without a level comes last, its level empty and labelled
    'not available'.
    """
    table = ds.table("rfo_support")
    unknown = sorted(set(table["level"].dropna()) - set(SUPPORT_LEVELS))
    if unknown:
        raise ValueError(f"rfo_support.csv: column level has unknown values {unknown}")
    names = region_names(ds)
    given = table.dropna(subset=["level"])
    regions = reporting_regions(ds)
    absent = regions[~regions["region"].isin(set(given["region"].astype(str)))]
    frame = pd.DataFrame(
        {
            "region": list(given["region"].astype(str)) + list(absent["region"]),
            "region_name": list(given["region"].map(names)) + list(absent["region_name"]),
            "level": list(given["level"].astype(str)) + [pd.NA] * len(absent),
        }
    )
    frame["level_label"] = frame["level"].map(support_names()).fillna(not_available())
    ranks = {level: i for i, level in enumerate(SUPPORT_LEVELS)}
    frame["_rank"] = frame["level"].map(ranks).fillna(len(ranks))
    frame = frame.sort_values(["_rank", "region_name"], key=common.by_name("region_name"))
    frame = frame.drop(columns="_rank")
    return frame.reset_index(drop=True)


def rfo_support_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `rfo_support_table`."""
    return pd.DataFrame(
        {
            term("Region", HEADER): frame["region_name"],
            term("Support of the RFO in event reports", HEADER): frame["level_label"],
        }
    )


# --- chapter result ------------------------------------------------------------------------


@dataclass(frozen=True)
class AreasResult:
    """Everything chapter 3 shows, computed from one year's data."""

    year: int
    published: bool
    units: int
    hours: Published
    hours_total_from_areas: bool
    hours_by_area: pd.DataFrame
    areas_count: int
    areas_missing: list
    systematic_coverage: dict | None
    regional_hours: pd.DataFrame
    regional_hours_missing: list
    regional_area_hours_missing: list  # regions with total hours but not hours by area
    regional_hours_charted: bool
    leaders: pd.DataFrame
    leader_coverage: pd.DataFrame
    representation: pd.DataFrame
    representation_summary: dict
    band_conflicts: pd.DataFrame
    development_totals: dict
    development: pd.DataFrame
    development_coverage: dict
    development_ceilings: dict
    formats: pd.DataFrame
    formats_charted: bool
    formats_missing: list  # regions left out of shares computed from the regions
    rfo_support: pd.DataFrame

    @property
    def hours_total(self) -> float | None:
        """National recorded hours (None when not available)."""
        return self.hours.value

    @property
    def hours_total_status(self) -> str:
        """reported, derived (the sum of the areas) or missing."""
        return self.hours.status


def compute(ds: Dataset) -> AreasResult:
    """Compute chapter 3 from a dataset."""
    units = len(reporting_regions(ds))
    hours = regional_rows(ds, "hours")
    totals = hours[hours["category"].fillna("") == ""]
    development = development_table(ds)
    development_sums = development_totals(ds)
    matrix = representation_matrix(ds)
    formats = formats_table(ds)
    return AreasResult(
        year=ds.year,
        published=ds.edition.published,
        units=units,
        hours=national_hours(ds),
        hours_total_from_areas=ds.obs("hours", region=NATIONAL, category="")["value"].isna().all(),
        hours_by_area=hours_by_area_table(ds),
        areas_count=len(area_order(ds)),
        areas_missing=areas_without_hours(ds),
        systematic_coverage=systematic_coverage(ds),
        regional_hours=regional_hours_table(ds),
        regional_hours_missing=regions_without_value(ds, totals),
        regional_area_hours_missing=regions_without_area_hours(ds),
        regional_hours_charted=charted_in_report(ds, hours),
        leaders=area_leaders_table(ds),
        leader_coverage=leader_coverage(ds),
        representation=matrix,
        representation_summary=representation_summary(ds, matrix),
        band_conflicts=band_conflicts(ds),
        development_totals=development_sums,
        development=development,
        development_coverage=development_coverage(ds),
        development_ceilings=development_ceiling(development_sums, development, units),
        formats=formats,
        formats_charted=charted_in_report(ds, ds.obs("events_share_by_format")),
        formats_missing=regional_format_shares(ds)[1]
        if (formats["status"] == "derived").any()
        else [],
        rfo_support=rfo_support_table(ds),
    )


# --- prose: values for the templates in templates/en/areas/ ---------------------------------


def _value(value) -> float | None:
    """A cell for a template: a float, or None for a gap (never NaN or pd.NA)."""
    return None if value is None or pd.isna(value) else float(value)


def _share_records(frame: pd.DataFrame) -> list[dict]:
    """Rows with region_name, value, qualifier as template records with their decimals."""
    return [
        {
            "region_name": str(row.region_name),
            "value": _value(row.value),
            "qualifier": str(row.qualifier),
            "decimals": _decimals(_value(row.value)),
        }
        for row in frame.itertuples()
    ]


def _count_records(frame: pd.DataFrame) -> list[dict]:
    """Rows with region_name, value as template records."""
    return [
        {"region_name": str(row.region_name), "value": _value(row.value)}
        for row in frame.itertuples()
    ]


def _count_qualifier(value: float | None, qualifier: str) -> str:
    """A count's qualifier as the text words it: none for zero ("at least 0" says nothing
    a plain zero does not)."""
    return "exact" if value == 0 else qualifier


def nothing_recorded(totals: dict[str, tuple[float | None, str]]) -> bool:
    """True when the national development figures given are all zero (at least one given):
    no region recorded any activity that develops volunteering."""
    given = [value for value, _ in totals.values() if value is not None]
    return bool(given) and all(value == 0 for value in given)


def headline(result: AreasResult) -> str:
    """Key numbers of the chapter as a Markdown paragraph."""
    areas = result.hours_by_area.dropna(subset=["hours"])
    totals = result.development_totals
    development = {}
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        value, qualifier = totals[indicator]
        development[measure] = value
        development[f"{measure}_qualifier"] = _count_qualifier(value, qualifier)
    development["nothing"] = nothing_recorded(totals)
    return prose.render(
        "areas/headline",
        year=result.year,
        total=result.hours.value,
        total_qualifier=result.hours.qualifier,
        areas_count=result.areas_count,
        complete=len(areas) == result.areas_count,
        top=[
            {
                "area_name": str(row.area_name),
                "hours": _value(row.hours),
                "qualifier": str(row.qualifier),
                "share": _value(row.share_recomputed_pct),
            }
            for row in areas.head(2).itertuples()
        ],
        development=development,
    )


def hours_text(result: AreasResult) -> str:
    """Hours by area: the total, the published shares, coverage and hours by region."""
    frame = result.hours_by_area
    given = frame.dropna(subset=["hours"])
    missing = result.areas_missing
    parts_sum = float(given["hours"].sum()) if not missing and len(given) else None
    total = result.hours.value
    published_shares = frame.dropna(subset=["share_published_pct"])
    differing = published_shares[published_shares["difference_pp"].abs() > SHARE_TOLERANCE_PP]
    regional = result.regional_hours

    def regional_record(hours: float) -> dict:
        """The regions with `hours`, every one tied at it, in the reference order."""
        tied = regional[regional["hours"] == hours].sort_values("position")
        return {
            "region_names": tied["region_name"].astype(str).tolist(),
            "hours": _value(hours),
            "share": _value(tied["share_pct"].iloc[0]),
        }

    return prose.render(
        "areas/hours",
        total=total,
        total_qualifier=result.hours.qualifier,
        total_from_areas=result.hours_total_from_areas and result.hours.value is not None,
        areas_count=result.areas_count,
        parts_sum=parts_sum,
        missing_areas=missing,
        shown_count=len(given),
        shown_sum=float(given["hours"].sum()),
        matches=parts_sum is not None and total is not None and abs(parts_sum - total) < HALF_UNIT,
        published=result.published,
        differing=differing["area_name"].tolist() if len(published_shares) else None,
        coverage=result.systematic_coverage,
        regional_charted=result.regional_hours_charted,
        regional_top=regional_record(regional["hours"].max()) if len(regional) else None,
        regional_bottom=regional_record(regional["hours"].min()) if len(regional) else None,
        regional_missing=result.regional_hours_missing,
        area_gaps=result.regional_area_hours_missing,
        regional_share_qualifier=ratio_qualifier("exact", result.hours.qualifier),
        units=result.units,
    )


def leaders_text(result: AreasResult) -> str:
    """Which region leads each area, on both measures, as a Markdown list."""
    coverage = result.leader_coverage
    leaders = result.leaders
    items = []
    for area, group in coverage.groupby("area", sort=False):
        item: dict[str, object] = {"area_name": str(group["area_name"].iloc[0])}
        for measure, key in LEADER_KEYS.items():
            record = group[group["measure"] == measure].iloc[0]
            rows = leaders[(leaders["area"] == area) & (leaders["measure"] == measure)]
            item[key] = {
                "basis": str(record["basis"]),
                "leaders": _share_records(rows),
                "given": int(record["given"]),
                "missing": list(record["missing"]),
            }
        items.append(item)
    bases = set(coverage["basis"])
    return prose.render(
        "areas/leaders",
        items=items,
        every_region=bases == {"all"},
        named="named" in bases,
        units=result.units,
        gaps={key: leader_gaps(coverage, measure) for measure, key in LEADER_KEYS.items()},
    )


def leader_gaps(coverage: pd.DataFrame, measure: str) -> dict:
    """What is missing for one leader measure: {"none": names of the areas no region has a
    value for, "all_none": True when that is every area, "groups": the areas some regions
    lack a value for, grouped by those regions ({areas, missing, given, every_area})}."""
    rows = coverage[coverage["measure"] == measure]
    partial = rows[(rows["basis"] == "given") & rows["missing"].map(bool)]
    groups: dict[tuple[str, ...], dict] = {}
    for row in partial.itertuples():
        group = groups.setdefault(
            tuple(row.missing), {"areas": [], "missing": list(row.missing), "given": row.given}
        )
        group["areas"].append(str(row.area_name))
    with_values = rows[rows["basis"] != "none"]
    for group in groups.values():
        group["every_area"] = len(group["areas"]) == len(with_values)
    none = rows.loc[rows["basis"] == "none", "area_name"].astype(str).tolist()
    return {"none": none, "all_none": len(none) == len(rows), "groups": list(groups.values())}


def representation_text(result: AreasResult) -> str:
    """The representation matrix: what it shows, its gaps, where it contradicts the shares."""
    matrix = result.representation
    regions = dict(zip(matrix["region"], matrix["region_name"], strict=False))
    areas = dict(zip(matrix["area"], matrix["area_name"], strict=False))
    conflicts = [
        {
            "area_name": areas.get(row.area, row.area),
            "region_name": regions.get(row.region, row.region),
            "value": float(row.value),
            "qualifier": qualifier_of(row.qualifier),
            "decimals": _decimals(float(row.value)),
            "band_label": band_names()[row.band],
        }
        for row in result.band_conflicts.itertuples()
    ]
    return prose.render(
        "areas/representation",
        **result.representation_summary,
        units=result.units,
        published=result.published,
        conflicts=conflicts,
    )


def development_text(result: AreasResult) -> str:
    """Volunteering-development activities: totals and the regions at the extremes."""
    totals = result.development_totals
    table = result.development
    context = {}
    measures = []
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        value, qualifier = totals[indicator]
        context[measure] = value
        context[f"{measure}_qualifier"] = _count_qualifier(value, qualifier)
        rows = table[table["measure"] == measure]
        coverage = result.development_coverage[measure]
        measures.append(
            {
                "label": measure,
                "basis": coverage["basis"],
                "nothing": coverage["nothing"],
                "most": _count_records(rows[rows["rank"] == "most"]),
                "fewest": _count_records(rows[rows["rank"] == "fewest"]),
                "given": coverage["given"],
                "missing": coverage["missing"],
            }
        )
    ceiling = result.development_ceilings.get("development_hours")
    hours = totals["development_hours"][0]
    # The ceiling the hours exceed, if they do (a contradiction in the data).
    exceeded = ceiling if ceiling is not None and hours is not None and hours > ceiling else None
    gaps: dict[tuple[object, ...], dict] = {}
    for m in measures:
        if m["basis"] == "given" and m["missing"]:
            group = gaps.setdefault(
                (*m["missing"], m["nothing"]),
                {
                    "labels": [],
                    "missing": m["missing"],
                    "given": m["given"],
                    "nothing": m["nothing"],
                },
            )
            group["labels"].append(m["label"])
    return prose.render(
        "areas/development",
        **context,
        measures=measures,
        nothing=nothing_recorded(totals),
        gaps=list(gaps.values()),
        named=any(m["basis"] == "named" for m in measures),
        ceiling=exceeded,
        most=None if exceeded is None else exceeded / result.units,
        units=result.units,
    )


def formats_text(result: AreasResult) -> str:
    """Event formats: what they are and their shares, or which shares are not available."""
    return prose.render(
        "areas/formats",
        formats=[
            {
                "name": str(row.format_name),
                "definition": str(row.definition),
                "share": _value(row.share_pct),
                "share_decimals": 1,
            }
            for row in result.formats.itertuples()
        ],
        published=result.published,
        charted=result.formats_charted,
        missing=result.formats_missing,
        units=result.units,
    )


def rfo_support_text(result: AreasResult) -> str:
    """RFO support by region: how many regions at each level, and which have none given."""
    frame = result.rfo_support
    counts = frame["level"].value_counts()
    return prose.render(
        "areas/rfo_support",
        levels=[
            {"level": level, "count": int(counts[level])}
            for level in SUPPORT_LEVELS
            if counts.get(level, 0)
        ],
        missing=frame.loc[frame["level"].isna(), "region_name"].astype(str).tolist(),
        units=result.units,
    )


# --- indicators, discrepancies and variables ------------------------------------------------


def indicators(ds: Dataset, result: AreasResult) -> list[Indicator]:
    """Headline indicators of chapter 3: total hours, hours per area, development activities
    (from `compute(ds)`)."""
    total = result.hours
    source = total.source or not_available()
    found = [
        Indicator(
            "hours_total",
            term("Volunteer hours recorded by the RFO"),
            total.value,
            "hours",
            total.status,
            source,
            total.qualifier,
        )
    ]
    frame = result.hours_by_area.set_index("area")
    names = area_names(ds)
    for area in area_order(ds):
        value = _optional(frame["hours"].get(area)) if area in frame.index else None
        area_status = str(frame.at[area, "status"]) if value is not None else "missing"
        qualifier = str(frame.at[area, "qualifier"]) if value is not None else "exact"
        area_source = _row_source(ds, "hours", area)
        found.append(
            Indicator(
                f"hours_{area}",
                term("Volunteer hours: {area}").format(area=names[area]),
                value,
                "hours",
                area_status,
                area_source,
                qualifier,
            )
        )
    units = {
        "development_events": "events",
        "development_volunteers": "persons",
        "development_hours": "hours",
    }
    development = result.development_totals
    labels = {
        "development_events": term("Volunteering-development activities: events"),
        "development_volunteers": term("Volunteering-development activities: volunteers"),
        "development_hours": term("Volunteering-development activities: hours"),
    }
    for indicator in DEVELOPMENT_MEASURES:
        value, qualifier = development[indicator]
        rows = ds.obs(indicator, region=NATIONAL, category="")
        status = str(rows["status"].iloc[0]) if value is not None else "missing"
        found.append(
            Indicator(
                indicator,
                labels[indicator],
                value,
                units[indicator],
                status,
                _row_source(ds, indicator),
                qualifier,
            )
        )
    return found


def _row_source(ds: Dataset, indicator: str, category: str = "") -> str:
    """The source of a national observation, 'not available' when there is no row."""
    rows = ds.obs(indicator, region=NATIONAL, category=category)
    return str(rows["source"].iloc[0]) if len(rows) else not_available()


def _discrepancy_text(kind: str, **context: Any) -> tuple[str, str, str]:
    """Published figure, recomputed figure and explanation from templates/en/areas/
    discrepancy/<kind>.md (three paragraphs)."""
    text = prose.render(f"areas/discrepancy/{kind}", **context)
    published, recomputed, explanation = (" ".join(p.split()) for p in text.split("\n\n"))
    return published, recomputed, explanation


def discrepancies(ds: Dataset, result: AreasResult) -> list[Discrepancy]:
    """Where chapter 3 of the published report disagrees with itself.

    Only a vintage transcribed from a published report has any: from then on the
    pipeline is the report, and its figures are not checked against themselves here.
    """
    if not ds.edition.published:
        return []
    found = []
    frame = result.hours_by_area
    if frame["hours"].notna().all() and result.hours_total is not None:
        parts = float(frame["hours"].sum())
        if abs(parts - result.hours_total) >= HALF_UNIT:
            found.append(
                Discrepancy(
                    CHAPTER,
                    term("Hours by area vs total"),
                    *_discrepancy_text("hours_total", total=result.hours_total, parts_sum=parts),
                )
            )
    for row in frame[frame["difference_pp"].abs() > SHARE_TOLERANCE_PP].itertuples():
        found.append(
            Discrepancy(
                CHAPTER,
                term("Share of hours: {area}").format(area=row.area_name),
                *_discrepancy_text(
                    "share",
                    published_share=float(row.share_published_pct),
                    recomputed_share=float(row.share_recomputed_pct),
                ),
            )
        )
    regions, areas = region_names(ds), area_names(ds)
    for row in result.band_conflicts.itertuples():
        found.append(
            Discrepancy(
                CHAPTER,
                term("Representation matrix: {area} in {region}").format(
                    area=areas.get(row.area, row.area), region=regions.get(row.region, row.region)
                ),
                *_discrepancy_text(
                    "band",
                    value=float(row.value),
                    qualifier=qualifier_of(row.qualifier),
                    decimals=_decimals(float(row.value)),
                    band_label=band_names()[row.band],
                ),
            )
        )
    hours, _ = result.development_totals["development_hours"]
    ceiling = result.development_ceilings.get("development_hours")
    if ceiling is not None and hours is not None and hours > ceiling:
        found.append(
            Discrepancy(
                CHAPTER,
                term("Development activities: hours"),
                *_discrepancy_text(
                    "development_hours",
                    hours=hours,
                    most=ceiling / result.units,
                    ceiling=ceiling,
                    units=result.units,
                ),
            )
        )
    return found


def variables(ds: Dataset, result: AreasResult) -> dict[str, str]:
    """`{{< var >}}` values for the commentary: `areas_share_<area>`, each area's share of the
    national hours recomputed from its hours ('38.35%'), 'not available' when it cannot be."""
    frame = result.hours_by_area.set_index("area")
    found = {}
    for area in area_order(ds):
        share = _value(frame["share_recomputed_pct"].get(area)) if area in frame.index else None
        found[f"areas_share_{area}"] = not_available() if share is None else fmt.percent(share, 2)
    return found
