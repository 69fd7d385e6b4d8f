"""Chapter 1, portrait of a volunteer: how many, per head of population, sex, age, employment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from volreport.chapters import common, compare, display
from volreport.core import fmt, prose
from volreport.core.i18n import SOURCE_LANGUAGE, term
from volreport.data.categories import (
    AGE_BANDS,
    EMPLOYMENT,
    SEXES,
    age_band_names,
    employment_names,
)
from volreport.data.contract import NATIONAL
from volreport.data.dataset import Dataset, names, text_column
from volreport.data.derive import matches_rounded
from volreport.data.indicators import Discrepancy, Indicator
from volreport.data.published import (
    Published,
    charted_only,
    current_boundaries,
    percent_change,
    published,
    ratio_qualifier,
    region_names,
    regional,
    reporting_regions,
)

CHAPTER = "portrait"
# A shown table's headers stay English in its frame (they are its CSV's header);
# `display.show_table` shows them in the reader's language.
HEADER = SOURCE_LANGUAGE
# Breakdowns a source may show only as charts; the prose says so only when the data do.
CHARTED_CANDIDATES = ("volunteers_share_by_cohort", "volunteers_share_by_region")
BREAKDOWN_INDICATORS = {
    "age": "volunteers_share_by_age",
    "employment": "volunteers_share_by_employment",
}
# Every breakdown of volunteers: its shares and, where return forms give them, its counts.
SHARE_INDICATORS = {
    "sex": "volunteers_share_by_sex",
    **BREAKDOWN_INDICATORS,
    "cohort": "volunteers_share_by_cohort",
}
COUNT_INDICATORS = {
    "sex": "volunteers_by_sex",
    "age": "volunteers_by_age",
    "employment": "volunteers_by_employment",
    "cohort": "volunteers_by_cohort",
}

EXTREME_SHARE = "Share of the region's volunteers, %"  # the extremes tables' share column
PARITY = 50  # percent women: the dashed line of the chart by region
# A region's name in the chart by region is wrapped beyond this many characters (the
# longer names of some languages), and a chart with a wrapped name gets taller rows.
REGION_LABEL_WIDTH = 24


@dataclass(frozen=True)
class PerCapita:
    """Volunteers per head of population for one count against one population figure."""

    volunteers: Published
    population: float
    population_date: str

    @property
    def persons_per_volunteer(self) -> float | None:
        """Population divided by volunteers; None when the count is not available."""
        if not self.volunteers.value:  # missing, or none to divide by
            return None
        return self.population / self.volunteers.value

    @property
    def share_pct(self) -> float | None:
        """Volunteers as a percentage of the population; None when the count is missing."""
        if self.volunteers.value is None:
            return None
        return self.volunteers.value / self.population * 100

    @property
    def ratio_qualifier(self) -> str:
        """'at least N volunteers' means 'at most population/N persons per volunteer'."""
        return ratio_qualifier("exact", self.volunteers.qualifier)


@dataclass(frozen=True)
class Breakdown:
    """One breakdown of volunteers (sex, age, employment, cohort), nationally and by region.

    `national` holds every category's national share in percent, or nothing when they are
    not available; `from_regions` is True when they were computed from the regions' own
    figures (the national ones being missing), leaving out the regions in `incomplete`.
    """

    name: str
    categories: tuple[str, ...]
    national: dict[str, float]
    from_regions: bool
    regions_total: int
    complete: list[str]
    incomplete: list[str]
    national_charted_only: bool

    @property
    def available(self) -> bool:
        """True when the national shares are known."""
        return bool(self.national)


@dataclass(frozen=True)
class PortraitResult:
    """Everything chapter 1 shows: published counts, derived rates and display tables."""

    year: int
    volunteers: Published
    volunteers_previous: Published
    change_pct: float | None
    estimate: Published
    systematic: Published
    recorded_per_capita: PerCapita
    estimate_per_capita: PerCapita
    published_persons_per_volunteer: Published
    published_share_of_population: Published
    female: Published
    male: Published
    published_source: str | None
    breakdowns: dict[str, Breakdown]
    volunteers_by_year: pd.DataFrame
    per_capita: pd.DataFrame
    sex_by_region: pd.DataFrame
    age_extremes: pd.DataFrame
    employment_extremes: pd.DataFrame
    nationally_unpublished: list[str]
    extremes_only: bool
    cohorts: pd.DataFrame
    change_by_region: pd.DataFrame
    change_by_region_computed: bool
    boundaries_changed: list[str]
    regional_distribution_published: bool
    charted_only: frozenset[str]
    volunteers_by_region: pd.DataFrame
    # The reporting regions' names in the reference order: the order of regions tied at
    # an extreme, as every list of regions the text names.
    region_order: tuple[str, ...] = ()


def rounds_to(value: float, published: float) -> bool:
    """True when `value` rounds to `published` at the published figure's precision."""
    return matches_rounded(value, published, fmt.shown_decimals(published))


def every_nth(persons_per_volunteer: float) -> int:
    """'Every Nth person is a volunteer': the whole part of persons per volunteer.

    The report and the official-statistics checks read 141.5 persons per volunteer as
    'every 141st person', so the ratio is truncated, not rounded.
    """
    return math.floor(persons_per_volunteer)


def volunteers_by_year_table(ds: Dataset, previous: Published | None = None) -> pd.DataFrame:
    """National volunteer counts of this and earlier years, as published, oldest first
    (columns Year, Volunteers, As published and the count's qualifier).

    `previous`, the count the chapter uses for the year before (from the previous vintage
    when there is one), replaces this vintage's own row for that year, so table and text agree.
    """
    rows = ds.observations
    rows = rows[
        (rows["indicator"] == "volunteers")
        & (rows["region"] == NATIONAL)
        & (rows["category"].fillna("") == "")
        & (rows["year"] <= ds.year)
    ]
    frame = pd.DataFrame(
        {
            "Year": rows["year"].astype(int).to_numpy(),
            "Volunteers": rows["value"].astype("float64").to_numpy(),
            "As published": [
                fmt.qualified(v, q)
                for v, q in zip(rows["value"], rows["qualifier"].fillna("exact"), strict=True)
            ],
            "qualifier": rows["qualifier"].fillna("exact").astype(str).to_numpy(),
        }
    )
    if previous is not None and not previous.missing:
        frame = frame[frame["Year"] != ds.year - 1]
        row = {
            "Year": ds.year - 1,
            "Volunteers": previous.value,
            "As published": previous.text(),
            "qualifier": previous.qualifier,
        }
        frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
    return frame.sort_values("Year").reset_index(drop=True)


def volunteers_by_year_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`volunteers_by_year_table` as shown: each year's count as published, qualifier and
    number in one cell ('at least 120,000'). The table itself is the CSV."""
    return pd.DataFrame(
        {term("Year", HEADER): frame["Year"], term("Volunteers", HEADER): frame["As published"]}
    )


def national_population(ds: Dataset) -> pd.DataFrame:
    """Official national population by date: columns date (ISO text), population, source."""
    table = ds.tables["population"]
    national = table[table["region"] == NATIONAL].drop_duplicates("date").sort_values("date")
    return pd.DataFrame(
        {
            "date": national["date"].astype(str).to_numpy(),
            "population": national["population"].astype("float64").to_numpy(),
            "source": national["source"].astype(str).to_numpy(),
        }
    )


def per_capita_date(ds: Dataset) -> str:
    """The population date rates use: the latest count up to 1 January after the year.

    The count at the end of the reference year matches a count of volunteers over that year;
    an earlier count is used only when the end-of-year one is not in the data.
    """
    dates = national_population(ds)["date"]
    usable = dates[dates <= f"{ds.year + 1}-01-01"]
    if usable.empty:
        raise KeyError(f"population.csv: no national (KZ) population up to 1 Jan {ds.year + 1}")
    return str(usable.iloc[-1])


def population_on(ds: Dataset, date: str) -> float:
    """Official national population on `date` (ISO text)."""
    table = national_population(ds)
    rows = table[table["date"] == date]
    if rows.empty:
        raise KeyError(f"population.csv: no national (KZ) population on {date}")
    return float(rows["population"].iloc[0])


def stated_row_label(ds: Dataset, stated: Published) -> str:
    """The per-capita table's label for the rate stored with the data, by its status."""
    if stated.status == "derived":
        return term("Derived in the data")
    if ds.edition.cite_as is not None:
        return term("As stated in {source}").format(source=ds.edition.cite_as)
    return term("As stated in the data")


def rounded(value: float | None, decimals: int) -> float | None:
    """`value` rounded to `decimals` places; None stays None."""
    return None if value is None else round(value, decimals)


def per_capita_table(ds: Dataset) -> pd.DataFrame:
    """Persons per volunteer and share of population for the recorded count and the estimate,
    against every official population date in the data, beside the rate stated in the data."""
    counts = {
        term("Recorded by the regional front offices"): published(ds, "volunteers"),
        term("Estimate of the National Volunteer Network"): published(ds, "volunteers_estimate"),
    }
    rows = []
    for basis, count in counts.items():
        if count.missing:
            continue
        for date in national_population(ds)["date"]:
            rate = PerCapita(count, population_on(ds, date), date)
            rows.append(
                {
                    term("Volunteers", HEADER): basis,
                    term("Volunteers, persons", HEADER): count.value,
                    term("Population date", HEADER): fmt.long_date(date),
                    term("Population, persons", HEADER): rate.population,
                    term("Persons per volunteer", HEADER): rounded(rate.persons_per_volunteer, 1),
                    term("Share of population, %", HEADER): rounded(rate.share_pct, 2),
                    **dict(zip(PER_CAPITA_QUALIFIERS, per_capita_qualifiers(rate), strict=True)),
                }
            )
    stated = published(ds, "persons_per_volunteer")
    stated_share = published(ds, "volunteers_share_of_population")
    if not (stated.missing and stated_share.missing):
        rows.append(
            {
                term("Volunteers", HEADER): stated_row_label(ds, stated),
                term("Volunteers, persons", HEADER): math.nan,
                term("Population date", HEADER): None,  # not stated: a gap
                term("Population, persons", HEADER): math.nan,
                term("Persons per volunteer", HEADER): stated.value,
                term("Share of population, %", HEADER): stated_share.value,
                **dict(
                    zip(
                        PER_CAPITA_QUALIFIERS,
                        ("exact", stated.qualifier, stated_share.qualifier),
                        strict=True,
                    )
                ),
            }
        )
    return pd.DataFrame(rows, columns=[*PER_CAPITA_COLUMNS, *PER_CAPITA_QUALIFIERS])


# The per-capita table's columns, then the qualifiers of its numbers (not shown:
# `per_capita_display` puts each qualifier's words in its number's cell).
PER_CAPITA_COLUMNS = (
    "Volunteers",
    "Volunteers, persons",
    "Population date",
    "Population, persons",
    "Persons per volunteer",
    "Share of population, %",
)
PER_CAPITA_QUALIFIED = ("Volunteers, persons", "Persons per volunteer", "Share of population, %")
PER_CAPITA_QUALIFIERS = tuple(f"{column} qualifier" for column in PER_CAPITA_QUALIFIED)


def per_capita_qualifiers(rate: PerCapita) -> tuple[str, str, str]:
    """The qualifiers of a count, its persons per volunteer and its share of the population:
    at least N volunteers are at most population/N persons per volunteer, and at least
    N/population of it."""
    count = rate.volunteers.qualifier or "exact"
    return count, rate.ratio_qualifier, count


def per_capita_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`per_capita_table` as shown: each count, rate and share with its qualifier's words
    ('at least 174,000', 'up to 112.1') at the decimals its column needs; the CSV holds the
    numbers, each qualifier in a column of its own (`display.qualified_cells`)."""
    shown = frame.drop(columns=list(PER_CAPITA_QUALIFIERS))
    for column, qualifiers in zip(PER_CAPITA_QUALIFIED, PER_CAPITA_QUALIFIERS, strict=True):
        shown[column] = display.qualified_cells(frame[column], frame[qualifiers], decimals=None)
    return shown


def sex_by_region_table(ds: Dataset) -> pd.DataFrame:
    """Female and male shares of volunteers in every reporting region, most female first."""
    shares = regional(ds, "volunteers_share_by_sex").pivot_table(
        index="region", columns="category", values="value", dropna=False
    )
    frame = reporting_regions(ds).join(shares, on="region")
    frame = frame.sort_values("female", ascending=False, na_position="last")
    return pd.DataFrame(
        {
            "Region": frame["region_name"].to_numpy(),
            "Female volunteers, %": frame["female"].astype("float64").to_numpy(),
            "Male volunteers, %": frame["male"].astype("float64").to_numpy(),
        }
    )


def only_extremes(rows: pd.DataFrame, regions: int) -> pd.DataFrame:
    """The highest and lowest rows (ties kept) of each category given for at least half of
    the `regions`.

    A category given for fewer regions (a source that names only the extremes) keeps every
    row it has; one given for most regions keeps its extremes, so the table names the
    regions at either end, with or without a few gaps.
    """
    kept = []
    for _, group in rows.groupby("category", sort=False):
        if 2 * len(group) >= regions:
            extreme = group["value"].isin([group["value"].max(), group["value"].min()])
            group = group[extreme]
        kept.append(group)
    return pd.concat(kept) if kept else rows


def extremes_table(ds: Dataset, indicator: str, labels: dict[str, str]) -> pd.DataFrame:
    """The regions with the highest and lowest share of each group of a breakdown.

    One row per published value when the report gives only the extremes; the extremes
    alone when every region is given. Grouped in category order, highest share first.
    Each share also as the report words it ('72%', '0.9%', 'up to 1%'; the text quotes
    it), and its qualifier.
    """
    rows = regional(ds, indicator).dropna(subset=["value"])
    rows = only_extremes(rows, len(reporting_regions(ds)))
    rows = rows.assign(order=rows["category"].map(list(labels).index))
    rows = rows.sort_values(["order", "value"], ascending=[True, False])
    return pd.DataFrame(
        {
            "Group": rows["category"].map(labels).to_numpy(),
            "Region": rows["region_name"].to_numpy(),
            EXTREME_SHARE: rows["value"].to_numpy(),
            "As published": [
                fmt.qualify(fmt.percent(v, 0 if float(v).is_integer() else 1), q)
                for v, q in zip(rows["value"], rows["qualifier"], strict=True)
            ],
            "qualifier": rows["qualifier"].to_numpy(),
        }
    )


def extremes_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`extremes_table` as shown: each share with its qualifier's words ('up to 1.0%') in
    one column, every share at the column's decimals ('72.0%' beside '0.9%'), as a table
    prints figures. The table itself is the CSV."""
    shares = frame[EXTREME_SHARE]
    decimals = display.column_decimals(shares, most=1)
    return pd.DataFrame(
        {
            term("Group", HEADER): frame["Group"],
            term("Region", HEADER): frame["Region"],
            term("Share of the region's volunteers", HEADER): [
                fmt.qualify(fmt.percent(value, decimals), qualifier)
                for value, qualifier in zip(shares, frame["qualifier"], strict=True)
            ],
        }
    )


def age_extremes_table(ds: Dataset) -> pd.DataFrame:
    """Regions with the highest and lowest shares of each age group, as published."""
    return extremes_table(ds, "volunteers_share_by_age", age_band_names())


def employment_extremes_table(ds: Dataset) -> pd.DataFrame:
    """Regions with the highest and lowest shares of each employment group, as published."""
    return extremes_table(ds, "volunteers_share_by_employment", employment_names())


def cohort_ids(ds: Dataset) -> tuple[str, ...]:
    """The cohort categories in reference order."""
    return tuple(ds.reference["cohorts"].sort_values("order")["id"].astype(str))


def national_shares(ds: Dataset, indicator: str, categories: tuple[str, ...]) -> dict[str, float]:
    """The national shares of a breakdown when the data give every category, else {}."""
    rows = ds.obs(indicator, region=NATIONAL).dropna(subset=["value"])
    values = dict(
        zip(rows["category"].fillna("").astype(str), rows["value"].astype(float), strict=True)
    )
    return {c: values[c] for c in categories} if all(c in values for c in categories) else {}


def regional_parts(
    ds: Dataset, name: str, categories: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shares, weights) of a breakdown by region code and category, NaN where unknown.

    Shares come from the share indicator, or from the counts where those are complete. The
    weights are the counts; failing those, exact shares times the region's volunteers.
    """
    regions = reporting_regions(ds)["region"]

    def table(indicator: str, values: str = "value") -> pd.DataFrame:
        rows = regional(ds, indicator).drop_duplicates(["region", "category"])
        wide = rows.pivot(index="region", columns="category", values=values)
        return wide.reindex(index=regions, columns=list(categories))

    shares = table(SHARE_INDICATORS[name]).astype("float64")
    counts = table(COUNT_INDICATORS[name]).astype("float64")
    complete_counts = counts.notna().all(axis=1) & (counts.sum(axis=1) > 0)
    from_counts = counts.div(counts.sum(axis=1), axis=0) * 100
    shares = shares.where(shares.notna().all(axis=1) | ~complete_counts, from_counts)
    exact = (table(SHARE_INDICATORS[name], "qualifier") == "exact").all(axis=1)
    volunteers = regional(ds, "volunteers").set_index("region")["value"].reindex(regions)
    weighted = shares.mul(volunteers, axis=0) / 100
    weights = counts.where(complete_counts, weighted.where(exact & ~complete_counts))
    return shares, weights


def breakdown(ds: Dataset, name: str, categories: tuple[str, ...]) -> Breakdown:
    """A breakdown's national shares (from the data, else from the complete regions' counts)
    and which regions give it in full."""
    regions = reporting_regions(ds)
    names = dict(zip(regions["region"], regions["region_name"], strict=True))
    shares, weights = regional_parts(ds, name, categories)
    full = shares.notna().all(axis=1)
    national = national_shares(ds, SHARE_INDICATORS[name], categories)
    from_regions = False
    if not national and full.any() and weights[full].notna().all(axis=None):
        totals = weights[full].sum()
        if totals.sum() > 0:
            national = {c: float(totals[c] / totals.sum() * 100) for c in categories}
            from_regions = True
    rows = ds.obs(SHARE_INDICATORS[name], region=NATIONAL)
    return Breakdown(
        name=name,
        categories=categories,
        national=national,
        from_regions=from_regions,
        regions_total=len(regions),
        complete=[names[r] for r in full[full].index],
        incomplete=[names[r] for r in full[~full].index],
        national_charted_only=not national
        and not rows.empty
        and rows["value"].isna().all()
        and rows["source"].astype(str).str.contains("chart").all(),
    )


def cohort_table(ds: Dataset, shares: dict[str, float] | None = None) -> pd.DataFrame:
    """Cohort categories, their definitions and national shares (missing when not available)."""
    cohorts = ds.reference["cohorts"].sort_values("order")
    if shares is None:
        shares = breakdown(ds, "cohort", cohort_ids(ds)).national
    column = [shares.get(c) for c in cohorts["id"]]
    return pd.DataFrame(
        {
            term("Cohort", HEADER): names(cohorts).to_numpy(),
            term("Definition", HEADER): text_column(cohorts, "definition").astype(str).to_numpy(),
            term("Share of volunteers at events, %", HEADER): pd.array(column, dtype="float64"),
        }
    )


def change_by_region_table(ds: Dataset, previous: Dataset | None = None) -> pd.DataFrame:
    """Change in volunteers on the previous year for every reporting region, largest rise first.

    Computed from both years' counts where they exist (see `compare`), else as published;
    regions with neither stay in the table with no value.
    """
    found = compare.regional_changes(ds, previous, ("volunteers",)).set_index("region")
    frame = reporting_regions(ds).assign(change=lambda f: f["region"].map(found["change_pct"]))
    frame = frame.sort_values("change", ascending=False, na_position="last")
    return pd.DataFrame(
        {
            "Region": frame["region_name"].to_numpy(),
            f"Change in volunteers on {ds.year - 1}, %": frame["change"]
            .astype("float64")
            .to_numpy(),
        }
    )


def regional_distribution_published(ds: Dataset) -> bool:
    """True when the data give any value for the regions' volunteers or their shares."""
    return any(
        regional(ds, indicator)["value"].notna().any()
        for indicator in ("volunteers", "volunteers_share_by_region")
    )


def regional_population(ds: Dataset, date: str) -> pd.Series:
    """Official population of each region on `date` (ISO text), by region code.

    A code whose territory changed in 2022 has a row in the vintage's boundaries (current,
    or those of 2022 for a vintage reporting in the 17 units); the others only current rows.
    """
    table = ds.tables["population"]
    rows = table[(table["date"].astype(str) == date) & (table["region"] != NATIONAL)]
    own = "current" if current_boundaries(ds) else "reporting_2022"
    rows = rows.assign(rank=(rows["boundaries"] != own).astype(int))
    rows = rows.sort_values("rank", kind="stable").drop_duplicates("region")
    return rows.set_index("region")["population"].astype("float64")


def volunteers_by_region_table(ds: Dataset) -> pd.DataFrame:
    """Volunteers of every reporting region: count, share of all volunteers, population and
    volunteers per 1,000 population (population on the per-capita date), most first.

    No rows when the data give no regional count (the 2022 report only charts the shares).
    Columns Region, Volunteers, the count's qualifier, Share of all volunteers, %,
    Population and Volunteers per 1,000 population.
    """
    counts = regional(ds, "volunteers").dropna(subset=["value"])
    columns = [
        term("Region", HEADER), term("Volunteers", HEADER), "qualifier",
        term("Share of all volunteers, %", HEADER), term("Population", HEADER),
        term("Volunteers per 1,000 population", HEADER),
    ]  # fmt: skip
    if counts.empty:
        return pd.DataFrame(columns=columns)
    shares = regional(ds, "volunteers_share_by_region").set_index("region")["value"]
    population = regional_population(ds, per_capita_date(ds))
    frame = reporting_regions(ds).merge(counts, on=["region", "region_name"], how="inner")
    people = frame["region"].map(population).astype("float64")
    frame = pd.DataFrame(
        {
            "Region": frame["region_name"].to_numpy(),
            "Volunteers": frame["value"].to_numpy(),
            "qualifier": frame["qualifier"].to_numpy(),
            "Share of all volunteers, %": frame["region"].map(shares).astype("float64").to_numpy(),
            "Population": people.to_numpy(),
            "Volunteers per 1,000 population": (frame["value"] / people * 1000).round(1).to_numpy(),
        }
    )
    return frame.sort_values(
        ["Volunteers", "Region"], ascending=[False, True], key=common.by_name("Region")
    ).reset_index(drop=True)[columns]


def volunteers_by_region_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`volunteers_by_region_table` as shown: the qualifier folded into the count ('at least
    1,200') when any count is not exact, else dropped. The table itself is the CSV."""
    shown = frame.drop(columns="qualifier")
    if (frame["qualifier"] != "exact").any():
        shown["Volunteers"] = display.qualified_cells(frame["Volunteers"], frame["qualifier"])
    return shown


def nationally_unpublished(breakdowns: dict[str, Breakdown]) -> list[str]:
    """The breakdowns ('age', 'employment') whose national shares are not available."""
    return [name for name in BREAKDOWN_INDICATORS if not breakdowns[name].available]


def extremes_only(breakdowns: dict[str, Breakdown]) -> bool:
    """True when some region lacks its full age or employment breakdown."""
    return any(breakdowns[name].incomplete for name in BREAKDOWN_INDICATORS)


def compute(ds: Dataset) -> PortraitResult:
    """Chapter 1 from a year's data (and the previous year's vintage, when there is one)."""
    before = compare.previous_vintage(ds)
    volunteers = published(ds, "volunteers")
    previous = compare.previous_count(ds, before, "volunteers")
    estimate = published(ds, "volunteers_estimate")
    date = per_capita_date(ds)
    population = population_on(ds, date)
    breakdowns = {
        "sex": breakdown(ds, "sex", SEXES),
        "age": breakdown(ds, "age", AGE_BANDS),
        "employment": breakdown(ds, "employment", EMPLOYMENT),
        "cohort": breakdown(ds, "cohort", cohort_ids(ds)),
    }
    changes = compare.regional_changes(ds, before, ("volunteers",))
    names = region_names(ds)
    return PortraitResult(
        year=ds.year,
        volunteers=volunteers,
        volunteers_previous=previous,
        change_pct=percent_change(volunteers.value, previous.value),
        estimate=estimate,
        systematic=published(ds, "volunteers_systematic"),
        recorded_per_capita=PerCapita(volunteers, population, date),
        estimate_per_capita=PerCapita(estimate, population, date),
        published_persons_per_volunteer=published(ds, "persons_per_volunteer"),
        published_share_of_population=published(ds, "volunteers_share_of_population"),
        female=published(ds, "volunteers_share_by_sex", category="female"),
        male=published(ds, "volunteers_share_by_sex", category="male"),
        published_source=ds.edition.cite_as,
        breakdowns=breakdowns,
        volunteers_by_year=volunteers_by_year_table(ds, previous),
        per_capita=per_capita_table(ds),
        sex_by_region=sex_by_region_table(ds),
        age_extremes=age_extremes_table(ds),
        employment_extremes=employment_extremes_table(ds),
        nationally_unpublished=nationally_unpublished(breakdowns),
        extremes_only=extremes_only(breakdowns),
        cohorts=cohort_table(ds, breakdowns["cohort"].national),
        change_by_region=change_by_region_table(ds, before),
        change_by_region_computed=compare.BASIS_COMPUTED in set(changes["basis"]),
        boundaries_changed=[
            names[r] for r in changes.loc[changes["basis"] == compare.BASIS_BOUNDARIES, "region"]
        ],
        regional_distribution_published=regional_distribution_published(ds),
        charted_only=frozenset(i for i in CHARTED_CANDIDATES if charted_only(ds, i)),
        volunteers_by_region=volunteers_by_region_table(ds),
        region_order=tuple(reporting_regions(ds)["region_name"].astype(str)),
    )


def plot_sex_by_region(frame: pd.DataFrame) -> plt.Figure:
    """The share of women among volunteers by region, highest first: a dot per region on a
    line from the 50% parity line, its value beside it, on an axis that fits the shares."""
    data = frame.iloc[::-1].reset_index(drop=True)  # a region without the share last
    values = data["Female volunteers, %"].astype(float)
    decimals = display.column_decimals(values, most=1)
    labels = [display.wrap_label(name, REGION_LABEL_WIDTH) for name in data["Region"]]
    wrapped = any("\n" in label for label in labels)
    figure, axis = display.bar_chart(len(data), per_row=0.46 if wrapped else 0.34)
    rows = range(len(data))
    known = values.notna().to_numpy()
    shown_rows = [row for row, given in zip(rows, known, strict=True) if given]
    axis.hlines(shown_rows, PARITY, values[known], color=display.PALETTE[0], linewidth=2)
    axis.scatter(values[known], shown_rows, color=display.PALETTE[0], s=36, zorder=3)
    below = []  # (row, label) of the labels left of their dots (shares under parity)
    for row, value in zip(rows, values, strict=True):
        if pd.isna(value):
            display.gap_label(axis, row)
            continue
        label = axis.annotate(
            fmt.percent(value, decimals), (value, row), xytext=(6 if value >= PARITY else -6, 0),
            textcoords="offset points", ha="left" if value >= PARITY else "right",
            va="center", fontsize=display.SMALL_FONT_SIZE,
        )  # fmt: skip
        if value < PARITY:
            below.append((row, label))
    axis.axvline(PARITY, color=display.MUTED_COLOUR, linewidth=1, linestyle="--")
    axis.annotate(
        term("parity"), (PARITY, len(data) - 0.4), xytext=(0, 2), textcoords="offset points",
        ha="center", va="bottom", fontsize=display.SMALL_FONT_SIZE, color=display.MUTED_COLOUR,
    )  # fmt: skip
    axis.set_yticks(list(rows), labels)
    axis.set_ylim(-0.6, len(data) - 0.1)
    low, high = display.value_limits([*values.dropna(), PARITY], step=5, room=8)
    axis.set_xlim(low, high)
    axis.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: fmt.percent(x, 0)))
    axis.set_xlabel(term("Women among volunteers"))
    figure.tight_layout()
    # Longer region names leave a narrower plot: widen the axis on the left until no label
    # left of its dot runs into its region's name.
    for _ in range(3):
        renderer = figure.canvas.get_renderer()
        names = axis.get_yticklabels()
        if all(
            label.get_window_extent(renderer).x0 > names[row].get_window_extent(renderer).x1
            for row, label in below
        ):
            break
        low -= 5
        axis.set_xlim(low, high)
        figure.tight_layout()
    return figure


def count_record(value: Published) -> dict:
    """A published count for a template: value (None when missing) and qualifier."""
    return {"value": value.value, "qualifier": value.qualifier}


def rate_record(rate: PerCapita) -> dict | None:
    """A rate per head for a template; None when the count is missing."""
    if rate.persons_per_volunteer is None:
        return None
    return {
        "value": rate.volunteers.value,
        "qualifier": rate.volunteers.qualifier,
        "date": rate.population_date,
        "population": rate.population,
        "share": rate.share_pct,
        "ppv": rate.persons_per_volunteer,
        "nth": every_nth(rate.persons_per_volunteer),
    }


def breakdown_record(result: PortraitResult, name: str) -> dict:
    """A breakdown for a template: national shares in category order, and its regions."""
    found = result.breakdowns[name]
    values = list(found.national.values())
    return {
        "name": name,
        "national": list(found.national.items()),
        "decimals": 0 if all(float(v).is_integer() for v in values) else 1,
        "from_regions": found.from_regions,
        "complete": found.complete,
        "incomplete": found.incomplete,
        "total": found.regions_total,
        "charted_only": found.national_charted_only,
    }


def change_qualifier(result: PortraitResult) -> str:
    """The qualifier of the change on the previous year, from both counts' qualifiers."""
    return ratio_qualifier(result.volunteers.qualifier, result.volunteers_previous.qualifier)


def counts_context(result: PortraitResult) -> dict:
    """The year's recorded count, the year before's, the change and the estimate, as the
    headline and the totals statement both word them."""
    return {
        "year": result.year,
        "volunteers": count_record(result.volunteers),
        "previous": count_record(result.volunteers_previous),
        "change": result.change_pct,
        "change_qualifier": change_qualifier(result),
        "estimate": count_record(result.estimate),
    }


def headline(result: PortraitResult) -> str:
    """The chapter's key numbers as a Markdown paragraph."""
    sex = breakdown_record(result, "sex")
    shares = dict(sex["national"])
    return prose.render(
        "portrait/headline",
        **counts_context(result),
        rate=rate_record(result.recorded_per_capita),
        sex=sex | {"female": shares.get("female"), "male": shares.get("male")},
    )


def totals_text(result: PortraitResult) -> str:
    """Recorded count, the network's estimate, the systematic core and earlier years."""
    history = result.volunteers_by_year[result.volunteers_by_year["Year"] < result.year - 1]
    return prose.render(
        "portrait/totals",
        **counts_context(result),
        systematic=count_record(result.systematic),
        earlier=[
            {"year": int(year), "value": None if pd.isna(value) else value, "qualifier": qualifier}
            for year, value, qualifier in zip(
                history["Year"], history["Volunteers"], history["qualifier"], strict=True
            )
        ],
    )


def stated_record(result: PortraitResult) -> dict | None:
    """The rate per head stored with the data, against the recorded count; None if missing."""
    recorded = result.recorded_per_capita
    stated = result.published_persons_per_volunteer
    if stated.value is None:
        return None
    share = result.published_share_of_population
    ratio = recorded.persons_per_volunteer
    return {
        "status": stated.status,
        "nth": every_nth(stated.value),
        "share": share.value,
        "share_decimals": 0 if share.value is None else fmt.shown_decimals(share.value),
        "matches": ratio is not None and every_nth(ratio) == every_nth(stated.value),
        "needed": recorded.population / stated.value,
    }


def per_capita_text(result: PortraitResult) -> str:
    """'Every Nth person' for the recorded count and the estimate, beside the stated rate."""
    return prose.render(
        "portrait/per_capita",
        population={
            "date": result.recorded_per_capita.population_date,
            "value": result.recorded_per_capita.population,
        },
        rate=rate_record(result.recorded_per_capita),
        estimate=rate_record(result.estimate_per_capita),
        stated=stated_record(result),
        source=result.published_source,
    )


def sex_text(result: PortraitResult) -> str:
    """National sex ratio and the regions where men outnumber women."""
    frame = result.sex_by_region.dropna(subset=["Female volunteers, %"])
    female = frame["Female volunteers, %"]
    top = frame.iloc[0] if len(frame) else None
    highest = (
        []
        if top is None
        else tied_regions(
            frame, "Female volunteers, %", top["Female volunteers, %"], result.region_order
        )
    )
    return prose.render(
        "portrait/sex",
        sex=breakdown_record(result, "sex"),
        known=len(frame),
        women=frame.loc[female > 50, "Region"].tolist(),
        men=frame.loc[female < 50, "Region"].tolist(),
        parity=frame.loc[female == 50, "Region"].tolist(),
        top=None
        if top is None
        else {"regions": highest, "share": float(top["Female volunteers, %"])},
    )


def extremes_records(frame: pd.DataFrame) -> list[dict]:
    """Per group: the regions with the highest and the lowest share, as worded in the table."""
    records = []
    for group, rows in frame.groupby("Group", sort=False):
        share = rows[EXTREME_SHARE]
        highest = rows[share == share.max()]
        lowest = rows[share == share.min()] if len(rows) > len(highest) else rows.iloc[:0]
        records.append(
            {
                "group": group,
                "highest": highest["Region"].tolist(),
                "highest_share": highest["As published"].iloc[0],
                "lowest": lowest["Region"].tolist(),
                "lowest_share": lowest["As published"].iloc[0] if len(lowest) else "",
            }
        )
    return records


def age_employment_text(result: PortraitResult) -> str:
    """National shares by age and employment where known, the regional extremes, the gaps."""
    extremes = {"age": result.age_extremes, "employment": result.employment_extremes}
    return prose.render(
        "portrait/age_employment",
        breakdowns=[
            breakdown_record(result, name) | {"extremes": extremes_records(extremes[name])}
            for name in BREAKDOWN_INDICATORS
        ],
        source=result.published_source,
    )


def cohorts_text(result: PortraitResult) -> str:
    """Cohort categories, and their shares among volunteers at events where known."""
    found = result.breakdowns["cohort"]
    names = dict(zip(found.categories, result.cohorts["Cohort"], strict=True))
    return prose.render(
        "portrait/cohorts",
        cohorts=[{"id": c, "name": names[c]} for c in found.categories],
        b=breakdown_record(result, "cohort"),
        source=result.published_source,
    )


def tied_regions(frame: pd.DataFrame, column: str, value: float, order: tuple[str, ...]) -> list:
    """The names of the regions of `frame` whose `column` is `value` (every one tied at an
    extreme), in the reference order `order` (names it lacks last)."""
    return common.in_order(frame.loc[frame[column] == value, "Region"].tolist(), order)


def regional_count_record(frame: pd.DataFrame, value: float, order: tuple[str, ...]) -> dict:
    """The regions with `value` volunteers for a template: regions (every one tied at it,
    in the reference order), volunteers, qualifier and share (those of the first)."""
    row = frame[frame["Volunteers"] == value].iloc[0]
    share = row["Share of all volunteers, %"]
    return {
        "regions": tied_regions(frame, "Volunteers", value, order),
        "volunteers": float(row["Volunteers"]),
        "qualifier": row["qualifier"],
        "share": None if pd.isna(share) else float(share),
    }


def regions_text(result: PortraitResult) -> str:
    """Regional distribution and change by region, as far as the data give them.

    When the change is known for fewer than half the regions (the 2022 data give four), all
    of them are named; otherwise the largest rise and fall, and the regions without one.
    """
    frame = result.volunteers_by_region
    rate = "Volunteers per 1,000 population"
    rates = frame.dropna(subset=[rate]).sort_values(rate, ascending=False)
    column = result.change_by_region.columns[1]
    table = result.change_by_region
    changes = table.dropna(subset=[column])
    missing = table.loc[table[column].isna(), "Region"].tolist()
    records = [
        {"region": region, "change": float(change)}
        for region, change in zip(changes["Region"], changes[column], strict=True)
    ]
    rises = [r for r in records if r["change"] > 0]
    falls = sorted((r for r in records if r["change"] < 0), key=lambda r: r["change"])
    top_rise = [r for r in rises if rises and r["change"] == rises[0]["change"]]
    top_fall = [r for r in falls if falls and r["change"] == falls[0]["change"]]

    def rate_record_of(row: pd.Series) -> dict:
        return {
            "regions": tied_regions(rates, rate, row[rate], result.region_order),
            "rate": float(row[rate]),
            "qualifier": row["qualifier"],
        }

    counts = frame["Volunteers"]

    counted = set(frame["Region"])
    return prose.render(
        "portrait/regions",
        year=result.year,
        total=len(table),
        counts=not frame.empty,
        counts_missing=[r for r in table["Region"] if r not in counted] if len(frame) else [],
        most=regional_count_record(frame, counts.max(), result.region_order)
        if len(frame)
        else None,
        # Every region tied: the most are also the fewest, and no fewest are named.
        fewest=regional_count_record(frame, counts.min(), result.region_order)
        if len(frame) > 1 and counts.min() < counts.max()
        else None,
        rates={"high": rate_record_of(rates.iloc[0]), "low": rate_record_of(rates.iloc[-1])}
        if len(rates) > 1 and rates[rate].iloc[0] > rates[rate].iloc[-1]
        else None,
        charted_only="volunteers_share_by_region" in result.charted_only,
        source=result.published_source,
        changes=records,
        rise=top_rise,
        fall=top_fall,
        boundaries_changed=result.boundaries_changed,
        other_missing=[r for r in missing if r not in result.boundaries_changed],
    )


def rate_status(rate: PerCapita) -> str:
    """The status of a rate per head: derived, or missing when its count is."""
    return "missing" if rate.persons_per_volunteer is None else "derived"


def indicators(ds: Dataset, result: PortraitResult) -> list[Indicator]:
    """Chapter 1's headline indicators with their provenance, from `compute(ds)`."""
    recorded, estimate = result.recorded_per_capita, result.estimate_per_capita
    population_source = (
        national_population(ds).set_index("date").loc[recorded.population_date, "source"]
    )
    derived_source = f"{result.volunteers.source}; {population_source}"
    return [
        Indicator("volunteers_total", term("Volunteers recorded by the regional front offices"),
                  result.volunteers.value, "persons", result.volunteers.status,
                  result.volunteers.source, result.volunteers.qualifier),
        Indicator("volunteers_prev_year",
                  term("Volunteers recorded in {year}").format(year=ds.year - 1),
                  result.volunteers_previous.value, "persons", result.volunteers_previous.status,
                  result.volunteers_previous.source, result.volunteers_previous.qualifier),
        Indicator("volunteers_change_pct",
                  term("Change in recorded volunteers on {year}").format(year=ds.year - 1),
                  result.change_pct, "percent",
                  "missing" if result.change_pct is None else "derived",
                  f"{result.volunteers.source}; {result.volunteers_previous.source}",
                  ratio_qualifier(result.volunteers.qualifier,
                                  result.volunteers_previous.qualifier)),
        Indicator("volunteers_female_pct", term("Women among volunteers"), result.female.value,
                  "percent", result.female.status, result.female.source, result.female.qualifier),
        Indicator("volunteers_male_pct", term("Men among volunteers"), result.male.value,
                  "percent", result.male.status, result.male.source, result.male.qualifier),
        Indicator("population",
                  term("Official population on {date}").format(
                      date=fmt.long_date(recorded.population_date)),
                  recorded.population, "persons", "reported", population_source),
        Indicator("persons_per_volunteer",
                  term("Persons per recorded volunteer (population / recorded volunteers)"),
                  recorded.persons_per_volunteer, "persons", rate_status(recorded),
                  derived_source, recorded.ratio_qualifier),
        Indicator("persons_per_volunteer_estimate",
                  term("Persons per volunteer by the network's estimate (population / estimate)"),
                  estimate.persons_per_volunteer, "persons", rate_status(estimate),
                  f"{result.estimate.source}; {population_source}", estimate.ratio_qualifier),
    ]  # fmt: skip


def discrepancy_words(kind: str, **context: Any) -> dict[str, str]:
    """The published, recomputed and explanation fields of one discrepancy, from templates."""
    return {
        part: prose.render("portrait/discrepancy", kind=kind, part=part, **context)
        for part in ("published", "recomputed", "explanation")
    }


def discrepancies(ds: Dataset, result: PortraitResult) -> list[Discrepancy]:
    """Where chapter 1's published figures disagree with the recorded count or each other.

    Only a vintage transcribed from a published report has any: from then on the pipeline's
    figures are the report's own.
    """
    if not ds.edition.published:
        return []
    found = []
    recorded = result.recorded_per_capita
    stated = result.published_persons_per_volunteer.value
    ratio = recorded.persons_per_volunteer
    if stated is not None and ratio is not None and every_nth(ratio) != every_nth(stated):
        words = discrepancy_words(
            "rate",
            stated_nth=every_nth(stated),
            recorded=rate_record(recorded),
            estimate=rate_record(result.estimate_per_capita),
            needed=recorded.population / stated,
        )
        found.append(Discrepancy(chapter=CHAPTER, topic=term("Persons per volunteer"), **words))
    stated_share = result.published_share_of_population.value
    if (
        stated_share is not None
        and recorded.share_pct is not None
        and not rounds_to(recorded.share_pct, stated_share)
    ):
        words = discrepancy_words(
            "share",
            stated=stated_share,
            decimals=fmt.shown_decimals(stated_share),
            recorded=recorded.share_pct,
        )
        found.append(
            Discrepancy(
                chapter=CHAPTER, topic=term("Volunteers as a share of the population"), **words
            )
        )
    sexes = result.sex_by_region.dropna()
    totals = sexes["Female volunteers, %"] + sexes["Male volunteers, %"]
    for region, total in zip(sexes["Region"], totals, strict=True):
        if abs(total - 100) > 0.15:
            words = discrepancy_words("sex", total=float(total))
            topic = term("Sex ratio in {region}").format(region=region)
            found.append(Discrepancy(chapter=CHAPTER, topic=topic, **words))
    return found


def variables(ds: Dataset, result: PortraitResult) -> dict[str, str]:
    """`{{< var >}}` values chapter 1 offers to commentary, as display text.

    - portrait_undercount_low, portrait_undercount_high: the ends of the stated range by
      which the real number of volunteers exceeds the recorded one ('20%', '25%'), when the
      vintage states one.
    """
    found = {}
    for end in ("low", "high"):
        rows = ds.obs("volunteers_undercount_pct", region=NATIONAL, category=end)
        if len(rows) == 1 and pd.notna(rows["value"].iloc[0]):
            value = float(rows["value"].iloc[0])
            found[f"portrait_undercount_{end}"] = fmt.percent(value, fmt.shown_decimals(value))
    return found
