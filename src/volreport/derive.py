"""Derivations: values the report implies but does not state, computed from reported ones.

Every row with status `derived` in `data/<year>/` comes from a function here; the function
is its documented method. `derived_values` recomputes all of them from a vintage's reported
rows and `check` compares them with the files, so the CSVs cannot drift from the method:

    python -m volreport.derive --check 2022
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import pandas as pd
import yaml

from volreport import paths
from volreport.dataset import NATIONAL, read_csv

# Organizations table of the 2022 report: the published percentage columns, in order.
ORG_SHARE_COLUMNS = ("npo_in_region", "ig_in_region", "npo_of_national", "ig_of_national")
ALMATY_CITY = "KZ-75"
# Files with derived rows, and the columns identifying a row.
DERIVED_KEYS = {
    "observations.csv": ("indicator", "year", "region", "category"),
    "grant_projects.csv": ("id",),
    "population.csv": ("region", "boundaries", "date"),
    "wages.csv": ("region", "boundaries"),
}
MAX_COMBINATIONS = 1_000_000  # exhaustive search; a real table has a handful of ambiguous rows
TOLERANCE = 1e-9  # float slack so that a value exactly on a rounding boundary matches


class DerivationError(ValueError):
    """A derivation has no solution, or more than one that the tie-break cannot separate."""


def matches_rounded(value: float, published: float, decimals: int) -> bool:
    """True when `value` rounds to `published` at `decimals` places.

    The interval is closed at both ends, so either rounding convention (half up or half
    even) used by the report is accepted.
    """
    return abs(value - published) <= 0.5 * 10**-decimals + TOLERANCE


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
    half = 0.5 * 10**-decimals
    low = math.ceil((share_pct - half) * total / 100 - TOLERANCE)
    high = math.floor((share_pct + half) * total / 100 + TOLERANCE)
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
    """What a published total leaves after the listed parts (for example a blank figure)."""
    return total - sum(parts)


def share_pct(part: float, whole: float, decimals: int = 1) -> float:
    """`part` as a percentage of `whole`, rounded as the report rounds it."""
    return round(part / whole * 100, decimals)


def monthly_hours_norm(working_days: int, hours_per_day: float, decimals: int = 1) -> float:
    """Average working hours a month: working days a year x hours a day / 12."""
    return round(working_days * hours_per_day / 12, decimals)


def annual_hours_norm(working_days: int, hours_per_day: float) -> float:
    """Working hours a year: working days x hours a day."""
    return working_days * hours_per_day


def sum_to_reporting_units(frame: pd.DataFrame, mapping: pd.DataFrame, value: str) -> pd.Series:
    """Sum a value of current units (`region` column) into the 2022 reporting units.

    Only the reporting units made of more than one current unit are returned (the
    pre-split Almaty region, East Kazakhstan and Karagandy), indexed by reporting code.
    """
    parents = mapping.set_index("current_code")["reporting_code_2022"]
    split = parents[parents.duplicated(keep=False)]
    rows = frame[frame["region"].isin(split.index)]
    return rows.groupby(rows["region"].map(split))[value].sum()


def weighted_mean_to_reporting_units(
    values: pd.DataFrame, weights: pd.DataFrame, mapping: pd.DataFrame, value: str, weight: str
) -> pd.Series:
    """Weighted mean of a value of current units within each split reporting unit.

    `values` and `weights` both have a `region` column. Used for the pre-split average
    wage, weighted by population (an approximation: employment weights are not published).
    """
    joined = values[["region", value]].merge(weights[["region", weight]], on="region")
    joined["product"] = joined[value] * joined[weight]
    sums = sum_to_reporting_units(joined, mapping, "product")
    return sums / sum_to_reporting_units(joined, mapping, weight)


@dataclass(frozen=True)
class Derived:
    """One derived cell: the file, the row key, the column, and the recomputed value."""

    file: str
    key: dict
    column: str
    value: float


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
    """The published organizations table (regions with NPO shares) in solver columns."""
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
    """NPOs and initiative groups per region, and Almaty city's NPOs.

    Method: the groups' share "without Almaty city" implies the NPOs outside Almaty city;
    Almaty city holds the rest of the national NPOs. The regional counts reproduce every
    percentage of the table, groups summing to the national total (Almaty city gave no
    groups). The NPO counts are not forced to a sum: the table's NPO shares add up to less
    than 100%, and no set of counts reproducing them reaches the implied total.
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
    """Hours counted twice in the published addition, and the addition without them.

    The Ukraine headquarters' hours enter the +258,991 in full although part of them is
    already in the regional front offices' figures (`hours_already_in_rfo`).
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
    """Hours of the grant project whose figure the text leaves blank, by difference.

    The published grant total minus the hours of the projects listed with a figure.
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


def official_derivations(population: pd.DataFrame, wages: pd.DataFrame, mapping: pd.DataFrame):
    """Population and average wage of the three pre-split 2022 reporting units.

    Population: sum of the current parts. Wage: mean of the parts weighted by their
    population on the earliest date given (whole tenge).
    """
    current_population = population[population["boundaries"] == "current"]
    derived = []
    for date, rows in current_population.groupby("date", sort=True):
        for region, value in sum_to_reporting_units(rows, mapping, "population").items():
            key = {"region": region, "boundaries": "reporting_2022", "date": str(date)}
            derived.append(Derived("population.csv", key, "population", float(value)))
    weights = current_population[current_population["date"] == current_population["date"].min()]
    means = weighted_mean_to_reporting_units(
        wages[wages["boundaries"] == "current"], weights, mapping, "wage_kzt", "population"
    )
    for region, value in means.items():
        key = {"region": region, "boundaries": "reporting_2022"}
        derived.append(Derived("wages.csv", key, "wage_kzt", float(round(value))))
    return derived


def params_derivations(params: dict) -> list[Derived]:
    """The monthly and annual hours norms of params.yml from working days and hours a day."""
    days = params["working_days"]["value"]
    hours = params["hours_per_day"]["value"]
    return [
        Derived("params.yml", {}, "monthly_hours_norm", monthly_hours_norm(days, hours)),
        Derived("params.yml", {}, "annual_hours_norm", annual_hours_norm(days, hours)),
    ]


def derived_values(year: int, data_dir: Path | str | None = None) -> list[Derived]:
    """Every derived value of a vintage, recomputed from its reported rows."""
    folder = paths.year_data_dir(year, data_dir)
    obs = read_csv(folder / "observations.csv")
    mapping = read_csv(paths.REFERENCE_DIR / "region_mapping.csv")
    params = yaml.safe_load((folder / "params.yml").read_text(encoding="utf-8"))
    return [
        *organization_derivations(obs, year),
        *unrecorded_derivations(obs, read_csv(folder / "unrecorded_initiatives.csv"), year),
        *grant_derivations(read_csv(folder / "grant_projects.csv"), obs, year),
        *official_derivations(
            read_csv(folder / "population.csv"), read_csv(folder / "wages.csv"), mapping
        ),
        *params_derivations(params),
    ]


def _stored_value(folder: Path, item: Derived, cache: dict) -> float | None:
    """The value a vintage's file holds for a derived cell (None when the row is absent)."""
    if item.file == "params.yml":
        if "params.yml" not in cache:
            cache["params.yml"] = yaml.safe_load((folder / item.file).read_text(encoding="utf-8"))
        entry = cache["params.yml"].get(item.column)
        return None if entry is None else float(entry["value"])
    if item.file not in cache:
        cache[item.file] = read_csv(folder / item.file)
    frame = cache[item.file]
    mask = pd.Series(True, index=frame.index)
    for column, wanted in item.key.items():
        mask &= frame[column].fillna("").astype(str) == str(wanted)
    rows = frame[mask]
    if len(rows) != 1 or pd.isna(rows[item.column].iloc[0]):
        return None
    return float(rows[item.column].iloc[0])


def _undocumented(folder: Path, items: list[Derived]) -> list[str]:
    """Messages for rows marked derived that no function here computes."""
    problems = []
    for file, key_columns in DERIVED_KEYS.items():
        frame = read_csv(folder / file)
        computed = {
            tuple(str(item.key[column]) for column in key_columns)
            for item in items
            if item.file == file
        }
        for index, row in frame[frame["status"] == "derived"].iterrows():
            key = tuple("" if pd.isna(row[column]) else str(row[column]) for column in key_columns)
            if key not in computed:
                problems.append(f"{file} row {index + 2} {key}: status derived, but no method")
    return problems


def check(year: int, data_dir: Path | str | None = None) -> list[str]:
    """Messages for every derived cell whose stored value differs from the method's, and for
    every row marked derived that derive.py does not compute."""
    folder = paths.year_data_dir(year, data_dir)
    cache: dict = {}
    items = derived_values(year, data_dir)
    problems = _undocumented(folder, items)
    for item in items:
        stored = _stored_value(folder, item, cache)
        if stored is None or not math.isclose(stored, item.value, abs_tol=1e-9):
            problems.append(
                f"{item.file} {item.key} {item.column}: stored {stored}, derive.py gives "
                f"{item.value}"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python -m volreport.derive --check <year>`: exit 1 when a derived value drifted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, metavar="YEAR", required=True)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    problems = check(args.check, args.data_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{args.check}: {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
