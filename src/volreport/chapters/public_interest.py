"""Chapter 7, public interest: inquiries to the unified information centre on volunteering.

Python computes the values; every sentence is a template under
`templates/en/public_interest/`, conditioned on what the data hold. Counts by topic and
the shares by the applicant's sex and region come from `observations.csv`. The channel of
contact and the detailed topic have no categories there: when the vintage keeps the
centre's record log (`logs/inquiries.csv`, ingested with the returns), they come from it,
as do the number of inquiries from abroad and from each foreign country.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from volreport.chapters import common, display
from volreport.core import fmt, prose
from volreport.core.i18n import SOURCE_LANGUAGE, term
from volreport.data import contract
from volreport.data.contract import NATIONAL
from volreport.data.dataset import Dataset, read_csv, text_column
from volreport.data.indicators import Discrepancy, Indicator
from volreport.data.published import (
    Published,
    charted_only,
    published,
    regional,
    reporting_regions,
    sum_qualifier,
)

# A shown table's headers stay English in its frame (they are its CSV's header);
# `display.show_table` shows them in the reader's language.
HEADER = SOURCE_LANGUAGE
TOPICS = contract.CATEGORY_SETS["inquiry_topic"]
LOG = Path("logs") / "inquiries.csv"
# The breakdowns of inquiries by a category: key -> (indicator, log column).
BREAKDOWNS = {
    "sex": ("inquiries_share_by_sex", "sex"),
    "channel": ("inquiries_share_by_channel", "channel"),
    "topic": ("inquiries_share_by_topic_detail", "topic"),
}
REGION_INDICATOR = "inquiries_share_by_region"
SHARE = term("Share of inquiries, %", HEADER)
REGION_SHARE = term("Share of inquiries with a region, %", HEADER)
LOG_DECIMALS = 2  # shares computed from the log, as ingest rounds the shares it stores


def topic_names() -> dict[str, str]:
    """The topics of inquiries (TOPICS) as the table names them, in the current language."""
    return {
        "volunteering": term("About volunteering"),
        "other": term("Not related to volunteering"),
    }


def breakdown_names() -> dict[str, str]:
    """The breakdowns (BREAKDOWNS) as the table of shares names them."""
    return {"sex": term("Sex"), "channel": term("Channel"), "topic": term("Topic")}


def group_names() -> dict[str, tuple[str, str]]:
    """The applicants' sexes as a table and as a sentence name them: ('Women', 'women')."""
    return {
        "female": (term("Women"), term("women")),
        "male": (term("Men"), term("men")),
    }


@dataclass(frozen=True)
class Share:
    """One group's share of the inquiries that record the breakdown: `group` as a table
    shows it ('Women', 'Phone'), `name` as a sentence does ('women', 'phone')."""

    group: str
    name: str
    share: float
    qualifier: str = "exact"


@dataclass(frozen=True)
class Breakdown:
    """Inquiries by one category (sex, channel or topic).

    `shares` is empty when the data give no values; `charted` is True when the source shows
    the breakdown only as a chart; `unrecorded` counts the inquiries of the log that leave
    the category empty (None when the shares come from observations).
    """

    key: str
    label: str
    shares: list[Share]
    charted: bool = False
    unrecorded: int | None = None


@dataclass(frozen=True)
class RegionShares:
    """Inquiries by the applicant's region: the shares given (largest first), the regions
    whose share is missing, the reporting regions with no inquiries recorded at all."""

    shares: pd.DataFrame
    missing: list[str]
    unrecorded: list[str]
    total: int
    charted: bool


@dataclass(frozen=True)
class PublicInterestResult:
    """Everything chapter 7 shows."""

    year: int
    published: bool
    volunteering: Published
    other: Published
    inquiries: pd.DataFrame
    countries: pd.DataFrame
    breakdowns: list[Breakdown]
    shares: pd.DataFrame
    regions: RegionShares
    logged: int | None = None  # inquiries in the log; None when the vintage keeps no log
    foreign: int | None = None  # of them, from abroad
    placeless: int | None = None  # of them, with neither a region nor a country

    @property
    def shares_by_region(self) -> pd.DataFrame:
        """Each region's share of the inquiries that give a region, largest first."""
        return self.regions.shares


def inquiries_log(ds: Dataset) -> pd.DataFrame | None:
    """The vintage's record of inquiries (one row each), or None when it keeps none."""
    path = Path(ds.path) / LOG
    if not path.is_file():
        return None
    return read_csv(path).astype("string")


def inquiries_table(ds: Dataset) -> pd.DataFrame:
    """Inquiries received by topic: the count and its qualifier ('approx', 'at_least')."""
    rows = [published(ds, "inquiries", category=topic) for topic in TOPICS]
    return pd.DataFrame(
        {
            term("Topic", HEADER): list(topic_names().values()),
            term("Inquiries", HEADER): [row.value for row in rows],
            "qualifier": [row.qualifier for row in rows],
        }
    )


def inquiries_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`inquiries_table` as shown: each count with its qualifier ('about 2,500') in one
    column. The table itself, with the numbers apart, is the CSV."""
    return pd.DataFrame(
        {
            term("Topic", HEADER): frame["Topic"],
            term("Inquiries", HEADER): display.qualified_cells(
                frame["Inquiries"], frame["qualifier"]
            ),
        }
    )


def countries_table(ds: Dataset, log: pd.DataFrame | None = None) -> pd.DataFrame:
    """Foreign countries that sent inquiries, in the order of the data; with the number of
    inquiries from each when the vintage keeps a log."""
    countries = ds.tables["inquiry_countries"].sort_values("order")
    names = text_column(countries, "country").astype(str)
    frame = pd.DataFrame({term("Country", HEADER): names.to_numpy()})
    if log is not None:  # the log names countries in English, as the data do
        counts = log["country"].dropna().value_counts()
        frame[term("Inquiries", HEADER)] = [
            int(counts.get(c, 0)) for c in countries["country"].astype(str)
        ]
    return frame


def share(group: str, value: float, qualifier: object = "exact") -> Share:
    """A group's share, named for a table and for a sentence ('Women' / 'women')."""
    label, name = group_names().get(group, (fmt.capitalize_first(group), group))
    return Share(label, name, float(value), "exact" if pd.isna(qualifier) else str(qualifier))


def observed_shares(ds: Dataset, indicator: str) -> list[Share]:
    """The national shares of a breakdown that observations give, largest first."""
    rows = ds.obs(indicator, region=NATIONAL).dropna(subset=["value"])
    shares = [
        share(str(group) if pd.notna(group) else "", value, qualifier)
        for group, value, qualifier in zip(
            rows["category"], rows["value"], rows["qualifier"], strict=True
        )
    ]
    return sorted(shares, key=lambda s: -s.share)


def logged_shares(log: pd.DataFrame, column: str) -> list[Share]:
    """Shares of the log's inquiries that record `column`, largest first (ties by name)."""
    counts = log[column].dropna().value_counts()
    ordered = sorted(counts.index, key=lambda g: (-counts[g], g))
    return [
        share(str(g), round(float(counts[g] / counts.sum() * 100), LOG_DECIMALS)) for g in ordered
    ]


def breakdown(ds: Dataset, key: str, log: pd.DataFrame | None) -> Breakdown:
    """One breakdown from observations when they give values; the channel and the detailed
    topic (which observations cannot split by category) from the log otherwise."""
    indicator, column = BREAKDOWNS[key]
    label = breakdown_names()[key]
    shares = observed_shares(ds, indicator)
    if shares or key == "sex" or log is None:
        return Breakdown(key, label, shares, charted=bool(charted_only(ds, indicator)))
    return Breakdown(
        key, label, logged_shares(log, column), unrecorded=int(log[column].isna().sum())
    )


def shares_table(breakdowns: list[Breakdown]) -> pd.DataFrame:
    """National shares of inquiries by sex, channel and detailed topic, where the data give
    them: columns Breakdown, Group, the share and its qualifier, largest share first."""
    columns = [term("Breakdown", HEADER), term("Group", HEADER), SHARE, "qualifier"]
    rows = [
        dict(zip(columns, (b.label, s.group, s.share, s.qualifier), strict=True))
        for b in breakdowns
        for s in b.shares
    ]
    return pd.DataFrame(rows, columns=columns)


def region_shares(ds: Dataset) -> RegionShares:
    """Each region's share of the inquiries that give a region, largest first, and the gaps."""
    rows = regional(ds, REGION_INDICATOR)
    given = rows.dropna(subset=["value"]).sort_values(
        ["value", "region_name"], ascending=[False, True], key=common.by_name("region_name")
    )
    frame = pd.DataFrame(
        {
            term("Region", HEADER): given["region_name"].to_numpy(),
            REGION_SHARE: given["value"].to_numpy(),
            "qualifier": given["qualifier"].to_numpy(),
        }
    )
    units = reporting_regions(ds)
    # Gaps are named only beside shares that are given; no share at all is one gap.
    missing = set() if given.empty else set(rows.loc[rows["value"].isna(), "region"])
    absent = set() if given.empty else set(units["region"]) - set(rows["region"])
    return RegionShares(
        shares=frame,
        missing=units.loc[units["region"].isin(missing), "region_name"].tolist(),
        unrecorded=units.loc[units["region"].isin(absent), "region_name"].tolist(),
        total=len(units),
        charted=bool(charted_only(ds, REGION_INDICATOR)),
    )


def compute(ds: Dataset) -> PublicInterestResult:
    """Chapter 7 from a year's data."""
    log = inquiries_log(ds)
    breakdowns = [breakdown(ds, key, log) for key in BREAKDOWNS]
    return PublicInterestResult(
        year=ds.year,
        published=ds.edition.published,
        volunteering=published(ds, "inquiries", category="volunteering"),
        other=published(ds, "inquiries", category="other"),
        inquiries=inquiries_table(ds),
        countries=countries_table(ds, log),
        breakdowns=breakdowns,
        shares=shares_table(breakdowns),
        regions=region_shares(ds),
        **log_counts(log),
    )


def log_counts(log: pd.DataFrame | None) -> dict[str, int | None]:
    """Inquiries in the log, from abroad, and with neither a region nor a country."""
    if log is None:
        return {"logged": None, "foreign": None, "placeless": None}
    return {
        "logged": len(log),
        "foreign": int(log["country"].notna().sum()),
        "placeless": int((log["country"].isna() & log["region"].isna()).sum()),
    }


def shares_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A shares table as shown: the qualifier column folded into the share ('about 40.5')
    when any share is not exact, else dropped. The table itself, apart, is the CSV."""
    column = next(c for c in frame.columns if c.endswith(", %"))
    shown = frame.drop(columns="qualifier")
    if (frame["qualifier"] != "exact").any():
        shown[column] = display.qualified_cells(frame[column], frame["qualifier"], decimals=None)
    return shown


def total(result: PublicInterestResult) -> Published | None:
    """All inquiries (about volunteering and not), with the qualifier of a sum; None when
    either count is missing."""
    parts = (result.volunteering, result.other)
    values = [p.value for p in parts if p.value is not None]
    if len(values) < len(parts):
        return None
    return Published(
        sum(values),
        sum_qualifier(p.qualifier for p in parts),
        "derived",
        term("sum of the inquiries by topic"),
    )


def context(result: PublicInterestResult) -> dict:
    """What the chapter's templates are rendered with."""
    shown = [b for b in result.breakdowns if b.shares]
    absent = [b for b in result.breakdowns if not b.shares]
    return {
        "year": result.year,
        "published": result.published,
        "volunteering": result.volunteering,
        "other": result.other,
        "total": total(result),
        "shown": shown,
        # "Shown only as a chart" is said of a published source only.
        "charted": [b.key for b in absent if b.charted and result.published],
        "absent": [b.key for b in absent if not (b.charted and result.published)],
        "regions": result.regions,
        "region_shares": result.regions.shares.to_dict("records"),
        "region_column": REGION_SHARE,
        "countries": result.countries["Country"].tolist(),
        "country_counts": (
            result.countries.to_dict("records") if "Inquiries" in result.countries else []
        ),
        "logged": result.logged,
        "foreign": result.foreign,
        "placeless": result.placeless,
    }


def headline(result: PublicInterestResult) -> str:
    """The chapter's key numbers as a Markdown paragraph."""
    return prose.render("public_interest/headline", **context(result))


def inquiries_text(result: PublicInterestResult) -> str:
    """The inquiries received, by whether they concerned volunteering."""
    return prose.render("public_interest/inquiries", **context(result))


def breakdowns_text(result: PublicInterestResult) -> str:
    """Who turned to the centre, how and about what: the shares the data give, and the
    breakdowns they do not give."""
    return prose.render("public_interest/breakdowns", **context(result))


def regions_text(result: PublicInterestResult) -> str:
    """Where in Kazakhstan the inquiries came from, and the regions without a share."""
    return prose.render("public_interest/regions", **context(result))


def countries_text(result: PublicInterestResult) -> str:
    """Inquiries from abroad, and the countries they came from."""
    return prose.render("public_interest/abroad", **context(result))


def variables(ds: Dataset, result: PublicInterestResult) -> dict[str, str]:
    """Values the chapter's commentary may quote with `{{< var >}}`:
    public_interest_foreign_countries, how many foreign countries sent inquiries."""
    return {"public_interest_foreign_countries": fmt.number(len(result.countries))}


def indicators(ds: Dataset, result: PublicInterestResult) -> list[Indicator]:
    """Chapter 7's headline indicators with their provenance and the published qualifier."""
    labels = {
        "volunteering": term("Inquiries about volunteering received by the information centre"),
        "other": term("Inquiries not related to volunteering received by the information centre"),
    }
    return [
        Indicator(
            f"inquiries_{topic}",
            labels[topic],
            row.value,
            "inquiries",
            row.status,
            row.source,
            row.qualifier,
        )
        for topic, row in (("volunteering", result.volunteering), ("other", result.other))
    ]


def discrepancies(ds: Dataset, result: PublicInterestResult) -> list[Discrepancy]:
    """Chapter 7 states the counts and shares as the data give them and derives nothing that
    a published figure could contradict: no discrepancies, for any vintage."""
    return []
