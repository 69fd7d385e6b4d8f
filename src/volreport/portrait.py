"""Chapter 1, portrait of a volunteer: how many, per head of population, sex, age, employment."""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from volreport import compare, display, fmt
from volreport.dataset import NATIONAL, Dataset
from volreport.indicators import Discrepancy, Indicator
from volreport.published import (
    Published,
    charted_only,
    current_boundaries,
    percent_change,
    published,
    ratio_qualifier,
    regional,
    reporting_regions,
)

CHAPTER = "portrait"
AGE_BANDS = {
    "under_18": "Under 18",
    "18_29": "18 to 29",
    "30_retirement": "30 to retirement age",
    "retired": "Retirement age",
}
EMPLOYMENT = {
    "school": "School pupils",
    "student": "Students",
    "neet": "Not in employment, education or training",
    "employed": "Employed",
    "unemployed": "Unemployed",
}
# Breakdowns the 2022 report shows only as charts; the prose says so only when the data do.
CHARTED_CANDIDATES = ("volunteers_share_by_cohort", "volunteers_share_by_region")
BREAKDOWN_INDICATORS = {
    "age": "volunteers_share_by_age",
    "employment": "volunteers_share_by_employment",
}
# The per-capita table's row for the rate stored with the data, by the rate's status.
STATED_ROW = {"reported": "As stated in the report", "derived": "Derived in the data"}


@dataclass(frozen=True)
class PerCapita:
    """Volunteers per head of population for one count against one population figure."""

    volunteers: Published
    population: float
    population_date: str

    @property
    def persons_per_volunteer(self) -> float:
        """Population divided by volunteers."""
        return self.population / self.volunteers.value

    @property
    def share_pct(self) -> float:
        """Volunteers as a percentage of the population."""
        return self.volunteers.value / self.population * 100

    @property
    def ratio_qualifier(self) -> str:
        """'at least N volunteers' means 'at most population/N persons per volunteer'."""
        return ratio_qualifier("exact", self.volunteers.qualifier)


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
    volunteers_by_year: pd.DataFrame
    per_capita: pd.DataFrame
    sex_by_region: pd.DataFrame
    age_extremes: pd.DataFrame
    employment_extremes: pd.DataFrame
    nationally_unpublished: list[str]
    national_breakdowns: dict[str, str]
    extremes_only: bool
    cohorts: pd.DataFrame
    change_by_region: pd.DataFrame
    change_by_region_computed: bool
    regional_distribution_published: bool
    charted_only: frozenset[str]
    volunteers_by_region: pd.DataFrame


def decimals_of(published: float) -> int:
    """Decimal places a published figure shows: 1.0 -> 0, 0.7 -> 1, 0.71 -> 2."""
    return 0 if float(published).is_integer() else len(repr(float(published)).split(".")[1])


def rounds_to(value: float, published: float) -> bool:
    """True when `value` rounds to `published` at the published figure's precision."""
    return abs(value - published) <= 0.5 * 10 ** -decimals_of(published) + 1e-9


def every_nth(persons_per_volunteer: float) -> int:
    """'Every Nth person is a volunteer': the whole part of persons per volunteer.

    The report and the official-statistics checks read 141.5 persons per volunteer as
    'every 141st person', so the ratio is truncated, not rounded.
    """
    return math.floor(persons_per_volunteer)


def volunteers_by_year_table(ds: Dataset, previous: Published | None = None) -> pd.DataFrame:
    """National volunteer counts of this and earlier years, as published, oldest first.

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
        }
    )
    if previous is not None and not previous.missing:
        frame = frame[frame["Year"] != ds.year - 1]
        row = {"Year": ds.year - 1, "Volunteers": previous.value, "As published": previous.text()}
        frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
    return frame.sort_values("Year").reset_index(drop=True)


def volunteers_by_year_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`volunteers_by_year_table` as shown: each year's count as published, qualifier and
    number in one cell ('at least 120,000'). The table itself is the CSV."""
    return pd.DataFrame({"Year": frame["Year"], "Volunteers": frame["As published"]})


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


def long_date(iso_date: str) -> str:
    """'2023-01-01' -> '1 January 2023'."""
    stamp = pd.Timestamp(iso_date)
    return f"{stamp.day} {stamp.month_name()} {stamp.year}"


def per_capita_table(ds: Dataset) -> pd.DataFrame:
    """Persons per volunteer and share of population for the recorded count and the estimate,
    against every official population date in the data, beside the report's own figures."""
    counts = {
        "Recorded by the regional front offices": published(ds, "volunteers"),
        "Estimate of the National Volunteer Network": published(ds, "volunteers_estimate"),
    }
    rows = []
    for basis, count in counts.items():
        for date in national_population(ds)["date"]:
            rate = PerCapita(count, population_on(ds, date), date)
            rows.append(
                {
                    "Volunteers": basis,
                    "Volunteers, persons": count.value,
                    "Population date": long_date(date),
                    "Population, persons": rate.population,
                    "Persons per volunteer": round(rate.persons_per_volunteer, 1),
                    "Share of population, %": round(rate.share_pct, 2),
                }
            )
    stated = published(ds, "persons_per_volunteer")
    stated_share = published(ds, "volunteers_share_of_population")
    if not (stated.missing and stated_share.missing):
        rows.append(
            {
                "Volunteers": STATED_ROW.get(stated.status, STATED_ROW["reported"]),
                "Volunteers, persons": math.nan,
                "Population date": "not stated",
                "Population, persons": math.nan,
                "Persons per volunteer": stated.value,
                "Share of population, %": stated_share.value,
            }
        )
    return pd.DataFrame(rows)


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
    """The highest and lowest rows (ties kept) of each category given for all `regions`.

    A category given only in part (the 2022 report names only the extremes) keeps every
    published row; a complete one keeps its extremes, so the table names the same regions.
    """
    kept = []
    for _, group in rows.groupby("category", sort=False):
        if len(group) >= regions:
            extreme = group["value"].isin([group["value"].max(), group["value"].min()])
            group = group[extreme]
        kept.append(group)
    return pd.concat(kept) if kept else rows


def extremes_table(ds: Dataset, indicator: str, labels: dict[str, str]) -> pd.DataFrame:
    """The regions with the highest and lowest share of each group of a breakdown.

    One row per published value when the report gives only the extremes; the extremes
    alone when every region is given. Grouped in category order, highest share first.
    """
    rows = regional(ds, indicator).dropna(subset=["value"])
    rows = only_extremes(rows, len(reporting_regions(ds)))
    rows = rows.assign(order=rows["category"].map(list(labels).index))
    rows = rows.sort_values(["order", "value"], ascending=[True, False])
    return pd.DataFrame(
        {
            "Group": rows["category"].map(labels).to_numpy(),
            "Region": rows["region_name"].to_numpy(),
            "Share of the region's volunteers, %": rows["value"].to_numpy(),
            "As published": [
                fmt.qualified(v, q, 0 if float(v).is_integer() else 1) + "%"
                for v, q in zip(rows["value"], rows["qualifier"], strict=True)
            ],
        }
    )


def extremes_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`extremes_table` as shown: each share as published ('up to 1%') in one column, not a
    number beside its wording. The table itself is the CSV."""
    return pd.DataFrame(
        {
            "Group": frame["Group"],
            "Region": frame["Region"],
            "Share of the region's volunteers": frame["As published"],
        }
    )


def age_extremes_table(ds: Dataset) -> pd.DataFrame:
    """Regions with the highest and lowest shares of each age group, as published."""
    return extremes_table(ds, "volunteers_share_by_age", AGE_BANDS)


def employment_extremes_table(ds: Dataset) -> pd.DataFrame:
    """Regions with the highest and lowest shares of each employment group, as published."""
    return extremes_table(ds, "volunteers_share_by_employment", EMPLOYMENT)


def cohort_table(ds: Dataset) -> pd.DataFrame:
    """Cohort categories, their definitions and national shares (missing when unpublished)."""
    cohorts = ds.reference["cohorts"].sort_values("order")
    shares = [published(ds, "volunteers_share_by_cohort", category=c).value for c in cohorts["id"]]
    return pd.DataFrame(
        {
            "Cohort": cohorts["name_en"].astype(str).to_numpy(),
            "Definition": cohorts["definition"].astype(str).to_numpy(),
            "Share of volunteers at events, %": pd.array(shares, dtype="float64"),
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
        "Region", "Volunteers", "qualifier", "Share of all volunteers, %", "Population",
        "Volunteers per 1,000 population",
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
    return frame.sort_values(["Volunteers", "Region"], ascending=[False, True]).reset_index(
        drop=True
    )[columns]


def volunteers_by_region_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`volunteers_by_region_table` as shown: the qualifier folded into the count ('at least
    1,200') when any count is not exact, else dropped. The table itself is the CSV."""
    shown = frame.drop(columns="qualifier")
    if (frame["qualifier"] != "exact").any():
        shown["Volunteers"] = display.qualified_cells(frame["Volunteers"], frame["qualifier"])
    return shown


def national_breakdown(ds: Dataset, indicator: str, labels: dict[str, str]) -> str:
    """The national shares of a breakdown as prose ('Under 18 25.0%, ...'), '' when none."""
    rows = ds.obs(indicator, region=NATIONAL).dropna(subset=["value"])
    values = rows.set_index(rows["category"].fillna("").astype(str))["value"]
    return (
        fmt.join_words(
            [
                f"{label} {fmt.percent(float(values[c]))}"
                for c, label in labels.items()
                if c in values
            ]
        )
        if len(values)
        else ""
    )


def nationally_unpublished(ds: Dataset) -> list[str]:
    """The breakdowns ('age', 'employment') with no national value in the data."""
    return [
        name
        for name, indicator in BREAKDOWN_INDICATORS.items()
        if not ds.obs(indicator, region=NATIONAL)["value"].notna().any()
    ]


def extremes_only(ds: Dataset) -> bool:
    """True when the regional age or employment shares are incomplete (only extremes given)."""
    regions = len(reporting_regions(ds))
    groups = {"age": AGE_BANDS, "employment": EMPLOYMENT}
    return any(
        regional(ds, indicator)["value"].notna().sum() < regions * len(groups[name])
        for name, indicator in BREAKDOWN_INDICATORS.items()
    )


def compute(ds: Dataset) -> PortraitResult:
    """Chapter 1 from a year's data (and the previous year's vintage, when there is one)."""
    before = compare.previous_vintage(ds)
    volunteers = published(ds, "volunteers")
    previous = compare.previous_count(ds, before, "volunteers")
    estimate = published(ds, "volunteers_estimate")
    date = per_capita_date(ds)
    population = population_on(ds, date)
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
        volunteers_by_year=volunteers_by_year_table(ds, previous),
        per_capita=per_capita_table(ds),
        sex_by_region=sex_by_region_table(ds),
        age_extremes=age_extremes_table(ds),
        employment_extremes=employment_extremes_table(ds),
        nationally_unpublished=nationally_unpublished(ds),
        national_breakdowns={
            "age": national_breakdown(ds, BREAKDOWN_INDICATORS["age"], AGE_BANDS),
            "employment": national_breakdown(ds, BREAKDOWN_INDICATORS["employment"], EMPLOYMENT),
        },
        extremes_only=extremes_only(ds),
        cohorts=cohort_table(ds),
        change_by_region=change_by_region_table(ds, before),
        change_by_region_computed=compare.BASIS_COMPUTED
        in set(compare.regional_changes(ds, before, ("volunteers",))["basis"]),
        regional_distribution_published=regional_distribution_published(ds),
        charted_only=frozenset(i for i in CHARTED_CANDIDATES if charted_only(ds, i)),
        volunteers_by_region=volunteers_by_region_table(ds),
    )


def plot_sex_by_region(frame: pd.DataFrame) -> plt.Figure:
    """Horizontal bars of the female share of volunteers by region, with the 50% parity line."""
    data = frame.dropna(subset=["Female volunteers, %"])
    figure, axis = plt.subplots(figsize=(8, 0.32 * len(data) + 1.4))
    sns.barplot(
        data=data, x="Female volunteers, %", y="Region", color=display.PALETTE[0],
        errorbar=None, ax=axis,
    )  # fmt: skip
    axis.axvline(50, color=display.PALETTE[7], linewidth=1, linestyle="--")
    axis.set_xlim(0, 100)
    axis.set_xlabel("Women among volunteers, percent (dashed line: parity)")
    axis.set_ylabel("")
    axis.set_title("Share of women among volunteers by region")
    figure.tight_layout()
    return figure


def previous_phrase(result: PortraitResult) -> str:
    """'+20% on 2021 (116,694)', or that the previous year's count is not available."""
    if result.change_pct is None:
        return f"no count for {result.year - 1} is available to compare"
    return (
        f"{compare.signed_change(result.change_pct)} on {result.year - 1} "
        f"({result.volunteers_previous.text()})"
    )


def headline(result: PortraitResult) -> str:
    """The chapter's key numbers as a Markdown paragraph."""
    rate = result.recorded_per_capita
    return (
        f"In {result.year} the regional front offices recorded "
        f"**{result.volunteers.text()} volunteers**, {previous_phrase(result)}; "
        f"the National Volunteer Network estimates "
        f"{result.estimate.text()}. Against the official population on "
        f"{long_date(rate.population_date)} ({fmt.number(rate.population)}), every "
        f"**{fmt.ordinal(every_nth(rate.persons_per_volunteer))} person** is a recorded "
        f"volunteer ({fmt.percent(rate.share_pct, 2)} of the population). "
        f"Women make up **{fmt.percent(result.female.value, 0)}** of volunteers, men "
        f"{fmt.percent(result.male.value, 0)}."
    )


def totals_text(result: PortraitResult) -> str:
    """Recorded count, the network's estimate, the systematic core and earlier years."""
    history = result.volunteers_by_year[result.volunteers_by_year["Year"] < result.year - 1]
    earlier = "; ".join(
        f"in {year} the report gives {text}"
        for year, text in zip(history["Year"], history["As published"], strict=True)
    )
    return (
        f"The regional front offices recorded {result.volunteers.text()} volunteers in "
        f"{result.year}: citizens active in volunteer organizations during the year. The "
        f"National Volunteer Network's estimate is {result.estimate.text()}, and "
        f"{result.systematic.text()} people can be recruited for volunteer work on a "
        f"systematic basis. "
        + (
            f"No count for {result.year - 1} is available"
            if result.change_pct is None
            else f"In {result.year - 1} the offices recorded {result.volunteers_previous.text()}, "
            f"so the recorded count changed by {fmt.signed_percent(result.change_pct, 1)}"
        )
        + (f"; {earlier}." if earlier else ".")
    )


def per_capita_text(result: PortraitResult) -> str:
    """'Every Nth person' for the recorded count and the estimate, beside the report's figures."""
    recorded, estimate = result.recorded_per_capita, result.estimate_per_capita
    estimate_words = fmt.QUALIFIER_WORDS[estimate.volunteers.qualifier]
    text = (
        f"Rates per head use the official population on "
        f"{long_date(recorded.population_date)} ({fmt.number(recorded.population)}), the end "
        f"of the reference year. The recorded {recorded.volunteers.text()} volunteers are "
        f"{fmt.percent(recorded.share_pct, 2)} of the population: one in every "
        f"{fmt.number(recorded.persons_per_volunteer, 1)} people, or every "
        f"{fmt.ordinal(every_nth(recorded.persons_per_volunteer))} person. The network's "
        f"estimate of {estimate.volunteers.text()} would make {estimate_words}"
        f"{fmt.percent(estimate.share_pct, 2)} of the population volunteers, every "
        f"{fmt.ordinal(every_nth(estimate.persons_per_volunteer))} person. "
    )
    return text + stated_rate_text(result)


def stated_rate_text(result: PortraitResult) -> str:
    """The rate per head stored with the data, worded by its status (reported, derived, missing)."""
    recorded = result.recorded_per_capita
    stated = result.published_persons_per_volunteer
    share = result.published_share_of_population
    if stated.missing:
        return "The report states no rate per head of its own."
    nth = fmt.ordinal(every_nth(stated.value))
    share_text = "" if share.missing else fmt.percent(share.value, decimals_of(share.value))
    if stated.status == "reported":
        text = f"The report itself states that every {nth} person is a volunteer" + (
            f" and that volunteers are {share_text} of the population" if share_text else ""
        )
    else:
        text = f"The data's own derived rate is every {nth} person" + (
            f" ({share_text} of the population)" if share_text else ""
        )
    if every_nth(recorded.persons_per_volunteer) == every_nth(stated.value):
        return text + ", as the recorded count gives."
    return text + (
        f"; the recorded count does not give that rate, which needs about "
        f"{fmt.number(recorded.population / stated.value)} volunteers against this population. "
        "The table gives the rates for every population date in the data."
    )


def sex_text(result: PortraitResult) -> str:
    """National sex ratio and the regions where men outnumber women."""
    frame = result.sex_by_region.dropna(subset=["Female volunteers, %"])
    male_majority = frame[frame["Female volunteers, %"] < 50]["Region"].tolist()
    top = frame.iloc[0]
    text = (
        f"Nationally {fmt.percent(result.female.value, 0)} of volunteers are women and "
        f"{fmt.percent(result.male.value, 0)} men. Women are the majority in "
        f"{len(frame) - len(male_majority)} of the {len(frame)} regions, most of all in "
        f"{top['Region']} ({fmt.percent(top['Female volunteers, %'])})"
    )
    if male_majority:
        text += f"; men are the majority in {fmt.join_words(male_majority)}"
    return text + "."


def extremes_sentences(frame: pd.DataFrame) -> list[str]:
    """One sentence per group: the regions with the highest and the lowest published share."""
    sentences = []
    for group, rows in frame.groupby("Group", sort=False):
        share = rows["Share of the region's volunteers, %"]
        highest = rows[share == share.max()]
        lowest = rows[share == share.min()]
        sentence = (
            f"{group}: highest in {fmt.join_words(highest['Region'].tolist())} "
            f"({highest['As published'].iloc[0]})"
        )
        if len(rows) > len(highest):
            sentence += (
                f", lowest in {fmt.join_words(lowest['Region'].tolist())} "
                f"({lowest['As published'].iloc[0]})"
            )
        sentences.append(sentence + ".")
    return sentences


def age_employment_text(result: PortraitResult) -> str:
    """What the report publishes on age and employment, and what it does not."""
    if result.extremes_only:
        text = (
            "For age and employment the report names only the regions with the highest and the "
            "lowest shares of each group; the other regions' shares are not published."
        )
    else:
        text = (
            "The report gives the age and employment shares of every region; the highest and "
            "lowest of each group are listed here."
        )
    if result.nationally_unpublished:
        text += (
            f" It gives no national figures by {' or '.join(result.nationally_unpublished)}; "
            "this edition therefore cannot give them."
        )
    for name, shares in result.national_breakdowns.items():
        if shares:
            text += f" Nationally by {name}: {shares}."
    sentences = extremes_sentences(result.age_extremes) + extremes_sentences(
        result.employment_extremes
    )
    return text + "\n\n" + "\n".join(f"- {s}" for s in sentences)


def gap_words(result: PortraitResult, indicator: str, thing: str) -> str:
    """'shows <thing> only as a chart without values', or 'does not publish <thing>'."""
    if indicator in result.charted_only:
        return f"shows {thing} only as a chart without values"
    return f"does not publish {thing}"


def cohorts_text(result: PortraitResult) -> str:
    """Cohort categories, and whether their composition is published."""
    shares = result.cohorts["Share of volunteers at events, %"]
    text = (
        f"The regional front offices classify volunteers at events into "
        f"{len(result.cohorts)} cohorts, defined in the table below. "
    )
    if shares.isna().all():
        return text + (
            f"The report {gap_words(result, 'volunteers_share_by_cohort', 'the composition')}; "
            "this edition therefore cannot give the shares."
        )
    return text + f"The report publishes shares for {int(shares.notna().sum())} of them."


def changes_phrase(frame: pd.DataFrame, column: str) -> str:
    """'Mangystau region (+201%) and North Kazakhstan region (+193%)'."""
    return fmt.join_words(
        [
            f"{region} ({fmt.signed_percent(change)})"
            for region, change in zip(frame["Region"], frame[column], strict=True)
        ]
    )


def distribution_text(frame: pd.DataFrame) -> str:
    """Where most and fewest volunteers are, in numbers and per 1,000 population, as a
    sentence ending with a space; '' without regional counts."""
    if frame.empty:
        return ""
    rate = "Volunteers per 1,000 population"

    def count(row) -> str:
        share = row["Share of all volunteers, %"]
        of_all = "" if pd.isna(share) else f", {fmt.percent(share)} of all"
        return f"{row['Region']} ({fmt.qualified(row['Volunteers'], row['qualifier'])}{of_all})"

    text = f"The regional front offices recorded the most volunteers in {count(frame.iloc[0])}"
    text += f" and the fewest in {count(frame.iloc[-1])}. " if len(frame) > 1 else ". "
    rates = frame.dropna(subset=[rate]).sort_values(rate, ascending=False)
    if len(rates) > 1:
        high, low = rates.iloc[0], rates.iloc[-1]
        text += (
            f"Per 1,000 population they range from "
            f"{fmt.qualified(low[rate], low['qualifier'], 1)} in {low['Region']} to "
            f"{fmt.qualified(high[rate], high['qualifier'], 1)} in {high['Region']}. "
        )
    return text


def regions_text(result: PortraitResult) -> str:
    """Regional distribution and growth by region, as far as published.

    When the report gives the change for only some regions (the 2022 report names the
    extremes), all of them are named; when it gives every region, only the extremes.
    """
    column = result.change_by_region.columns[1]
    changes = result.change_by_region.dropna(subset=[column])
    total = len(result.change_by_region)
    text = ""
    if not result.regional_distribution_published:
        text += (
            f"The report {gap_words(result, 'volunteers_share_by_region', 'volunteers by region')}"
            "; this edition therefore cannot give regional counts. "
        )
    text += distribution_text(result.volunteers_by_region)
    if changes.empty:
        return text + f"The report gives no change on {result.year - 1} by region."
    rises = changes[changes[column] > 0]
    falls = changes[changes[column] < 0].sort_values(column)
    if len(changes) < total:
        text += (
            f"The report gives the change on {result.year - 1} for only {len(changes)} of the "
            f"{total} regions"
        )
    elif result.change_by_region_computed:
        text += (
            f"Computed from both years' counts, the change on {result.year - 1} is known for "
            f"all {total} regions"
        )
        rises, falls = rises.head(1), falls.head(1)
    else:
        text += f"The report gives the change on {result.year - 1} for all {total} regions"
        rises, falls = rises.head(1), falls.head(1)
    parts = [
        f"the largest {word}{'s' if len(part) > 1 else ''} in {changes_phrase(part, column)}"
        for word, part in (("rise", rises), ("fall", falls))
        if len(part)
    ]
    return text + (": " + "; ".join(parts) if parts else "") + "."


def indicators(ds: Dataset) -> list[Indicator]:
    """Chapter 1's headline indicators with their provenance."""
    result = compute(ds)
    recorded, estimate = result.recorded_per_capita, result.estimate_per_capita
    population_source = (
        national_population(ds).set_index("date").loc[recorded.population_date, "source"]
    )
    derived_source = f"{result.volunteers.source}; {population_source}"
    return [
        Indicator("volunteers_total", "Volunteers recorded by the regional front offices",
                  result.volunteers.value, "persons", result.volunteers.status,
                  result.volunteers.source, result.volunteers.qualifier),
        Indicator("volunteers_prev_year", f"Volunteers recorded in {ds.year - 1}",
                  result.volunteers_previous.value, "persons", result.volunteers_previous.status,
                  result.volunteers_previous.source, result.volunteers_previous.qualifier),
        Indicator("volunteers_change_pct", f"Change in recorded volunteers on {ds.year - 1}",
                  result.change_pct, "percent",
                  "missing" if result.change_pct is None else "derived",
                  f"{result.volunteers.source}; {result.volunteers_previous.source}",
                  ratio_qualifier(result.volunteers.qualifier,
                                  result.volunteers_previous.qualifier)),
        Indicator("volunteers_female_pct", "Women among volunteers", result.female.value,
                  "percent", result.female.status, result.female.source, result.female.qualifier),
        Indicator("volunteers_male_pct", "Men among volunteers", result.male.value, "percent",
                  result.male.status, result.male.source, result.male.qualifier),
        Indicator("population", f"Official population on {long_date(recorded.population_date)}",
                  recorded.population, "persons", "reported", population_source),
        Indicator("persons_per_volunteer",
                  "Persons per recorded volunteer (population / recorded volunteers)",
                  recorded.persons_per_volunteer, "persons", "derived", derived_source,
                  recorded.ratio_qualifier),
        Indicator("persons_per_volunteer_estimate",
                  "Persons per volunteer by the network's estimate (population / estimate)",
                  estimate.persons_per_volunteer, "persons", "derived",
                  f"{result.estimate.source}; {population_source}", estimate.ratio_qualifier),
    ]  # fmt: skip


def discrepancies(ds: Dataset) -> list[Discrepancy]:
    """Where chapter 1's published figures disagree with the recorded count or each other."""
    result = compute(ds)
    found = []
    recorded, estimate = result.recorded_per_capita, result.estimate_per_capita
    stated = result.published_persons_per_volunteer.value
    if stated is not None and every_nth(recorded.persons_per_volunteer) != every_nth(stated):
        found.append(
            Discrepancy(
                chapter=CHAPTER,
                topic="Persons per volunteer",
                published=f"every {fmt.ordinal(every_nth(stated))} person is a volunteer",
                recomputed=(
                    f"every {fmt.ordinal(every_nth(recorded.persons_per_volunteer))} with the "
                    f"recorded {recorded.volunteers.text()}; every "
                    f"{fmt.ordinal(every_nth(estimate.persons_per_volunteer))} with the estimate "
                    f"of {estimate.volunteers.text()} (population on "
                    f"{long_date(recorded.population_date)})"
                ),
                explanation=(
                    f"Every {fmt.ordinal(every_nth(stated))} person needs about "
                    f"{fmt.number(recorded.population / stated)} volunteers against this "
                    "population: more than the recorded count, nearer the network's higher "
                    "estimates."
                ),
            )
        )
    stated_share = result.published_share_of_population.value
    if stated_share is not None and not rounds_to(recorded.share_pct, stated_share):
        found.append(
            Discrepancy(
                chapter=CHAPTER,
                topic="Volunteers as a share of the population",
                published=(
                    f"{fmt.percent(stated_share, decimals_of(stated_share))} of the population"
                ),
                recomputed=f"{fmt.percent(recorded.share_pct, 2)} with the recorded count",
                explanation="The stated share does not round from the recorded count.",
            )
        )
    sexes = result.sex_by_region.dropna()
    totals = sexes["Female volunteers, %"] + sexes["Male volunteers, %"]
    for region, total in zip(sexes["Region"], totals, strict=True):
        if abs(total - 100) > 0.15:
            found.append(
                Discrepancy(
                    chapter=CHAPTER,
                    topic=f"Sex ratio in {region}",
                    published="female and male shares of volunteers",
                    recomputed=f"they add up to {fmt.percent(total)}",
                    explanation="Shares of two complementary groups should add up to 100%.",
                )
            )
    return found
