"""The derivation rules on tiny hand-built inputs, and `--check` on the 2022 vintage, a
synthetic one and an ingested one (agreeing, and with one derived value edited)."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest
import test_next_year_e2e as e2e

from volreport.core import paths
from volreport.data import derive
from volreport.data.dataset import load_reference, read_csv
from volreport.data.derive import DerivationError
from volreport.intake import forms, ingest, synth


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
        if row["indicator"] == "volunteers_estimate":
            row["status"] = "derived"

    rewrite_csv(folder / "observations.csv", mark_derived)
    (problem,) = derive.check(2022, folder)
    assert problem.startswith("observations.csv, row ")
    assert problem.endswith(
        "volunteers_estimate 2022, region KZ: status derived, but no rule recomputes it"
    )


# --- the rules of the return forms, on tiny stores -------------------------------------------

YEAR = 2030


def store(rows: list[tuple], year: int = YEAR) -> derive.Observations:
    """Observations from (indicator, region, category, value[, qualifier[, status[, year]]])."""
    records = []
    for row in rows:
        indicator, region, category, value, *rest = row
        qualifier, status, row_year = (*rest, *("exact", "reported", year)[len(rest) :])
        records.append(
            {
                "indicator": indicator,
                "year": row_year,
                "region": region,
                "category": category,
                "value": value,
                "qualifier": qualifier if value is not None else "",
                "status": status if value is not None else "missing",
            }
        )
    return derive.Observations.from_records(year, records)


def derived(rules, obs: derive.Observations, **inputs) -> dict[tuple, derive.Derived]:
    """What `rules` derive, by (indicator, region, category)."""
    items = derive.apply(rules, derive.Inputs(obs.year, obs, **inputs))
    return {(i.key["indicator"], i.key["region"], i.key["category"]): i for i in items}


def test_sums_and_shares_arithmetic():
    assert derive.national_sum([1, 2, None], 3) == (
        3,
        "at_least",
        "sum of the 2 of 3 regions with a value",
    )
    assert derive.national_sum([1, 2], 2)[:2] == (3, "exact")
    assert derive.national_sum([None], 1)[0] is None
    assert derive.share(1, 3) == 33.33 and derive.share(1, 0) is None
    assert derive.percent_change(110, 100) == 10 and derive.percent_change(5, 0) is None


def test_the_groups_share_note_says_how_or_why_missing_for_any_year():
    assert derive.groups_share_note(20, False) == (
        "initiative groups ÷ (groups + NPOs) x 100 over the 20 regions that gave a count of "
        "initiative groups"
    )
    assert "19 regions" in derive.groups_share_note(19, False)
    assert derive.groups_share_note(0, False) == "no region gave a count of initiative groups"
    assert "gave no count of NPOs" in derive.groups_share_note(5, True)


def test_a_national_sum_with_a_region_missing_is_at_least_and_has_no_shares():
    obs = store(
        [
            ("volunteers_by_sex", "A", "female", 6),
            ("volunteers_by_sex", "A", "male", 4),
            ("volunteers_by_sex", "B", "female", None),
            ("volunteers_by_sex", "B", "male", 5),
        ]
    )
    found = derived(derive.FORM_RULES, obs)
    female = found[("volunteers_by_sex", "KZ", "female")]
    assert (female.value, female.qualifier) == (6, "at_least")
    assert female.note == "sum of the 1 of 2 regions with a value"
    assert found[("volunteers_by_sex", "KZ", "male")].value == 9
    assert found[("volunteers_share_by_sex", "KZ", "male")].value is None  # of an "at least"
    assert found[("volunteers_share_by_sex", "A", "female")].value == 60
    assert found[("volunteers_share_by_sex", "B", "male")].value is None  # a part is missing


def test_a_region_without_hours_by_area_takes_its_total_from_its_hours_by_format():
    # B left its hours by area empty but gave them by format: its total is known, and the
    # national total is exact; the national hours by area stay "at least" (A's only).
    # C gave neither: its total is missing and makes the national events "at least".
    obs = store(
        [
            ("hours", "A", "umit", 30),
            ("hours", "A", "bilim", 10),
            ("hours_by_format", "A", "online", 15),
            ("hours_by_format", "A", "offline", 25),
            ("hours", "B", "umit", None),
            ("hours", "B", "bilim", None),
            ("hours_by_format", "B", "online", 20),
            ("hours_by_format", "B", "offline", 40),
            ("events", "A", "umit", 3),
            ("events_by_format", "A", "online", 3),
            ("events", "B", "umit", 2),
            ("events_by_format", "B", "online", None),
            ("events", "C", "umit", None),
            ("events_by_format", "C", "online", None),
        ]
    )
    found = derived(derive.FORM_RULES, obs)
    hours_b = found[("hours", "B", "")]
    assert hours_b.value == 60
    assert hours_b.note == "sum of hours by format (hours by area not all given)"
    assert found[("hours", "A", "")].note == "sum of hours by area"
    national = found[("hours", "KZ", "")]
    assert (national.value, national.qualifier) == (100, "exact")
    assert found[("hours", "KZ", "umit")].qualifier == "at_least"
    assert found[("hours_share", "KZ", "umit")].value is None  # of an "at least" area sum
    assert found[("events", "B", "")].value == 2  # by area, though a format is missing
    assert found[("events", "C", "")].value is None
    events = found[("events", "KZ", "")]
    assert (events.value, events.qualifier) == (5, "at_least")


def test_regional_totals_feed_the_national_sums_and_shares():
    obs = store(
        [
            ("hours", "A", "umit", 30),
            ("hours", "A", "bilim", 10),
            ("hours", "B", "umit", 60),
            ("hours", "B", "bilim", 0),
        ]
    )
    found = derived(derive.FORM_RULES, obs)
    assert found[("hours", "A", "")].value == 40
    assert found[("hours", "KZ", "")].value == 100
    assert found[("hours_share", "KZ", "umit")].value == 90
    assert found[("hours_share_of_area_national", "B", "umit")].value == pytest.approx(66.67)


def test_changes_come_from_the_year_before_s_rows_of_the_vintage():
    obs = store(
        [
            ("volunteers", "A", "", 110),
            ("volunteers", "A", "", 100, "exact", "reported", YEAR - 1),
            ("volunteers", "B", "", 50),
        ]
    )
    found = derived([derive.Rule(derive.changes_on_previous_year)], obs)
    change = found[("volunteers_change_pct", "A", "")]
    assert (
        change.value == 10
        and change.note == f"volunteers {YEAR} ÷ volunteers {YEAR - 1} − 1, x 100"
    )
    assert ("volunteers_change_pct", "B", "") not in found  # no count for the year before


def test_a_reported_value_is_never_replaced():
    obs = store(
        [("volunteers", "A", "", 10), ("volunteers", "B", "", 5), ("volunteers", "KZ", "", 20)]
    )
    found = derived(derive.FORM_RULES, obs)
    assert ("volunteers", "KZ", "") not in found  # reported: stands, not summed
    assert found[("volunteers_share_by_region", "A", "")].value == 50  # of the reported 20


def test_transcription_rules_run_only_where_the_vintage_marks_their_values_derived():
    national = store([("npo", "KZ", "", 10, "exact", "derived")])
    regional = store([("npo", "A", "", 10, "exact", "derived")])
    rule = derive.TRANSCRIPTION_RULES[0]
    assert rule.name == "organization_rule"
    inputs = derive.Inputs
    assert not rule.marked(inputs(YEAR, national)) and rule.marked(inputs(YEAR, regional))


# --- the check on the three kinds of vintage ---------------------------------------------------

SYNTH_YEAR, SYNTH_SEED, SYNTH_EVENTS = 2061, 3, 300
RETURNED = 4  # regional forms returned in the ingested vintage


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small synthetic vintage (no year before next to it: synth draws those figures)."""
    root = tmp_path_factory.mktemp("synthetic")
    folder, _ = synth.synth(
        SYNTH_YEAR,
        SYNTH_SEED,
        SYNTH_EVENTS,
        data_dir=root / str(SYNTH_YEAR),
        report_dir=root / "report",
    )
    return folder


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """A vintage ingested from return forms filled as in test_next_year_e2e, and official
    tables: the national form and RETURNED regional forms only (the other regions' figures
    are gaps, their national sums "at least")."""
    root = tmp_path_factory.mktemp("ingested")
    reference = load_reference()
    units = forms.form_units(reference)
    regional = units[units["code"] != "KZ"].head(RETURNED)
    workbooks = []
    for index, unit in enumerate(
        [*regional.itertuples(), *units[units["code"] == "KZ"].itertuples()]
    ):
        path = root / forms.form_filename(unit.code, unit.name)
        forms.build_form(e2e.YEAR, unit.code, unit.name, reference).save(path)
        e2e.fill(path, reference, index)
        workbooks.append(path)
    result = ingest.ingest(
        e2e.YEAR,
        [*workbooks, *e2e.official_tables(root / "official")],
        data_dir=root / "data" / str(e2e.YEAR),
        previous_dir=root / "none",
        report_dir=root / "report",
    )
    return result.folder


def edited_copy(folder, tmp_path, change):
    """A copy of a vintage with `change(row)` applied to every row of observations.csv."""
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    rewrite_csv(copy / "observations.csv", change)
    return copy


def test_check_passes_on_a_synthetic_vintage(synthetic, capsys):
    assert derive.check(SYNTH_YEAR, synthetic) == []
    assert derive.main(["--check", str(SYNTH_YEAR), "--data-dir", str(synthetic)]) == 0
    assert capsys.readouterr().out.startswith(f"{SYNTH_YEAR}: OK")


def test_check_passes_on_an_ingested_vintage(ingested):
    obs = read_csv(ingested / "observations.csv")
    national = obs[
        (obs["indicator"] == "volunteers") & (obs["region"] == "KZ") & (obs["year"] == e2e.YEAR)
    ]
    assert national["qualifier"].tolist() == ["at_least"]  # most regions sent no return
    assert derive.check(e2e.YEAR, ingested) == []


def test_an_edited_derived_value_is_named_once(synthetic, tmp_path, capsys):
    key = ("volunteers", str(SYNTH_YEAR), "KZ", "")
    obs = read_csv(synthetic / "observations.csv")
    total = int(obs[(obs["indicator"] == "volunteers") & (obs["year"] == SYNTH_YEAR)
                    & (obs["region"] == "KZ")]["value"].iloc[0])  # fmt: skip

    def edit(row):
        if (row["indicator"], row["year"], row["region"], row["category"]) == key:
            row["value"] = str(total + 1)

    copy = edited_copy(synthetic, tmp_path, edit)
    exit_code = derive.main(["--check", str(SYNTH_YEAR), "--data-dir", str(copy)])
    out = capsys.readouterr()
    assert exit_code == 1 and "Traceback" not in out.out + out.err
    *problems, summary = out.out.splitlines()
    assert summary == f"{SYNTH_YEAR}: 1 problem(s) with derived values"
    # the shares computed from it are not named: the rules read the recomputed sum
    (problem,) = problems
    assert problem.startswith("observations.csv, row ")
    assert problem.endswith(
        f"volunteers {SYNTH_YEAR}, region KZ: stored {total + 1}, recomputed {total} "
        "(derive.national_sums)"
    )


def test_an_edited_qualifier_is_named(ingested, tmp_path):
    def edit(row):
        if (row["indicator"], row["year"], row["region"]) == ("volunteers", "2031", "KZ"):
            row["qualifier"] = "exact"

    (problem,) = derive.check(e2e.YEAR, edited_copy(ingested, tmp_path, edit))
    assert "volunteers 2031, region KZ: stored" in problem and "(at_least)" in problem


def test_a_stale_share_is_named_after_its_input_changed(ingested, tmp_path):
    def edit(row):
        if (row["indicator"], row["region"]) == ("volunteers_by_sex", "KZ-71"):
            row["value"] = (
                str(int(row["value"]) * 2) if row["category"] == "female" else row["value"]
            )

    problems = derive.check(e2e.YEAR, edited_copy(ingested, tmp_path, edit))
    named = {p.split(": ")[1] for p in problems}
    assert "volunteers_share_by_sex 2031, region KZ-71, category female" in named
    assert "volunteers_by_sex 2031, region KZ, category female" in named


def test_a_rule_that_cannot_recompute_is_named_without_traceback(tmp_path, capsys):
    folder = tmp_path / "2022"
    shutil.copytree(paths.year_data_dir(2022), folder)

    def impossible(row):
        if (row["indicator"], row["region"], row["category"]) == (
            "org_share_in_region",
            "KZ-71",
            "npo",
        ):
            row["value"] = "99.9"

    rewrite_csv(folder / "observations.csv", impossible)
    assert derive.main(["--check", "2022", "--data-dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "derive.organization_rule: cannot recompute on this vintage" in out
    assert "Traceback" not in out


def test_a_missing_vintage_is_an_error_not_a_traceback(tmp_path, capsys):
    assert derive.main(["--check", "2061", "--data-dir", str(tmp_path / "none")]) == 1
    assert "2061: cannot check" in capsys.readouterr().err
