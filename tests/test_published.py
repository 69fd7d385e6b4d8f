"""Unit tests of volreport.data.published: values with qualifier and provenance."""

import math

import pytest
from builders import make_dataset

from volreport.data.published import (
    current_boundaries,
    percent_change,
    published,
    ratio_qualifier,
    region_names,
    regional,
    reporting_regions,
    split_units,
    sum_qualifier,
)


def test_published_keeps_qualifier_status_and_source():
    ds = make_dataset(
        [{"indicator": "volunteers_estimate", "value": 174, "qualifier": "at_least",
          "source": "Report, §Portrait, text"}]
    )  # fmt: skip
    value = published(ds, "volunteers_estimate")
    assert (value.value, value.qualifier, value.status) == (174.0, "at_least", "reported")
    assert value.source == "Report, §Portrait, text"
    assert value.text() == "at least 174"


def test_published_empty_qualifier_means_exact_and_missing_value_is_none():
    ds = make_dataset(
        [{"indicator": "volunteers", "value": 5, "qualifier": ""},
         {"indicator": "volunteers_share_by_cohort", "category": "child", "value": None}]
    )  # fmt: skip
    assert published(ds, "volunteers").qualifier == "exact"
    gap = published(ds, "volunteers_share_by_cohort", category="child")
    assert gap.missing and gap.status == "missing" and gap.text() == "—"


def test_published_names_the_key_when_the_row_is_absent():
    ds = make_dataset([{"indicator": "volunteers", "value": 5}])
    with pytest.raises(KeyError, match="indicator=npo, year=2022, region=KZ"):
        published(ds, "npo")


def test_regional_drops_the_national_row_and_names_regions():
    ds = make_dataset(
        [{"indicator": "npo", "value": 10},
         {"indicator": "npo", "region": "KZ-71", "value": 4},
         {"indicator": "npo", "region": "KZ-75", "value": None}]
    )  # fmt: skip
    frame = regional(ds, "npo").set_index("region")
    assert list(frame.index) == ["KZ-71", "KZ-75"]
    assert frame.loc["KZ-71", "region_name"] == region_names(ds)["KZ-71"]
    assert frame.loc["KZ-71", "value"] == 4.0 and math.isnan(frame.loc["KZ-75", "value"])


def test_reporting_regions_are_the_seventeen_units_of_2022():
    regions = reporting_regions(make_dataset([]))
    assert len(regions) == 17
    assert "KZ" not in set(regions["region"]) and "KZ-10" not in set(regions["region"])


def test_reporting_regions_are_the_current_twenty_once_a_new_unit_appears():
    regions = reporting_regions(make_dataset([{"indicator": "npo", "region": "KZ-62", "value": 1}]))
    assert len(regions) == 20
    assert {"KZ-10", "KZ-33", "KZ-62"} <= set(regions["region"])


def test_percent_change_and_its_gaps():
    assert percent_change(120, 100) == pytest.approx(20)
    assert percent_change(None, 100) is None
    assert percent_change(5, 0) is None


def test_boundaries_follow_the_reporting_years_rows_and_the_split_is_from_the_mapping():
    earlier_new_unit = make_dataset([{"indicator": "npo", "region": "KZ-62", "year": 2021,
                                      "value": 1}])  # fmt: skip
    assert not current_boundaries(earlier_new_unit)
    assert len(reporting_regions(earlier_new_unit)) == 17
    assert split_units(earlier_new_unit) == {"KZ-10", "KZ-33", "KZ-62", "KZ-19", "KZ-35", "KZ-63"}


@pytest.mark.parametrize(
    ("parts", "qualifier"),
    [
        ([], "exact"),
        (["exact", "exact"], "exact"),
        (["exact", "at_least", "at_least"], "at_least"),
        (["at_most", "exact"], "at_most"),
        (["approx", "exact", ""], "approx"),
        (["at_least", "at_most"], "approx"),  # bounds in opposite directions: no bound
        (["at_least", "approx"], "approx"),  # an "about" part breaks the lower bound
    ],
)
def test_sum_qualifier(parts, qualifier):
    assert sum_qualifier(parts) == qualifier


def test_ratio_qualifier_turns_the_divisors_bound_round():
    assert ratio_qualifier("exact", "at_least") == "at_most"
    assert ratio_qualifier("at_least", "at_most") == "at_least"
    assert ratio_qualifier("at_least", "at_least") == "approx"
    assert ratio_qualifier("exact", "approx") == "approx"
    assert ratio_qualifier("exact", "exact") == "exact"


def test_rows_are_filtered_as_the_data_hold_them():
    ds = make_dataset(
        [{"indicator": "hours", "value": 10},
         {"indicator": "hours", "category": "social", "value": 4},
         {"indicator": "hours", "region": "KZ-75", "value": 3},
         {"indicator": "hours", "year": 2021, "value": 8},
         {"indicator": "volunteers", "value": 5}]
    )  # fmt: skip
    assert ds.obs("hours")["value"].tolist() == [10, 4, 3]
    assert ds.obs("hours", category="")["value"].tolist() == [10, 3]
    assert ds.obs("hours", region="KZ", category="")["value"].tolist() == [10]
    assert ds.obs("hours", region="KZ", category="social").index.tolist() == [1]
    assert ds.obs("hours", year=2021)["value"].tolist() == [8]
    assert ds.obs("hours", region="KZ-11").empty and ds.obs("absent").empty
    assert list(ds.obs("absent").columns) == list(ds.observations.columns)


def test_what_is_derived_once_per_dataset_is_the_callers_own_to_change():
    ds = make_dataset([{"indicator": "volunteers", "value": 5}])
    rows = ds.obs("volunteers")
    rows.loc[rows.index[0], "value"] = 99
    assert ds.obs("volunteers")["value"].tolist() == [5]
    regions = reporting_regions(ds)
    regions.loc[0, "region_name"] = "Changed"
    names = region_names(ds)
    names.iloc[0] = "Changed"
    assert "Changed" not in set(reporting_regions(ds)["region_name"]) | set(region_names(ds))
