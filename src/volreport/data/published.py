"""Read a year's observations as published: value, qualifier, status and source together.

`Dataset.value` gives a bare number; chapters also need how the report words it ("about",
"at least") and where it comes from, so that prose and indicators keep the provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from volreport.core import fmt, i18n
from volreport.data.contract import NATIONAL
from volreport.data.dataset import Dataset, names, text_column


@dataclass(frozen=True)
class Published:
    """One observation: `value` is None when the source gives no number (status missing)."""

    value: float | None
    qualifier: str
    status: str
    source: str

    @property
    def missing(self) -> bool:
        """True when the source publishes no value."""
        return self.value is None

    def text(self, decimals: int = 0) -> str:
        """The value as prose, with its qualifier: 'at least 174,000'."""
        return fmt.qualified(self.value, self.qualifier, decimals)


# A bound on a divisor turns into the opposite bound on the quotient.
INVERSE_QUALIFIER = {"at_least": "at_most", "at_most": "at_least"}


def sum_qualifier(qualifiers: Iterable[str]) -> str:
    """The qualifier of a sum of published values, from the parts' qualifiers.

    Exact parts change nothing: a sum of exact and "at least" parts is "at least", of exact
    and "about" parts "about". When bounds point in opposite directions, or a bound meets
    an "about", no bound holds for the sum and it is only approximate ("approx"); a sum
    of inexact parts is never called exact. Multiplying by an exact positive constant (a
    wage, a norm) keeps the qualifier.
    """
    inexact = {q or "exact" for q in qualifiers} - {"exact"}
    if not inexact:
        return "exact"
    return inexact.pop() if len(inexact) == 1 else "approx"


def ratio_qualifier(numerator: str, denominator: str) -> str:
    """The qualifier of a quotient of two positive published values.

    A bound on the numerator carries over; a bound on the denominator turns round
    (population / "at least N" volunteers is "at most" so many persons per volunteer).
    """
    flipped = INVERSE_QUALIFIER.get(denominator or "exact", denominator or "exact")
    return sum_qualifier([numerator, flipped])


def qualifier_of(raw: object) -> str:
    """An empty qualifier cell means the value is exact (data contract)."""
    return "exact" if pd.isna(raw) else str(raw)


def published(
    ds: Dataset,
    indicator: str,
    region: str = NATIONAL,
    category: str = "",
    year: int | None = None,
) -> Published:
    """The single observation for a key, with its qualifier, status and source.

    Raises KeyError when there is not exactly one such row: an absent row is a contract
    error, a missing value is a gap the report shows.
    """

    def compute() -> Published:
        rows = ds.obs(indicator, region=region, category=category, year=year)
        if len(rows) != 1:
            raise KeyError(
                f"observations.csv: {len(rows)} rows for indicator={indicator}, "
                f"year={year or ds.year}, region={region}, category={category!r}; expected 1"
            )
        row = rows.iloc[0]
        value = None if pd.isna(row["value"]) else float(row["value"])
        return Published(
            value, qualifier_of(row["qualifier"]), str(row["status"]), str(row["source"])
        )

    return ds.kept(("published", indicator, region, category, year or ds.year), compute)


def region_names(ds: Dataset) -> pd.Series:
    """Region code -> short name as people write it, in the current language ('Astana',
    'Akmola region'; 'Акмолинская область')."""

    def compute() -> pd.Series:
        regions = ds.reference["regions"]
        return pd.Series(names(regions, "short_name").to_numpy(), index=regions["code"])

    return ds.kept(("region names", i18n.current()), compute).copy(deep=False)


def _flag(regions: pd.DataFrame, column: str) -> pd.Series:
    """A true/false column of regions.csv as booleans, empty as false."""
    return regions[column].astype("boolean").fillna(False)


def current_boundaries(ds: Dataset) -> bool:
    """True when a vintage reports in the current 20 units, False for the 17 units of 2022.

    The observations of the reporting year decide: any unit that exists only in the current
    boundaries (Abai, Zhetisu, Ulytau) means the current 20.
    """

    def compute() -> bool:
        regions = ds.reference["regions"]
        new_units = set(
            regions.loc[_flag(regions, "current") & ~_flag(regions, "reporting_2022"), "code"]
        )
        this_year = ds.observations[ds.observations["year"] == ds.year]
        return bool(new_units & set(this_year["region"].dropna()))

    return ds.kept("current boundaries", compute)


def split_units(ds: Dataset) -> set[str]:
    """Codes whose territory changed in the June 2022 split: the pre-split units and the new
    regions split from them (region_mapping.csv: one 2022 unit for several current ones)."""
    parents = ds.reference["region_mapping"].set_index("current_code")["reporting_code_2022"]
    split = parents[parents.duplicated(keep=False)]
    return set(split.index) | set(split)


def reporting_regions(ds: Dataset) -> pd.DataFrame:
    """The units a vintage reports for (code, region name), in reference order.

    The 17 units of 2022 (before the June 2022 split), unless the year's observations use a
    unit that exists only in the current 20 (Abai, Zhetisu, Ulytau): then the current 20.
    """

    def compute() -> pd.DataFrame:
        regions = ds.reference["regions"]
        column = "current" if current_boundaries(ds) else "reporting_2022"
        reporting = regions[_flag(regions, column) & (regions["code"] != NATIONAL)]
        return pd.DataFrame(
            {
                "region": reporting["code"].to_numpy(),
                "region_name": text_column(reporting, "short_name_en"),
            }
        ).reset_index(drop=True)

    return ds.kept(("reporting regions", i18n.current()), compute).copy(deep=False)


def regional(ds: Dataset, indicator: str, year: int | None = None) -> pd.DataFrame:
    """All regional rows of an indicator (not the national one) with region names.

    Columns: region, region_name, category ('' for totals), value (float, NaN when
    missing), qualifier, status, source.
    """
    rows = ds.obs(indicator, year=year)
    rows = rows[rows["region"] != NATIONAL]
    return pd.DataFrame(
        {
            "region": rows["region"].astype(str).to_numpy(),
            "region_name": rows["region"].map(region_names(ds)).astype(str).to_numpy(),
            "category": rows["category"].fillna("").astype(str).to_numpy(),
            "value": rows["value"].astype("float64").to_numpy(),
            "qualifier": rows["qualifier"].map(qualifier_of).to_numpy(),
            "status": rows["status"].astype(str).to_numpy(),
            "source": rows["source"].astype(str).to_numpy(),
        }
    )


def charted_only(ds: Dataset, indicator: str) -> bool:
    """True when the report shows an indicator only as a chart: no value, sources name a chart.

    Lets prose say "shown only as a chart without values" only when that is what happened.
    """
    rows = ds.obs(indicator)
    return (
        not rows.empty
        and rows["value"].isna().all()
        and rows["source"].astype(str).str.contains("chart").all()
    )


def percent_change(current: float | None, previous: float | None) -> float | None:
    """Change from `previous` to `current` in percent; None when either is missing or zero."""
    if current is None or previous is None or previous == 0:
        return None
    return (current / previous - 1) * 100


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
