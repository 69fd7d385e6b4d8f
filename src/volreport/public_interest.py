"""Chapter 6, public interest: inquiries to the unified information centre on volunteering."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from volreport.dataset import Dataset
from volreport.indicators import Discrepancy, Indicator
from volreport.published import Published, charted_only, published

TOPICS = {"volunteering": "About volunteering", "other": "Not related to volunteering"}
BREAKDOWNS = {
    "inquiries_share_by_sex": "the applicant's sex",
    "inquiries_share_by_channel": "the channel of contact",
    "inquiries_share_by_topic_detail": "the detailed topic",
    "inquiries_share_by_region": "the applicant's region",
}


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
