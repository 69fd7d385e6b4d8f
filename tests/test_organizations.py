"""Unit tests of chapter 2 (organizations and initiative groups) on tiny hand-built datasets."""

import math

import matplotlib.pyplot as plt
import pytest
from builders import make_dataset

from volreport import organizations
from volreport.published import region_names

# Astana and Mangystau with both counts, Almaty city (KZ-75) with NPOs only: 30 groups,
# 10 + 5 NPOs where groups are known, 20 NPOs in all.


def organization_rows(npo_total=20, share_published=75.0) -> list[dict]:
    """National and regional organization observations (shares: in region, of national)."""
    rows = [
        {"indicator": "npo", "value": npo_total},
        {"indicator": "npo", "year": 2021, "value": 16},
        {"indicator": "initiative_groups", "value": 30},
        {"indicator": "initiative_groups", "year": 2021, "value": 24},
        {"indicator": "initiative_groups_share_excl_almaty", "value": share_published},
        {"indicator": "npo", "region": "KZ-71", "value": 10, "status": "derived"},
        {"indicator": "npo", "region": "KZ-47", "value": 5, "status": "derived"},
        {"indicator": "npo", "region": "KZ-75", "value": 5, "status": "derived"},
        {"indicator": "initiative_groups", "region": "KZ-71", "value": 15, "status": "derived"},
        {"indicator": "initiative_groups", "region": "KZ-47", "value": 15, "status": "derived"},
        {"indicator": "initiative_groups", "region": "KZ-75", "value": None},
    ]
    in_region = {"KZ-71": {"npo": 40.0, "initiative_group": 60.0},
                 "KZ-47": {"npo": 25.0, "initiative_group": 75.0}}  # fmt: skip
    of_national = {"KZ-71": {"npo": 66.7, "initiative_group": 50.0},
                   "KZ-47": {"npo": 33.3, "initiative_group": 50.0}}  # fmt: skip
    for indicator, table in (("org_share_in_region", in_region),
                             ("org_share_of_national", of_national)):  # fmt: skip
        for region, shares in table.items():
            rows += [
                {"indicator": indicator, "region": region, "category": org_type, "value": value}
                for org_type, value in shares.items()
            ]
    return rows


@pytest.fixture(scope="module")
def ds():
    return make_dataset(organization_rows())


@pytest.fixture(scope="module")
def result(ds):
    return organizations.compute(ds)


def test_changes_on_previous_year(result):
    assert result.npo_change_pct == pytest.approx(25)
    assert result.groups_change_pct == pytest.approx(25)


def test_groups_share_counts_only_npos_where_groups_are_known(ds, result):
    assert organizations.npo_where_groups_reported(ds) == 15
    assert result.groups_share_recomputed == pytest.approx(30 / 45 * 100)
    assert organizations.groups_share_excluding_gaps(None, 15) is None
    assert result.groups_share_all_npo == pytest.approx(30 / 50 * 100)


def test_tolerance_grows_with_the_number_of_rounded_regional_shares():
    # 16 shares rounded to 0.1% of 632 NPOs may shift the NPO sum by about 5 NPOs.
    tolerance = organizations.groups_share_tolerance(1834, 632, 16)
    assert tolerance == pytest.approx(0.05 + 16 * 0.0005 * 632 * 1834 / 2466**2 * 100)
    assert organizations.groups_share_tolerance(1834, 632, 1) < tolerance


def test_regions_without_group_data(ds, result):
    assert result.regions_without_group_data == [region_names(ds)["KZ-75"]]


def test_by_region_table_has_all_regions_sorted_by_npo_share(ds, result):
    table = result.by_region
    names = region_names(ds)
    assert len(table) == 17
    assert list(table["Region"][:2]) == [names["KZ-71"], names["KZ-47"]]
    first = table.iloc[0]
    assert first["Volunteer NPOs"] == 10
    assert first["Region's share of the country's groups, %"] == 50.0
    almaty = table[table["Region"] == names["KZ-75"]].iloc[0]
    assert almaty["Volunteer NPOs"] == 5
    assert math.isnan(almaty["Initiative groups"])


def test_chart_frames(result):
    counts = organizations.counts_frame(result.by_region)
    assert set(counts["Type"]) == {"Volunteer NPOs", "Initiative groups"}
    assert len(counts) == 34
    mix = organizations.mix_frame(result.by_region)
    assert len(mix) == 2


def test_plots_draw_one_bar_per_value(result):
    counts = organizations.counts_frame(result.by_region).dropna()
    figure = organizations.plot_counts(counts)
    assert len([p for p in figure.axes[0].patches if p.get_width() > 0]) == 5
    plt.close(figure)
    figure = organizations.plot_mix(organizations.mix_frame(result.by_region))
    assert len(figure.axes[0].patches) == 4
    plt.close(figure)


def test_headline_and_text_compute_their_numbers(result):
    headline = organizations.headline(result)
    assert "**20** volunteer NPOs (16 in 2021, +25%)" in headline
    assert "**30** volunteer initiative groups (24 in 2021, +25%)" in headline
    assert "**75.0%**" in headline
    text = organizations.totals_text(result)
    assert "Almaty city gave no count of initiative groups" in text
    assert "against the 15 NPOs" in text and "the share is 66.7%." in text
    assert "Counting all 20 NPOs instead, it would be 60.0%" in text
    regions = organizations.regions_text(result)
    assert "the counts below are derived from these shares" in regions
    assert "outnumber initiative groups in none of the 2 regions" in regions
    assert "Mangystau region has the smallest share of NPOs (25.0%)" in regions


def test_indicators_keep_the_published_share(ds):
    found = {i.id: i for i in organizations.indicators(ds)}
    assert found["npo_total"].value == 20
    assert found["initiative_groups_share_pct"].value == 75.0
    assert found["initiative_groups_share_pct"].status == "reported"
    assert {i.qualifier for i in found.values()} == {"exact"}


def test_discrepancies_when_shares_are_not_of_the_national_total_or_the_share_is_off(ds):
    found = organizations.discrepancies(ds)
    assert [d.topic for d in found] == [
        "Regional shares of all volunteer NPOs",
        "Initiative groups' share of volunteer associations",
    ]
    assert "about 15 NPOs, leaving about 5 for Almaty city" in found[0].recomputed
    assert found[1].recomputed == "66.7%"


def test_regions_text_says_nothing_of_derivation_for_published_counts():
    rows = [{**r, "status": "reported"} if r.get("status") == "derived" else r
            for r in organization_rows()]  # fmt: skip
    result = organizations.compute(make_dataset(rows))
    assert (result.by_region[organizations.COUNT_STATUS].iloc[:3] == "reported").all()
    assert "derived" not in organizations.regions_text(result)


def test_no_discrepancies_when_the_figures_agree_within_rounding():
    consistent = make_dataset(organization_rows(npo_total=15, share_published=66.7))
    assert organizations.discrepancies(consistent) == []
    text = organizations.totals_text(organizations.compute(consistent))
    assert "the share is 66.7%, the published figure within the rounding" in text


def test_share_over_all_regions_when_every_region_counted_groups():
    rows = [r for r in organization_rows() if r.get("region") != "KZ-75"]
    rows = [r for r in rows if r["indicator"] != "initiative_groups_share_excl_almaty"]
    rows.append({"indicator": "initiative_groups_share_excl_almaty", "value": None})
    ds = make_dataset(rows)
    result = organizations.compute(ds)
    assert result.regions_without_group_data == []
    assert result.groups_share_recomputed == pytest.approx(30 / 45 * 100)
    assert "Over all regions, unregistered initiative groups make up **66.7%**" in (
        organizations.headline(result)
    )
    text = organizations.totals_text(result)
    assert "Over all regions, the 30 initiative groups are 66.7% of the volunteer associations" in (
        text
    )
    assert "leaves" not in text and "Counting all" not in text
    share = {i.id: i for i in organizations.indicators(ds)}["initiative_groups_share_pct"]
    assert (share.value, share.status) == (pytest.approx(66.67, abs=0.01), "derived")


def test_totals_say_so_when_no_previous_count_exists():
    rows = [r for r in organization_rows() if r.get("year") != 2021]
    result = organizations.compute(make_dataset(rows))
    assert "(no 2021 count to compare)" in organizations.headline(result)
    assert "no count for 2021 is available" in organizations.totals_text(result)
