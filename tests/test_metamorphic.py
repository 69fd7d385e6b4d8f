"""Metamorphic tests of chapters 3-5: change an input of the 2022 data in memory and check
that every dependent figure and headline moves as the method says it should.

The unchanged data's results are computed once for the module (`base_areas`,
`base_economics`), each changed copy's once per test: a chapter's compute takes up to a
second on the 2022 data."""

from __future__ import annotations

import dataclasses

import pytest

from volreport.chapters import areas, economics, grants
from volreport.core import fmt

DELTA = 100_000


@pytest.fixture(scope="module")
def base(ds2022):
    """The 2022 vintage as published; the tests change copies of it, never it."""
    return ds2022


@pytest.fixture(scope="module")
def base_areas(base):
    return areas.compute(base)


@pytest.fixture(scope="module")
def base_economics(base):
    return economics.compute(base)


def with_value(ds, indicator, change, region="KZ", category=""):
    """A copy of `ds` whose observation has `change(old value)` as its value (None = missing)."""
    frame = ds.observations.copy()
    mask = (
        (frame["indicator"] == indicator)
        & (frame["year"] == ds.year)
        & (frame["region"] == region)
        & (frame["category"].fillna("") == category)
    )
    assert mask.sum() == 1
    new = change(frame.loc[mask, "value"].iloc[0])
    frame.loc[mask, "value"] = new
    if new is None:
        frame.loc[mask, "status"] = "missing"
    return dataclasses.replace(ds, observations=frame)


def with_table(ds, name, change):
    """A copy of `ds` whose record table `name` is `change(copy of the table)`."""
    tables = {key: ds.tables[key] for key in ds.tables}
    tables[name] = change(tables[name].copy())
    return dataclasses.replace(ds, tables=tables)


def with_params(ds, **entries):
    return dataclasses.replace(ds, params={**ds.params, **entries})


def indicator_values(module, ds):
    return {i.id: i.value for i in module.indicators(ds, module.compute(ds))}


def raise_umit_and_total(ds):
    ds = with_value(ds, "hours", lambda v: v + DELTA, category="umit")
    return with_value(ds, "hours", lambda v: v + DELTA)


def test_more_hours_in_one_area_move_every_dependent_figure(base, base_areas, base_economics):
    changed = raise_umit_and_total(base)
    before, after = indicator_values(areas, base), indicator_values(areas, changed)
    assert after["hours_total"] == before["hours_total"] + DELTA
    assert after["hours_umit"] == before["hours_umit"] + DELTA
    assert after["hours_qamqor"] == before["hours_qamqor"]

    shares_before = base_areas.hours_by_area.set_index("area")["share_recomputed_pct"]
    shares_after = areas.compute(changed).hours_by_area.set_index("area")["share_recomputed_pct"]
    assert shares_after["umit"] > shares_before["umit"]
    others = shares_before.index.drop("umit")
    assert (shares_after[others] < shares_before[others]).all()
    assert shares_after.sum() == pytest.approx(100)

    econ_before, econ_after = base_economics, economics.compute(changed)
    assert econ_after.hours.adjusted == econ_before.hours.adjusted + DELTA
    params = econ_before.params
    assert econ_after.economic_value_kzt - econ_before.economic_value_kzt == pytest.approx(
        DELTA * params.wage_kzt / params.monthly_norm_hours
    )
    assert econ_after.fte_equivalent - econ_before.fte_equivalent == pytest.approx(
        DELTA / params.annual_norm_hours
    )


def test_headlines_follow_the_changed_hours(base, base_areas, base_economics):
    changed = raise_umit_and_total(base)
    result = areas.compute(changed)
    headline = areas.headline(result)
    assert f"**{fmt.number(result.hours_total)} hours**" in headline
    assert headline != areas.headline(base_areas)
    result = economics.compute(changed)
    headline = economics.headline(result)
    assert f"**{fmt.number(result.hours.adjusted)} hours**" in headline
    assert fmt.billions(result.economic_value_kzt) in headline
    assert headline != economics.headline(base_economics)


def test_an_area_out_of_step_with_the_total_is_reported(base, base_economics):
    changed = with_value(base, "hours", lambda v: v + DELTA, category="umit")
    assert "they do not match" in areas.hours_text(areas.compute(changed))
    topics = [d.topic for d in areas.discrepancies(changed, areas.compute(changed))]
    assert "Hours by area vs total" in topics
    assert "Share of hours: Birgemiz: Úmit (emergencies)" in topics
    # The published total still drives the economic value.
    assert economics.compute(changed).hours.recorded == base_economics.hours.recorded


def test_without_a_published_total_the_areas_add_up_to_it(base):
    no_total = with_value(base, "hours", lambda v: None)
    total, status = areas.hours_total(no_total)
    assert status == "derived" and total == areas.hours_total(base)[0]
    more = with_value(no_total, "hours", lambda v: v + DELTA, category="umit")
    assert areas.hours_total(more)[0] == total + DELTA
    assert indicator_values(economics, more)["hours_adjusted_total"] == (
        indicator_values(economics, base)["hours_adjusted_total"] + DELTA
    )


def test_a_higher_wage_raises_the_value_in_proportion_only(base, base_economics):
    def raise_national_wage(wages):
        wages["wage_kzt"] = wages["wage_kzt"].astype("Float64")
        wages.loc[wages["region"] == "KZ", "wage_kzt"] *= 1.1
        return wages

    changed = with_table(base, "wages", raise_national_wage)
    before, after = base_economics, economics.compute(changed)
    assert after.economic_value_kzt == pytest.approx(before.economic_value_kzt * 1.1)
    assert after.fte_equivalent == before.fte_equivalent
    assert after.implied_wage == before.implied_wage  # the implied wage is the report's
    assert economics.headline(after) != economics.headline(before)


def test_a_longer_working_month_lowers_the_value(base, base_economics):
    norm = economics.method_parameters(base).monthly_norm_hours
    changed = with_params(base, monthly_hours_norm={"value": norm * 2, "source": "test"})
    assert economics.compute(changed).economic_value_kzt == pytest.approx(
        base_economics.economic_value_kzt / 2
    )


def test_without_the_double_count_both_bases_agree(base):
    def nothing_recorded_twice(table):
        table["hours_already_in_rfo"] = table["hours_already_in_rfo"] * 0
        return table

    changed = with_table(base, "unrecorded_initiatives", nothing_recorded_twice)
    result = economics.compute(changed)
    assert result.hours.adjusted == result.hours.adjusted_net
    assert result.economic_value_kzt == result.economic_value_net_kzt
    topics = [d.topic for d in economics.discrepancies(changed, economics.compute(changed))]
    assert "Unrecorded hours counted twice" not in topics


def test_a_larger_grant_total_lands_on_the_blank_project(base):
    changed = with_value(base, "grant_hours_total", lambda v: v + 1_000)
    silver_before = grants.compute(base).projects.set_index("id").loc["silver", "hours_shown"]
    silver_after = grants.compute(changed).projects.set_index("id").loc["silver", "hours_shown"]
    assert silver_after == silver_before + 1_000
    assert "at least 46,182 volunteer hours" in grants.headline(grants.compute(changed))


def test_a_plausible_development_total_clears_the_contradiction(base, base_areas):
    changed = with_value(base, "development_hours", lambda v: 800)
    assert "cannot all be right" not in areas.development_text(areas.compute(changed))
    assert "cannot all be right" in areas.development_text(base_areas)
