"""Chapter 3: areas of volunteering, event formats, regional representation and RFO support."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from volreport import display, fmt
from volreport.dataset import NATIONAL, Dataset
from volreport.indicators import Discrepancy, Indicator
from volreport.published import (
    Published,
    charted_only,
    region_names,
    reporting_regions,
    sum_qualifier,
)

CHAPTER = "areas"
# Published shares carry two decimals; a recomputed share within half a unit of the last
# place plus float noise agrees with the published one.
SHARE_TOLERANCE_PP = 0.005 + 1e-9
BANDS = ("under_5", "5_to_25", "over_25")
BAND_LABELS = {"under_5": "under 5%", "5_to_25": "5% to 25%", "over_25": "over 25%"}
# Band limits in percent of a region's events, used to check the matrix against the text.
BAND_LIMITS = {"under_5": (0.0, 5.0), "5_to_25": (5.0, 25.0), "over_25": (25.0, 100.0)}
SUPPORT_LEVELS = ("regular", "references", "one_time", "none")
SUPPORT_LABELS = {
    "regular": "mentioned regularly",
    "references": "some references",
    "one_time": "one-time mentions",
    "none": "no mention",
}
DEVELOPMENT_MEASURES = {
    "development_events": "events",
    "development_volunteers": "volunteers",
    "development_hours": "hours",
}
LEADER_MEASURES = {
    "hours_share_of_area_national": "Largest share of the area's national hours",
    "events_share_in_region": "Largest share of the region's events",
}


# --- reference lookups -------------------------------------------------------------------


def area_label(name: str, programme: object) -> str:
    """An area as readers know it: 'Birgemiz: Úmit (emergencies)', or the name alone."""
    if pd.isna(programme) or not str(programme):
        return name
    return f"{programme} ({name[:1].lower()}{name[1:]})"


def area_names(ds: Dataset) -> dict[str, str]:
    """Area id -> label ("Birgemiz: Úmit (emergencies)", "Other social volunteering")."""
    areas = ds.reference["areas"]
    return {
        area: area_label(str(name), programme)
        for area, name, programme in zip(
            areas["id"], areas["name_en"], areas["programme"], strict=True
        )
    }


def area_short_names(ds: Dataset) -> dict[str, str]:
    """Area id -> short label for charts: the programme without 'Birgemiz: ', or the name."""
    areas = ds.reference["areas"]
    return {
        area: str(name) if pd.isna(programme) else str(programme).removeprefix("Birgemiz: ")
        for area, name, programme in zip(
            areas["id"], areas["name_en"], areas["programme"], strict=True
        )
    }


def area_order(ds: Dataset) -> list[str]:
    """Area ids in the reference order."""
    return ds.reference["areas"].sort_values("order")["id"].tolist()


def qualified_percent(value: float | None, qualifier: str | None, decimals: int = 1) -> str:
    """A published percentage with its qualifier: (50, 'at_least') -> 'at least 50.0%'."""
    words = fmt.QUALIFIER_WORDS.get(qualifier or "exact", "")
    return words + fmt.percent(value, decimals)


def qualifier_words(qualifier: object) -> str:
    """'at_least' -> 'at least', 'exact' or empty -> ''."""
    return fmt.QUALIFIER_WORDS.get("exact" if pd.isna(qualifier) else str(qualifier), "").strip()


def _optional(value) -> float | None:
    """A cell as a float, None when it is empty."""
    return None if pd.isna(value) else float(value)


# --- hours by area -----------------------------------------------------------------------


def national_hours(ds: Dataset) -> Published:
    """National recorded hours with their qualifier, status and source.

    The published total when there is one; otherwise the sum of the areas' hours
    (status derived, qualified as the sum of its parts, see `sum_qualifier`) when every
    area has a value; otherwise missing.
    """
    rows = ds.obs("hours", region=NATIONAL, category="")
    if len(rows) == 1 and pd.notna(rows["value"].iloc[0]):
        row = rows.iloc[0]
        qualifier = "exact" if pd.isna(row["qualifier"]) else str(row["qualifier"])
        return Published(float(row["value"]), qualifier, str(row["status"]), str(row["source"]))
    parts = ds.obs("hours", region=NATIONAL)
    parts = parts[parts["category"].notna()]
    if len(parts) and parts["value"].notna().all():
        return Published(
            float(parts["value"].sum()),
            sum_qualifier(parts["qualifier"].fillna("exact").astype(str)),
            "derived",
            "; ".join(dict.fromkeys(parts["source"].astype(str))),
        )
    return Published(None, "exact", "missing", "")


def hours_total(ds: Dataset) -> tuple[float | None, str]:
    """National recorded hours and their status (see `national_hours`)."""
    total = national_hours(ds)
    return total.value, total.status


def hours_by_area_table(ds: Dataset) -> pd.DataFrame:
    """National hours by area with the published share and the share recomputed from hours.

    Columns: area, area_name, hours, qualifier, status, share_published_pct,
    share_recomputed_pct (hours / national total x 100), difference_pp. Sorted by hours,
    largest first, as the report lists them.
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
    frame["share_recomputed_pct"] = (100 * frame["hours"] / total).astype("Float64")
    frame["difference_pp"] = frame["share_recomputed_pct"] - frame["share_published_pct"]
    return frame.sort_values("hours", ascending=False, na_position="last").reset_index(drop=True)


def hours_by_area_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers and display rounding for `hours_by_area_table`."""
    return pd.DataFrame(
        {
            "Area": frame["area_name"],
            "Hours": frame["hours"].round(0).astype("Int64"),
            "Share of national hours (published), %": frame["share_published_pct"].round(2),
            "Share recomputed from hours, %": frame["share_recomputed_pct"].round(2),
        }
    )


def plot_hours_by_area(frame: pd.DataFrame):
    """Horizontal bars of hours by area (from `hours_by_area_table`), largest on top."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = frame.dropna(subset=["hours"]).astype({"hours": "float64"})
    data = data.assign(thousands=data["hours"] / 1000)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sns.barplot(data=data, y="area_short_name", x="thousands", color=sns.color_palette()[0], ax=ax)
    ax.set_title("Volunteer hours by area")
    ax.set_xlabel("Thousand hours recorded by the regional front offices")
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: fmt.number(x)))
    sns.despine(ax=ax, left=True)
    fig.tight_layout()
    return fig


# --- leading regions per area ------------------------------------------------------------


def complete(rows: pd.DataFrame, regions: int) -> bool:
    """True when every one of `regions` reporting regions has a value in `rows`."""
    return int(rows["value"].notna().sum()) >= regions


def leading_rows(rows: pd.DataFrame, regions: int) -> pd.DataFrame:
    """Per area, the region(s) with the largest value when every region has one.

    An area given only in part (the 2022 report names only the leaders) keeps its
    published rows, as published.
    """
    kept = []
    for _, group in rows.groupby("category", sort=False):
        if complete(group, regions):
            group = group[group["value"] == group["value"].max()]
        kept.append(group.dropna(subset=["value"]))
    return pd.concat(kept) if kept else rows.iloc[0:0]


def leaders_computed(ds: Dataset) -> bool:
    """True when both leader measures are given for every region and area, not only leaders."""
    regions = len(reporting_regions(ds))
    for measure in LEADER_MEASURES:
        rows = ds.obs(measure)
        counts = rows[rows["region"] != NATIONAL].groupby("category")["value"].count()
        if counts.empty or not counts.ge(regions).all():
            return False
    return True


def area_leaders_table(ds: Dataset) -> pd.DataFrame:
    """The regions leading each area, on both measures: as named by the report, or computed.

    Where every region has a value, the leader (ties kept) is computed; where only the
    leaders are published (2022), they are kept as published. Columns: area, area_name,
    measure (indicator id), measure_label, region, region_name, value (percent), qualifier.
    Ordered by area (reference order), then measure.
    """
    names, regions = area_names(ds), region_names(ds)
    units = len(reporting_regions(ds))
    published_rows = {
        measure: leading_rows(ds.obs(measure)[lambda f: f["region"] != NATIONAL], units)
        for measure in LEADER_MEASURES
    }
    rows = [
        frame.assign(measure=measure) for measure, frame in published_rows.items() if len(frame)
    ]
    if not rows:
        return pd.DataFrame(
            columns=[
                "area",
                "area_name",
                "measure",
                "measure_label",
                "region",
                "region_name",
                "value",
                "qualifier",
            ]
        )
    leaders = pd.concat(rows, ignore_index=True)
    order = {area: position for position, area in enumerate(area_order(ds))}
    frame = pd.DataFrame(
        {
            "area": leaders["category"].astype(str),
            "area_name": leaders["category"].map(names),
            "measure": leaders["measure"],
            "measure_label": leaders["measure"].map(LEADER_MEASURES),
            "region": leaders["region"].astype(str),
            "region_name": leaders["region"].map(regions),
            "value": leaders["value"].astype("Float64"),
            "qualifier": leaders["qualifier"].fillna("exact").astype(str),
        }
    )
    frame["_order"] = frame["area"].map(order)
    frame = frame.sort_values(["_order", "measure", "value"], ascending=[True, False, False])
    return frame.drop(columns="_order").reset_index(drop=True)


def area_leaders_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `area_leaders_table`; each share as published, its qualifier in the
    same cell ('at least 50', '46.52'). `area_leaders_data` is the CSV, numbers apart."""
    return pd.DataFrame(
        {
            "Area": frame["area_name"],
            "Measure": frame["measure_label"],
            "Region": frame["region_name"],
            "Share, %": display.qualified_cells(frame["value"], frame["qualifier"], None),
        }
    )


def area_leaders_data(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV behind `area_leaders_display`: the share as a number, its qualifier ("at
    least"; empty when exact) in a column of its own."""
    return pd.DataFrame(
        {
            "Area": frame["area_name"],
            "Measure": frame["measure_label"],
            "Region": frame["region_name"],
            "As published": frame["qualifier"].map(qualifier_words),
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
    """Heatmap of the region x area bands (from `representation_matrix`), three colours."""
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    wide = frame.pivot(index="region_name", columns="area_short_name", values="band_rank")
    wide = wide.reindex(
        index=frame["region_name"].unique(), columns=frame["area_short_name"].unique()
    )
    palette = sns.color_palette()
    colours = ["#E5E5E5", palette[4], palette[0]]  # little, some, much: light to dark
    fig, ax = plt.subplots(figsize=(8, 6.5))
    sns.heatmap(
        wide.astype(float),
        cmap=ListedColormap(colours),
        vmin=-0.5,
        vmax=2.5,
        cbar=False,
        linewidths=1,
        linecolor="white",
        square=True,
        ax=ax,
    )
    ax.set_title("Share of each area in a region's events")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=45, length=0)
    ax.tick_params(axis="y", length=0)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    handles = [
        Patch(facecolor=colour, label=BAND_LABELS[band])
        for band, colour in zip(BANDS, colours, strict=True)
    ]
    ax.legend(
        handles=handles,
        title="Share of the region's events",
        loc="upper left",
        bbox_to_anchor=(1.02, 1),
        frameon=False,
    )
    fig.tight_layout()
    return fig


def band_conflicts(ds: Dataset) -> pd.DataFrame:
    """Published events shares (events_share_in_region) that fall outside the matrix band.

    The text and the matrix describe the same quantity (an area's share of a region's
    events), so a share of 63.9% in a cell marked "under 5%" is a contradiction in the
    report. Columns: region, area, value, qualifier, band.
    """
    shares = ds.obs("events_share_in_region").dropna(subset=["value"])
    bands = ds.table("area_representation")[["region", "area", "band"]]
    merged = shares.merge(bands, left_on=["region", "category"], right_on=["region", "area"])
    low = merged["band"].map(lambda band: BAND_LIMITS[band][0])
    high = merged["band"].map(lambda band: BAND_LIMITS[band][1])
    value = merged["value"].astype(float)
    # "over 50%" and "up to 1%" bound the share on one side only.
    at_least = merged["qualifier"].eq("at_least")
    at_most = merged["qualifier"].eq("at_most")
    outside = (value > high) & ~at_most | (value < low) & ~at_least
    outside |= at_least & (value >= high) & (high < 100)
    outside |= at_most & (value <= low) & (low > 0)
    result = merged.loc[outside, ["region", "area", "value", "qualifier", "band"]]
    return result.reset_index(drop=True)


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

    The report publishes only the top and the bottom of a ranking; sorted, the two groups
    are separated by the widest step. A single value counts as 'most'.
    """
    ordered = values.astype(float).sort_values()
    labels = pd.Series("most", index=values.index, dtype="object")
    if len(ordered) < 2:
        return labels
    gaps = ordered.diff().iloc[1:]
    cut = ordered.index.get_loc(gaps.idxmax())
    labels[ordered.index[:cut]] = "fewest"
    return labels


def extreme_ranks(values: pd.Series, regions: int) -> pd.Series:
    """'most' / 'fewest' for the regions to name; the others are left out (not in the result).

    Only the extremes published (2022): split them by the widest gap. Every region given:
    the largest and the smallest value (ties kept).
    """
    if len(values) < regions:
        return split_extremes(values)
    values = values.astype(float)
    ranks = pd.Series(pd.NA, index=values.index, dtype="object")
    ranks[values == values.min()] = "fewest"
    ranks[values == values.max()] = "most"
    return ranks.dropna()


def development_table(ds: Dataset) -> pd.DataFrame:
    """Regional figures on volunteering-development activities: leaders and laggards.

    The regions the report names (2022), or, when every region has a value, the regions
    with the most and the fewest. Columns: measure (events/volunteers/hours), region,
    region_name, value, rank ('most' or 'fewest').
    """
    regions = region_names(ds)
    units = len(reporting_regions(ds))
    frames = []
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        rows = ds.obs(indicator)
        rows = rows[(rows["region"] != NATIONAL) & rows["value"].notna()]
        if rows.empty:
            continue
        ranks = extreme_ranks(rows["value"], units)
        rows = rows.loc[ranks.index]
        frame = pd.DataFrame(
            {
                "measure": measure,
                "region": rows["region"].astype(str),
                "region_name": rows["region"].map(regions),
                "value": rows["value"].astype(float),
                "rank": ranks,
            }
        )
        frames.append(frame.sort_values("value", ascending=False))
    if not frames:
        return pd.DataFrame(columns=["measure", "region", "region_name", "value", "rank"])
    return pd.concat(frames, ignore_index=True)


def position_words(frame: pd.DataFrame) -> pd.Series:
    """'the most' / 'the fewest' for a region alone in its group of a measure, 'among the
    most' / 'among the fewest' when the group names several regions."""
    size = frame.groupby(["measure", "rank"])["rank"].transform("size")
    return ("among the " + frame["rank"]).where(size > 1, "the " + frame["rank"])


def development_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `development_table`; the position worded by how many share it."""
    return pd.DataFrame(
        {
            "Measure": frame["measure"].str.capitalize(),
            "Region": frame["region_name"],
            "Value": frame["value"].round(0).astype("Int64"),
            "Position": position_words(frame) if len(frame) else frame["rank"],
        }
    )


def development_ceiling(totals: dict, table: pd.DataFrame, units: int) -> dict[str, float]:
    """Largest national total each measure could reach if no region exceeded the published top.

    When `units` reporting regions each had at most the published maximum, the national
    total cannot exceed units x maximum; a larger published total contradicts the ranking.
    """
    ceilings = {}
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        values = table.loc[table["measure"] == measure, "value"]
        if len(values) and totals.get(indicator, (None,))[0] is not None:
            ceilings[indicator] = float(values.max()) * units
    return ceilings


# --- formats and RFO support ---------------------------------------------------------------


def formats_table(ds: Dataset) -> pd.DataFrame:
    """Share of events by format (auto, online, offline); values missing when chart-only."""
    formats = ds.reference["event_formats"]
    shares = ds.obs("events_share_by_format", region=NATIONAL).set_index("category")
    status = shares["status"].reindex(formats["id"]).fillna("missing").astype(str)
    return pd.DataFrame(
        {
            "format": formats["id"].to_numpy(),
            "format_name": formats["name_en"].to_numpy(),
            "share_pct": shares["value"].reindex(formats["id"]).astype("Float64").to_numpy(),
            "status": status.to_numpy(),
        }
    )


def formats_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `formats_table`; a share the report does not publish stays empty."""
    return pd.DataFrame(
        {"Format": frame["format_name"], "Share of events, %": frame["share_pct"].round(1)}
    )


def rfo_support_table(ds: Dataset) -> pd.DataFrame:
    """How often volunteer events mention RFO support, by region, most support first.

    Columns: region, region_name, level, level_label. Within a level, regions by name.
    """
    table = ds.table("rfo_support")
    unknown = sorted(set(table["level"].dropna()) - set(SUPPORT_LEVELS))
    if unknown:
        raise ValueError(f"rfo_support.csv: column level has unknown values {unknown}")
    frame = pd.DataFrame(
        {
            "region": table["region"].astype(str),
            "region_name": table["region"].map(region_names(ds)),
            "level": table["level"].astype(str),
        }
    )
    frame["level_label"] = frame["level"].map(SUPPORT_LABELS)
    frame["_rank"] = frame["level"].map({level: i for i, level in enumerate(SUPPORT_LEVELS)})
    frame = frame.sort_values(["_rank", "region_name"]).drop(columns="_rank")
    return frame.reset_index(drop=True)


def rfo_support_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `rfo_support_table`."""
    return pd.DataFrame(
        {
            "Region": frame["region_name"],
            "Support of the RFO in event reports": frame["level_label"],
        }
    )


# --- chapter result ------------------------------------------------------------------------


@dataclass(frozen=True)
class AreasResult:
    """Everything chapter 3 shows, computed from one year's data."""

    year: int
    hours_total: float | None
    hours_total_status: str
    hours_by_area: pd.DataFrame
    regional_hours_missing: int
    regional_hours_charted: bool
    leaders: pd.DataFrame
    leaders_computed: bool
    representation: pd.DataFrame
    band_conflicts: pd.DataFrame
    development_totals: dict
    development: pd.DataFrame
    development_ceilings: dict
    formats: pd.DataFrame
    formats_charted: bool
    rfo_support: pd.DataFrame


def compute(ds: Dataset) -> AreasResult:
    """Compute chapter 3 from a dataset."""
    total, status = hours_total(ds)
    regional_hours = ds.obs("hours")
    regional_hours = regional_hours[regional_hours["region"] != NATIONAL]
    totals = development_totals(ds)
    development = development_table(ds)
    return AreasResult(
        year=ds.year,
        hours_total=total,
        hours_total_status=status,
        hours_by_area=hours_by_area_table(ds),
        regional_hours_missing=int(regional_hours["value"].isna().sum()),
        regional_hours_charted=bool(
            len(regional_hours)
            and regional_hours["value"].isna().all()
            and regional_hours["source"].astype(str).str.contains("chart").all()
        ),
        leaders=area_leaders_table(ds),
        leaders_computed=leaders_computed(ds),
        representation=representation_matrix(ds),
        band_conflicts=band_conflicts(ds),
        development_totals=totals,
        development=development,
        development_ceilings=development_ceiling(totals, development, len(reporting_regions(ds))),
        formats=formats_table(ds),
        formats_charted=charted_only(ds, "events_share_by_format"),
        rfo_support=rfo_support_table(ds),
    )


# --- prose -----------------------------------------------------------------------------------


def _area_phrase(row) -> str:
    """'Area name (hours, share)' for prose."""
    return (
        f"{row.area_name} ({fmt.number(_optional(row.hours))} hours, "
        f"{fmt.percent(_optional(row.share_recomputed_pct), 2)})"
    )


def headline(result: AreasResult) -> str:
    """Key numbers of the chapter as a Markdown paragraph."""
    areas = result.hours_by_area.dropna(subset=["hours"])
    top = areas.head(2)
    events, volunteers, hours = (
        fmt.qualified(*result.development_totals[indicator]) for indicator in DEVELOPMENT_MEASURES
    )
    text = (
        f"The regional front offices recorded **{fmt.number(result.hours_total)} hours** of "
        f"volunteer work in {result.year}, across {len(areas)} areas. The largest were "
        f"{fmt.join_words([_area_phrase(row) for row in top.itertuples()])}."
    )
    if result.development_totals["development_events"][0] is not None:
        text += (
            f" The offices also recorded {events} activities to develop volunteering, with "
            f"{volunteers} volunteers and {hours} hours."
        )
    return text


def hours_text(result: AreasResult) -> str:
    """Hours by area: totals, the recomputed shares and how they compare with the published."""
    frame = result.hours_by_area
    parts_sum = float(frame["hours"].sum()) if frame["hours"].notna().all() else None
    published = frame.dropna(subset=["share_published_pct"])
    disagreeing = published[published["difference_pp"].abs() > SHARE_TOLERANCE_PP]
    text = (
        f"Hours are the report's main measure of volunteer work: organizations that work "
        f"every day (shelters, aid points, crisis centres) do not divide their work into "
        f"events. The areas' hours add up to {fmt.number(parts_sum)} against a national "
        f"total of {fmt.number(result.hours_total)}"
    )
    if parts_sum is not None and result.hours_total is not None:
        same = abs(parts_sum - result.hours_total) < 0.5
        text += " — the same figure." if same else " — they do not match."
    else:
        text += "."
    if len(published):
        if disagreeing.empty:
            text += (
                " Each area's share, recomputed from its hours, matches the published "
                "share to two decimals."
            )
        else:
            names = fmt.join_words(disagreeing["area_name"].tolist())
            text += f" Recomputed from hours, the shares of {names} differ from the published."
    if result.regional_hours_charted:
        text += (
            " The report shows hours by region only as a chart without values; this "
            "edition therefore cannot give regional hours."
        )
    elif result.regional_hours_missing:
        text += (
            f" {fmt.number(result.regional_hours_missing)} regional figures of hours are not "
            "in the data."
        )
    return text


def leaders_text(result: AreasResult) -> str:
    """Which region leads each area, in the report's words, with the published shares."""
    frame = result.leaders
    if frame.empty:
        return "The report names no leading regions by area."
    national = frame[frame["measure"] == "hours_share_of_area_national"]
    if result.leaders_computed:
        intro = (
            "For each area, the table gives the region with the largest share of the area's "
            "hours nationally and the region where the area makes up the largest share of "
            "events, computed from every region's figures."
        )
    else:
        intro = (
            "The report names, for each area, the region with the largest share of the area's "
            "hours nationally and the regions where the area makes up the largest share of "
            "events."
        )
    sentences = []
    for area_name, group in national.groupby("area_name", sort=False):
        places = [
            f"{row.region_name} ({qualified_percent(_optional(row.value), row.qualifier)})"
            for row in group.itertuples()
        ]
        sentences.append(f"{area_name}: {fmt.join_words(places)}")
    return intro + " Largest share of national hours — " + "; ".join(sentences) + "."


def representation_text(result: AreasResult) -> str:
    """The representation matrix and where it contradicts the text's events shares."""
    matrix = result.representation
    over = matrix[matrix["band"] == "over_25"]
    text = (
        f"The matrix marks, for each of {matrix['region'].nunique()} regions and "
        f"{matrix['area'].nunique()} areas, whether the area makes up over 25%, 5% to 25% "
        f"or under 5% of the region's events. {fmt.number(len(over))} of "
        f"{fmt.number(len(matrix))} cells are over 25%."
    )
    conflicts = result.band_conflicts
    if len(conflicts):
        regions = dict(zip(matrix["region"], matrix["region_name"], strict=False))
        areas = dict(zip(matrix["area"], matrix["area_name"], strict=False))
        cases = [
            f"{areas.get(row.area, row.area)} in {regions.get(row.region, row.region)} "
            f"({qualified_percent(row.value, row.qualifier)} in the text, "
            f"{BAND_LABELS[row.band]} in the matrix)"
            for row in conflicts.itertuples()
        ]
        text += (
            f" In {fmt.number(len(conflicts))} cases the matrix contradicts the share of "
            f"events given in the text: {fmt.join_words(cases)}. The matrix is reproduced as "
            f"published."
        )
    return text


def development_text(result: AreasResult) -> str:
    """Volunteering-development activities: totals, published leaders and laggards."""
    totals = result.development_totals
    if totals["development_events"][0] is None:
        return "The report does not publish activities to develop volunteering."
    events, volunteers, hours_phrase = (
        fmt.qualified(*totals[indicator]) for indicator in DEVELOPMENT_MEASURES
    )
    hours = totals["development_hours"][0]
    text = (
        f"Activities that develop volunteering itself (training, team building, motivation) "
        f"are counted within other social volunteering: {events} activities, "
        f"{volunteers} volunteers, {hours_phrase} hours."
    )
    table = result.development
    for measure in DEVELOPMENT_MEASURES.values():
        rows = table[table["measure"] == measure]
        if rows.empty:
            continue
        most = [
            f"{r.region_name} ({fmt.number(r.value)})"
            for r in rows.itertuples()
            if r.rank == "most"
        ]
        fewest = [
            f"{r.region_name} ({fmt.number(r.value)})"
            for r in rows.itertuples()
            if r.rank == "fewest"
        ]
        text += f" Most {measure}: {fmt.join_words(most)}"
        text += f"; fewest: {fmt.join_words(fewest)}." if fewest else "."
    ceiling = result.development_ceilings.get("development_hours")
    if ceiling is not None and hours is not None and hours > ceiling:
        text += (
            f" These figures cannot all be right: if no region exceeded the published "
            f"largest number of hours, the regions together would have at most "
            f"{fmt.number(ceiling)} hours, fewer than the national {fmt.number(hours)}."
        )
    return text


def formats_text(result: AreasResult) -> str:
    """Event formats: the shares, or a plain statement that the report gives none."""
    frame = result.formats
    if frame["share_pct"].isna().all():
        if not result.formats_charted:
            return (
                "The data give no shares of auto-volunteering, online and offline events; this "
                "edition therefore cannot give them."
            )
        return (
            f"The {result.year} report shows the shares of auto-volunteering, online and "
            f"offline events only as a chart without values; this edition therefore cannot "
            f"give them."
        )
    parts = [
        f"{row.format_name} {fmt.percent(_optional(row.share_pct), 1)}"
        for row in frame.itertuples()
    ]
    return "Shares of events by format: " + fmt.join_words(parts) + "."


def rfo_support_text(result: AreasResult) -> str:
    """RFO support by region: how many regions at each level."""
    counts = result.rfo_support["level"].value_counts()
    phrases = {
        "regular": "mention it regularly in {} regions",
        "references": "refer to it in {}",
        "one_time": "mention it once or twice in {}",
        "none": "do not mention it at all in {}",
    }
    parts = [
        phrase.format(fmt.number(int(counts.get(level, 0)))) for level, phrase in phrases.items()
    ]
    return (
        "Regional front offices support volunteer events by recruiting volunteers, covering "
        "events, helping to organize them, collecting funds and humanitarian aid, and "
        "providing vehicles, inventory and printing. Reports on the events "
        + fmt.join_words(parts)
        + "."
    )


# --- indicators and discrepancies --------------------------------------------------------------


def indicators(ds: Dataset) -> list[Indicator]:
    """Headline indicators of chapter 3: total hours, hours per area, development activities."""
    source = f"Report {ds.year}, §Volunteering areas and the format of events"
    total = national_hours(ds)
    result = [
        Indicator(
            "hours_total",
            "Volunteer hours recorded by the RFO",
            total.value,
            "hours",
            total.status,
            source,
            total.qualifier,
        )
    ]
    frame = hours_by_area_table(ds).set_index("area")
    names = area_names(ds)
    for area in area_order(ds):
        value = _optional(frame["hours"].get(area)) if area in frame.index else None
        area_status = str(frame.at[area, "status"]) if value is not None else "missing"
        qualifier = str(frame.at[area, "qualifier"]) if value is not None else "exact"
        result.append(
            Indicator(
                f"hours_{area}",
                f"Volunteer hours: {names[area]}",
                value,
                "hours",
                area_status,
                source,
                qualifier,
            )
        )
    units = {
        "development_events": "events",
        "development_volunteers": "persons",
        "development_hours": "hours",
    }
    development = development_totals(ds)
    for indicator, measure in DEVELOPMENT_MEASURES.items():
        value, qualifier = development[indicator]
        rows = ds.obs(indicator, region=NATIONAL, category="")
        status = str(rows["status"].iloc[0]) if value is not None else "missing"
        result.append(
            Indicator(
                indicator,
                f"Volunteering-development activities: {measure}",
                value,
                units[indicator],
                status,
                source,
                qualifier,
            )
        )
    return result


def discrepancies(ds: Dataset) -> list[Discrepancy]:
    """Where chapter 3 of the report disagrees with itself."""
    result = compute(ds)
    found = []
    frame = result.hours_by_area
    if frame["hours"].notna().all() and result.hours_total is not None:
        parts = float(frame["hours"].sum())
        if abs(parts - result.hours_total) >= 0.5:
            found.append(
                Discrepancy(
                    CHAPTER,
                    "Hours by area vs total",
                    f"{fmt.number(result.hours_total)} hours",
                    f"{fmt.number(parts)} hours (sum of areas)",
                    "The areas' hours do not add up to the total.",
                )
            )
    for row in frame[frame["difference_pp"].abs() > SHARE_TOLERANCE_PP].itertuples():
        found.append(
            Discrepancy(
                CHAPTER,
                f"Share of hours: {row.area_name}",
                fmt.percent(float(row.share_published_pct), 2),
                fmt.percent(float(row.share_recomputed_pct), 2),
                "The share does not follow from the hours.",
            )
        )
    for row in result.band_conflicts.itertuples():
        found.append(
            Discrepancy(
                CHAPTER,
                f"Representation matrix: {row.area} in {row.region}",
                f"{qualified_percent(row.value, row.qualifier)} of the region's events (text)",
                f"{BAND_LABELS[row.band]} (matrix)",
                "The text and the matrix give the same share in different bands; one of them "
                "is misprinted or the matrix columns are shifted.",
            )
        )
    hours, _ = result.development_totals["development_hours"]
    ceiling = result.development_ceilings.get("development_hours")
    if ceiling is not None and hours is not None and hours > ceiling:
        units = len(reporting_regions(ds))
        found.append(
            Discrepancy(
                CHAPTER,
                "Development activities: hours",
                f"{fmt.number(hours)} hours nationally, at most "
                f"{fmt.number(ceiling / units)} in any region",
                f"at most {fmt.number(ceiling)} hours over {units} regions",
                "The regional maximum and the national total cannot both be right.",
            )
        )
    return found
