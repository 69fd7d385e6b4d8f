"""Unit tests of the derivation methods on tiny hand-built inputs, and the 2022 files' agreement."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from volreport import derive, paths
from volreport.derive import DerivationError


def shares(rows: list[tuple]) -> pd.DataFrame:
    """An organizations table: region, NPO %, groups %, NPO % of national, groups % of national."""
    return pd.DataFrame(rows, columns=["region", *derive.ORG_SHARE_COLUMNS])


def counts(result: pd.DataFrame) -> dict[str, tuple[int, int]]:
    return {row.region: (row.npo, row.initiative_groups) for row in result.itertuples()}


@pytest.mark.parametrize(
    ("value", "published", "decimals", "expected"),
    [(74.31, 74.3, 1, True), (74.35, 74.3, 1, True), (74.36, 74.3, 1, False), (2.5, 3, 0, True)],
)
def test_matches_rounded_accepts_either_half_rounding(value, published, decimals, expected):
    assert derive.matches_rounded(value, published, decimals) is expected


def test_implied_complement_solves_part_over_whole():
    # 30 of a whole at 60% leaves 20 for the other part; 10 at 33.3% leaves 20 (20.03)
    assert derive.implied_complement(30, 60) == 20
    assert derive.implied_complement(10, 33.3) == 20


def test_implied_complement_rejects_impossible_share():
    with pytest.raises(DerivationError, match="share 0"):
        derive.implied_complement(10, 0)


def test_organization_counts_recovers_unique_counts():
    table = shares([("A", 75.0, 25.0, 75.0, 16.7), ("B", 16.7, 83.3, 25.0, 83.3)])
    result = derive.organization_counts(table, npo_total=4, ig_total=6, npo_sum=4, ig_sum=6)
    assert counts(result) == {"A": (3, 1), "B": (1, 5)}


def test_organization_counts_breaks_ties_by_closest_shares():
    # whole percentages leave 164-166 groups for A; the sum and the shares pick 165 (66.0%)
    table = shares([("A", 1, 99, 50, 66), ("B", 1, 99, 50, 34)])
    result = derive.organization_counts(table, npo_total=2, ig_total=250, ig_sum=250, decimals=0)
    assert counts(result) == {"A": (1, 165), "B": (1, 85)}


def test_organization_counts_raises_when_best_solutions_tie():
    # 251 groups split 50% / 50%: 125 + 126 and 126 + 125 fit equally well
    table = shares([("A", 1, 99, 50, 50), ("B", 1, 99, 50, 50)])
    with pytest.raises(DerivationError, match="equally close"):
        derive.organization_counts(table, npo_total=2, ig_total=251, ig_sum=251, decimals=0)


def test_organization_counts_raises_when_sums_cannot_be_met():
    table = shares([("A", 75.0, 25.0, 75.0, 16.7), ("B", 16.7, 83.3, 25.0, 83.3)])
    with pytest.raises(DerivationError, match="sums npo=5"):
        derive.organization_counts(table, npo_total=4, ig_total=6, npo_sum=5)


def test_organization_counts_names_region_without_any_fit():
    # 3 of 4 NPOs cannot be 90% of a region whose groups are 1 of 6
    table = shares([("A", 90.0, 10.0, 75.0, 16.7), ("B", 16.7, 83.3, 25.0, 83.3)])
    with pytest.raises(DerivationError, match=r"\['A'\]"):
        derive.organization_counts(table, npo_total=4, ig_total=6)


def test_remainder_and_share():
    assert derive.remainder(100, [30, 45]) == 25
    assert derive.share_pct(1, 3) == 33.3
    assert derive.share_pct(2, 3, decimals=0) == 67


def test_hours_norms():
    assert derive.monthly_hours_norm(250, 8) == 166.7
    assert derive.annual_hours_norm(250, 8) == 2000


MAPPING = pd.DataFrame(
    {"current_code": ["P", "Q", "R", "S"], "reporting_code_2022": ["P", "P", "R", "S"]}
)


def test_sum_to_reporting_units_only_returns_split_units():
    frame = pd.DataFrame({"region": ["P", "Q", "R", "S"], "population": [10, 5, 7, 1]})
    result = derive.sum_to_reporting_units(frame, MAPPING, "population")
    assert result.to_dict() == {"P": 15}


def test_weighted_mean_to_reporting_units_weights_by_population():
    wages = pd.DataFrame({"region": ["P", "Q", "R"], "wage": [100.0, 400.0, 9.0]})
    weights = pd.DataFrame({"region": ["P", "Q", "R"], "population": [3, 1, 5]})
    result = derive.weighted_mean_to_reporting_units(wages, weights, MAPPING, "wage", "population")
    assert result.to_dict() == {"P": 175.0}


def observations(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator", "region", "category", "value", "status"])
    return frame.assign(year=2030)


def test_unrecorded_derivations_subtract_hours_already_counted():
    obs = observations(
        [
            ("unrecorded_hours_added", "KZ", None, 300.0, "reported"),
            ("hours", "KZ", None, 1000.0, "reported"),
        ]
    )
    initiatives = pd.DataFrame({"hours": [200.0, 100.0], "hours_already_in_rfo": [50.0, None]})
    values = {
        d.key["indicator"]: d.value for d in derive.unrecorded_derivations(obs, initiatives, 2030)
    }
    assert values == {
        "unrecorded_hours_double_counted": 50.0,
        "unrecorded_hours_added_adjusted": 250.0,
        "unrecorded_hours_added_adjusted_pct": 25.0,
    }


def test_grant_derivations_fill_the_blank_project_by_difference():
    obs = observations([("grant_hours_total", "KZ", None, 100.0, "reported")])
    grants = pd.DataFrame(
        {
            "id": ["a", "b", "blank", "none"],
            "hours": [30.0, 45.0, None, None],
            "status": ["reported", "reported", "derived", "missing"],
        }
    )
    (derived,) = derive.grant_derivations(grants, obs, 2030)
    assert (derived.key, derived.value) == ({"id": "blank"}, 25.0)


def test_organization_derivations_put_the_rest_in_almaty_city():
    # 6 groups are 60% of the associations outside Almaty city: 4 NPOs there, 10 - 4 in Almaty
    rows = [
        ("npo", "KZ", None, 10.0, "reported"),
        ("initiative_groups", "KZ", None, 6.0, "reported"),
        ("initiative_groups_share_excl_almaty", "KZ", None, 60.0, "reported"),
    ]
    for region, values in {"A": (75.0, 25.0, 75.0, 16.7), "B": (16.7, 83.3, 25.0, 83.3)}.items():
        for indicator, category, value in zip(
            ["org_share_in_region"] * 2 + ["org_share_of_national"] * 2,
            ["npo", "initiative_group"] * 2,
            values,
            strict=True,
        ):
            rows.append((indicator, region, category, value, "reported"))
    derived = derive.organization_derivations(observations(rows), 2030)
    values = {(d.key["indicator"], d.key["region"]): d.value for d in derived}
    assert values == {
        ("npo", derive.ALMATY_CITY): 6.0,
        ("npo", "A"): 3,
        ("initiative_groups", "A"): 1,
        ("npo", "B"): 1,
        ("initiative_groups", "B"): 5,
    }


def test_2022_files_hold_what_derive_computes():
    assert derive.check(2022) == []


def test_check_reports_a_drifted_value(tmp_path):
    folder = tmp_path / "2022"
    shutil.copytree(paths.year_data_dir(2022), folder)

    def shift_derived_hours(row):
        if row["status"] == "derived":
            row["hours"] = str(float(row["hours"]) + 1)

    rewrite_csv(folder / "grant_projects.csv", shift_derived_hours)
    problems = derive.check(2022, folder)
    assert len(problems) == 1
    assert "grant_projects.csv" in problems[0]


def test_cli_check_exit_code():
    assert derive.main(["--check", "2022"]) == 0


def rewrite_csv(path, change) -> None:
    """Apply `change(row)` to every row of a CSV file in place."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_check_reports_a_derived_row_without_method(tmp_path):
    folder = tmp_path / "2022"
    shutil.copytree(paths.year_data_dir(2022), folder)

    def mark_derived(row):
        if row["indicator"] == "fte_equivalent":
            row["status"] = "derived"

    rewrite_csv(folder / "observations.csv", mark_derived)
    problems = derive.check(2022, folder)
    assert any("fte_equivalent" in p and "no method" in p for p in problems)
