"""Chapter 2, volunteer organizations and initiative groups: counts, change, regional mix."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from volreport import compare, display, fmt
from volreport.dataset import Dataset
from volreport.indicators import Discrepancy, Indicator
from volreport.published import (
    Published,
    percent_change,
    published,
    regional,
    reporting_regions,
)

CHAPTER = "organizations"
ORG_TYPES = {"npo": "Volunteer NPOs", "initiative_group": "Initiative groups"}
NPO_IN_REGION = "NPOs among the region's associations, %"
GROUPS_IN_REGION = "Initiative groups among the region's associations, %"
SHARE_COLUMNS = {
    ("org_share_in_region", "npo"): NPO_IN_REGION,
    ("org_share_in_region", "initiative_group"): GROUPS_IN_REGION,
    ("org_share_of_national", "npo"): "Region's share of the country's NPOs, %",
    ("org_share_of_national", "initiative_group"): "Region's share of the country's groups, %",
}
COUNT_STATUS = "Status of the counts"
COUNT_COLUMNS = {
    "npo": "Volunteer NPOs",
    "initiative_groups": "Initiative groups",
}


@dataclass(frozen=True)
class OrganizationsResult:
    """Everything chapter 2 shows: national counts, their change, the regional table."""

    year: int
    npo: Published
    npo_previous: Published
    npo_change_pct: float | None
    groups: Published
    groups_previous: Published
    groups_change_pct: float | None
    groups_share_published: Published
    groups_alongside: float | None
    groups_share_recomputed: float | None
    groups_share_tolerance_pp: float
    groups_share_all_npo: float | None
    npo_where_groups_reported: float
    regions_without_group_data: list[str]
    npo_share_sum: float
    by_region: pd.DataFrame


def by_region_table(ds: Dataset) -> pd.DataFrame:
    """Every reporting region: counts, the four published share columns, the counts' status.

    In 2022 the counts are derived from the shares (status "derived"); the status column
    keeps that provenance in the table and its CSV. Sorted like the report, registered
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
    frame[COUNT_STATUS] = frame["region"].map(statuses).fillna("missing")
    frame = frame.sort_values(NPO_IN_REGION, ascending=False, na_position="last")
    return frame.drop(columns="region").rename(columns={"region_name": "Region"})


def regions_without(ds: Dataset, indicator: str) -> list[str]:
    """Names of the regions whose value of `indicator` the report does not give."""
    rows = regional(ds, indicator)
    return rows[rows["value"].isna()]["region_name"].tolist()


def regions_with_both_counts(ds: Dataset) -> pd.Series:
    """NPO counts of the regions that also have an initiative-group count."""
    groups = regional(ds, "initiative_groups").set_index("region")["value"]
    npo = regional(ds, "npo").set_index("region")["value"]
    return npo[groups.reindex(npo.index).notna() & npo.notna()]


def npo_where_groups_reported(ds: Dataset) -> float:
    """NPOs (regional counts, derived in 2022) in the regions that reported initiative groups."""
    return float(regions_with_both_counts(ds).sum())


def groups_where_npo_reported(ds: Dataset, groups_total: float | None) -> float | None:
    """Initiative groups of the regions with both counts; the national total without them.

    The national count is all groups; it equals the regions' sum when every region that
    counted groups also counted NPOs (2022: Almaty city counted neither by region).
    """
    groups = regional(ds, "initiative_groups").set_index("region")["value"]
    both = groups.reindex(regions_with_both_counts(ds).index)
    return float(both.sum()) if len(both) else groups_total


def groups_share_excluding_gaps(groups_total: float | None, npo_alongside: float) -> float | None:
    """Initiative groups as a percentage of all volunteer associations where both are known.

    The report's share leaves out Almaty city, which gave no initiative-group count, so the
    NPOs in the denominator are only those of the regions that reported groups.
    """
    if groups_total is None:
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
    half_unit = 0.5 * 10**-decimals
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
    groups_alongside = groups_where_npo_reported(ds, groups.value)
    national_shares = regional(ds, "org_share_of_national")
    return OrganizationsResult(
        year=ds.year,
        npo=npo,
        npo_previous=npo_previous,
        npo_change_pct=percent_change(npo.value, npo_previous.value),
        groups=groups,
        groups_previous=groups_previous,
        groups_change_pct=percent_change(groups.value, groups_previous.value),
        groups_share_published=published(ds, "initiative_groups_share_excl_almaty"),
        groups_alongside=groups_alongside,
        groups_share_recomputed=groups_share_excluding_gaps(groups_alongside, alongside),
        groups_share_tolerance_pp=groups_share_tolerance(
            groups_alongside or 0, alongside, len(regions_with_both_counts(ds))
        ),
        groups_share_all_npo=groups_share_excluding_gaps(groups.value, npo.value or 0),
        npo_where_groups_reported=alongside,
        regions_without_group_data=regions_without(ds, "initiative_groups"),
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
    """Long frame of the counts for the chart: Region, Type, Count."""
    return by_region.melt(
        id_vars="Region", value_vars=list(COUNT_COLUMNS.values()), var_name="Type",
        value_name="Count",
    )  # fmt: skip


def plot_counts(frame: pd.DataFrame) -> plt.Figure:
    """Grouped horizontal bars: NPO and initiative-group counts by region."""
    order = frame.groupby("Region", sort=False)["Count"].sum().sort_values(ascending=False).index
    figure, axis = plt.subplots(figsize=(8, 0.42 * frame["Region"].nunique() + 1.6))
    sns.barplot(
        data=frame, x="Count", y="Region", hue="Type", order=order,
        palette=display.PALETTE[:2], errorbar=None, ax=axis,
    )  # fmt: skip
    axis.set_xlabel("Number of associations")
    axis.set_ylabel("")
    axis.set_title("Volunteer NPOs and initiative groups by region")
    axis.legend(title="")
    figure.tight_layout()
    return figure


def mix_frame(by_region: pd.DataFrame) -> pd.DataFrame:
    """Region and the published NPO / initiative-group shares of its associations."""
    columns = [NPO_IN_REGION, GROUPS_IN_REGION]
    return by_region[["Region", *columns]].dropna(subset=columns, how="all")


def plot_mix(frame: pd.DataFrame) -> plt.Figure:
    """100% stacked horizontal bars: NPOs and initiative groups within each region."""
    npo_column, group_column = frame.columns[1], frame.columns[2]
    figure, axis = plt.subplots(figsize=(8, 0.32 * len(frame) + 1.6))
    axis.barh(frame["Region"], frame[npo_column], color=display.PALETTE[0], label=ORG_TYPES["npo"])
    axis.barh(
        frame["Region"], frame[group_column], left=frame[npo_column],
        color=display.PALETTE[1], label=ORG_TYPES["initiative_group"],
    )  # fmt: skip
    axis.invert_yaxis()
    axis.set_xlim(0, 100)
    axis.set_xlabel("Share of the region's volunteer associations, percent")
    axis.set_title("Registered organizations and initiative groups within each region")
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    axis.grid(axis="y", visible=False)
    figure.tight_layout()
    return figure


def change_sentence(
    name: str, now: Published, before: Published, change: float | None, year: int
) -> str:
    """'660 volunteer NPOs (491 in 2021, +34%)', or '(no 2021 count to compare)'."""
    if change is None:
        return f"**{now.text()}** {name} (no {year - 1} count to compare)"
    return (
        f"**{now.text()}** {name} ({before.text()} in {year - 1}, {compare.signed_change(change)})"
    )


def groups_share(result: OrganizationsResult) -> float | None:
    """The share to quote: as published when the data have it, else recomputed."""
    published_share = result.groups_share_published
    return result.groups_share_recomputed if published_share.missing else published_share.value


def headline(result: OrganizationsResult) -> str:
    """The chapter's key numbers as a Markdown paragraph."""
    npo = change_sentence(
        "volunteer NPOs", result.npo, result.npo_previous, result.npo_change_pct, result.year
    )
    groups = change_sentence(
        "volunteer initiative groups", result.groups, result.groups_previous,
        result.groups_change_pct, result.year,
    )  # fmt: skip
    where = "Where both are known" if result.regions_without_group_data else "Over all regions"
    return (
        f"In {result.year} the regional front offices counted {npo} and {groups}. {where}, "
        f"unregistered initiative groups make up **{fmt.percent(groups_share(result))}** of "
        "volunteer associations."
    )


def totals_text(result: OrganizationsResult) -> str:
    """National counts, their change, and the initiative-group share recomputed."""
    return counts_text(result) + " " + share_text(result)


def counts_text(result: OrganizationsResult) -> str:
    """National counts and their change on the previous year, as far as the data give it."""

    def against(before: Published, change: float | None, year: str) -> str:
        if change is None:
            return f"no count for {result.year - 1} is available"
        return f"against {before.text()}{year} ({fmt.signed_percent(change, 1)})"

    return (
        f"The report counts {result.npo.text()} non-governmental volunteer organizations "
        f"(NPOs) in {result.year}, "
        f"{against(result.npo_previous, result.npo_change_pct, f' in {result.year - 1}')}, and "
        f"{result.groups.text()} volunteer initiative groups, "
        f"{against(result.groups_previous, result.groups_change_pct, '')}."
    )


def share_text(result: OrganizationsResult) -> str:
    """The initiative groups' share of associations, over the regions that counted groups."""
    missing = result.regions_without_group_data
    stated = result.groups_share_published
    if not missing:
        text = (
            f"Over all regions, the {fmt.number(result.groups_alongside)} initiative groups are "
            f"{fmt.percent(result.groups_share_recomputed)} of the volunteer associations, "
            f"with {fmt.number(result.npo_where_groups_reported)} NPOs"
        )
        if not stated.missing and not groups_share_agrees(result):
            text += f"; the data's stored share, {fmt.percent(stated.value)}, does not agree"
        return text + "."
    text = ""
    if not stated.missing:
        text = (
            f"The report puts initiative groups at {fmt.percent(stated.value)} of volunteer "
            f"associations; {' and '.join(missing)} gave no count of initiative groups, so the "
            f"share leaves {'it' if len(missing) == 1 else 'them'} out. Recomputed from the counts"
        )
    else:
        text = (
            f"{' and '.join(missing)} gave no count of initiative groups. Without "
            f"{'it' if len(missing) == 1 else 'them'}"
        )
    text += (
        f" — {fmt.number(result.groups_alongside)} groups against the "
        f"{fmt.number(result.npo_where_groups_reported)} NPOs of the regions that reported "
        f"groups — the share is {fmt.percent(result.groups_share_recomputed)}"
    )
    if groups_share_agrees(result):
        text += (
            ", the published figure within the rounding of the table's shares "
            f"(±{fmt.number(result.groups_share_tolerance_pp, 1)} points)"
        )
    text += (
        f". Counting all {result.npo.text()} NPOs instead, it would be "
        f"{fmt.percent(result.groups_share_all_npo)}."
    )
    return text


def regions_text(result: OrganizationsResult) -> str:
    """How the regional table is built and what it shows."""
    table = result.by_region
    share = NPO_IN_REGION
    known = table.dropna(subset=[share])
    npo_majority = known[known[share] > 50]["Region"].tolist()
    smallest = known.loc[known[share].idxmin()]
    derived = (table[COUNT_STATUS] == "derived").any()
    majority = fmt.number(len(npo_majority)) if npo_majority else "none"
    return (
        "The report gives, for each region, the shares of NPOs and initiative groups among the "
        "region's volunteer associations and each region's share of all NPOs and of all groups "
        "in the country. "
        + (
            "Counts by region are not published; the counts below are derived from these "
            "shares and the national totals (see the methodology), so they are approximate. "
            if derived
            else ""
        )
        + f"Registered organizations outnumber initiative groups in {majority} of the "
        f"{len(known)} regions in the table; "
        f"{smallest['Region']} has the smallest share of NPOs "
        f"({fmt.percent(smallest[share])})."
    )


def indicators(ds: Dataset) -> list[Indicator]:
    """Chapter 2's headline indicators with their provenance."""
    result = compute(ds)
    share = result.groups_share_published
    if share.missing and result.groups_share_recomputed is not None:
        share = Published(
            result.groups_share_recomputed, "exact", "derived",
            f"{result.groups.source}; groups ÷ (groups + NPOs), regions with both counts",
        )  # fmt: skip
    return [
        Indicator("npo_total", "Volunteer NPOs", result.npo.value, "organizations",
                  result.npo.status, result.npo.source, result.npo.qualifier),
        Indicator("initiative_groups_total", "Volunteer initiative groups", result.groups.value,
                  "groups", result.groups.status, result.groups.source, result.groups.qualifier),
        Indicator("initiative_groups_share_pct",
                  "Initiative groups among volunteer associations, without regions that gave "
                  "no group count", share.value, "percent", share.status, share.source,
                  share.qualifier),
    ]  # fmt: skip


def discrepancies(ds: Dataset) -> list[Discrepancy]:
    """Where chapter 2's published figures disagree with each other."""
    result = compute(ds)
    found = []
    total, in_table = result.npo.value, result.npo_where_groups_reported
    if result.regions_without_group_data and round(in_table) != total:
        missing = " and ".join(result.regions_without_group_data)
        found.append(
            Discrepancy(
                chapter=CHAPTER,
                topic="Regional shares of all volunteer NPOs",
                published=(
                    f"regional shares of the {result.npo.text()} NPOs, adding up to "
                    f"{fmt.percent(result.npo_share_sum)} without {missing}"
                ),
                recomputed=(
                    f"the shares are of about {fmt.number(in_table)} NPOs, leaving about "
                    f"{fmt.number(total - in_table)} for {missing}"
                ),
                explanation=(
                    f"The table leaves out {missing} yet its shares add up to about 100%: "
                    "they are shares of the NPOs of the listed regions, not of the national "
                    "total."
                ),
            )
        )
    stated, recomputed = result.groups_share_published.value, result.groups_share_recomputed
    if recomputed is not None and not groups_share_agrees(result):
        found.append(
            Discrepancy(
                chapter=CHAPTER,
                topic="Initiative groups' share of volunteer associations",
                published=fmt.percent(stated),
                recomputed=fmt.percent(recomputed),
                explanation=(
                    "The stated share does not follow from the counts, even allowing "
                    f"±{fmt.number(result.groups_share_tolerance_pp, 1)} points for rounding."
                ),
            )
        )
    return found
