"""Back-test of chapter 2 against the figures published in the 2022 report (data/2022).

The only place where published figures are typed: each test locks one of them.
"""

import pytest

from volreport.chapters import organizations
from volreport.data.published import region_names


@pytest.fixture(scope="module")
def result(ds2022):
    return organizations.compute(ds2022)


def test_npo_660_against_491(result):
    assert (result.npo.value, result.npo_previous.value) == (660, 491)


def test_initiative_groups_1834_against_1658(result):
    assert (result.groups.value, result.groups_previous.value) == (1_834, 1_658)


def test_groups_share_74_3_without_almaty_city_is_reproduced_within_rounding(result, ds2022):
    assert result.groups_share_published.value == 74.3
    assert result.groups_share_recomputed == pytest.approx(74.3, abs=0.1)
    assert organizations.groups_share_agrees(result)
    assert result.regions_without_group_data == [region_names(ds2022)["KZ-75"]]


ORGANIZATIONS_TABLE = {  # region: NPO % and group % in the region, % of NPOs, % of groups
    "KZ-43": (80.0, 20.0, 4.4, 0.4), "KZ-79": (72.2, 27.8, 10.3, 1.4),
    "KZ-19": (69.0, 31.0, 15.8, 2.5), "KZ-71": (60.0, 40.0, 2.8, 0.7),
    "KZ-61": (60.0, 40.0, 12.8, 2.9), "KZ-23": (41.3, 58.7, 14.2, 7.0),
    "KZ-35": (28.0, 72.0, 4.7, 4.2), "KZ-11": (27.0, 73.0, 5.2, 4.9),
    "KZ-39": (26.7, 73.3, 3.6, 3.4), "KZ-27": (21.7, 78.3, 10.3, 12.8),
    "KZ-63": (19.0, 81.0, 4.1, 6.1), "KZ-15": (12.0, 88.0, 4.1, 10.4),
    "KZ-59": (8.3, 91.7, 0.8, 3.0), "KZ-31": (7.8, 92.2, 2.1, 8.4),
    "KZ-47": (6.8, 93.2, 0.8, 3.7), "KZ-55": (4.4, 95.6, 3.8, 28.4),
}  # fmt: skip


def test_organizations_table_in_the_reports_order(result, ds2022):
    names = region_names(ds2022)
    table = result.by_region.dropna(subset=[organizations.NPO_IN_REGION])
    shares = list(organizations.SHARE_COLUMNS.values())
    assert list(table["Region"]) == [names[code] for code in ORGANIZATIONS_TABLE]
    assert [tuple(row) for row in table[shares].to_numpy()] == list(ORGANIZATIONS_TABLE.values())
    assert (table[organizations.COUNT_STATUS] == "derived").all()


def test_derived_counts_reproduce_the_table_and_the_group_total(result):
    table = result.by_region.dropna(subset=["Initiative groups"])
    npo, groups = table["Volunteer NPOs"], table["Initiative groups"]
    assert groups.sum() == 1_834
    in_region = (npo / (npo + groups) * 100).round(1)
    published = table[organizations.NPO_IN_REGION]
    assert ((in_region - published).abs() <= 0.05 + 1e-9).all()


def test_npo_shares_are_of_the_npos_outside_almaty_city(result, ds2022):
    """The table's NPO shares add up to 99.8% over 16 regions, of about 632-634 NPOs, not 660."""
    assert result.npo_share_sum == pytest.approx(99.8)
    (found,) = [
        d
        for d in organizations.discrepancies(ds2022, organizations.compute(ds2022))
        if d.topic.startswith("Regional")
    ]
    assert "adding up to 99.8%" in found.published
    assert 632 <= result.npo_where_groups_reported <= 634


def test_indicators_are_exact_as_published(ds2022):
    found = {i.id: i for i in organizations.indicators(ds2022, organizations.compute(ds2022))}
    assert {i.id: i.qualifier for i in found.values()} == {
        "npo_total": "exact", "initiative_groups_total": "exact",
        "initiative_groups_share_pct": "exact",
    }  # fmt: skip


def test_statements_quote_the_published_share_and_name_almaty_city(result, ds2022):
    headline = organizations.headline(result)
    assert "**660** volunteer NPOs (491 in 2021, +34%)" in headline
    assert "(all but Almaty city), unregistered initiative groups make up **74.3%**" in headline
    national = organizations.totals_text(result)
    assert "Report 2022 puts initiative groups at 74.3% of volunteer associations" in national
    assert "the share is 74.4%: the published figure, within the rounding" in national
    regions = organizations.regions_text(result)
    assert "is not available for 1 of the 17 regions (Almaty city)" in regions
    assert (
        "Registered organizations outnumber initiative groups in 5 of the 16 regions with a "
        "breakdown (Kyzylorda region, Shymkent, Almaty region, Astana and Turkistan region)"
    ) in regions
    assert "that of initiative groups in Pavlodar region (95.6%)" in regions
