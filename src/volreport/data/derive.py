"""Derived values: one rule set for every vintage, to compute them and to check them.

A value with status `derived` (data/README.md) is computed from other values of its
vintage by a rule here, one function for each kind of derived value. `volreport ingest`
(and `volreport synth`, which assembles through it) computes a new year's derived rows
with these functions, each row's note giving the formula; the check recomputes every
value a vintage marks derived with the same functions and lists those that differ:

    python -m volreport.data.derive --check YEAR [--data-dir DIR]

The rules, in the order they run (each reads what the rules before it recomputed, so an
edited value is reported at its own row, not at every value computed from it):

- for a vintage transcribed from a published report, each only where the vintage marks
  such values derived: `organization_rule` (counts of organizations behind a table of
  percentages), `unrecorded_rule` (hours counted twice), `grant_rule` (a figure left
  blank), `population_rule` and `wage_rule` (official figures summed or averaged into
  other units), `params_rule` (working-time norms);
- the rules of the return forms, which ingest applies to every new year:
  `region_totals` (by area, else by format), `regional_shares`, `national_sums`
  (qualified "at least" when some regions gave no value), `national_shares`,
  `shares_of_national`, `groups_share`, `per_capita`, `changes_on_previous_year`,
  `inquiry_counts` (from the inquiries log);
- figures no form collects, where the vintage marks them derived (a synthetic year
  does): `unrecorded_addition`, `economic_contribution` (the method of chapter 5).

A rule never replaces a reported value: where a vintage reports what a rule could
compute (the published national totals of 2022), the reported value stands and is not
checked. What only one vintage needs (which figure was blank, which hours were counted
twice) is declared in its `edition.yml` (`method_notes`), which the methodology
appendix shows.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import pandas as pd
import yaml

from volreport.core import paths
from volreport.data import contract
from volreport.data.contract import FLOAT_SLACK, HALF_UNIT, NATIONAL
from volreport.data.dataset import read_csv

# A published organizations table by region: its percentage columns, in order.
ORG_SHARE_COLUMNS = ("npo_in_region", "ig_in_region", "npo_of_national", "ig_of_national")
ALMATY_CITY = "KZ-75"
OBSERVATIONS = "observations.csv"
PARAMS = "params.yml"
# Files with derived rows: the columns identifying a row, and the column derived.
DERIVED_KEYS = {
    OBSERVATIONS: ("indicator", "year", "region", "category"),
    "grant_projects.csv": ("id",),
    "population.csv": ("region", "boundaries", "date"),
    "wages.csv": ("region", "boundaries"),
}
DERIVED_COLUMN = {
    OBSERVATIONS: "value",
    "grant_projects.csv": "hours",
    "population.csv": "population",
    "wages.csv": "wage_kzt",
}
# Record tables a rule may read (besides observations.csv).
TABLES = ("population", "wages", "wages_by_occupation", "grant_projects", "unrecorded_initiatives")
INQUIRIES_LOG = "inquiries.csv"
MAX_COMBINATIONS = 1_000_000  # exhaustive search; a real table has a handful of ambiguous rows
SHARE_DECIMALS = 2  # shares computed from counts
CHANGE_DECIMALS = 1  # changes in percent on the year before
RATIO_DECIMALS = 1  # persons per volunteer
SHARES_OF_PARTS = {  # counts of a breakdown of volunteers -> the shares of the breakdown
    "volunteers_by_sex": "volunteers_share_by_sex",
    "volunteers_by_age": "volunteers_share_by_age",
    "volunteers_by_employment": "volunteers_share_by_employment",
    "volunteers_by_cohort": "volunteers_share_by_cohort",
}
SUMMED = (  # regional counts summed into national totals
    "volunteers",
    "volunteers_by_sex",
    "volunteers_by_age",
    "volunteers_by_employment",
    "volunteers_by_cohort",
    "npo",
    "initiative_groups",
    "hours",
    "hours_by_format",
    "events",
    "events_by_format",
    "development_events",
    "development_volunteers",
    "development_hours",
)


class DerivationError(ValueError):
    """A derivation has no solution, or more than one that the tie-break cannot separate."""


# --- what the rules read and write -----------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    """One derived cell: file, row key, column and value (None: an input is missing).

    For observations, `qualifier` ('exact', 'at_least'; '' without a value) is part of
    the result and checked; None leaves the stored qualifier unchecked. `note` is the
    formula (or why the value is missing) for the row's note, `rule` the function that
    computed it, `log` the record log it counts, if any (for the row's source).
    """

    file: str
    key: dict
    column: str
    value: float | None
    qualifier: str | None = None
    note: str = ""
    rule: str = ""
    log: str = ""


def observation(
    indicator: str,
    year: int,
    region: str,
    category: str,
    value: float | None,
    note: str,
    *,
    qualifier: str = "exact",
    log: str = "",
) -> Derived:
    """A derived observation; a value of None has no qualifier."""
    key = {"indicator": indicator, "year": year, "region": region, "category": category}
    qualifier = "" if value is None else qualifier
    return Derived(OBSERVATIONS, key, "value", value, qualifier, note, log=log)


def complete_sum(values: Iterable[float | None]) -> float | None:
    """The exact sum of the values, None when any of them is missing."""
    values = list(values)
    present = [value for value in values if value is not None]
    return math.fsum(present) if len(present) == len(values) else None


def number(value: object) -> float | None:
    """A cell as a number: None for an empty cell (None, '', NA, NaN)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if pd.isna(value):
        return None
    return float(value)  # type: ignore[arg-type]  # a cell: a number or numeric text


def text(value: object) -> str:
    """A cell as text: '' for an empty cell."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


@dataclass(frozen=True)
class Cell:
    """An observation's value (None: missing), qualifier and status."""

    value: float | None
    qualifier: str
    status: str


class Observations:
    """A vintage's observations by key (indicator, year, region, category), as the rules
    read them and write what they derive. Region and category lists keep the order in
    which rows were added."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.cells: dict[tuple[str, int, str, str], Cell] = {}
        # (indicator, year, category) -> regions; (indicator, year) -> categories of the
        # regional rows; (indicator, year, region) -> that region's categories
        self._regions: dict[tuple[str, int, str], dict[str, None]] = {}
        self._categories: dict[tuple[str, int], dict[str, None]] = {}
        self._region_categories: dict[tuple[str, int, str], dict[str, None]] = {}

    @classmethod
    def from_records(cls, year: int, records: Iterable[dict]) -> Observations:
        """From rows with the columns of observations.csv (text or typed cells)."""
        store = cls(year)
        for row in records:
            store.set(
                text(row["indicator"]),
                int(row["year"]),
                text(row["region"]),
                text(row["category"]),
                Cell(number(row["value"]), text(row["qualifier"]), text(row["status"])),
            )
        return store

    @classmethod
    def from_frame(cls, year: int, frame: pd.DataFrame) -> Observations:
        """From an observations.csv frame."""
        return cls.from_records(year, frame.to_dict("records"))

    def set(self, indicator: str, year: int, region: str, category: str, cell: Cell) -> None:
        """Store a cell (replacing the one with the same key)."""
        self.cells[(indicator, year, region, category)] = cell
        if region != NATIONAL:
            self._regions.setdefault((indicator, year, category), {})[region] = None
            self._categories.setdefault((indicator, year), {})[category] = None
            self._region_categories.setdefault((indicator, year, region), {})[category] = None

    def cell(
        self, indicator: str, region: str = NATIONAL, category: str = "", year: int | None = None
    ) -> Cell | None:
        """The cell of a key; None when the vintage has no such row."""
        return self.cells.get((indicator, year or self.year, region, category))

    def value(
        self, indicator: str, region: str = NATIONAL, category: str = "", year: int | None = None
    ) -> float | None:
        """The value of a key; None when missing or absent."""
        cell = self.cell(indicator, region, category, year)
        return None if cell is None else cell.value

    def exact(
        self, indicator: str, region: str = NATIONAL, category: str = "", year: int | None = None
    ) -> float | None:
        """The value of a key when it is exact (not 'at least' a sum of some regions)."""
        cell = self.cell(indicator, region, category, year)
        return None if cell is None or cell.qualifier not in ("exact", "") else cell.value

    def regions(self, indicator: str, category: str = "", year: int | None = None) -> list[str]:
        """The regions (not the country) with a row of an indicator and category."""
        return list(self._regions.get((indicator, year or self.year, category), {}))

    def categories(self, indicator: str, year: int | None = None) -> list[str]:
        """The categories of an indicator's regional rows ('' included when present)."""
        return list(self._categories.get((indicator, year or self.year), {}))

    def region_categories(self, indicator: str, region: str) -> list[str]:
        """The categories (not '') of a region's rows of an indicator, this year."""
        found = self._region_categories.get((indicator, self.year, region), {})
        return [category for category in found if category]


@dataclass
class Inputs:
    """What the rules read: the observations (written as they derive), the record tables
    and parameters of the vintage, the inquiries log's figures, the region mapping, and
    (for the rules of a transcribed vintage) the observations as stored."""

    year: int
    obs: Observations
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    inquiries: InquiryFigures | None = None
    mapping: pd.DataFrame | None = None
    frame: pd.DataFrame | None = None


@dataclass(frozen=True)
class Rule:
    """A rule: its function, and (for rules that apply only where a vintage says so) the
    test that the vintage marks values of this kind derived."""

    compute: Callable[[Inputs], list[Derived]]
    marked: Callable[[Inputs], bool] | None = None

    @property
    def name(self) -> str:
        return self.compute.__name__


# --- arithmetic of the rules ---------------------------------------------------------------


def share(part: float | None, whole: float | None, decimals: int = SHARE_DECIMALS) -> float | None:
    """`part` as a percentage of `whole`, rounded; None when either is unknown or whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return round(part / whole * 100, decimals)


def national_sum(values: list[float | None], units: int) -> tuple[float | None, str, str]:
    """(sum, qualifier, note) over the regions: at least the sum when some regions are gaps."""
    known = [v for v in values if v is not None]
    if not known:
        return None, "", "no region gave a value"
    if len(known) < units:
        return (
            math.fsum(known),
            "at_least",
            f"sum of the {len(known)} of {units} regions with a value",
        )
    return math.fsum(known), "exact", f"sum of the {units} regions"


def percent_change(now: float | None, then: float | None) -> float | None:
    """Change from `then` to `now` in percent, to 0.1; None when either is unknown or then is 0."""
    if now is None or then is None or then == 0:
        return None
    return round((now / then - 1) * 100, CHANGE_DECIMALS)


def groups_share_note(regions: int, npo_missing: bool) -> str:
    """The note of the groups' share of the associations: its formula over the regions that
    gave a group count, or why it is missing."""
    if not regions:
        return "no region gave a count of initiative groups"
    if npo_missing:
        return "a region that gave a count of initiative groups gave no count of NPOs"
    return (
        f"initiative groups ÷ (groups + NPOs) x 100 over the {regions} regions that gave a "
        "count of initiative groups"
    )


# --- methods of a transcribed vintage ------------------------------------------------------------


def rounding_tolerance(decimals: int) -> float:
    """How far a value may sit from a figure published at `decimals` places and still round
    to it: half a unit of the last place, plus float slack (0.5 for whole numbers)."""
    return HALF_UNIT * 10**-decimals + FLOAT_SLACK


def matches_rounded(value: float, published: float, decimals: int) -> bool:
    """True when `value` rounds to `published` at `decimals` places.

    The interval is closed at both ends, so either rounding convention (half up or half
    even) used by the source is accepted.
    """
    return abs(value - published) <= rounding_tolerance(decimals)


def same_number(value: float, other: float) -> bool:
    """True when two numbers differ by floating-point error only."""
    return math.isclose(value, other, rel_tol=FLOAT_SLACK, abs_tol=FLOAT_SLACK)


def implied_complement(part: float, share_pct: float) -> int:
    """The other part x of a whole implied by a published share: part / (part + x) = share.

    Nearest whole number; for example 1,834 groups making 74.3% of all associations imply
    634 NPOs.
    """
    if not 0 < share_pct <= 100:
        raise DerivationError(f"share {share_pct}% must be in (0, 100]")
    return round(part * 100 / share_pct - part)


def _count_candidates(share_pct: float, total: int, decimals: int) -> range:
    """Whole counts c with c / total * 100 rounding to `share_pct`."""
    half = HALF_UNIT * 10**-decimals
    low = math.ceil((share_pct - half) * total / 100 - FLOAT_SLACK)
    high = math.floor((share_pct + half) * total / 100 + FLOAT_SLACK)
    return range(max(low, 0), high + 1)


def _region_candidates(
    row: pd.Series, npo_total: int, ig_total: int, decimals: int
) -> list[tuple[int, int]]:
    """(npo, groups) pairs reproducing all four published percentages of one region."""
    pairs = []
    for npo, groups in product(
        _count_candidates(row["npo_of_national"], npo_total, decimals),
        _count_candidates(row["ig_of_national"], ig_total, decimals),
    ):
        if npo + groups == 0:
            continue
        in_region = npo / (npo + groups) * 100
        if matches_rounded(in_region, row["npo_in_region"], decimals) and matches_rounded(
            100 - in_region, row["ig_in_region"], decimals
        ):
            pairs.append((npo, groups))
    return pairs


def _deviation(pairs: Iterable[tuple[int, int]], table: pd.DataFrame, npo_total, ig_total):
    """Sum of squared differences between recomputed and published percentages (tie-break)."""
    total = 0.0
    for (npo, groups), (_, row) in zip(pairs, table.iterrows(), strict=True):
        recomputed = (
            npo / (npo + groups) * 100,
            groups / (npo + groups) * 100,
            npo / npo_total * 100,
            groups / ig_total * 100,
        )
        published = (row[column] for column in ORG_SHARE_COLUMNS)
        total += sum((r - p) ** 2 for r, p in zip(recomputed, published, strict=True))
    return total


def organization_counts(
    table: pd.DataFrame,
    *,
    npo_total: int,
    ig_total: int,
    npo_sum: int | None = None,
    ig_sum: int | None = None,
    decimals: int = 1,
) -> pd.DataFrame:
    """Whole numbers of NPOs and initiative groups per region that reproduce a shares table.

    `table` has a `region` column and the percentage columns of ORG_SHARE_COLUMNS: the
    shares of NPOs and groups within the region, and the region's share of all NPOs
    (`npo_total`) and of all groups (`ig_total`). Every recomputed percentage must round to
    the published one at `decimals` places; `npo_sum` and `ig_sum`, when given, are the
    sums the regional counts must reach.

    Tie-break when several solutions remain: the one whose recomputed percentages are
    closest to the published ones (least sum of squared differences). Raises
    DerivationError when there is no solution or the best two are equally close.
    Returns columns region, npo, initiative_groups.
    """
    candidates = [
        _region_candidates(row, npo_total, ig_total, decimals) for _, row in table.iterrows()
    ]
    combinations = math.prod(len(pairs) for pairs in candidates)
    if combinations > MAX_COMBINATIONS:
        raise DerivationError(f"{combinations} candidate combinations; too many to search")
    empty = [region for region, pairs in zip(table["region"], candidates, strict=True) if not pairs]
    if empty:
        raise DerivationError(f"no whole counts reproduce the published shares of {empty}")
    solutions = [
        pairs
        for pairs in product(*candidates)
        if (npo_sum is None or sum(npo for npo, _ in pairs) == npo_sum)
        and (ig_sum is None or sum(groups for _, groups in pairs) == ig_sum)
    ]
    if not solutions:
        raise DerivationError(
            f"no whole counts reproduce every share with sums npo={npo_sum}, groups={ig_sum}"
        )
    ranked = sorted(solutions, key=lambda pairs: _deviation(pairs, table, npo_total, ig_total))
    if len(ranked) > 1 and math.isclose(
        _deviation(ranked[0], table, npo_total, ig_total),
        _deviation(ranked[1], table, npo_total, ig_total),
    ):
        raise DerivationError(f"{len(ranked)} solutions; the best two are equally close")
    best = ranked[0]
    return pd.DataFrame(
        {
            "region": list(table["region"]),
            "npo": [npo for npo, _ in best],
            "initiative_groups": [groups for _, groups in best],
        }
    )


def remainder(total: float, parts: Iterable[float]) -> float:
    """What a total leaves after the listed parts (for example a figure left blank)."""
    return total - sum(parts)


def share_pct(part: float, whole: float, decimals: int = 1) -> float:
    """`part` as a percentage of `whole`, rounded to `decimals` places."""
    return round(part / whole * 100, decimals)


def monthly_hours_norm(working_days: int, hours_per_day: float, decimals: int = 1) -> float:
    """Average working hours a month: working days a year x hours a day / 12."""
    return round(working_days * hours_per_day / 12, decimals)


def annual_hours_norm(working_days: int, hours_per_day: float) -> float:
    """Working hours a year: working days x hours a day."""
    return working_days * hours_per_day


def sum_to_reporting_units(frame: pd.DataFrame, mapping: pd.DataFrame, value: str) -> pd.Series:
    """Sum a value of current units (`region` column) into the older reporting units.

    `mapping` (region_mapping.csv) gives each current unit's reporting unit; only the
    reporting units made of more than one current unit are returned, indexed by their code.
    """
    parents = mapping.set_index("current_code")["reporting_code_2022"]
    split = parents[parents.duplicated(keep=False)]
    rows = frame[frame["region"].isin(split.index)]
    return rows.groupby(rows["region"].map(split))[value].sum()


def weighted_mean_to_reporting_units(
    values: pd.DataFrame, weights: pd.DataFrame, mapping: pd.DataFrame, value: str, weight: str
) -> pd.Series:
    """Weighted mean of a value of current units within each split reporting unit.

    `values` and `weights` both have a `region` column. Used for the average wage of a
    split unit, weighted by population (an approximation when employment weights are not
    published).
    """
    joined = values[["region", value]].merge(weights[["region", weight]], on="region")
    joined["product"] = joined[value] * joined[weight]
    sums = sum_to_reporting_units(joined, mapping, "product")
    return sums / sum_to_reporting_units(joined, mapping, weight)


def _obs_value(obs: pd.DataFrame, indicator: str, region: str = NATIONAL, category: str = ""):
    """The single value of an observation (NaN when missing); KeyError when absent."""
    rows = obs[
        (obs["indicator"] == indicator)
        & (obs["region"] == region)
        & (obs["category"].fillna("") == category)
    ]
    if len(rows) != 1:
        raise KeyError(f"observations.csv: {len(rows)} rows for {indicator}/{region}/{category!r}")
    return float(rows["value"].iloc[0])


def organization_table(obs: pd.DataFrame) -> pd.DataFrame:
    """A published organizations table (regions with their shares) in solver columns."""
    year_obs = obs[(obs["status"] == "reported") & (obs["region"] != NATIONAL)]

    def column(indicator: str, category: str) -> pd.Series:
        rows = year_obs[
            (year_obs["indicator"] == indicator) & (year_obs["category"].fillna("") == category)
        ]
        return rows.set_index("region")["value"].astype(float)

    table = pd.DataFrame(
        {
            "npo_in_region": column("org_share_in_region", "npo"),
            "ig_in_region": column("org_share_in_region", "initiative_group"),
            "npo_of_national": column("org_share_of_national", "npo"),
            "ig_of_national": column("org_share_of_national", "initiative_group"),
        }
    )
    return table.dropna().rename_axis("region").reset_index()


def organization_derivations(obs: pd.DataFrame, year: int) -> list[Derived]:
    """NPOs and initiative groups per region from a published table of percentages.

    The groups' share of the associations outside Almaty city implies the NPOs outside
    Almaty city, and Almaty city holds the rest of the national NPOs. The regional counts
    are whole numbers that reproduce every percentage of the table, the groups adding up
    to the national total; the NPOs are not forced to a sum (`organization_counts`).
    """
    obs = obs[obs["year"] == year]
    groups_total = int(_obs_value(obs, "initiative_groups"))
    npo_outside_almaty = implied_complement(
        groups_total, _obs_value(obs, "initiative_groups_share_excl_almaty")
    )
    counts = organization_counts(
        organization_table(obs),
        npo_total=npo_outside_almaty,
        ig_total=groups_total,
        ig_sum=groups_total,
    )
    derived = [
        Derived(
            "observations.csv",
            {"indicator": "npo", "year": year, "region": ALMATY_CITY, "category": ""},
            "value",
            _obs_value(obs, "npo") - npo_outside_almaty,
        )
    ]
    for row in counts.itertuples():
        for indicator, value in (("npo", row.npo), ("initiative_groups", row.initiative_groups)):
            key = {"indicator": indicator, "year": year, "region": row.region, "category": ""}
            derived.append(Derived("observations.csv", key, "value", value))
    return derived


def unrecorded_derivations(obs: pd.DataFrame, initiatives: pd.DataFrame, year: int):
    """Hours counted twice in a published addition of unrecorded hours, and the addition
    without them.

    The hours an initiative already has in the regional front offices' figures
    (`hours_already_in_rfo` of unrecorded_initiatives.csv) are counted twice when the
    addition takes the initiative's hours in full; the adjusted addition subtracts them,
    and its share is of the recorded hours.
    """
    obs = obs[obs["year"] == year]
    double_counted = float(initiatives["hours_already_in_rfo"].fillna(0).sum())
    adjusted = _obs_value(obs, "unrecorded_hours_added") - double_counted
    return [
        Derived(
            "observations.csv",
            {"indicator": indicator, "year": year, "region": NATIONAL, "category": ""},
            "value",
            value,
        )
        for indicator, value in (
            ("unrecorded_hours_double_counted", double_counted),
            ("unrecorded_hours_added_adjusted", adjusted),
            ("unrecorded_hours_added_adjusted_pct", share_pct(adjusted, _obs_value(obs, "hours"))),
        )
    ]


def grant_derivations(grants: pd.DataFrame, obs: pd.DataFrame, year: int) -> list[Derived]:
    """Hours of a grant project whose figure the source leaves blank, by difference.

    The grant total less the hours of the projects given with a figure; at most one
    project may be derived so.
    """
    obs = obs[obs["year"] == year]
    blank = grants[grants["status"] == "derived"]
    listed = grants[grants["status"] == "reported"]["hours"].astype(float)
    if len(blank) > 1:
        raise DerivationError(f"grant_projects.csv: {len(blank)} derived rows, at most one")
    return [
        Derived(
            "grant_projects.csv",
            {"id": project},
            "hours",
            remainder(_obs_value(obs, "grant_hours_total"), listed),
        )
        for project in blank["id"]
    ]


def population_derivations(population: pd.DataFrame, mapping: pd.DataFrame) -> list[Derived]:
    """Population of units made of others, on each date: a reporting unit split into several
    current units (the sum of its parts), and the country (the sum of the regions given in
    the same boundaries)."""
    derived = []
    current = population[population["boundaries"] == "current"]
    for date, rows in current.groupby("date", sort=True):
        for region, value in sum_to_reporting_units(rows, mapping, "population").items():
            key = {"region": region, "boundaries": "reporting_2022", "date": str(date)}
            derived.append(Derived("population.csv", key, "population", float(value)))
    regional = population[population["region"] != NATIONAL]
    for (boundaries, date), rows in regional.groupby(["boundaries", "date"], sort=True):
        values = pd.to_numeric(rows["population"], errors="coerce")
        total = None if values.isna().any() else math.fsum(values.astype(float))
        key = {"region": NATIONAL, "boundaries": str(boundaries), "date": str(date)}
        derived.append(Derived("population.csv", key, "population", total))
    return derived


def wage_derivations(
    population: pd.DataFrame, wages: pd.DataFrame, mapping: pd.DataFrame
) -> list[Derived]:
    """Average wage of a reporting unit split into several current units: the mean of the
    parts weighted by their population on the earliest date given (whole tenge)."""
    current_population = population[population["boundaries"] == "current"]
    weights = current_population[current_population["date"] == current_population["date"].min()]
    means = weighted_mean_to_reporting_units(
        wages[wages["boundaries"] == "current"], weights, mapping, "wage_kzt", "population"
    )
    return [
        Derived(
            "wages.csv",
            {"region": region, "boundaries": "reporting_2022"},
            "wage_kzt",
            float(round(value)),
        )
        for region, value in means.items()
    ]


def params_derivations(params: dict) -> list[Derived]:
    """The monthly and annual hours norms of params.yml from working days and hours a day."""
    days = params["working_days"]["value"]
    hours = params["hours_per_day"]["value"]
    return [
        Derived(PARAMS, {}, "monthly_hours_norm", monthly_hours_norm(days, hours)),
        Derived(PARAMS, {}, "annual_hours_norm", annual_hours_norm(days, hours)),
    ]


# --- rules of the return forms -----------------------------------------------------------------


BY_FORMAT = {"hours": "hours_by_format", "events": "events_by_format"}  # the other breakdown


def region_totals(inputs: Inputs) -> list[Derived]:
    """A region's hours and events: the sum of its figures by area; where one of those is
    missing, the sum of its figures by format (the form's formats add up to all its hours
    and events); missing when both breakdowns lack a figure.

    Where both are complete they agree: ingest refuses a return whose formats and areas add
    up differently (`intake.rules.format_problems`), and the sum by area stands."""
    obs, items = inputs.obs, []
    for indicator, by_format in BY_FORMAT.items():
        regions = dict.fromkeys(
            region
            for name in (indicator, by_format)
            for category in obs.categories(name)
            if category
            for region in obs.regions(name, category)
        )
        for region in regions:
            total, given = None, indicator
            for name in (indicator, by_format):
                categories = obs.region_categories(name, region)
                parts = [obs.value(name, region, c) for c in categories]
                total = complete_sum(parts) if categories else None
                if total is not None:
                    given = name
                    break
            note = f"sum of {indicator} by area"
            if given == by_format:
                note = f"sum of {indicator} by format ({indicator} by area not all given)"
            items.append(observation(indicator, obs.year, region, "", total, note))
    return items


def regional_shares(inputs: Inputs) -> list[Derived]:
    """A region's shares of its own wholes: each part of a breakdown of its volunteers;
    NPOs and initiative groups of its associations; each area and each format of its
    events. Missing when the part or a part of the whole is."""
    obs, year, items = inputs.obs, inputs.year, []
    for counts, shares in SHARES_OF_PARTS.items():
        regions = dict.fromkeys(r for c in obs.categories(counts) for r in obs.regions(counts, c))
        for region in regions:
            parts = {c: obs.value(counts, region, c) for c in obs.region_categories(counts, region)}
            whole = complete_sum(parts.values())
            for category, value in parts.items():
                note = f"{counts}/{category} ÷ the sum of {counts} x 100"
                items.append(observation(shares, year, region, category, share(value, whole), note))
    for region in dict.fromkeys(obs.regions("npo") + obs.regions("initiative_groups")):
        npo, groups = obs.value("npo", region), obs.value("initiative_groups", region)
        whole = None if npo is None or groups is None else npo + groups
        for category, value in (("npo", npo), ("initiative_group", groups)):
            note = "count ÷ (npo + initiative_groups) x 100"
            items.append(
                observation(
                    "org_share_in_region", year, region, category, share(value, whole), note
                )
            )
    for indicator, shares, note in (
        ("events", "events_share_in_region", "events in the area ÷ the region's events x 100"),
        (
            "events_by_format",
            "events_share_by_format",
            "events of the format ÷ the region's events x 100",
        ),
    ):
        regions = dict.fromkeys(
            r for c in obs.categories(indicator) if c for r in obs.regions(indicator, c)
        )
        for region in regions:
            total = obs.value("events", region)
            for category in obs.region_categories(indicator, region):
                value = share(obs.value(indicator, region, category), total)
                items.append(observation(shares, year, region, category, value, note))
    return items


def national_sums(inputs: Inputs) -> list[Derived]:
    """National counts: the sum of the regions' values, 'at least' the sum of those with a
    value when some regions have none (their number in the note), missing when none has."""
    obs, items = inputs.obs, []
    for indicator in SUMMED:
        for category in obs.categories(indicator):
            regions = obs.regions(indicator, category)
            values = [obs.value(indicator, region, category) for region in regions]
            total, qualifier, note = national_sum(values, len(regions))
            items.append(
                observation(
                    indicator, obs.year, NATIONAL, category, total, note, qualifier=qualifier
                )
            )
    return items


def national_shares(inputs: Inputs) -> list[Derived]:
    """National shares of national wholes: each part of a breakdown of volunteers, each
    area of the hours, each format of the events. Only exact national counts are divided:
    a share of an 'at least' sum is missing."""
    obs, year, items = inputs.obs, inputs.year, []
    for counts, shares in SHARES_OF_PARTS.items():
        parts = {c: obs.exact(counts, NATIONAL, c) for c in obs.categories(counts)}
        whole = complete_sum(parts.values())
        for category, value in parts.items():
            note = f"national {counts}/{category} ÷ their sum x 100"
            items.append(observation(shares, year, NATIONAL, category, share(value, whole), note))
    for indicator, whole_of, shares, note in (
        ("hours", "hours", "hours_share", "national hours in the area ÷ national hours x 100"),
        (
            "events_by_format",
            "events",
            "events_share_by_format",
            "national events ÷ all events x 100",
        ),
    ):
        whole = obs.exact(whole_of)
        for category in [c for c in obs.categories(indicator) if c]:
            value = share(obs.exact(indicator, NATIONAL, category), whole)
            items.append(observation(shares, year, NATIONAL, category, value, note))
    return items


def shares_of_national(inputs: Inputs) -> list[Derived]:
    """A region's share of a national total: of the volunteers, of the NPOs and of the
    initiative groups, of the hours in each area (missing when the total is not exact)."""
    obs, year, items = inputs.obs, inputs.year, []
    for region in obs.regions("volunteers"):
        value = share(obs.value("volunteers", region), obs.exact("volunteers"))
        note = "region's volunteers ÷ national volunteers x 100"
        items.append(observation("volunteers_share_by_region", year, region, "", value, note))
    for category, indicator in (("npo", "npo"), ("initiative_group", "initiative_groups")):
        for region in obs.regions(indicator):
            value = share(obs.value(indicator, region), obs.exact(indicator))
            note = f"region's {indicator} ÷ national {indicator} x 100"
            items.append(observation("org_share_of_national", year, region, category, value, note))
    for category in [c for c in obs.categories("hours") if c]:
        for region in obs.regions("hours", category):
            value = share(
                obs.value("hours", region, category), obs.exact("hours", NATIONAL, category)
            )
            note = "region's hours in the area ÷ national hours in the area x 100"
            items.append(
                observation("hours_share_of_area_national", year, region, category, value, note)
            )
    return items


def groups_share(inputs: Inputs) -> list[Derived]:
    """Initiative groups' share of the associations (groups and NPOs) over the regions that
    gave a count of groups (`initiative_groups_share_excl_almaty`)."""
    obs = inputs.obs
    with_groups = [
        r for r in obs.regions("initiative_groups") if obs.value("initiative_groups", r) is not None
    ]
    groups = complete_sum(obs.value("initiative_groups", r) for r in with_groups)
    npo = complete_sum(obs.value("npo", r) for r in with_groups)
    value = None if npo is None or not with_groups else share(groups, (groups or 0) + npo)
    note = groups_share_note(len(with_groups), npo is None)
    return [observation("initiative_groups_share_excl_almaty", obs.year, NATIONAL, "", value, note)]


def year_end_population(population: pd.DataFrame | None, year: int) -> tuple[float | None, str]:
    """The official national population at the end of the year (or the latest count before
    it), and where it comes from, for a note."""
    if population is None:
        return None, "no official population given for the year"
    national = population[
        (population["region"] == NATIONAL) & (population["date"].astype(str) <= f"{year + 1}-01-01")
    ]
    if not len(national):
        return None, "no official population given for the year"
    latest = national.sort_values("date", kind="stable").iloc[-1]
    return number(latest["population"]), f"official population on {latest['date']} (population.csv)"


def per_capita(inputs: Inputs) -> list[Derived]:
    """Persons per recorded volunteer and the volunteers' share of the population, with the
    official population at the end of the year (exact national volunteers only)."""
    obs = inputs.obs
    volunteers = obs.exact("volunteers")
    count, source = year_end_population(inputs.tables.get("population"), obs.year)
    ratio = (
        None
        if volunteers in (None, 0) or count is None
        else round(count / volunteers, RATIO_DECIMALS)
    )
    return [
        observation(
            "persons_per_volunteer",
            obs.year,
            NATIONAL,
            "",
            ratio,
            f"population ÷ recorded volunteers; {source}",
        ),
        observation(
            "volunteers_share_of_population",
            obs.year,
            NATIONAL,
            "",
            share(volunteers, count),
            f"recorded volunteers ÷ population x 100; {source}",
        ),
    ]


def changes_on_previous_year(inputs: Inputs) -> list[Derived]:
    """A region's change in volunteers on the year before, for every region with a count
    for the year before in this vintage (ingest copies the comparable ones from the
    previous vintage)."""
    obs, year = inputs.obs, inputs.year
    items = []
    for region in obs.regions("volunteers", year=year - 1):
        then = obs.value("volunteers", region, year=year - 1)
        if then is None:
            continue
        change = percent_change(obs.value("volunteers", region), then)
        note = f"volunteers {year} ÷ volunteers {year - 1} − 1, x 100"
        items.append(observation("volunteers_change_pct", year, region, "", change, note))
    return items


@dataclass(frozen=True)
class InquiryFigures:
    """Aggregates of an inquiries log: counts by topic, shares by sex and region, countries."""

    by_topic: dict[str, int]
    share_by_sex: dict[str, float]
    share_by_region: dict[str, float]
    countries: list[str]


def aggregate_inquiries(inquiries: pd.DataFrame) -> InquiryFigures:
    """Counts by topic (related to volunteering or not), shares of those with a sex or region,
    and the foreign countries, most inquiries first."""
    related = inquiries["related_to_volunteering"] == "true"
    sex = inquiries["sex"].dropna().value_counts()
    region = inquiries["region"].dropna().value_counts()
    countries = inquiries["country"].dropna().value_counts()
    ordered = sorted(countries.index, key=lambda c: (-countries[c], c))
    return InquiryFigures(
        by_topic={"volunteering": int(related.sum()), "other": int((~related).sum())},
        share_by_sex={k: float(v / sex.sum() * 100) for k, v in sex.items()},
        share_by_region={k: float(v / region.sum() * 100) for k, v in region.items()},
        countries=ordered,
    )


def inquiry_counts(inputs: Inputs) -> list[Derived]:
    """From the inquiries log: inquiries by topic, the shares by sex of those with the sex
    given, and by region of those with a region."""
    figures, year = inputs.inquiries, inputs.year
    if figures is None:
        return []
    log = INQUIRIES_LOG
    items = [
        observation(
            "inquiries", year, NATIONAL, topic, figures.by_topic[topic],
            "count of inquiries in the log", log=log,
        )
        for topic in ("volunteering", "other")
    ]  # fmt: skip
    for category in contract.CATEGORY_SETS["sex"]:
        value = figures.share_by_sex.get(category, 0.0) if figures.share_by_sex else None
        items.append(
            observation(
                "inquiries_share_by_sex", year, NATIONAL, category,
                None if value is None else round(value, SHARE_DECIMALS),
                "inquiries by sex ÷ inquiries with the sex given x 100", log=log,
            )
        )  # fmt: skip
    for code, value in sorted(figures.share_by_region.items()):
        items.append(
            observation(
                "inquiries_share_by_region", year, code, "", round(value, SHARE_DECIMALS),
                "inquiries from the region ÷ inquiries with a region x 100", log=log,
            )
        )  # fmt: skip
    return items


# --- figures no form collects ----------------------------------------------------------------


def input_value(obs: Observations, indicator: str, computed: float | None) -> float | None:
    """A value as later rules must read it: the reported one when the vintage reports it,
    else the one just computed."""
    cell = obs.cell(indicator)
    if cell is not None and cell.status == "reported":
        return cell.value
    return computed


def unrecorded_addition(inputs: Inputs) -> list[Derived]:
    """The hours added for volunteering outside the records: the hours of the unrecorded
    initiatives (unrecorded_initiatives.csv) and of the grant projects (the national grant
    total), and that addition as a share of the recorded hours (to 0.1)."""
    obs = inputs.obs
    initiatives = inputs.tables.get("unrecorded_initiatives")
    grant_hours = obs.value("grant_hours_total")
    added = None
    if initiatives is not None and grant_hours is not None:
        hours = pd.to_numeric(initiatives["hours"], errors="coerce").dropna()
        added = math.fsum(hours.astype(float)) + grant_hours
    pct = share(input_value(obs, "unrecorded_hours_added", added), obs.value("hours"), 1)
    return [
        observation(
            "unrecorded_hours_added", obs.year, NATIONAL, "", added,
            "hours of the unrecorded initiatives and of the grant projects",
        ),
        observation(
            "unrecorded_hours_added_pct", obs.year, NATIONAL, "", pct,
            "unrecorded_hours_added ÷ hours x 100",
        ),
    ]  # fmt: skip


def national_wage(wages: pd.DataFrame | None) -> float | None:
    """The official national average monthly wage (current boundaries)."""
    if wages is None:
        return None
    rows = wages[(wages["region"] == NATIONAL) & (wages["boundaries"].astype(str) == "current")]
    return number(rows["wage_kzt"].iloc[0]) if len(rows) else None


def replacement_value(hours: float, monthly_wage: float, monthly_norm_hours: float) -> float:
    """Replacement-cost value in KZT: hours paid at the hourly rate of a monthly wage."""
    return hours * monthly_wage / monthly_norm_hours


def full_time_equivalents(hours: float, annual_norm_hours: float) -> float:
    """How many people working full time for a year the hours correspond to."""
    return hours / annual_norm_hours


def economic_contribution(inputs: Inputs) -> list[Derived]:
    """The economic value of the recorded and added hours by the method of chapter 5
    (replacement cost at the hourly rate of a monthly wage: the national average, the
    lowest and the highest occupation wage) and its full-time equivalents, whole numbers."""
    obs, params = inputs.obs, inputs.params
    recorded, added = obs.value("hours"), obs.value("unrecorded_hours_added")
    hours = None if recorded is None or added is None else recorded + added
    monthly = number((params.get("monthly_hours_norm") or {}).get("value"))
    annual = number((params.get("annual_hours_norm") or {}).get("value"))
    occupations = inputs.tables.get("wages_by_occupation")
    wages = (
        pd.to_numeric(occupations["wage_kzt"], errors="coerce").dropna().astype(float)
        if occupations is not None
        else pd.Series(dtype=float)
    )
    lowest = float(wages.min()) if len(wages) else None
    highest = float(wages.max()) if len(wages) else None
    items = []
    for indicator, wage, note in (
        (
            "economic_value_kzt",
            national_wage(inputs.tables.get("wages")),
            "national average wage (replacement cost)",
        ),
        ("economic_value_kzt_sector_low", lowest, "lowest occupation wage"),
        ("economic_value_kzt_sector_high", highest, "highest occupation wage"),
    ):
        value = (
            None
            if hours is None or wage is None or not monthly
            else round(replacement_value(hours, wage, monthly))
        )
        note = f"(hours + unrecorded_hours_added) at the hourly rate of the {note}"
        items.append(observation(indicator, obs.year, NATIONAL, "", value, note))
    fte = None if hours is None or not annual else round(full_time_equivalents(hours, annual))
    note = "(hours + unrecorded_hours_added) ÷ annual_hours_norm"
    items.append(observation("fte_equivalent", obs.year, NATIONAL, "", fte, note))
    return items


# --- the rule set --------------------------------------------------------------------------------


def marks_derived(file: str, indicators: Iterable[str] = (), *, regional: bool = False):
    """A test that a vintage marks values of a file derived: observations of `indicators`
    (only regional ones when `regional`), any row of a record table, any entry of
    params.yml."""
    indicators = set(indicators)

    def marked(inputs: Inputs) -> bool:
        if file == OBSERVATIONS:
            return any(
                cell.status == "derived"
                and indicator in indicators
                and year == inputs.year
                and (region != NATIONAL or not regional)
                for (indicator, year, region, _), cell in inputs.obs.cells.items()
            )
        if file == PARAMS:
            return any(
                isinstance(entry, dict) and entry.get("status") == "derived"
                for entry in inputs.params.values()
            )
        table = inputs.tables.get(Path(file).stem)
        return table is not None and bool((table["status"].astype(str) == "derived").any())

    return marked


def organization_rule(inputs: Inputs) -> list[Derived]:
    """`organization_derivations` on the observations as stored."""
    return organization_derivations(inputs.frame, inputs.year)


def unrecorded_rule(inputs: Inputs) -> list[Derived]:
    """`unrecorded_derivations` on the observations as stored."""
    initiatives = inputs.tables["unrecorded_initiatives"]
    return unrecorded_derivations(inputs.frame, initiatives, inputs.year)


def grant_rule(inputs: Inputs) -> list[Derived]:
    """`grant_derivations` on the observations as stored."""
    return grant_derivations(inputs.tables["grant_projects"], inputs.frame, inputs.year)


def population_rule(inputs: Inputs) -> list[Derived]:
    """`population_derivations` of population.csv."""
    return population_derivations(inputs.tables["population"], inputs.mapping)


def wage_rule(inputs: Inputs) -> list[Derived]:
    """`wage_derivations` of wages.csv."""
    return wage_derivations(inputs.tables["population"], inputs.tables["wages"], inputs.mapping)


def params_rule(inputs: Inputs) -> list[Derived]:
    """`params_derivations` of params.yml."""
    return params_derivations(inputs.params)


UNRECORDED_ADJUSTED = (
    "unrecorded_hours_double_counted",
    "unrecorded_hours_added_adjusted",
    "unrecorded_hours_added_adjusted_pct",
)
TRANSCRIPTION_RULES = (
    Rule(
        organization_rule,
        marks_derived(OBSERVATIONS, ("npo", "initiative_groups"), regional=True),
    ),
    Rule(unrecorded_rule, marks_derived(OBSERVATIONS, UNRECORDED_ADJUSTED)),
    Rule(grant_rule, marks_derived("grant_projects.csv")),
    Rule(population_rule, marks_derived("population.csv")),
    Rule(wage_rule, marks_derived("wages.csv")),
    Rule(params_rule, marks_derived(PARAMS)),
)
# What ingest derives from the return forms, the record logs and the official population.
FORM_RULES = tuple(
    Rule(compute)
    for compute in (
        region_totals,
        regional_shares,
        national_sums,
        national_shares,
        shares_of_national,
        groups_share,
        per_capita,
        changes_on_previous_year,
        inquiry_counts,
    )
)
REPORT_LEVEL_RULES = (
    Rule(
        unrecorded_addition,
        marks_derived(OBSERVATIONS, ("unrecorded_hours_added", "unrecorded_hours_added_pct")),
    ),
    Rule(
        economic_contribution,
        marks_derived(
            OBSERVATIONS,
            (
                "economic_value_kzt",
                "economic_value_kzt_sector_low",
                "economic_value_kzt_sector_high",
                "fte_equivalent",
            ),
        ),
    ),
)
RULES = (*TRANSCRIPTION_RULES, *FORM_RULES, *REPORT_LEVEL_RULES)


def table_row(frame: pd.DataFrame, file: str, key: dict) -> pd.Series:
    """Whether each row of a record table has the key of a derived cell."""
    mask = pd.Series(True, index=frame.index)
    for column in DERIVED_KEYS[file]:
        mask &= frame[column].map(text) == str(key[column])
    return mask


def stored_status(inputs: Inputs, item: Derived) -> str | None:
    """The status of the row a derived cell would go to (None when there is none)."""
    if item.file == OBSERVATIONS:
        key = item.key
        cell = inputs.obs.cell(
            key["indicator"], key["region"], key["category"], year=int(key["year"])
        )
        return None if cell is None else cell.status
    if item.file == PARAMS:
        entry = inputs.params.get(item.column)
        return entry.get("status", "reported") if isinstance(entry, dict) else None
    frame = inputs.tables.get(Path(item.file).stem)
    if frame is None:
        return None
    rows = frame[table_row(frame, item.file, item.key)]
    return text(rows["status"].iloc[0]) if len(rows) == 1 else None


def put(inputs: Inputs, item: Derived) -> None:
    """Write a derived cell into the inputs, for the rules after it."""
    if item.file == OBSERVATIONS:
        key = item.key
        cell = Cell(item.value, item.qualifier or "exact", "derived")
        inputs.obs.set(key["indicator"], int(key["year"]), key["region"], key["category"], cell)
    elif item.file == PARAMS:
        entry = inputs.params.get(item.column)
        if isinstance(entry, dict):
            inputs.params[item.column] = {**entry, "value": item.value}
    else:
        name = Path(item.file).stem
        frame = inputs.tables.get(name)
        if frame is not None:
            frame = frame.copy()
            mask = table_row(frame, item.file, item.key)
            frame[item.column] = frame[item.column].astype("object")
            frame.loc[mask, item.column] = item.value
            inputs.tables[name] = frame


def apply(rules: Iterable[Rule], inputs: Inputs) -> list[Derived]:
    """Run `rules` in order: every value each computes, written into `inputs` for the rules
    after it. A reported value is never replaced: a value a rule could compute but the
    vintage reports is left out. Errors of a rule propagate."""
    results = []
    for rule in rules:
        for item in rule.compute(inputs):
            if stored_status(inputs, item) == "reported":
                continue
            item = dataclasses.replace(item, rule=rule.name)
            put(inputs, item)
            results.append(item)
    return results


# --- the check -----------------------------------------------------------------------------------


def read_inputs(year: int, folder: Path) -> Inputs:
    """A vintage's observations, record tables, parameters, inquiries log and the region
    mapping, as the rules read them."""
    from volreport.data import validate

    frame = read_csv(folder / OBSERVATIONS)
    tables = {
        name: read_csv(folder / f"{name}.csv")
        for name in TABLES
        if (folder / f"{name}.csv").is_file()
    }
    params_path = folder / PARAMS
    params = (
        yaml.safe_load(params_path.read_text(encoding="utf-8")) if params_path.is_file() else None
    )
    log = folder / "logs" / INQUIRIES_LOG
    inquiries = aggregate_inquiries(validate.read_table(log, "utf-8")) if log.is_file() else None
    return Inputs(
        year,
        Observations.from_frame(year, frame),
        tables,
        params if isinstance(params, dict) else {},
        inquiries,
        read_csv(paths.REFERENCE_DIR / "region_mapping.csv"),
        frame,
    )


def derived_values(year: int, data_dir: Path | str | None = None) -> list[Derived]:
    """Every value the rules compute for a vintage, from what it does not mark derived."""
    inputs = read_inputs(year, paths.year_data_dir(year, data_dir))
    return apply([r for r in RULES if r.marked is None or r.marked(inputs)], inputs)


@dataclass(frozen=True)
class StoredCell:
    """A cell a vintage marks derived: where it is, what it identifies, what it holds."""

    file: str
    row: int | None  # as a spreadsheet shows it (header = 1); None for params.yml
    key: tuple[str, ...]
    column: str
    value: float | None
    qualifier: str

    def where(self) -> str:
        """'observations.csv, row 12: hours 2051, region KZ, category umit'."""
        if self.file == OBSERVATIONS:
            indicator, year, region, category = self.key
            what = f"{indicator} {year}, region {region}"
            what += f", category {category}" if category else ""
        elif self.file == PARAMS:
            what = self.column
        else:
            columns = DERIVED_KEYS[self.file]
            what = ", ".join(f"{c} {v}" for c, v in zip(columns, self.key, strict=True))
            what += f": {self.column}"
        row = f", row {self.row}" if self.row is not None else ""
        return f"{self.file}{row}: {what}"


def key_of(item: Derived) -> tuple[str, ...]:
    """A derived cell's key as text, in the order of DERIVED_KEYS."""
    if item.file == PARAMS:
        return (item.column,)
    return tuple(str(item.key[column]) for column in DERIVED_KEYS[item.file])


def stored_cells(inputs: Inputs) -> list[StoredCell]:
    """Every cell the vintage marks derived, as stored."""
    cells = []
    for file, columns in DERIVED_KEYS.items():
        frame = inputs.frame if file == OBSERVATIONS else inputs.tables.get(Path(file).stem)
        if frame is None:
            continue
        derived = frame[frame["status"].astype(str) == "derived"]
        for index, row in derived.iterrows():
            key = tuple(text(row[c]) for c in columns)
            column = DERIVED_COLUMN[file]
            qualifier = text(row["qualifier"]) if "qualifier" in row else ""
            cells.append(
                StoredCell(file, int(index) + 2, key, column, number(row[column]), qualifier)
            )
    for name, entry in inputs.params.items():
        if isinstance(entry, dict) and entry.get("status") == "derived":
            cells.append(StoredCell(PARAMS, None, (name,), name, number(entry.get("value")), ""))
    return cells


def shown(value: float | None, qualifier: str | None = None) -> str:
    """A value for a message: up to 10 significant digits, its qualifier when not exact."""
    if value is None:
        return "no value"
    text_value = str(int(value)) if float(value).is_integer() else f"{value:.10g}"
    return f"{text_value} ({qualifier})" if qualifier not in (None, "", "exact") else text_value


def same(cell: StoredCell, item: Derived) -> bool:
    """True when a stored cell holds what its rule computes (value, and the qualifier when
    the rule gives one)."""
    if (cell.value is None) != (item.value is None):
        return False
    if (
        cell.value is not None
        and item.value is not None
        and not same_number(cell.value, item.value)
    ):
        return False
    if item.qualifier is None or item.value is None:
        return True
    return (cell.qualifier or "exact") == item.qualifier


def check(year: int, data_dir: Path | str | None = None) -> list[str]:
    """One message for every cell the vintage marks derived whose stored value differs from
    what its rule computes, for every such cell no rule computes, and for every rule that
    cannot compute on this vintage; an empty list when all agree."""
    inputs = read_inputs(year, paths.year_data_dir(year, data_dir))
    cells = stored_cells(inputs)
    rules = [rule for rule in RULES if rule.marked is None or rule.marked(inputs)]
    computed: dict[tuple[str, tuple[str, ...]], Derived] = {}
    problems = []
    for rule in rules:
        try:
            items = apply([rule], inputs)
        except (DerivationError, KeyError, ValueError, TypeError, ZeroDivisionError) as error:
            problems.append(f"derive.{rule.name}: cannot recompute on this vintage ({error})")
            continue
        computed |= {(item.file, key_of(item)): item for item in items}
    for cell in cells:
        item = computed.get((cell.file, cell.key))
        if item is None:
            problems.append(f"{cell.where()}: status derived, but no rule recomputes it")
        elif not same(cell, item):
            problems.append(
                f"{cell.where()}: stored {shown(cell.value, cell.qualifier)}, recomputed "
                f"{shown(item.value, item.qualifier)} (derive.{item.rule})"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python -m volreport.data.derive --check YEAR [--data-dir DIR]`: OK, or every derived value
    that differs from its rule, and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, metavar="YEAR", required=True)
    parser.add_argument(
        "--data-dir", default=None, help="the vintage's folder (default: data/YEAR)"
    )
    args = parser.parse_args(argv)
    try:
        problems = check(args.check, args.data_dir)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as error:
        print(f"{args.check}: cannot check ({error})", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    if problems:
        print(f"{args.check}: {len(problems)} problem(s) with derived values")
        return 1
    print(f"{args.check}: OK, every derived value is what its rule computes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
