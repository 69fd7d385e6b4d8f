"""Unit tests of chapter 5 (economic contribution) on tiny hand-built datasets."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from builders import make_dataset

from volreport import economics

matplotlib.use("Agg")

PARAMS = {
    "monthly_hours_norm": {"value": 160.0, "source": "test calendar"},
    "annual_hours_norm": {"value": 1920.0, "source": "test calendar"},
}


def observations(recorded=10_000, value=2_000_000, fte=6):
    return [
        {"indicator": "hours", "value": recorded, "unit": "hours"},
        {"indicator": "grant_hours_total", "value": 500, "qualifier": "at_least"},
        {"indicator": "grant_volunteers_total", "value": 50},
        {"indicator": "unrecorded_hours_added", "value": 2500},
        {"indicator": "unrecorded_hours_added_pct", "value": 25},
        {"indicator": "economic_value_kzt", "value": value, "qualifier": "at_least"},
        {"indicator": "economic_value_kzt_sector_low", "value": 1_500_000},
        {"indicator": "economic_value_kzt_sector_high", "value": 2_000_000},
        {"indicator": "fte_equivalent", "value": fte},
    ]


def initiatives(with_grants=False):
    rows = [
        {"id": "loops", "name": "Knitting", "organization": "PF", "volunteers": 10,
         "volunteers_qualifier": "exact", "hours": 800, "hours_qualifier": "at_least",
         "hours_already_in_rfo": None, "status": "reported", "source": "test", "note": None},
        {"id": "hq", "name": "Headquarters", "organization": None, "volunteers": 5,
         "volunteers_qualifier": "at_least", "hours": 1200, "hours_qualifier": "at_least",
         "hours_already_in_rfo": 300, "status": "reported", "source": "test", "note": None},
    ]  # fmt: skip
    if with_grants:
        rows.append({**rows[0], "id": "grant_projects", "name": "Grant projects", "hours": 500})
    return rows


def wages():
    return [
        {"region": "KZ", "boundaries": "current", "wage_kzt": 320_000, "status": "reported",
         "source": "BNS"},
        {"region": "KZ-71", "boundaries": "current", "wage_kzt": 400_000, "status": "reported",
         "source": "BNS"},
        {"region": "KZ-59", "boundaries": "current", "wage_kzt": 200_000, "status": "reported",
         "source": "BNS"},
        {"region": "KZ-19", "boundaries": "reporting_2022", "wage_kzt": 100_000,
         "status": "derived", "source": "weighted"},
    ]  # fmt: skip


def occupations():
    return [
        {"occupation": "Managers", "wage_kzt": 500_000, "status": "reported", "source": "BNS"},
        {"occupation": "Elementary", "wage_kzt": 120_000, "status": "reported", "source": "BNS"},
    ]


def dataset(with_grants=False, params=PARAMS, **obs):
    return make_dataset(
        observations(**obs),
        {
            "unrecorded_initiatives": initiatives(with_grants),
            "wages": wages(),
            "wages_by_occupation": occupations(),
        },
        params=params,
    )


def test_replacement_value_and_full_time_equivalents():
    assert economics.replacement_value(320, 32_000, 160) == 64_000
    assert economics.full_time_equivalents(3840, 1920) == 2


def test_implied_parameters_invert_the_method():
    value = economics.replacement_value(1000, 300_000, 150)
    assert economics.implied_monthly_norm(1000, 300_000, value) == pytest.approx(150)
    assert economics.implied_monthly_wage(1000, 150, value) == pytest.approx(300_000)
    assert economics.implied_hours_per_person_year(3600, 2) == 1800


def test_rounds_to_compares_at_the_published_precision():
    assert economics.rounds_to(2_555_290_413, 2.6e9, economics.BILLION, 1)
    assert not economics.rounds_to(2_549_000_000, 2.6e9, economics.BILLION, 1)
    assert not economics.rounds_to(2_555_290_413, None, economics.BILLION, 1)


def test_default_wage_follows_params():
    params = {
        **PARAMS,
        "default_wage": {"table": "wages", "region": "KZ-71", "boundaries": "current"},
    }
    wage = economics.default_wage(dataset(params=params))
    assert wage["wage_kzt"] == 400_000 and wage["label"] == "Astana average monthly wage"
    absent = {**PARAMS, "default_wage": {"region": "KZ-99", "boundaries": "current"}}
    with pytest.raises(KeyError, match="wages.csv: no wage_kzt for region KZ-99"):
        economics.default_wage(dataset(params=absent))


def test_billions():
    assert economics.billions(2_555_290_413) == "2.56 billion KZT"
    assert economics.billions(2.6e9, 1) == "2.6 billion KZT"


def test_parameters_read_from_params_and_the_national_wage():
    params = economics.method_parameters(dataset())
    assert params.monthly_norm_hours == 160 and params.annual_norm_hours == 1920
    assert params.wage_kzt == 320_000 and params.norm_source == "test calendar"


def test_missing_parameter_names_the_file_and_entry():
    with pytest.raises(KeyError, match="params.yml.*annual_hours_norm"):
        economics.method_parameters(dataset(params={"monthly_hours_norm": 160}))


def test_grant_projects_join_the_unrecorded_initiatives_once():
    added = economics.unrecorded_table(dataset())
    assert added["id"].tolist() == ["loops", "hq", "grant_projects"]
    assert added["hours"].sum() == 2500
    listed = economics.unrecorded_table(dataset(with_grants=True))
    assert listed["id"].tolist() == ["loops", "hq", "grant_projects"]
    assert listed["hours"].sum() == 2500


def test_unrecorded_display_puts_each_qualifier_in_its_number_and_the_data_keeps_them_apart():
    frame = economics.unrecorded_table(dataset())
    frame.loc[frame["id"] == "loops", "volunteers"] = pd.NA
    shown = economics.unrecorded_display(frame)
    assert shown.columns.tolist() == [
        "Initiative", "Volunteers", "Hours", "Of which already in the RFO figures, hours"
    ]  # fmt: skip
    assert shown["Volunteers"].tolist() == ["—", "at least 5", "50"]
    assert shown["Hours"].tolist() == ["at least 800", "at least 1,200", "at least 500"]
    assert shown["Of which already in the RFO figures, hours"].tolist() == [0, 300, 0]
    data = economics.unrecorded_data(frame)
    assert data.columns.tolist() == [
        "Initiative", "Volunteers", "Volunteers as published", "Hours", "Hours as published",
        "Of which already in the RFO figures, hours",
    ]  # fmt: skip
    assert data["Hours"].tolist() == [800, 1200, 500]
    assert data["Hours as published"].tolist() == ["at least"] * 3
    assert data["Volunteers as published"].tolist() == ["", "at least", ""]


def test_hours_basis_with_and_without_the_double_count():
    basis = economics.hours_basis(dataset())
    assert (basis.recorded, basis.added, basis.double_counted) == (10_000, 2500, 300)
    assert basis.adjusted == 12_500 and basis.adjusted_net == 12_200
    assert basis.added_pct == 25 and basis.added_net_pct == 22


def test_compute_values_the_adjusted_hours():
    result = economics.compute(dataset())
    assert result.economic_value_kzt == pytest.approx(12_500 * 320_000 / 160)
    assert result.economic_value_net_kzt == pytest.approx(12_200 * 320_000 / 160)
    assert result.fte_equivalent == pytest.approx(12_500 / 1920)
    assert result.implied_hours_per_fte == pytest.approx(12_500 / 6)
    assert result.implied_wage == pytest.approx(2_000_000 * 160 / 12_500)


def test_wage_bases_use_official_regional_wages_and_occupation_extremes():
    ds = dataset()
    bases = economics.wage_bases(ds, economics.method_parameters(ds))
    assert bases["basis"].tolist() == [
        "National average",
        "Lowest regional (North Kazakhstan region)",
        "Highest regional (Astana)",
        "Regional, weighted by each region's hours",
        "Lowest occupation group (Elementary)",
        "Highest occupation group (Managers)",
    ]
    assert pd.isna(bases.loc[3, "wage_kzt"])  # the derived pre-split wage is not an extreme
    assert bases.loc[3, "note"] == "not possible: the data hold no hours by region"


def test_hours_weighted_wage_needs_every_region_s_hours():
    regional = [
        {"indicator": "hours", "region": "KZ-71", "value": 100},
        {"indicator": "hours", "region": "KZ-59", "value": 300},
    ]
    tables = {"wages": wages(), "wages_by_occupation": occupations()}
    weighted = make_dataset(observations() + regional, tables, params=PARAMS)
    assert economics.hours_weighted_wage(weighted) == (100 * 400_000 + 300 * 200_000) / 400
    text = economics.sensitivity_text(
        economics.compute(
            make_dataset(
                observations() + regional,
                {**tables, "unrecorded_initiatives": initiatives()},
                params=PARAMS,
            )
        )
    )
    assert "Weighted by each region's recorded hours" in text
    gap = regional[:1] + [{"indicator": "hours", "region": "KZ-59", "value": None}]
    assert economics.hours_weighted_wage(make_dataset(observations() + gap, tables)) is None
    assert economics.hours_weighted_wage(dataset()) is None


def test_without_double_count_the_prose_does_not_mention_it():
    def none_twice():
        return [{**row, "hours_already_in_rfo": None} for row in initiatives()]

    ds = make_dataset(
        observations(),
        {"unrecorded_initiatives": none_twice(), "wages": wages(),
         "wages_by_occupation": occupations()},
        params=PARAMS,
    )  # fmt: skip
    result = economics.compute(ds)
    for text in (economics.headline(result), economics.fte_text(result)):
        assert "twice" not in text and "double count" not in text


def test_sensitivity_table_values_each_wage_on_both_hours_bases():
    bases = pd.DataFrame({"basis": ["a", "b"], "wage_kzt": [160.0, None], "note": ["", ""]})
    bases["wage_kzt"] = bases["wage_kzt"].astype("Float64")
    basis = economics.HoursBasis(recorded=100, added=20, double_counted=10)
    frame = economics.sensitivity_table(bases, basis, monthly_norm=160)
    assert frame.loc[0, "value_as_counted_kzt"] == 120 and frame.loc[0, "value_net_kzt"] == 110
    assert pd.isna(frame.loc[1, "value_as_counted_kzt"])


def test_texts_state_double_count_and_implied_parameters():
    result = economics.compute(dataset())
    unrecorded = economics.unrecorded_text(result)
    assert "2,500 hours (25.0% of the recorded hours" in unrecorded
    assert "300 of these hours are already in the regional figures" in unrecorded
    assert "12,200 hours" in unrecorded
    fte = economics.fte_text(result)
    assert "The report's 6 people imply 2,083 hours per person-year instead of 1,920." in fte
    value = economics.value_text(result)
    assert "monthly wage of 25,600 KZT" in value and "at least 0.0 billion KZT" in value
    assert "cannot be recomputed" in value
    assert "is not possible: the data hold no hours by region." in economics.sensitivity_text(
        result
    )
    charted = [{"indicator": "hours", "region": "KZ-71", "value": None, "source": "Report, chart"}]
    tables = {"wages": wages(), "wages_by_occupation": occupations()}
    tables["unrecorded_initiatives"] = initiatives()
    result = economics.compute(make_dataset(observations() + charted, tables, params=PARAMS))
    assert "hours by region only as a chart" in economics.sensitivity_text(result)


def test_headline_has_value_and_full_time_equivalents():
    text = economics.headline(economics.compute(dataset()))
    assert "**12,500 hours**" in text and "**0.03 billion KZT**" in text
    assert "the work of 7 people" in text


def test_discrepancies_cover_double_count_value_and_fte():
    topics = [d.topic for d in economics.discrepancies(dataset())]
    assert topics == ["Unrecorded hours counted twice", "Economic value", "Full-time equivalents"]


def test_indicators_are_derived_by_the_method():
    found = {i.id: i for i in economics.indicators(dataset())}
    assert set(found) == {
        "unrecorded_hours_total", "hours_adjusted_total", "economic_value_kzt", "fte_equivalent"
    }  # fmt: skip
    assert found["hours_adjusted_total"].value == 12_500
    assert {i.status for i in found.values()} == {"derived"}
    # Exact recorded hours plus "at least" initiatives: every figure is a lower bound.
    assert {i.qualifier for i in found.values()} == {"at_least"}


def test_indicators_are_only_approximate_when_an_added_part_is_about():
    ds = dataset()
    table = ds.tables["unrecorded_initiatives"]
    table.loc[table["id"] == "loops", "hours_qualifier"] = "approx"
    found = {i.id: i for i in economics.indicators(ds)}
    assert found["unrecorded_hours_total"].qualifier == "approx"
    assert found["economic_value_kzt"].qualifier == "approx"


def test_plots_return_figures():
    result = economics.compute(dataset())
    assert len(economics.plot_hours(result.hours).axes[0].patches) == 3
    figure = economics.plot_sensitivity(result.sensitivity, result.published_value.value)
    assert len(figure.axes[0].patches) >= 2 * 5  # five wages with values, two hours bases


def test_a_value_and_fte_equal_to_the_computed_ones_are_no_discrepancy():
    # 12,500 hours x 320,000 KZT / 160 hours = 25,000,000 KZT; 12,500 / 1,920 = 6.5 -> 7 people.
    ds = dataset(value=25_000_000, fte=7)
    result = economics.compute(ds)
    assert "25,000,000" not in economics.value_text(result)
    assert "0.03 billion KZT, the value the data give." in economics.value_text(result)
    assert "monthly wage of" not in economics.value_text(result)
    assert economics.fte_text(result).endswith("The report gives the same number, 7.")
    topics = [d.topic for d in economics.discrepancies(ds)]
    assert "Economic value" not in topics and "Full-time equivalents" not in topics
