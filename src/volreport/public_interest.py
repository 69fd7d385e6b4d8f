"""Chapter 6, public interest: inquiries to the unified information centre on volunteering."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from volreport import display, fmt
from volreport.dataset import NATIONAL, Dataset
from volreport.indicators import Discrepancy, Indicator
from volreport.published import Published, charted_only, published, regional

TOPICS = {"volunteering": "About volunteering", "other": "Not related to volunteering"}
BREAKDOWNS = {
    "inquiries_share_by_sex": "the applicant's sex",
    "inquiries_share_by_channel": "the channel of contact",
    "inquiries_share_by_topic_detail": "the detailed topic",
    "inquiries_share_by_region": "the applicant's region",
}
# The national breakdowns of inquiries by a category, as the table names them.
GROUPED_BREAKDOWNS = {
    "inquiries_share_by_sex": "Sex",
    "inquiries_share_by_channel": "Channel",
    "inquiries_share_by_topic_detail": "Topic",
}
GROUP_LABELS = {"female": "Women", "male": "Men"}
SHARE = "Share of inquiries, %"
REGION_SHARE = "Share of inquiries with a region, %"


@dataclass(frozen=True)
class PublicInterestResult:
    """Everything chapter 6 shows: inquiries by topic, foreign countries, unpublished splits."""

    year: int
    volunteering: Published
    other: Published
    inquiries: pd.DataFrame
    countries: pd.DataFrame
    unpublished_breakdowns: list[str]
    charted_breakdowns: list[str]
    shares: pd.DataFrame
    shares_by_region: pd.DataFrame


def inquiries_table(ds: Dataset) -> pd.DataFrame:
    """Inquiries received by topic, with the report's wording ('about', 'at least')."""
    rows = {topic: published(ds, "inquiries", category=topic) for topic in TOPICS}
    return pd.DataFrame(
        {
            "Topic": list(TOPICS.values()),
            "Inquiries": [row.value for row in rows.values()],
            "As published": [row.text() for row in rows.values()],
        }
    )


def inquiries_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`inquiries_table` as shown: each count as published ('about 2,500') in one column.
    The table itself, with the numbers, is the CSV."""
    return pd.DataFrame({"Topic": frame["Topic"], "Inquiries": frame["As published"]})


def countries_table(ds: Dataset) -> pd.DataFrame:
    """Foreign countries that sent inquiries, in the report's order."""
    countries = ds.tables["inquiry_countries"].sort_values("order")
    return pd.DataFrame({"Country": countries["country"].astype(str).to_numpy()})


def shares_table(ds: Dataset) -> pd.DataFrame:
    """National shares of inquiries by sex, channel and detailed topic, where the data give
    them (complete years; the 2022 report shows them only as charts): columns Breakdown,
    Group, the share and its qualifier, in breakdown order, largest share first."""
    frames = []
    for indicator, name in GROUPED_BREAKDOWNS.items():
        rows = ds.obs(indicator, region=NATIONAL).dropna(subset=["value"])
        if rows.empty:
            continue
        groups = rows["category"].fillna("").astype(str)
        frames.append(
            pd.DataFrame(
                {
                    "Breakdown": name,
                    "Group": [GROUP_LABELS.get(g, g.capitalize()) for g in groups],
                    SHARE: rows["value"].astype("float64").to_numpy(),
                    "qualifier": rows["qualifier"].fillna("exact").astype(str).to_numpy(),
                }
            ).sort_values(SHARE, ascending=False, kind="stable")
        )
    if not frames:
        return pd.DataFrame(columns=["Breakdown", "Group", SHARE, "qualifier"])
    return pd.concat(frames, ignore_index=True)


def region_shares_table(ds: Dataset) -> pd.DataFrame:
    """Each region's share of the inquiries that give a region, largest first; no rows when
    the data give none (2022). Columns Region, the share and its qualifier."""
    rows = regional(ds, "inquiries_share_by_region").dropna(subset=["value"])
    rows = rows.sort_values(["value", "region_name"], ascending=[False, True])
    return pd.DataFrame(
        {
            "Region": rows["region_name"].to_numpy(),
            REGION_SHARE: rows["value"].to_numpy(),
            "qualifier": rows["qualifier"].to_numpy(),
        }
    )


def shares_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A shares table as shown: the qualifier column folded into the share ('about 40.5')
    when any share is not exact, else dropped. The table itself, apart, is the CSV."""
    column = next(c for c in frame.columns if c.endswith(", %"))
    shown = frame.drop(columns="qualifier")
    if (frame["qualifier"] != "exact").any():
        shown[column] = display.qualified_cells(frame[column], frame["qualifier"], decimals=None)
    return shown


def unpublished_breakdowns(ds: Dataset) -> list[str]:
    """The breakdowns of inquiries for which the report gives no value (charts only)."""
    return [
        words
        for indicator, words in BREAKDOWNS.items()
        if not ds.obs(indicator)["value"].notna().any()
    ]


def compute(ds: Dataset) -> PublicInterestResult:
    """Chapter 6 from a year's data."""
    return PublicInterestResult(
        year=ds.year,
        volunteering=published(ds, "inquiries", category="volunteering"),
        other=published(ds, "inquiries", category="other"),
        inquiries=inquiries_table(ds),
        countries=countries_table(ds),
        unpublished_breakdowns=unpublished_breakdowns(ds),
        charted_breakdowns=[w for i, w in BREAKDOWNS.items() if charted_only(ds, i)],
        shares=shares_table(ds),
        shares_by_region=region_shares_table(ds),
    )


def list_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def headline(result: PublicInterestResult) -> str:
    """The chapter's key numbers as a Markdown paragraph."""
    return (
        f"In {result.year} the unified information centre on volunteering received "
        f"**{result.volunteering.text()} inquiries about volunteering** and "
        f"{result.other.text()} on other matters, including from "
        f"{len(result.countries)} foreign countries."
    )


def inquiries_text(result: PublicInterestResult) -> str:
    """Inquiries received, and which breakdowns the report does not publish."""
    text = (
        f"The centre received {result.volunteering.text()} inquiries about volunteering and "
        f"{result.other.text()} more not related to it."
    )
    text += shares_text(result)
    charted = result.charted_breakdowns
    absent = [w for w in result.unpublished_breakdowns if w not in charted]
    if charted:
        text += (
            f" The report shows inquiries by {list_words(charted)} only as charts without values"
        )
    if absent:
        text += f"{';' if charted else ' The report'} gives no figures by {list_words(absent)}"
    if result.unpublished_breakdowns:
        text += "; this edition therefore cannot give these breakdowns."
    return text


def share_words(frame: pd.DataFrame, names: str, column: str, brackets: bool = False) -> list[str]:
    """'Women 49.7%' (or 'Astana (8.7%)') per row, with the share's qualifier ('about 40%')."""
    words = []
    for name, value, qualifier in zip(frame[names], frame[column], frame["qualifier"], strict=True):
        share = fmt.QUALIFIER_WORDS.get(qualifier, "") + fmt.percent(value)
        words.append(f"{name} ({share})" if brackets else f"{name} {share}")
    return words


def shares_text(result: PublicInterestResult) -> str:
    """Sentences on the shares of inquiries the data give (by sex, channel, topic, region),
    each with a leading space; '' when there are none (2022)."""
    text = ""
    for name, rows in result.shares.groupby("Breakdown", sort=False):
        text += f" By {name.lower()}: {list_words(share_words(rows, 'Group', SHARE))}."
    regions = result.shares_by_region
    if len(regions) > 3:
        top = share_words(regions.head(3), "Region", REGION_SHARE, brackets=True)
        fewest = share_words(regions.tail(1), "Region", REGION_SHARE, brackets=True)[0]
        text += (
            f" Of the inquiries that name a region, the most came from {list_words(top)}, "
            f"the fewest from {fewest}; the table gives all {len(regions)} regions."
        )
    elif len(regions):
        words = share_words(regions, "Region", REGION_SHARE, brackets=True)
        text += f" By region, of the inquiries that name one: {list_words(words)}."
    return text


def countries_text(result: PublicInterestResult) -> str:
    """Where the foreign inquiries came from."""
    if result.countries.empty:
        return "The report names no foreign countries among the applicants."
    return (
        f"Inquiries also came from {len(result.countries)} other countries: "
        f"{list_words(result.countries['Country'].tolist())}."
    )


def indicators(ds: Dataset) -> list[Indicator]:
    """Chapter 6's headline indicators with their provenance and the published qualifier."""
    result = compute(ds)
    return [
        Indicator(
            f"inquiries_{topic}",
            f"Inquiries {label.lower()} received by the information centre",
            row.value,
            "inquiries",
            row.status,
            row.source,
            row.qualifier,
        )
        for topic, label, row in (
            ("volunteering", TOPICS["volunteering"], result.volunteering),
            ("other", TOPICS["other"], result.other),
        )
    ]


def discrepancies(ds: Dataset) -> list[Discrepancy]:
    """Chapter 6 publishes two counts only; nothing to cross-check, so none are found."""
    return []
