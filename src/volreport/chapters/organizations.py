"""Chapter 2, volunteer organizations and initiative groups: counts, change, regional mix.

This module computes; the chapter's sentences are templates in
`templates/en/organizations/`, conditioned on what the data hold (a count missing, regions
without a breakdown, a published source declared in the vintage's edition.yml).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd

from volreport.chapters import compare, display
from volreport.core import fmt
from volreport.core.i18n import SOURCE_LANGUAGE, term
from volreport.data.contract import HALF_UNIT
from volreport.data.dataset import Dataset
from volreport.data.indicators import Discrepancy, Indicator
from volreport.data.published import (
    Published,
    percent_change,
    published,
    ratio_qualifier,
    regional,
    reporting_regions,
)

CHAPTER = "organizations"
# The regional table's headers stay English in its frame (they are its CSV's header);
# `display.show_table` shows them in the reader's language.
HEADER = SOURCE_LANGUAGE
NPO_IN_REGION = term("NPOs among the region's associations, %", HEADER)
GROUPS_IN_REGION = term("Initiative groups among the region's associations, %", HEADER)
SHARE_COLUMNS = {
    ("org_share_in_region", "npo"): NPO_IN_REGION,
    ("org_share_in_region", "initiative_group"): GROUPS_IN_REGION,
    ("org_share_of_national", "npo"): term("Region's share of the country's NPOs, %", HEADER),
    ("org_share_of_national", "initiative_group"): term(
        "Region's share of the country's groups, %", HEADER
    ),
}
COUNT_STATUS = term("Status of the counts", HEADER)
COUNT_COLUMNS = {
    "npo": term("Volunteer NPOs", HEADER),
    "initiative_groups": term("Initiative groups", HEADER),
}
MIX_LABEL_FROM = 15  # percent: a narrower part of a bar is too short to hold its share
MIX_LABEL_MARGIN = 2.5  # points between a share and each end of its part of the bar
# A region's name in the chart of the mix is wrapped beyond this many characters (the
# longer names of some languages), and a chart with a wrapped name gets taller rows.
REGION_LABEL_WIDTH = 24


def count_names() -> dict[str, str]:
    """The two kinds of association (COUNT_COLUMNS) as charts name them, in the current
    language."""
    return {"npo": term("Volunteer NPOs"), "initiative_groups": term("Initiative groups")}


def status_names() -> dict[str, str]:
    """A count's status as the regional table shows it, in the current language."""
    return {"reported": term("reported"), "derived": term("derived"), "missing": term("missing")}


@dataclass(frozen=True)
class OrganizationsResult:
    """Everything chapter 2 shows: national counts, their change, the regional table."""

    year: int
    published_source: str | None  # 'Report 2022' when transcribed from a published report
    regions: int  # reporting regions of the vintage
    npo: Published
    npo_previous: Published
    npo_change_pct: float | None
    npo_change_qualifier: str
    groups: Published
    groups_previous: Published
    groups_change_pct: float | None
    groups_change_qualifier: str
    groups_share_published: Published
    groups_alongside: float | None
    groups_share_recomputed: float | None
    groups_share_tolerance_pp: float
    groups_share_all_npo: float | None
    groups_share_all_npo_previous: float | None
    npo_where_groups_reported: float
    regions_without_group_data: list[str]
    regions_without_npo_data: list[str]
    regions_without_breakdown: list[str]
    regions_left_out: list[str]  # without one of the two counts: not in the groups' share
    npo_share_sum: float
    by_region: pd.DataFrame


def by_region_table(ds: Dataset) -> pd.DataFrame:
    """Every reporting region: counts, the four published share columns, the counts' status.

    Counts derived from published shares have status "derived"; the status column keeps
    that provenance in the table and its CSV. Sorted like the published table, registered
    organizations' share in the region first.
    """
    frame = reporting_regions(ds)
    for indicator, column in COUNT_COLUMNS.items():
        counts = regional(ds, indicator).set_index("region")["value"]
        frame[column] = frame["region"].map(counts).astype("float64").round(0)
    statuses = regional(ds, "npo").set_index("region")["status"]
    for (indicator, org_type), column in SHARE_COLUMNS.items():
        rows = regional(ds, indicator)
        values = rows[rows["category"] == org_type].set_index("region")["value"]
        frame[column] = frame["region"].map(values).astype("float64")
    names = status_names()
    frame[COUNT_STATUS] = (
        frame["region"].map(statuses).astype("object").fillna("missing").map(names.get)
    )
    frame = frame.sort_values(NPO_IN_REGION, ascending=False, na_position="last")
    return frame.drop(columns="region").rename(columns={"region_name": term("Region", HEADER)})


def regions_without(ds: Dataset, indicator: str, category: str = "") -> list[str]:
    """Names of the reporting regions without a value of `indicator` (a gap or no row),
    in reference order."""
    rows = regional(ds, indicator)
    values = rows[rows["category"] == category].set_index("region")["value"]
    regions = reporting_regions(ds)
    return regions.loc[regions["region"].map(values).isna(), "region_name"].tolist()


def optional(ds: Dataset, indicator: str) -> Published:
    """The national value of `indicator`; a missing one when the vintage has no such row."""
    if ds.obs(indicator).empty:
        return Published(None, "exact", "missing", "")
    return published(ds, indicator)


def regions_with_both_counts(ds: Dataset) -> pd.Series:
    """NPO counts of the regions that also have an initiative-group count."""
    groups = regional(ds, "initiative_groups").set_index("region")["value"]
    npo = regional(ds, "npo").set_index("region")["value"]
    return npo[groups.reindex(npo.index).notna() & npo.notna()]


def share_of_exact_totals(groups: Published, npo: Published) -> float | None:
    """Initiative groups as a percentage of all associations from the national totals;
    None unless both totals are exact (a bounded total gives no share)."""
    if groups.qualifier != "exact" or npo.qualifier != "exact":
        return None
    return groups_share_excluding_gaps(groups.value, npo.value)


def npo_where_groups_reported(ds: Dataset) -> float:
    """NPOs (regional counts) in the regions that also counted initiative groups."""
    return float(regions_with_both_counts(ds).sum())


def groups_where_npo_reported(ds: Dataset) -> float | None:
    """Initiative groups of the regions with both counts; None when no region has both."""
    groups = regional(ds, "initiative_groups").set_index("region")["value"]
    both = groups.reindex(regions_with_both_counts(ds).index)
    return float(both.sum()) if len(both) else None


def groups_share_excluding_gaps(
    groups_total: float | None, npo_alongside: float | None
) -> float | None:
    """Initiative groups as a percentage of all volunteer associations where both are known.

    Regions without a count of initiative groups are left out, so the NPOs in the
    denominator are only those of the regions that counted groups.
    """
    if groups_total is None or npo_alongside is None or groups_total + npo_alongside == 0:
        return None
    return groups_total / (groups_total + npo_alongside) * 100


def groups_share_tolerance(
    groups_total: float, npo_alongside: float, regions: int, decimals: int = 1
) -> float:
    """How far, in percentage points, a recomputed share may sit from the published one
    through rounding alone.

    The regional counts are derived from shares rounded to `decimals` places, so each
    region's NPO count may be off by half a unit of that precision of the NPO total, and
    their sum by `regions` times that. The tolerance is the change that moves the groups'
    share, plus half a unit of the published share's own rounding.
    """
    half_unit = HALF_UNIT * 10**-decimals
    npo_slack = regions * half_unit / 100 * npo_alongside
    whole = groups_total + npo_alongside
    return npo_slack * groups_total / whole**2 * 100 + half_unit


def compute(ds: Dataset) -> OrganizationsResult:
    """Chapter 2 from a year's data."""
    before = compare.previous_vintage(ds)
    npo, npo_previous = published(ds, "npo"), compare.previous_count(ds, before, "npo")
    groups = published(ds, "initiative_groups")
    groups_previous = compare.previous_count(ds, before, "initiative_groups")
    alongside = npo_where_groups_reported(ds)
    groups_alongside = groups_where_npo_reported(ds)
    national_shares = regional(ds, "org_share_of_national")
    source = ds.edition.published_source
    without_groups, without_npo = (
        regions_without(ds, "initiative_groups"),
        regions_without(ds, "npo"),
    )
    left_out = set(without_groups) | set(without_npo)
    return OrganizationsResult(
        year=ds.year,
        published_source=source.cite_as if source else None,
        regions=len(reporting_regions(ds)),
        npo=npo,
        npo_previous=npo_previous,
        npo_change_pct=percent_change(npo.value, npo_previous.value),
        npo_change_qualifier=ratio_qualifier(npo.qualifier, npo_previous.qualifier),
        groups=groups,
        groups_previous=groups_previous,
        groups_change_pct=percent_change(groups.value, groups_previous.value),
        groups_change_qualifier=ratio_qualifier(groups.qualifier, groups_previous.qualifier),
        groups_share_published=optional(ds, "initiative_groups_share_excl_almaty"),
        groups_alongside=groups_alongside,
        groups_share_recomputed=groups_share_excluding_gaps(
            groups_alongside, alongside if groups_alongside is not None else None
        ),
        groups_share_tolerance_pp=(
            groups_share_tolerance(groups_alongside, alongside, len(regions_with_both_counts(ds)))
            if groups_alongside
            else 0.0
        ),
        groups_share_all_npo=share_of_exact_totals(groups, npo),
        groups_share_all_npo_previous=share_of_exact_totals(groups_previous, npo_previous),
        npo_where_groups_reported=alongside,
        regions_without_group_data=without_groups,
        regions_without_npo_data=without_npo,
        regions_without_breakdown=regions_without(ds, "org_share_in_region", "npo"),
        regions_left_out=[n for n in reporting_regions(ds)["region_name"] if n in left_out],
        npo_share_sum=float(national_shares[national_shares["category"] == "npo"]["value"].sum()),
        by_region=by_region_table(ds),
    )


def groups_share_agrees(result: OrganizationsResult) -> bool:
    """True when the recomputed groups' share matches the published one within rounding."""
    stated, recomputed = result.groups_share_published.value, result.groups_share_recomputed
    if stated is None or recomputed is None:
        return False
    return abs(recomputed - stated) <= result.groups_share_tolerance_pp


def counts_frame(by_region: pd.DataFrame) -> pd.DataFrame:
    """Long frame of the counts for the chart: Region, Type (as the chart names it), Count."""
    frame = by_region.melt(
        id_vars="Region", value_vars=list(COUNT_COLUMNS.values()), var_name="Type",
        value_name="Count",
    )  # fmt: skip
    names = count_names()
    return frame.assign(Type=frame["Type"].map({COUNT_COLUMNS[k]: names[k] for k in names}))


def plot_counts(frame: pd.DataFrame) -> plt.Figure:
    """Paired horizontal bars: NPO and initiative-group counts by region, largest total
    first, each bar labelled with its count."""
    order = frame.groupby("Region", sort=False)["Count"].sum().sort_values(ascending=False).index
    counts = frame.pivot(index="Region", columns="Type", values="Count").reindex(order)
    figure, axis = display.bar_chart(len(order), per_row=0.58, extra=0.8)
    display.grouped_bars(axis, order, {kind: counts[kind] for kind in count_names().values()})
    display.values_only(axis)
    display.legend_above(axis)
    figure.tight_layout()
    return figure


def mix_frame(by_region: pd.DataFrame) -> pd.DataFrame:
    """Region and the published NPO / initiative-group shares of its associations."""
    columns = [NPO_IN_REGION, GROUPS_IN_REGION]
    return by_region[["Region", *columns]].dropna(subset=columns, how="all")


def plot_mix(frame: pd.DataFrame) -> plt.Figure:
    """100% stacked horizontal bars: NPOs and initiative groups within each region, each
    part labelled with its share where it is wide enough to hold it."""
    npo_column, group_column = frame.columns[1], frame.columns[2]
    names = count_names()
    colours = display.series_colours(names.values())
    npo_name, group_name = names["npo"], names["initiative_groups"]
    regions = [display.wrap_label(name, REGION_LABEL_WIDTH) for name in frame["Region"]]
    wrapped = any("\n" in name for name in regions)
    figure, axis = display.bar_chart(len(frame), per_row=0.46 if wrapped else 0.36)
    parts = [
        axis.barh(regions, frame[npo_column], color=colours[npo_name], label=npo_name),
        axis.barh(
            regions, frame[group_column], left=frame[npo_column],
            color=colours[group_name], label=group_name,
        ),
    ]  # fmt: skip
    labels = []
    for bars, name in zip(parts, (npo_name, group_name), strict=True):
        shares = [bar.get_width() for bar in bars]
        labels.append(
            axis.bar_label(
                bars,
                labels=[
                    fmt.percent(share, 0) if share >= MIX_LABEL_FROM else "" for share in shares
                ],
                label_type="center",
                color=display.text_on(colours[name]),
                fontsize=display.SMALL_FONT_SIZE,
            )
        )
    axis.invert_yaxis()
    axis.set_xlim(0, 100)
    display.values_only(axis)
    display.legend_above(axis)
    figure.tight_layout()
    # A share written wider than its part of the bar, with a little room at both ends (a
    # narrower plot, a wider number: '19 %'), is left out, as the parts under
    # MIX_LABEL_FROM are.
    renderer = figure.canvas.get_renderer()
    margin = 2 * MIX_LABEL_MARGIN * figure.dpi / 72
    for bars, texts in zip(parts, labels, strict=True):
        for bar, text in zip(bars, texts, strict=True):
            room = bar.get_window_extent(renderer).width - margin
            if text.get_text() and text.get_window_extent(renderer).width > room:
                text.set_text("")
    return figure


def quotes_published_share(result: OrganizationsResult) -> bool:
    """True when the chapter quotes the groups' share as the published report gives it."""
    return result.published_source is not None and not result.groups_share_published.missing


def groups_share(result: OrganizationsResult) -> float | None:
    """The share to quote: as published when the vintage has a published report that gives
    it, else recomputed from the counts."""
    if quotes_published_share(result):
        return result.groups_share_published.value
    return result.groups_share_recomputed


def context(result: OrganizationsResult) -> dict:
    """The values every statement of the chapter may use."""
    return {
        "r": result,
        "year": result.year,
        "prev_year": result.year - 1,
        "source": result.published_source,
        "total": result.regions,
        "left_out": result.regions_left_out,
        "share": groups_share(result),
        "quotes_published": quotes_published_share(result),
        "agrees": groups_share_agrees(result),
    }


def render(name: str, **extra: object) -> str:
    """One of the chapter's statements (`templates/en/organizations/<name>.md`)."""
    return compare.render(f"organizations/{name}", **extra)


def headline(result: OrganizationsResult) -> str:
    """The chapter's key numbers as a Markdown paragraph."""
    return render("headline", **context(result))


def totals_text(result: OrganizationsResult) -> str:
    """National counts, their change, and the initiative groups' share of associations."""
    return render("national", **context(result))


def region_records(table: pd.DataFrame, column: str) -> list[dict]:
    """Regions with their value of `column`, largest first: [{'name', 'share'}]."""
    rows = table.dropna(subset=[column]).sort_values(column, ascending=False, kind="stable")
    return [
        {"name": name, "share": share}
        for name, share in zip(rows["Region"], rows[column], strict=True)
    ]


def largest(table: pd.DataFrame, column: str) -> dict | None:
    """The regions with the largest count in `column`, every one tied at it:
    {'names' (in the reference order), 'count'}; None without counts."""
    return top_regions(table, column, "count")


def top_regions(table: pd.DataFrame, column: str, key: str) -> dict | None:
    """The regions with the largest value of `column`, every one tied at it, in the
    reference order (the table's index is the regions' reference position):
    {'names', key: the value}; None without values."""
    known = table.dropna(subset=[column])
    if known.empty:
        return None
    tied = known[known[column] == known[column].max()].sort_index()
    return {"names": tied["Region"].tolist(), key: tied[column].iloc[0]}


def regions_context(result: OrganizationsResult) -> dict:
    """What the regional statement says: the mix in each region, the largest counts, gaps."""
    table = result.by_region
    both = table.dropna(subset=[NPO_IN_REGION, GROUPS_IN_REGION])
    npo_share, group_share = both[NPO_IN_REGION], both[GROUPS_IN_REGION]
    counted = table.dropna(subset=list(COUNT_COLUMNS.values()), how="all")
    return {
        "breakdowns": len(both),
        "npo_majority": region_records(both[npo_share > group_share], NPO_IN_REGION),
        "groups_majority": region_records(both[group_share > npo_share], GROUPS_IN_REGION),
        "even": both.loc[npo_share == group_share, "Region"].tolist(),
        # The regions where each type's share is highest, among those where it prevails.
        "npo_top": top_regions(both[npo_share > group_share], NPO_IN_REGION, "share"),
        "groups_top": top_regions(both[group_share > npo_share], GROUPS_IN_REGION, "share"),
        "most_npo": largest(table, COUNT_COLUMNS["npo"]),
        "most_groups": largest(table, COUNT_COLUMNS["initiative_groups"]),
        "derived": counted.loc[
            counted[COUNT_STATUS] == status_names()["derived"], "Region"
        ].tolist(),
        "counted": len(counted),
    }


def regions_text(result: OrganizationsResult) -> str:
    """How the regional table is built, what it lacks, and what it shows."""
    return render("regions", **context(result), **regions_context(result))


def indicators(ds: Dataset, result: OrganizationsResult) -> list[Indicator]:
    """Chapter 2's headline indicators with their provenance, from `compute(ds)`."""
    share = result.groups_share_published
    if not quotes_published_share(result):
        share = Published(
            result.groups_share_recomputed, "exact",
            "missing" if result.groups_share_recomputed is None else "derived",
            f"{result.groups.source}; "
            + term("groups ÷ (groups + NPOs), regions with both counts"),
        )  # fmt: skip
    return [
        Indicator("npo_total", term("Volunteer NPOs"), result.npo.value, "organizations",
                  result.npo.status, result.npo.source, result.npo.qualifier),
        Indicator("initiative_groups_total", term("Volunteer initiative groups"),
                  result.groups.value,
                  "groups", result.groups.status, result.groups.source, result.groups.qualifier),
        Indicator("initiative_groups_share_pct",
                  term("Initiative groups among volunteer associations, without regions that "
                       "gave no group count"), share.value, "percent", share.status, share.source,
                  share.qualifier),
    ]  # fmt: skip


def discrepancy(topic: str, template: str, values: dict) -> Discrepancy:
    """A discrepancy whose published, recomputed and explanation texts are one template's
    three parts."""
    parts = {part: render(template, part=part, **values) for part in DISCREPANCY_PARTS}
    return Discrepancy(chapter=CHAPTER, topic=topic, **parts)


DISCREPANCY_PARTS = ("published", "recomputed", "explanation")


def discrepancies(ds: Dataset, result: OrganizationsResult) -> list[Discrepancy]:
    """Where chapter 2's published figures disagree with each other (none unless the vintage
    was transcribed from a published report)."""
    if result.published_source is None:
        return []
    values = context(result)
    found = []
    total, in_table = result.npo.value, result.npo_where_groups_reported
    if result.regions_without_group_data and total is not None and round(in_table) != total:
        found.append(
            discrepancy(
                term("Regional shares of all volunteer NPOs"), "discrepancy_npo_shares", values
            )
        )
    stated, recomputed = result.groups_share_published, result.groups_share_recomputed
    if recomputed is not None and not stated.missing and not groups_share_agrees(result):
        found.append(
            discrepancy(
                term("Initiative groups' share of volunteer associations"),
                "discrepancy_groups_share",
                values,
            )
        )
    return found
